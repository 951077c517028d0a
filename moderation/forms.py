"""The report form. The service re-checks everything; this gives field errors."""

from django import forms

from moderation.models import Report
from moderation.services import DETAILS_MAX


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        label="What is wrong with it?",
        error_messages={"required": "Choose a reason.", "invalid_choice": "Choose a reason."},
    )
    details = forms.CharField(
        required=False,
        strip=True,
        max_length=DETAILS_MAX,
        label="Anything the moderators should know (optional)",
        help_text=f"At most {DETAILS_MAX} characters. Needed if you chose “Something else”.",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": DETAILS_MAX}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("reason") == Report.Reason.OTHER and not data.get("details"):
            self.add_error("details", "Say what is wrong in a few words.")
        return data
