"""API serializers for recommendations.

Input serializers validate and reject keys they do not declare (StrictInputSerializer):
author, subject, status and the like never come from the client beyond what each
endpoint documents. Output serializers render `recommendations.selectors.Shown`,
`ShownRequest` and `Suggestion` — the selectors decide what a viewer may see.
"""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api import OutputSerializer, StrictInputSerializer
from connections.serializers import MemberSummaryOutputSerializer
from profiles.models import Education, Position
from recommendations.models import BODY_MAX, MESSAGE_MAX, Recommendation, RecommendationRequest
from recommendations.models import Relationship as RelationshipChoices
from recommendations.selectors import Shown, ShownRequest, Suggestion

HANDLE_MAX = 150

ROLES = [
    ("received", "Recommendations of you, in every live state (for you to manage)"),
    ("written", "Recommendations you wrote, in every state but withdrawn"),
]
DIRECTIONS = [
    ("received", "Open requests asking you to write (default)"),
    ("sent", "Requests you made, in every state"),
]
ABOUT_KINDS = [("position", "One of the subject's positions"), ("education", "A school")]


def _tie_fields(data: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    has_position = data.get("position") is not None
    has_education = data.get("education") is not None
    if has_position and has_education:
        raise serializers.ValidationError(
            {"education": ["Give either `position` or `education`, not both."]}
        )
    if required and not (has_position or has_education):
        raise serializers.ValidationError(
            {"position": ["Give the id of a `position` (or of a school, as `education`)."]}
        )
    return data


# --- input ---------------------------------------------------------------------


class RecommendationListQuerySerializer(serializers.Serializer):
    about = serializers.CharField(
        required=False,
        max_length=HANDLE_MAX,
        help_text="A member's handle: their published recommendations, as you may see them.",
    )
    role = serializers.ChoiceField(
        choices=ROLES,
        required=False,
        help_text="Your own recommendations instead (`received` when neither is given).",
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "about" in data and "role" in data:
            raise serializers.ValidationError({"role": ["Give either `about` or `role`."]})
        return data


class RecommendationCreateInputSerializer(StrictInputSerializer):
    request = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=(
            "The id of a request made to you: the recommendation answers it (its subject "
            "and position are the request's). Leave out to write unprompted."
        ),
    )
    subject = serializers.CharField(
        required=False,
        max_length=HANDLE_MAX,
        help_text="Unprompted: the handle of the connection you recommend.",
    )
    position = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Unprompted: the id of one of the subject's positions it is about.",
    )
    education = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Unprompted: the id of one of the subject's schools, instead of a position.",
    )
    relationship = serializers.ChoiceField(
        choices=RelationshipChoices.choices, help_text="How you know them."
    )
    body = serializers.CharField(max_length=BODY_MAX, help_text="Your recommendation.")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "request" in data:
            extra = [key for key in ("subject", "position", "education") if key in data]
            if extra:
                raise serializers.ValidationError(
                    {key: ["Answering a request: this comes from the request."] for key in extra}
                )
            return data
        if "subject" not in data:
            raise serializers.ValidationError(
                {"subject": ["Give the `subject` you recommend, or the `request` you answer."]}
            )
        return _tie_fields(data)


class RecommendationUpdateInputSerializer(StrictInputSerializer):
    relationship = serializers.ChoiceField(
        choices=RelationshipChoices.choices, required=False, help_text="How you know them."
    )
    body = serializers.CharField(
        max_length=BODY_MAX, required=False, help_text="Your recommendation."
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if not data:
            raise serializers.ValidationError({"body": ["Give `body`, `relationship` or both."]})
        return data


class ReviseInputSerializer(StrictInputSerializer):
    message = serializers.CharField(
        max_length=MESSAGE_MAX, help_text="What you would like the author to change."
    )


class RecommendationRequestCreateInputSerializer(StrictInputSerializer):
    author = serializers.CharField(
        max_length=HANDLE_MAX, help_text="The handle of the connection you ask."
    )
    position = serializers.IntegerField(
        required=False, min_value=1, help_text="The id of one of your positions it is about."
    )
    education = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The id of one of your schools, instead of a position.",
    )
    message = serializers.CharField(
        max_length=MESSAGE_MAX,
        allow_blank=True,
        default="",
        help_text="Your words for them: what you would like them to mention.",
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        return _tie_fields(data)


class RecommendationRequestListQuerySerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=DIRECTIONS, default="received")


class RecommendationSuggestionQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(
        min_value=1, max_value=50, default=10, help_text="Rows in each list."
    )


# --- output --------------------------------------------------------------------


class AboutOutputSerializer(OutputSerializer):
    """The position or school a recommendation (or request) is about."""

    kind = serializers.ChoiceField(choices=ABOUT_KINDS)
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="The position's title, or the degree.")
    organization = serializers.CharField(help_text="The company, or the school.")
    period = serializers.CharField(help_text='"Jan 2004 – Jun 2006", or school years.')


def _about(position: Position | None, education: Education | None) -> dict[str, Any] | None:
    if position is not None:
        return {
            "kind": "position",
            "id": position.pk,
            "title": position.title,
            "organization": position.organization,
            "period": position.period,
        }
    if education is not None:
        return {
            "kind": "education",
            "id": education.pk,
            "title": education.degree,
            "organization": education.school,
            "period": education.period,
        }
    return None


