from typing import Any

from django import forms

from profiles.industries import Industry

NAME_MAX = 150


class WhoAtForm(forms.Form):
    """ "Who do I know at …?": exactly one of a company, a school or an industry."""

    company = forms.CharField(
        max_length=NAME_MAX,
        required=False,
        strip=True,
        label="Company",
        help_text="Where people work now.",
        widget=forms.TextInput(
            attrs={"list": "company-names", "placeholder": "A company", "autocomplete": "off"}
        ),
    )
    school = forms.CharField(
        max_length=NAME_MAX,
        required=False,
        strip=True,
        label="School",
        widget=forms.TextInput(
            attrs={"list": "school-names", "placeholder": "A school", "autocomplete": "off"}
        ),
    )
    industry = forms.ChoiceField(
        choices=[("", "Any industry"), *Industry.choices], required=False, label="Industry"
    )
    via = forms.CharField(max_length=30, required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [kind for kind in ("company", "school", "industry") if data.get(kind)]
        if len(given) > 1:
            raise forms.ValidationError("Choose one: a company, a school or an industry.")
        return data

    def place(self) -> tuple[str, str] | None:
        """(kind, value) asked about, or None when nothing was asked yet."""
        for kind in ("company", "school", "industry"):
            value = self.cleaned_data.get(kind)
            if value:
                return kind, value
        return None
