"""API serializers for connections, requests, invitations, blocks and notifications.

Input serializers only validate (and reject keys they do not declare); output
serializers only render. Per-row facts (degree, mutual connections) are not
computed here: the view fetches them for the whole page in one query and
passes them in the context as `closeness` ({member id: graph.Closeness}).
"""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api import OutputSerializer, StrictInputSerializer
from connections import selectors
from connections.graph import Closeness
from connections.models import ConnectionRequest, Invitation, Notification
from profiles.models import Profile

NOTE_MAX = 300
INVITATION_MESSAGE_MAX = 1000
CONTACT_HELP = "Present for your 1st-degree connections only (always the case in this list)."

# --- input ------------------------------------------------------------------


class EmptyInputSerializer(StrictInputSerializer):
    # Action endpoints take no body; any key is a 400 rather than silently ignored.
    pass


class ConnectionListQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Only connections whose name contains, or whose handle starts with, this.",
    )
    sort = serializers.ChoiceField(
        choices=[("recent", "Most recently connected first"), ("name", "By name")],
        default="recent",
    )


class ConnectionUpdateInputSerializer(StrictInputSerializer):
    note = serializers.CharField(
        max_length=NOTE_MAX,
        allow_blank=True,
        required=False,
        help_text="Your private note about this connection; only you ever see it.",
    )


class RequestListQuerySerializer(serializers.Serializer):
    direction = serializers.ChoiceField(
        choices=[("received", "Requests sent to you"), ("sent", "Requests you sent")],
        default="received",
    )


class ConnectionRequestCreateInputSerializer(StrictInputSerializer):
    to = serializers.CharField(max_length=150, help_text="The handle of the member to ask.")
    note = serializers.CharField(
        max_length=NOTE_MAX,
        allow_blank=True,
        default="",
        help_text="A personal note the recipient sees with the request.",
    )


class InvitationCreateInputSerializer(StrictInputSerializer):
    email = serializers.EmailField(help_text="The address of someone who is not yet a member.")
    message = serializers.CharField(max_length=INVITATION_MESSAGE_MAX, allow_blank=True, default="")


class BlockCreateInputSerializer(StrictInputSerializer):
    handle = serializers.CharField(max_length=150, help_text="The handle of the member to block.")


class NotificationsReadInputSerializer(StrictInputSerializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        max_length=500,
        required=False,
        help_text="The notifications to mark read; leave the key out to mark all of them.",
    )


# --- output: members ---------------------------------------------------------


class MemberSummaryOutputSerializer(OutputSerializer):
    """A member in a list, without contact details."""

    # Renders a Profile with its user selected; needs `request` in the context.

    handle = serializers.CharField(source="user.username")
    full_name = serializers.CharField()
    headline = serializers.CharField()
    photo_url = serializers.SerializerMethodField()

    def get_photo_url(self, profile: Profile) -> str | None:
        if not profile.photo:
            return None
        return str(self.context["request"].build_absolute_uri(profile.photo.url))


def _closeness(context: dict[str, Any], member_id: int) -> Closeness | None:
    closeness: dict[int, Closeness] = context.get("closeness", {})
    return closeness.get(member_id)


class MemberCloseSummaryOutputSerializer(MemberSummaryOutputSerializer):
    """A member in a list, with how close they are to you."""

    # Needs `closeness` ({member id: graph.Closeness}, one query per page) in the context.

    degree = serializers.SerializerMethodField(
        help_text="1, 2 or 3; null for yourself and for members out of your network."
    )
    mutual_connections_count = serializers.SerializerMethodField()

    def get_degree(self, profile: Profile) -> int | None:
        found = _closeness(self.context, profile.user_id)
        # closeness() says 0 for the viewer; the API says null, like the profile endpoint.
        return found.degree if found is not None and found.degree else None

    def get_mutual_connections_count(self, profile: Profile) -> int:
        found = _closeness(self.context, profile.user_id)
        return found.mutual_count if found is not None else 0


class PathsOutputSerializer(OutputSerializer):
    degree = serializers.IntegerField(
        allow_null=True,
        help_text="1, 2 or 3; null for yourself and for members out of your network.",
    )
    paths = serializers.ListField(
        child=MemberSummaryOutputSerializer(many=True),
        help_text=(
            "Shortest ways from you to the member, best first (strongest ties). Each path "
            "lists the members in between, from your side: one for a 2nd-degree member, two "
            "for a 3rd-degree one. Empty for 1st-degree and out-of-network members."
        ),
    )


# --- output: connections -------------------------------------------------------


class ConnectionOutputSerializer(OutputSerializer):
    """One of your 1st-degree connections."""

    # Renders a graph row (connections_of) with `other.profile` selected.

    handle = serializers.CharField(source="other.username")
    full_name = serializers.CharField(source="other.profile.full_name")
    headline = serializers.CharField(source="other.profile.headline")
    photo_url = serializers.SerializerMethodField()
    contact_email = serializers.CharField(
        source="other.profile.contact_email", help_text=CONTACT_HELP
    )
    phone = serializers.CharField(source="other.profile.phone", help_text=CONTACT_HELP)
    website = serializers.CharField(source="other.profile.website", help_text=CONTACT_HELP)
    connected_at = serializers.DateTimeField(source="created_at")
    note = serializers.CharField(help_text="Your private note; the other member never sees it.")

    def get_photo_url(self, row: Any) -> str | None:
        photo = row.other.profile.photo
        if not photo:
            return None
        return str(self.context["request"].build_absolute_uri(photo.url))