class RecommendationActionsOutputSerializer(OutputSerializer):
    """What you may do now; each is one call on `/recommendations/{id}/`."""

    approve = serializers.BooleanField(source="can_approve", help_text="`approve/`")
    hide = serializers.BooleanField(source="can_hide", help_text="`hide/`")
    show = serializers.BooleanField(source="can_show", help_text="`show/`")
    revise = serializers.BooleanField(source="can_revise", help_text="`revise/`")
    decline = serializers.BooleanField(source="can_decline", help_text="`decline/`")
    edit = serializers.BooleanField(source="can_edit", help_text="`PATCH`")
    withdraw = serializers.BooleanField(source="can_withdraw", help_text="`withdraw/`")


# The statuses a viewer may be shown; the subject alone sees `hidden`.
SHOWN_STATUSES = [c for c in Recommendation.Status.choices if c[0] != "withdrawn"]


class RecommendationOutputSerializer(OutputSerializer):
    """A recommendation as you may see it. Needs `request` in the context."""

    id = serializers.IntegerField(source="recommendation.pk")
    role = serializers.ChoiceField(
        choices=[("subject", "About you"), ("author", "By you"), ("reader", "Neither")]
    )
    author = MemberSummaryOutputSerializer()
    subject = MemberSummaryOutputSerializer()
    relationship = serializers.ChoiceField(
        source="recommendation.relationship", choices=RelationshipChoices.choices
    )
    relationship_text = serializers.CharField(
        source="sentence", help_text='How they know each other: "Pete managed John directly".'
    )
    about = serializers.SerializerMethodField(
        help_text="The position or school it is about; null if the subject removed it."
    )
    body = serializers.CharField(source="recommendation.body")
    status = serializers.ChoiceField(
        choices=SHOWN_STATUSES,
        help_text=(
            "Always `published` for readers. The author sees a recommendation the subject "
            "hid as `published`."
        ),
    )
    status_label = serializers.CharField(help_text="The status in words, for your role.")
    moderated = serializers.BooleanField(
        help_text="Taken down by the moderators (shown to its author and subject only)."
    )
    revision_note = serializers.CharField(
        required=False,
        help_text="What the subject asked to change. Present only in `revision`, to the two.",
    )
    request = serializers.IntegerField(
        source="recommendation.request_id",
        allow_null=True,
        required=False,
        help_text="The request it answers. Present only for the author and the subject.",
    )
    date = serializers.DateTimeField(help_text="When it was published, or last written.")
    actions = RecommendationActionsOutputSerializer(source="*")

    @extend_schema_field(AboutOutputSerializer(allow_null=True))
    def get_about(self, shown: Shown) -> dict[str, Any] | None:
        r = shown.recommendation
        return _about(r.position, r.education)

    def to_representation(self, instance: Shown) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if not instance.revision_note:
            del data["revision_note"]
        if instance.role == "reader":
            del data["request"]
        return data


class RecommendationRequestActionsOutputSerializer(OutputSerializer):
    write = serializers.BooleanField(
        source="can_write", help_text='`POST /recommendations/` with `"request"`'
    )
    decline = serializers.BooleanField(source="can_decline", help_text="`decline/`")
    withdraw = serializers.BooleanField(source="can_withdraw", help_text="`withdraw/`")


class RecommendationRequestOutputSerializer(OutputSerializer):
    """A request you made or received. Needs `request` in the context."""

    id = serializers.IntegerField(source="request.pk")
    role = serializers.ChoiceField(choices=[("asker", "You asked"), ("author", "You are asked")])
    asker = MemberSummaryOutputSerializer(source="request.asker.profile")
    author = MemberSummaryOutputSerializer(source="request.author.profile")
    about = serializers.SerializerMethodField()
    message = serializers.CharField(source="request.message")
    status = serializers.ChoiceField(
        source="request.status", choices=RecommendationRequest.Status.choices
    )
    created_at = serializers.DateTimeField(source="request.created_at")
    responded_at = serializers.DateTimeField(source="request.responded_at", allow_null=True)
    actions = RecommendationRequestActionsOutputSerializer(source="*")

    @extend_schema_field(AboutOutputSerializer(allow_null=True))
    def get_about(self, shown: ShownRequest) -> dict[str, Any] | None:
        return _about(shown.request.position, shown.request.education)


class RecommendationSuggestionOutputSerializer(OutputSerializer):
    """A connection you share history with. Needs `request` in the context."""

    member = MemberSummaryOutputSerializer()
    text = serializers.CharField(help_text='"You and Pete both list Acme, 2004–2006".')
    about = serializers.SerializerMethodField(
        help_text=(
            "What the recommendation would be about: for `ask`, your position or school (send "
            "it with `POST /recommendation-requests/`); for `write`, theirs (send it with "
            "`POST /recommendations/`)."
        )
    )
    name = serializers.CharField(help_text="The company or school.")
    start = serializers.DateField(help_text="When the overlap began.")
    end = serializers.DateField(help_text="When it ended (today if ongoing).")
    ongoing = serializers.BooleanField()
    default_message = serializers.CharField(help_text="A message you could send with an ask.")

    @extend_schema_field(
        serializers.DictField(
            child=serializers.IntegerField(), help_text='`{"position": id}` or `{"education": id}`'
        )
    )
    def get_about(self, suggestion: Suggestion) -> dict[str, int]:
        return {suggestion.kind: suggestion.tie_id}


class RecommendationSuggestionsOutputSerializer(OutputSerializer):
    ask = RecommendationSuggestionOutputSerializer(
        many=True, help_text="Connections to ask for a recommendation, longest overlap first."
    )
    write = RecommendationSuggestionOutputSerializer(
        many=True, help_text="Connections you could recommend, longest overlap first."
    )
