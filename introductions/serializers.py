"""API serializers for introductions.

Input serializers only validate and reject keys they do not declare. Output
serializers render an `introductions.selectors.IntroductionView` — the one place
that decides what a participant may see — and decide nothing themselves beyond
leaving out keys the view has no value for: `target_email` for anyone but the
asking side, a hop's `note` for anyone but that hop's broker, a `decline_reason`
nobody gave.
"""

from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api import OutputSerializer, StrictInputSerializer
from connections.serializers import MemberSummaryOutputSerializer
from introductions.models import Hop, Introduction, Outcome
from introductions.selectors import BrokerCandidate, HopView, IntroductionView

HANDLE_MAX = 150
ADDRESS_MAX = 254
MESSAGE_MAX = 2000
NOTE_MAX = 1000
REASON_MAX = 300
TOPICS_MAX = 300
CAPACITY_MAX = 200

ROLES = [
    ("requester", "You asked (or, for an offer, you are the first person introduced)"),
    ("broker", "You are asked to pass it on (or you offered the introduction)"),
    ("target", "You are the person to meet"),
]
HOP_STATUSES = [
    *Hop.Status.choices,
    ("hidden", "Did not go on; who stopped it is not yours to know"),
]


def is_address(value: str) -> bool:
    """A member's handle never has an `@`: anything that does is an e-mail address."""
    return "@" in value


def _handle_or_address(value: str) -> str:
    value = value.strip()
    if is_address(value):
        try:
            validate_email(value)
        except DjangoValidationError:
            raise serializers.ValidationError("Enter a valid e-mail address.") from None
    return value


# --- input ------------------------------------------------------------------


class IntroductionListQuerySerializer(serializers.Serializer):
    role = serializers.ChoiceField(
        choices=ROLES,
        required=False,
        help_text="Only introductions in which you have this role; all of them when left out.",
    )


class IntroductionCreateInputSerializer(StrictInputSerializer):
    target = serializers.CharField(
        max_length=ADDRESS_MAX,
        help_text=(
            "The handle of a 2nd- or 3rd-degree member, or the e-mail address of someone not on "
            "LinkUp (anything with an `@` is taken as an address; the broker invites them)."
        ),
    )
    via = serializers.ListField(
        child=serializers.CharField(max_length=HANDLE_MAX),
        min_length=1,
        max_length=2,
        help_text=(
            "The brokers, from your side: one of your connections who knows the target, or two "
            "along a real path for a 3rd-degree target. Exactly one for an e-mail address."
        ),
    )
    message = serializers.CharField(max_length=MESSAGE_MAX, help_text="For the target.")
    note_to_broker = serializers.CharField(
        max_length=NOTE_MAX,
        allow_blank=True,
        default="",
        help_text="A private note for your broker; the target never sees it.",
    )

    def validate_target(self, value: str) -> str:
        return _handle_or_address(value)


class OfferCreateInputSerializer(StrictInputSerializer):
    first = serializers.CharField(
        max_length=HANDLE_MAX, help_text="The handle of one of your connections."
    )
    second = serializers.CharField(
        max_length=ADDRESS_MAX,
        help_text=(
            "The handle of another of your connections, or the e-mail address of someone not "
            "on LinkUp: they are invited, and the introduction waits until they join."
        ),
    )
    message = serializers.CharField(
        max_length=MESSAGE_MAX, help_text="Why they should meet; both see it."
    )

    def validate_second(self, value: str) -> str:
        return _handle_or_address(value)


class ForwardInputSerializer(StrictInputSerializer):
    endorsement = serializers.CharField(
        max_length=NOTE_MAX,
        allow_blank=True,
        default="",
        help_text="Your words for the target (or for the next broker, who passes it on).",
    )


class DeclineInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(
        max_length=REASON_MAX,
        allow_blank=True,
        default="",
        help_text=(
            "Brokers only: shown to the requester if you are their own (first) broker. "
            "A target's decline carries no reason."
        ),
    )


class OutcomeInputSerializer(StrictInputSerializer):
    result = serializers.ChoiceField(choices=Outcome.Result.choices)


class BrokerCandidatesQuerySerializer(serializers.Serializer):
    target = serializers.CharField(
        max_length=HANDLE_MAX, help_text="The handle of the member you want to meet."
    )


class BrokerSettingsInputSerializer(StrictInputSerializer):
    capacity_per_month = serializers.IntegerField(
        min_value=0,
        max_value=CAPACITY_MAX,
        help_text="How many introduction requests may reach you in 30 days.",
    )
    topics = serializers.CharField(
        max_length=TOPICS_MAX,
        allow_blank=True,
        help_text="What you are happy to introduce people for.",
    )
    paused = serializers.BooleanField(help_text="Take no new requests for now.")


# --- output -----------------------------------------------------------------


class HopOutputSerializer(OutputSerializer):
    """One broker's step, as the viewer may see it. Needs `viewer_id` in the context."""

    position = serializers.IntegerField(help_text="0 for the requester's own broker.")
    broker = MemberSummaryOutputSerializer(
        source="broker.profile",
        allow_null=True,
        help_text="Null when you may not know who it is.",
    )
    status = serializers.ChoiceField(choices=HOP_STATUSES)
    endorsement = serializers.CharField(
        help_text="The broker's words for the target, once forwarded."
    )
    note = serializers.CharField(
        required=False,
        help_text=(
            "The private note for this broker from the one before. Present only on your own "
            "hop, when you are a broker."
        ),
    )
    decline_reason = serializers.CharField(
        required=False,
        help_text="Present only for the requester, when their own broker gave a reason.",
    )

    def to_representation(self, instance: HopView) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        mine = instance.broker is not None and instance.broker.pk == self.context["viewer_id"]
        if not mine:
            del data["note"]
        if not instance.decline_reason:
            del data["decline_reason"]
        return data


