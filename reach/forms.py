"""Input of the reach pages: which breakdown, and which bucket to list."""

from typing import Any

from django import forms

from profiles.industries import Industry
from reach.attributes import DIMENSIONS, normalise

BY_CHOICES = [
    ("industry", "Industry"),
    ("company", "Current company"),
    ("location", "Location"),
]
assert tuple(value for value, _ in BY_CHOICES) == DIMENSIONS
DEGREE_CHOICES = [(1, "1st degree"), (2, "2nd degree"), (3, "3rd degree")]
VALUE_MAX = 150


class ReachFilterForm(forms.Form):
    by = forms.ChoiceField(
        choices=BY_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Choose industry, company or location."},
    )

    def by_or_default(self) -> str:
        if self.is_valid() and self.cleaned_data["by"]:
            return str(self.cleaned_data["by"])
        return "industry"


class BucketForm(forms.Form):
    """A bucket: a dimension, one of its values, and a degree."""

    by = forms.ChoiceField(
        choices=BY_CHOICES,
        error_messages={
            "required": "Say which breakdown: industry, company or location.",
            "invalid_choice": "Choose industry, company or location.",
        },
    )
    value = forms.CharField(
        max_length=VALUE_MAX,
        strip=True,
        error_messages={"required": "Say which industry, company or location."},
    )
    degree = forms.TypedChoiceField(
        choices=DEGREE_CHOICES,
        coerce=int,
        error_messages={
            "required": "Say which degree: 1, 2 or 3.",
            "invalid_choice": "The degree is 1, 2 or 3.",
        },
    )
    page = forms.IntegerField(
        min_value=1,
        max_value=100_000,
        required=False,
        error_messages={"invalid": "The page is a whole number from 1."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        by, value = data.get("by"), data.get("value")
        if by and value:
            if by == "industry":
                if value not in Industry.values:
                    self.add_error("value", "That is not one of LinkUp's industries.")
            else:
                data["value"] = normalise(value)
        return data
