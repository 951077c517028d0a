"""API serializers for asks.

Input serializers validate and reject keys they do not declare. Output serializers
render an `asks.selectors.AskDetail` — which already holds only what the viewer may
see — and leave out keys that are not theirs: `reach`, `passers` and `helpers` for
anyone but the asker; `passed_by` and `you_helped` for the asker. Members appear as
summaries, never with contact details.
"""

from datetime import datetime
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from asks import services
from asks.models import Ask
from asks.selectors import AskDetail
from common.api import OutputSerializer, StrictInputSerializer
from common.exceptions import ApplicationError
from connections.serializers import MemberSummaryOutputSerializer
from introductions.models import Introduction
from profiles.industries import Industry

HANDLE_MAX = 150
ROLES = [
    ("asker", "Your own ask"),
    ("connection", "The asker is one of your connections: you can answer, refer and pass it on"),
    ("passed", "A connection passed it to you: you can answer"),
]

# --- input ----------------------------------------------------------------------


class AskListQuerySerializer(serializers.Serializer):
    mine = serializers.BooleanField(
        default=False,
        help_text=(
            "1 for your own asks (every state, with their reach); otherwise your feed: open "
            "asks of your connections and asks passed to you."
        ),
    )


class AskCreateInputSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=services.TITLE_MAX, help_text="What you need.")
    body = serializers.CharField(max_length=services.BODY_MAX, help_text="The details.")
    topic = serializers.CharField(
        max_length=services.TOPIC_MAX, allow_blank=True, default="", help_text="A few words."
    )
    industry = serializers.ChoiceField(choices=Industry.choices, allow_blank=True, default="")
    expires_at = serializers.DateTimeField(
        required=False,
        help_text=(
            "When it closes: at least an hour and at most 90 days from now (30 days if left out)."
        ),
    )

    def validate_expires_at(self, value: datetime) -> datetime:
        try:
            return services.check_expiry(value)
        except ApplicationError as exc:
            raise serializers.ValidationError(exc.message) from None


class AskAnswerInputSerializer(StrictInputSerializer):
    body = serializers.CharField(
        max_length=services.BODY_MAX, help_text="Your reply; only the asker reads it."
    )


class AskReferInputSerializer(StrictInputSerializer):
    member = serializers.CharField(
        max_length=HANDLE_MAX,
        help_text="The handle of one of your connections who could help the asker.",
    )
    note = serializers.CharField(
        max_length=services.NOTE_MAX,
        allow_blank=True,
        default="",
        help_text="Why they should meet. Both the asker and the person you refer read it.",
    )


class AskPassInputSerializer(StrictInputSerializer):
    to = serializers.ListField(
        child=serializers.CharField(max_length=HANDLE_MAX),
        min_length=1,
        max_length=services.RECIPIENTS_MAX,
        help_text="Handles of your own connections to pass the ask to.",
    )


class AskCloseInputSerializer(StrictInputSerializer):
    solved = serializers.BooleanField(help_text="Did you find what you needed?")
    helpers = serializers.ListField(
        child=serializers.CharField(max_length=HANDLE_MAX),
        max_length=100,
        default=list,
        help_text="Handles of those who answered or referred whom you thank; each is told.",
    )


# --- output ---------------------------------------------------------------------


class AskReachOutputSerializer(OutputSerializer):
    seen_by = serializers.IntegerField(help_text="Distinct people who saw it (once each).")
    passes = serializers.IntegerField(help_text="How many times it was passed on.")
    referrals = serializers.IntegerField()
    answers = serializers.IntegerField()


class AskActionsOutputSerializer(OutputSerializer):
    """What you may do now; each is one POST to `/asks/{id}/<action>/`."""

    answer = serializers.BooleanField(source="can_answer", help_text="`answer/`")
    refer = serializers.BooleanField(source="can_refer", help_text="`refer/`")
    pass_on = serializers.BooleanField(source="can_pass", help_text="`pass/`")
    close = serializers.BooleanField(source="can_close", help_text="`close/`")


