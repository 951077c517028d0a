"""Input forms for the network pages. Services re-check what matters; these give field errors."""

from django import forms

NOTE_MAX = 300


class ConnectForm(forms.Form):
    note = forms.CharField(
        max_length=NOTE_MAX,
        required=False,
        strip=True,
        label="Add a note (optional)",
        help_text=f"Say how you know each other. At most {NOTE_MAX} characters.",
        widget=forms.Textarea(
            attrs={"rows": 3, "maxlength": NOTE_MAX, "placeholder": "Hi, we met at…"}
        ),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        max_length=NOTE_MAX,
        required=False,
        strip=True,
        label="How you know each other",
        help_text="Private: only you see this note.",
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": NOTE_MAX}),
    )


class NetworkFilterForm(forms.Form):
    """The search and sort of /network/. Bad values fall back to the defaults."""

    SORT_CHOICES = [("recent", "Recently added"), ("name", "Name")]

    q = forms.CharField(max_length=100, required=False, strip=True, label="Search by name")
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False, label="Sort by")

    def values(self) -> tuple[str, str]:
        if not self.is_valid():
            return "", "recent"
        return self.cleaned_data["q"], self.cleaned_data["sort"] or "recent"


class InvitationForm(forms.Form):
    email = forms.EmailField(
        max_length=254,
        label="E-mail address",
        widget=forms.EmailInput(attrs={"placeholder": "name@example.com", "autocomplete": "off"}),
    )
    message = forms.CharField(
        max_length=1000,
        required=False,
        strip=True,
        label="Message (optional)",
        help_text="Shown in the invitation e-mail. At most 1000 characters.",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )


class EmailPreferenceForm(forms.Form):
    notifications = forms.BooleanField(
        required=False,
        label="E-mail me about notifications",
        help_text=(
            "Connection requests, accepted requests and people joining from your invitations."
        ),
    )
