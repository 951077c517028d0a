"""API serializers for members and profiles.

Input and output are separate classes (HackSoft style): input serializers
only validate and never save; output serializers only render. Every input
serializer rejects keys it does not declare, so a write changes exactly its
documented fields and nothing else (no mass assignment).
"""

import re
from datetime import date
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api import OutputSerializer, StrictInputSerializer
from connections.graph import Closeness
from profiles import selectors
from profiles.industries import Industry
from profiles.models import Profile
from profiles.services import MAX_SKILLS

_INDUSTRY_LABELS = {str(code): str(label) for code, label in Industry.choices}


def _industry(code: str) -> dict[str, str]:
    # A dict lookup: Model.get_FOO_display() flattens every choice on every call.
    return {"code": code, "label": _INDUSTRY_LABELS.get(code, code)}


MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
_MONTH_RE = re.compile(MONTH_PATTERN)
MIN_YEAR, MAX_YEAR = 1900, 2100
CONTACT_FIELDS = ("contact_email", "phone", "website")


@extend_schema_field(
    {"type": "string", "pattern": MONTH_PATTERN, "example": "2021-03", "description": "YYYY-MM"}
)
class MonthField(serializers.Field):
    """A month as "YYYY-MM", stored as the first day of that month."""

    default_error_messages = {
        "invalid": 'Use a month written "YYYY-MM", like "2021-03".',
        "year": f"Use a year between {MIN_YEAR} and {MAX_YEAR}.",
    }

    def to_internal_value(self, data: Any) -> date:
        if not isinstance(data, str) or not _MONTH_RE.fullmatch(data):
            self.fail("invalid")
        year, month = int(data[:4]), int(data[5:7])
        if not MIN_YEAR <= year <= MAX_YEAR:
            self.fail("year")
        return date(year, month, 1)

    def to_representation(self, value: date) -> str:
        return f"{value.year:04d}-{value.month:02d}"


# --- input ------------------------------------------------------------------


class TokenCreateInputSerializer(StrictInputSerializer):
    """Credentials (the handle or the e-mail address, and the password); the token's
    name and lifetime."""

    username = serializers.CharField(
        max_length=254, help_text="The member's handle or e-mail address."
    )
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )
    name = serializers.CharField(
        max_length=100,
        required=False,
        default="API token",
        help_text="What the token is for; listed in GET /api/v1/auth/tokens/ and in settings.",
    )
    expires_in_days = serializers.ChoiceField(
        choices=[30, 90, 365],
        allow_null=True,
        required=False,
        default=90,
        help_text="30, 90 (the default) or 365 days; null for a token that never expires.",
    )