class AskAnswerOutputSerializer(OutputSerializer):
    id = serializers.IntegerField()
    author = MemberSummaryOutputSerializer(source="author.profile")
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class AskReferralOutputSerializer(OutputSerializer):
    id = serializers.IntegerField()
    referrer = MemberSummaryOutputSerializer(source="referrer.profile")
    referred = MemberSummaryOutputSerializer(source="referred.profile")
    note = serializers.CharField()
    introduction_id = serializers.IntegerField(
        help_text="The introduction it created: `/introductions/{id}/`."
    )
    # A plain string: a second schema name for the introductions' status enum would clash.
    introduction_status = serializers.CharField(
        source="introduction.status",
        help_text="The introduction's `status`: "
        + " | ".join(f"`{value}`" for value in Introduction.Status.values),
    )
    created_at = serializers.DateTimeField()


class AskPasserOutputSerializer(OutputSerializer):
    member = MemberSummaryOutputSerializer(source="profile")
    count = serializers.IntegerField(help_text="How many people they passed it to.")


class AskPassOutputSerializer(OutputSerializer):
    to = MemberSummaryOutputSerializer(source="to_member.profile")
    created_at = serializers.DateTimeField()


ASKER_ONLY = ("reach", "passers", "helpers")
OTHERS_ONLY = ("passed_by", "you_helped", "my_passes")
DETAIL_ONLY = ("answers", "referrals", "passers", "helpers", "my_passes", "you_helped")


class AskOutputSerializer(OutputSerializer):
    """An ask as you may see it. Needs `request` in the context (`detail` for one ask)."""

    id = serializers.IntegerField(source="ask.pk")
    title = serializers.CharField(source="ask.title")
    body = serializers.CharField(source="ask.body")
    topic = serializers.CharField(source="ask.topic")
    industry = serializers.CharField(
        source="ask.industry", help_text="An industry code (see profiles), or empty."
    )
    status = serializers.SerializerMethodField(
        help_text="`expired` as soon as `expires_at` passes, even before the periodic job runs."
    )
    created_at = serializers.DateTimeField(source="ask.created_at")
    expires_at = serializers.DateTimeField(source="ask.expires_at")
    closed_at = serializers.DateTimeField(source="ask.closed_at", allow_null=True)
    author = MemberSummaryOutputSerializer(source="ask.author.profile")
    role = serializers.ChoiceField(choices=ROLES)
    answered = serializers.BooleanField(help_text="You answered it.")
    referred = serializers.BooleanField(help_text="You referred someone for it.")
    actions = AskActionsOutputSerializer(source="*")
    reach = AskReachOutputSerializer(required=False, help_text="Your own asks only.")
    passed_by = MemberSummaryOutputSerializer(
        many=True,
        required=False,
        help_text="Who passed it to you (not for your own asks).",
    )
    answers = AskAnswerOutputSerializer(
        many=True,
        required=False,
        help_text="One ask only. Your own ask: every answer; otherwise: yours, if any.",
    )
    referrals = AskReferralOutputSerializer(
        many=True,
        required=False,
        help_text="One ask only. Your own ask: every referral; otherwise: those you made.",
    )
    passers = AskPasserOutputSerializer(
        many=True,
        required=False,
        help_text="One ask only, your own: which of your connections passed it on.",
    )
    my_passes = AskPassOutputSerializer(
        many=True, required=False, help_text="One ask only: the people you passed it to."
    )
    helpers = MemberSummaryOutputSerializer(
        many=True, required=False, help_text="One ask only, your own: whom you thanked."
    )
    you_helped = serializers.BooleanField(
        required=False, help_text="One ask only: the asker thanked you for your help."
    )

    @extend_schema_field(serializers.ChoiceField(choices=Ask.Status.choices))
    def get_status(self, detail: AskDetail) -> str:
        if detail.ask.status == Ask.Status.OPEN and not detail.live:
            return str(Ask.Status.EXPIRED)
        return str(detail.ask.status)

    def to_representation(self, instance: AskDetail) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        hide = set(OTHERS_ONLY if instance.is_asker else ASKER_ONLY)
        if not self.context.get("detail"):
            hide |= set(DETAIL_ONLY)
        for key in hide:
            data.pop(key, None)
        return data
