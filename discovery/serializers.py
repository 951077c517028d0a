"""API serializers of the discovery app. Output never carries contact details."""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api import OutputSerializer
from discovery.models import Suggestion
from discovery.selectors import Row
from profiles.industries import Industry

NAME_MAX = 150


# -- people you may know ---------------------------------------------------------------


class PlaceSerializer(serializers.Serializer):
    name = serializers.CharField()
    overlap = serializers.BooleanField(help_text="Whether you were both there at the same time.")


class SuggestionReasonsSerializer(serializers.Serializer):
    companies = PlaceSerializer(many=True, help_text="Organizations you both worked at.")
    schools = PlaceSerializer(many=True, help_text="Schools you both attended.")


class SuggestionOutputSerializer(OutputSerializer):
    """Someone you may know: name, headline and location only, never contact details."""

    handle = serializers.CharField(source="candidate.username")
    full_name = serializers.CharField(source="candidate.profile.full_name")
    headline = serializers.CharField(source="candidate.profile.headline")
    location = serializers.CharField(source="candidate.profile.location")
    mutual_connections_count = serializers.IntegerField(
        source="mutual_count", help_text="As of `computed_at`."
    )
    reasons = serializers.SerializerMethodField()
    score = serializers.FloatField(help_text="Higher is a stronger suggestion.")
    computed_at = serializers.DateTimeField()

    @extend_schema_field(SuggestionReasonsSerializer)
    def get_reasons(self, suggestion: Suggestion) -> dict[str, Any]:
        reason = suggestion.reason or {}
        return {
            "companies": reason.get("companies", []),
            "schools": reason.get("schools", []),
        }


class SuggestionsPendingSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["computing"])
    retry_after = serializers.IntegerField(help_text="Seconds after which to ask again.")


# -- who do I know at … ----------------------------------------------------------------


class WhoAtQuerySerializer(serializers.Serializer):
    company = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=NAME_MAX,
        help_text="A company: members whose current position is there (any letter case).",
    )
    school = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=NAME_MAX,
        help_text="A school: members who studied there (any letter case).",
    )
    industry = serializers.ChoiceField(
        choices=Industry.choices, required=False, help_text="An industry code."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [kind for kind in ("company", "school", "industry") if attrs.get(kind)]
        if len(given) != 1:
            raise serializers.ValidationError(
                {"non_field_errors": ["Give exactly one of company, school or industry."]}
            )
        return attrs

    def place(self) -> tuple[str, str]:
        for kind in ("company", "school", "industry"):
            value = self.validated_data.get(kind)
            if value:
                return kind, value
        raise AssertionError("validated without a place")


class WhoAtGroupsQuerySerializer(WhoAtQuerySerializer):
    per_group = serializers.IntegerField(
        required=False,
        default=5,
        min_value=0,
        max_value=50,
        help_text="How many members to list in each group (all of them are counted).",
    )


class MemberBriefSerializer(serializers.Serializer):
    handle = serializers.CharField(source="user.username")
    full_name = serializers.CharField()
    headline = serializers.CharField()


class ReachedMemberSerializer(serializers.Serializer):
    """A member at the place: a limited profile, and how to ask for an introduction."""

    handle = serializers.CharField(source="profile.user.username")
    full_name = serializers.CharField(source="profile.full_name")
    headline = serializers.CharField(source="profile.headline")
    degree = serializers.IntegerField(help_text="2 or 3.")
    via = serializers.SerializerMethodField(
        help_text=(
            "The handles to give as `via` in POST /api/v1/introductions/: the connection "
            "who introduces, then (3rd degree) the next person along the path."
        )
    )
    introduction_url = serializers.SerializerMethodField(
        help_text="The page asking for this introduction, with `via` chosen."
    )

    def get_via(self, row: Row) -> list[str]:
        chain = [row.via.user.username]
        if row.second_hop is not None:
            chain.append(row.second_hop.user.username)
        return chain

    def get_introduction_url(self, row: Row) -> str:
        path = reverse("introduction-request", kwargs={"handle": row.profile.user.username})
        return str(self.context["request"].build_absolute_uri(f"{path}?via={row.via_key}"))


class IntroducerGroupSerializer(serializers.Serializer):
    introducer = MemberBriefSerializer(source="via", help_text="Your connection.")
    reachable = serializers.IntegerField(
        source="total", help_text="Members there they can introduce you to."
    )
    second_degree = serializers.IntegerField(source="second")
    third_degree = serializers.IntegerField(source="third")
    members = ReachedMemberSerializer(
        source="rows", many=True, help_text="The first `per_group` of them, closest first."
    )
