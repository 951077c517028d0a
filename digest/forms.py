"""Input forms for the keep-in-touch and digest pages. Services re-check what matters."""

from django import forms

from digest.models import INTERVAL_CHOICES, DigestPreference
from digest.services import NOTE_MAX


class KeepInTouchAddForm(forms.Form):
    handle = forms.CharField(
        max_length=150,
        strip=True,
        label="Connection",
        help_text="Start typing a name; pick one of your connections.",
        error_messages={"required": "Choose one of your connections."},
    )
    interval_months = forms.TypedChoiceField(
        choices=INTERVAL_CHOICES, coerce=int, initial=3, label="Remind me"
    )

    def clean_handle(self) -> str:
        # The picker shows "Name (@handle)"; a typed "@handle" works too.
        value: str = self.cleaned_data["handle"]
        if value.endswith(")") and "(@" in value:
            value = value.rsplit("(@", 1)[1][:-1]
        return value.strip().lstrip("@").lower()


class KeepInTouchIntervalForm(forms.Form):
    interval_months = forms.TypedChoiceField(
        choices=INTERVAL_CHOICES, coerce=int, label="Remind me"
    )


class KeepInTouchTouchForm(forms.Form):
    note = forms.CharField(
        max_length=NOTE_MAX,
        required=False,
        strip=True,
        label="A private note (optional)",
        help_text=f"Only you see it. At most {NOTE_MAX} characters.",
        widget=forms.TextInput(attrs={"maxlength": NOTE_MAX, "placeholder": "Had coffee"}),
    )


class DigestPreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        choices=DigestPreference.Frequency.choices,
        widget=forms.RadioSelect,
        label="Send me the digest",
    )
