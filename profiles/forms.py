from datetime import date
from typing import Any

from django import forms
from django.conf import settings

from profiles.industries import Industry
from profiles.models import Education, Position, Profile


class SignupExtraForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    full_name = forms.CharField(max_length=120, label="Full name")

    field_order = ["full_name", "email", "username", "password1", "password2"]

    def signup(self, request: Any, user: Any) -> None:
        # The profile is created by the account adapter's save_user.
        pass


class ProfileForm(forms.ModelForm):
    website = forms.URLField(required=False, max_length=300, assume_scheme="https")

    class Meta:
        model = Profile
        fields = [
            "full_name",
            "headline",
            "summary",
            "industry",
            "location",
            "contact_email",
            "phone",
            "website",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "contact_email": "Shown only to you and your 1st-degree connections.",
        }


class PhotoForm(forms.Form):
    photo = forms.ImageField(
        help_text=f"JPEG, PNG, WebP or GIF, at most {settings.PHOTO_MAX_BYTES // (1024 * 1024)} MB."
    )


class MonthField(forms.DateField):
    """An <input type="month"> (YYYY-MM) stored as the first day of that month."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d", "%m/%Y"]

    def to_python(self, value: Any) -> date | None:
        result = super().to_python(value)
        return result.replace(day=1) if result else None


class PositionForm(forms.ModelForm):
    start_date = MonthField(label="Start month")
    end_date = MonthField(label="End month", required=False)

    class Meta:
        model = Position
        fields = ["title", "organization", "start_date", "end_date", "is_current", "description"]
        labels = {"is_current": "I currently work here"}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if data.get("is_current"):
            data["end_date"] = None
        elif start and not end:
            self.add_error("end_date", "Give an end month, or tick “I currently work here”.")
        elif start and end and end < start:
            self.add_error("end_date", "The end month is before the start month.")
        if start and start > date.today():
            self.add_error("start_date", "The start month is in the future.")
        return data


class EducationForm(forms.ModelForm):
    class Meta:
        model = Education
        fields = ["school", "degree", "field_of_study", "start_year", "end_year"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        for name in ("start_year", "end_year"):
            year = data.get(name)
            if year is not None and not 1900 <= year <= date.today().year + 10:
                self.add_error(name, "Give a year between 1900 and ten years from now.")
        if start and end and end < start:
            self.add_error("end_year", "The end year is before the start year.")
        return data


class SkillForm(forms.Form):
    name = forms.CharField(max_length=60, label="Skill")


class SearchForm(forms.Form):
    """People search: the top bar's box (`q`) and the sidebar's filters."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    industry = forms.ChoiceField(required=False, choices=[("", "Any industry"), *Industry.choices])
    location = forms.CharField(required=False, max_length=120)
    company = forms.CharField(required=False, max_length=150, label="Current company")
    school = forms.CharField(required=False, max_length=150)
    skill = forms.CharField(required=False, max_length=60)
    degree = forms.TypedChoiceField(
        required=False,
        choices=[("", "Anyone"), ("1", "1st degree"), ("2", "2nd degree"), ("3", "3rd degree")],
        coerce=int,
        empty_value=None,
        label="Connection",
    )