# --- output: connection requests -----------------------------------------------

REQUEST_STATUSES = [
    (ConnectionRequest.Status.PENDING.value, "Waiting for an answer"),
    (ConnectionRequest.Status.ACCEPTED.value, "Accepted: you are connected"),
    (ConnectionRequest.Status.IGNORED.value, "Ignored by you (the sender still sees pending)"),
    (ConnectionRequest.Status.WITHDRAWN.value, "Withdrawn by the sender"),
    (ConnectionRequest.Status.CANCELLED.value, "Cancelled"),
]


def status_for_viewer(request: ConnectionRequest, viewer_id: int) -> str:
    """The request's status as `viewer_id` may know it: an ignore is never told to the sender."""
    if request.status == ConnectionRequest.Status.IGNORED and request.from_member_id == viewer_id:
        return str(ConnectionRequest.Status.PENDING)
    return str(request.status)


class ConnectionRequestOutputSerializer(OutputSerializer):
    """A connection request with both members."""

    # Needs `request`, `viewer_id` and `closeness` in the context.

    id = serializers.IntegerField()
    from_member = MemberCloseSummaryOutputSerializer(source="from_member.profile")
    to_member = MemberCloseSummaryOutputSerializer(source="to_member.profile")
    note = serializers.CharField()
    status = serializers.SerializerMethodField(
        help_text="As you may know it: an ignored request stays `pending` for its sender."
    )
    created_at = serializers.DateTimeField()

    def get_fields(self) -> dict[str, serializers.Field]:
        # "from" is a Python keyword, so the two are declared under other names.
        renamed = {"from_member": "from", "to_member": "to"}
        return {renamed.get(name, name): field for name, field in super().get_fields().items()}

    @extend_schema_field(serializers.ChoiceField(choices=REQUEST_STATUSES))
    def get_status(self, request: ConnectionRequest) -> str:
        return status_for_viewer(request, self.context["viewer_id"])


class ConnectionRequestConnectedOutputSerializer(OutputSerializer):
    connected = serializers.BooleanField(
        help_text="Always true: the member had already asked you, so you are now connected."
    )
    request = ConnectionRequestOutputSerializer(help_text="Their request to you, now accepted.")


# --- output: invitations -------------------------------------------------------

REMINDER_STATES = [
    ("scheduled", "One reminder will go out at `reminder_at`"),
    ("sent", "The reminder went out at `reminder_at`"),
    ("cancelled", "You cancelled the reminder at `reminder_at`"),
    ("none", "No reminder: the invitation is closed"),
]


class InvitationOutputSerializer(OutputSerializer):
    """One of your invitations. The address is shown to you (the inviter) only."""

    id = serializers.IntegerField()
    email = serializers.EmailField()
    message = serializers.CharField()
    status = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(
        allow_null=True, help_text="When the e-mail went out; null until it has."
    )
    expires_at = serializers.DateTimeField()
    reminder = serializers.SerializerMethodField()
    reminder_at = serializers.SerializerMethodField(
        help_text="When the reminder is due (scheduled), went out (sent) or was cancelled."
    )

    @extend_schema_field(serializers.ChoiceField(choices=Invitation.Status.choices))
    def get_status(self, invitation: Invitation) -> str:
        # Expiry is applied by a periodic job; a dead link must not show "sent" meanwhile.
        if not selectors.invitation_row(invitation).is_open and (
            invitation.status == Invitation.Status.SENT
        ):
            return str(Invitation.Status.EXPIRED)
        return str(invitation.status)

    @extend_schema_field(serializers.ChoiceField(choices=REMINDER_STATES))
    def get_reminder(self, invitation: Invitation) -> str:
        return selectors.invitation_row(invitation).reminder

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_reminder_at(self, invitation: Invitation) -> str | None:
        when = selectors.invitation_row(invitation).reminder_at
        return serializers.DateTimeField().to_representation(when) if when else None


# --- output: blocks ------------------------------------------------------------


class BlockOutputSerializer(OutputSerializer):
    """A member you block."""

    # Renders a Block row with `blocked.profile` selected.

    handle = serializers.CharField(source="blocked.username")
    full_name = serializers.CharField(source="blocked.profile.full_name")
    headline = serializers.CharField(source="blocked.profile.headline")
    blocked_at = serializers.DateTimeField(source="created_at")


# --- output: notifications -------------------------------------------------------


class NotificationOutputSerializer(OutputSerializer):
    """An in-app notification."""

    # Needs `request` in the context and the actor's profile selected.

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Notification.Kind.choices)
    actor = serializers.SerializerMethodField(help_text="Who did it; null for system notices.")
    request_id = serializers.IntegerField(
        allow_null=True, help_text="The connection request it is about, if any."
    )
    introduction_id = serializers.IntegerField(
        allow_null=True, help_text="The introduction it is about, if any."
    )
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(MemberSummaryOutputSerializer(allow_null=True))
    def get_actor(self, notification: Notification) -> dict[str, Any] | None:
        if notification.actor is None:
            return None
        data: dict[str, Any] = MemberSummaryOutputSerializer(
            notification.actor.profile, context=self.context
        ).data
        return data


class UnreadCountOutputSerializer(OutputSerializer):
    unread_count = serializers.IntegerField()


class NotificationsReadOutputSerializer(OutputSerializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")
    unread_count = serializers.IntegerField()