class IntroductionActionsOutputSerializer(OutputSerializer):
    """What you may do now; each is one POST to `/introductions/{id}/<action>/`."""

    forward = serializers.BooleanField(source="can_forward", help_text="`forward/`")
    decline_as_broker = serializers.BooleanField(
        source="can_decline_as_broker", help_text="`decline/` (with an optional `reason`)"
    )
    accept = serializers.BooleanField(source="can_accept", help_text="`accept/`")
    decline = serializers.BooleanField(source="can_decline", help_text="`decline/`")
    withdraw = serializers.BooleanField(source="can_withdraw", help_text="`withdraw/`")
    record_outcome = serializers.BooleanField(source="can_record_outcome", help_text="`outcome/`")


# Outcome values are plain strings in responses: the one `result` enum of the schema is
# the input's, and a second name for the same choices would be a schema warning.
OUTCOME_VALUES = " | ".join(f"`{value}`" for value in Outcome.Result.values)


class OutcomesOutputSerializer(OutputSerializer):
    """What each person introduced said came of it. Renders an IntroductionView."""

    requester = serializers.SerializerMethodField(help_text=f"{OUTCOME_VALUES} or null.")
    target = serializers.SerializerMethodField(help_text=f"{OUTCOME_VALUES} or null.")

    def _said(self, view: IntroductionView, member_id: int | None) -> str | None:
        if member_id is None:
            return None
        return next(
            (o.result for o in view.introduction.outcomes.all() if o.member_id == member_id),
            None,
        )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_requester(self, view: IntroductionView) -> str | None:
        return self._said(view, view.introduction.requester_id)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_target(self, view: IntroductionView) -> str | None:
        return self._said(view, view.introduction.target_id)


class IntroductionOutputSerializer(OutputSerializer):
    """An introduction as you may see it. Needs `request` and `viewer_id` in the context."""

    id = serializers.IntegerField(source="introduction.pk")
    kind = serializers.ChoiceField(source="introduction.kind", choices=Introduction.Kind.choices)
    role = serializers.ChoiceField(choices=ROLES)
    status = serializers.ChoiceField(choices=Introduction.Status.choices)
    status_label = serializers.CharField(help_text="The status in words, for your role.")
    requester = MemberSummaryOutputSerializer(
        source="requester.profile",
        help_text="Who asked; for an offer, the first of the two introduced.",
    )
    target = MemberSummaryOutputSerializer(
        source="target.profile",
        allow_null=True,
        help_text="Null while the target is an invited address that has not joined.",
    )
    target_email = serializers.EmailField(
        required=False,
        help_text="The invited address. Present only for the side that asked for it.",
    )
    message = serializers.CharField(help_text="The requester's (or broker's) words for the target.")
    hops = HopOutputSerializer(many=True)
    reached = serializers.IntegerField(help_text="How many brokers have passed it on.")
    expires_at = serializers.DateTimeField(source="introduction.expires_at")
    created_at = serializers.DateTimeField(source="introduction.created_at")
    actions = IntroductionActionsOutputSerializer(source="*")
    my_outcome = serializers.CharField(
        allow_null=True,
        help_text=(
            f"{OUTCOME_VALUES}: what you said came of it (accepted introductions); null until "
            "you say."
        ),
    )
    outcomes = OutcomesOutputSerializer(
        source="*",
        required=False,
        help_text="In your broker history only: what each side said came of it.",
    )

    def to_representation(self, instance: IntroductionView) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        data["my_outcome"] = instance.my_outcome or None
        if not instance.target_email:
            del data["target_email"]
        if not self.context.get("with_outcomes"):
            del data["outcomes"]
        return data


class BrokerCandidateOutputSerializer(OutputSerializer):
    """Someone who could pass your request on. Needs `request` and `then_via` in the context."""

    member = MemberSummaryOutputSerializer(source="member.profile")
    forwarded = serializers.IntegerField(help_text="Requests they passed on.")
    asked = serializers.IntegerField(help_text="Requests that reached them.")
    good_outcomes = serializers.IntegerField(
        help_text="Introductions through them that led to a meeting or work together."
    )
    last_active = serializers.DateTimeField(allow_null=True)
    available = serializers.BooleanField(
        help_text="Not paused and under their monthly capacity: a request would reach them."
    )
    topics = serializers.CharField(help_text="What they are happy to introduce people for.")
    then_via = serializers.SerializerMethodField(
        help_text=(
            "For a 3rd-degree target: the second brokers through whom this one reaches the "
            "target (send both in `via`). Empty for a 2nd-degree target."
        )
    )

    @extend_schema_field(MemberSummaryOutputSerializer(many=True))
    def get_then_via(self, candidate: BrokerCandidate) -> list[dict[str, Any]]:
        profiles = self.context["then_via"].get(candidate.member.pk, [])
        data = MemberSummaryOutputSerializer(profiles, many=True, context=self.context).data
        return cast(list[dict[str, Any]], data)


class BrokerCandidatesOutputSerializer(OutputSerializer):
    degree = serializers.IntegerField(
        allow_null=True,
        help_text="The target's degree from you: 1, 2 or 3; null for yourself or out of network.",
    )
    candidates = BrokerCandidateOutputSerializer(
        many=True, help_text="Best first; empty unless the target is 2nd or 3rd degree."
    )


class BrokerSettingsOutputSerializer(OutputSerializer):
    capacity_per_month = serializers.IntegerField(
        help_text="How many introduction requests may reach you in 30 days."
    )
    topics = serializers.CharField()
    paused = serializers.BooleanField()