class PositionInputSerializer(StrictInputSerializer):
    """A position; months are "YYYY-MM", a current position has no end."""

    title = serializers.CharField(max_length=150)
    organization = serializers.CharField(max_length=150)
    start = MonthField(source="start_date")
    end = MonthField(
        source="end_date", allow_null=True, default=None, help_text="Empty while current."
    )
    is_current = serializers.BooleanField(default=False)
    description = serializers.CharField(max_length=2000, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs["start_date"], attrs.get("end_date")
        if attrs.get("is_current") and end is not None:
            raise serializers.ValidationError({"end": ["A current position has no end month."]})
        if end is not None and end < start:
            raise serializers.ValidationError({"end": ["The end month is before the start."]})
        return attrs


class EducationInputSerializer(StrictInputSerializer):
    """A school attended; years are optional."""

    school = serializers.CharField(max_length=150)
    degree = serializers.CharField(max_length=120, allow_blank=True, default="")
    field_of_study = serializers.CharField(max_length=120, allow_blank=True, default="")
    start_year = serializers.IntegerField(
        min_value=MIN_YEAR, max_value=MAX_YEAR, allow_null=True, default=None
    )
    end_year = serializers.IntegerField(
        min_value=MIN_YEAR, max_value=MAX_YEAR, allow_null=True, default=None
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("start_year"), attrs.get("end_year")
        if start is not None and end is not None and end < start:
            raise serializers.ValidationError({"end_year": ["The end year is before the start."]})
        return attrs


class MeUpdateInputSerializer(StrictInputSerializer):
    """PATCH /me/: every key is optional; a nested list, when given, replaces the whole list."""

    full_name = serializers.CharField(max_length=120, required=False)
    headline = serializers.CharField(max_length=220, allow_blank=True, required=False)
    summary = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    industry = serializers.ChoiceField(
        choices=Industry.choices,
        allow_blank=True,
        required=False,
        help_text="An industry code; an empty string clears it.",
    )
    location = serializers.CharField(max_length=120, allow_blank=True, required=False)
    contact_email = serializers.EmailField(allow_blank=True, required=False)
    phone = serializers.CharField(max_length=40, allow_blank=True, required=False)
    website = serializers.URLField(max_length=300, allow_blank=True, required=False)
    positions = PositionInputSerializer(
        many=True, required=False, help_text="Replaces all positions."
    )
    education = EducationInputSerializer(
        many=True, required=False, help_text="Replaces all education entries."
    )
    skills = serializers.ListField(
        child=serializers.CharField(max_length=60),
        max_length=MAX_SKILLS,
        required=False,
        help_text="Replaces all skills.",
    )


class PhotoInputSerializer(StrictInputSerializer):
    """A profile photo upload."""

    photo = serializers.FileField(help_text="JPEG, PNG, WebP or GIF; cropped square.")


# --- output -----------------------------------------------------------------


class TokenOutputSerializer(OutputSerializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`. Shown once.")
    expires_at = serializers.DateTimeField(allow_null=True)


class IndustryOutputSerializer(OutputSerializer):
    code = serializers.CharField()
    # The metaclass moves declared fields off the class, so this does not
    # shadow Field.label at run time; only the stubs see a clash.
    label = serializers.CharField()  # type: ignore[assignment]


class PositionOutputSerializer(OutputSerializer):
    title = serializers.CharField()
    organization = serializers.CharField()
    start = MonthField(source="start_date")
    end = MonthField(source="end_date", allow_null=True)
    is_current = serializers.BooleanField()
    description = serializers.CharField()


class EducationOutputSerializer(OutputSerializer):
    school = serializers.CharField()
    degree = serializers.CharField()
    field_of_study = serializers.CharField()
    start_year = serializers.IntegerField(allow_null=True)
    end_year = serializers.IntegerField(allow_null=True)


class CompletenessOutputSerializer(OutputSerializer):
    percent = serializers.IntegerField()
    prompts = serializers.ListField(child=serializers.CharField())


class PhotoOutputSerializer(OutputSerializer):
    photo_url = serializers.URLField(allow_null=True)


class _ProfileOutputBase(serializers.Serializer):
    """The resume fields every view of a profile shares. Needs `request` in the context."""

    handle = serializers.CharField(source="user.username")
    full_name = serializers.CharField()
    headline = serializers.CharField()
    summary = serializers.CharField()
    industry = serializers.SerializerMethodField()
    location = serializers.CharField()
    photo_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The public profile page.")
    positions = PositionOutputSerializer(many=True)
    education = EducationOutputSerializer(many=True)
    skills = serializers.SerializerMethodField()

    @extend_schema_field(IndustryOutputSerializer(allow_null=True))
    def get_industry(self, profile: Profile) -> dict[str, str] | None:
        if not profile.industry:
            return None
        return _industry(profile.industry)

    def get_photo_url(self, profile: Profile) -> str | None:
        if not profile.photo:
            return None
        return str(self.context["request"].build_absolute_uri(profile.photo.url))

    def get_url(self, profile: Profile) -> str:
        path = reverse("profile-detail", kwargs={"handle": profile.user.username})
        return str(self.context["request"].build_absolute_uri(path))

    def get_skills(self, profile: Profile) -> list[str]:
        return [skill.name for skill in profile.skills.all()]


class MeOutputSerializer(_ProfileOutputBase):
    """The member's own profile: contact details always included."""

    contact_email = serializers.CharField()
    phone = serializers.CharField()
    website = serializers.CharField()
    completeness = serializers.SerializerMethodField()

    @extend_schema_field(CompletenessOutputSerializer)
    def get_completeness(self, profile: Profile) -> dict[str, Any]:
        completeness = selectors.profile_completeness(profile)
        return {"percent": completeness.percent, "prompts": completeness.prompts}


class ProfileOutputSerializer(_ProfileOutputBase):
    """A profile as the caller may see it; contact keys only for self and 1st-degree."""

    # Context: request, show_contact, is_self, degree, mutual_connections_count.
    # Without show_contact the contact keys are left out entirely, not emptied.

    contact_email = serializers.CharField(
        required=False, help_text="Only for the member and their 1st-degree connections."
    )
    phone = serializers.CharField(
        required=False, help_text="Only for the member and their 1st-degree connections."
    )
    website = serializers.CharField(
        required=False, help_text="Only for the member and their 1st-degree connections."
    )
    is_self = serializers.SerializerMethodField()
    degree = serializers.SerializerMethodField(
        help_text="1, 2 or 3; null for yourself and for members out of your network."
    )
    mutual_connections_count = serializers.SerializerMethodField()

    def get_is_self(self, profile: Profile) -> bool:
        return bool(self.context["is_self"])

    def get_degree(self, profile: Profile) -> int | None:
        degree: int | None = self.context["degree"]
        return degree

    def get_mutual_connections_count(self, profile: Profile) -> int:
        return int(self.context["mutual_connections_count"])

    def to_representation(self, instance: Profile) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if not self.context["show_contact"]:
            for key in CONTACT_FIELDS:
                del data[key]
        return data


class MemberSearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Words to find in names, headlines and summaries; misspelt names match too.",
    )
    industry = serializers.ChoiceField(
        choices=Industry.choices, required=False, help_text="An industry code."
    )
    location = serializers.CharField(
        required=False, allow_blank=True, max_length=120, help_text="Location contains this."
    )
    company = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text="The organization of a current position contains this.",
    )
    school = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text="A school contains this."
    )
    skill = serializers.CharField(
        required=False, allow_blank=True, max_length=60, help_text="A skill contains this."
    )
    degree = serializers.ChoiceField(
        choices=[1, 2, 3], required=False, help_text="Only members at this degree from you."
    )


class MemberSearchOutputSerializer(OutputSerializer):
    """A search result: never contact details."""

    # Renders (Profile, graph.Closeness) pairs from profiles.search.

    handle = serializers.SerializerMethodField()
    full_name = serializers.SerializerMethodField()
    headline = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()
    industry = serializers.SerializerMethodField()
    degree = serializers.SerializerMethodField(
        help_text="1, 2 or 3; null for members out of your network."
    )
    mutual_connections_count = serializers.SerializerMethodField()

    def get_handle(self, row: tuple[Profile, Closeness]) -> str:
        return row[0].user.username

    def get_full_name(self, row: tuple[Profile, Closeness]) -> str:
        return row[0].full_name

    def get_headline(self, row: tuple[Profile, Closeness]) -> str:
        return row[0].headline

    def get_location(self, row: tuple[Profile, Closeness]) -> str:
        return row[0].location

    @extend_schema_field(IndustryOutputSerializer(allow_null=True))
    def get_industry(self, row: tuple[Profile, Closeness]) -> dict[str, str] | None:
        profile = row[0]
        if not profile.industry:
            return None
        return _industry(profile.industry)

    def get_degree(self, row: tuple[Profile, Closeness]) -> int | None:
        return row[1].degree or None

    def get_mutual_connections_count(self, row: tuple[Profile, Closeness]) -> int:
        return row[1].mutual_count
