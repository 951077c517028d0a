"""Reads of the member graph and its workflows for pages.

Every list here hides members the viewer may not see: suspended or
deactivated members anywhere, and members on either side of a block with the
viewer. Per-row facts (profile, degree, mutual count) come for the whole page
in one query each, never one per row.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.db.models.functions import Lower
from django.utils import timezone

from connections import graph
from connections.models import (
    Block,
    Connection,
    ConnectionRequest,
    EmailPreference,
    Invitation,
    Notification,
)
from profiles.models import Profile, User

OPEN_SENT = [ConnectionRequest.Status.PENDING, ConnectionRequest.Status.IGNORED]


def _blocked_with(viewer_id: int, member_ref: str) -> Exists:
    """True when the member in column `member_ref` and the viewer block each other (either way)."""
    return Exists(
        Block.objects.filter(
            Q(blocker_id=viewer_id, blocked_id=OuterRef(member_ref))
            | Q(blocker_id=OuterRef(member_ref), blocked_id=viewer_id)
        )
    )


def _visible(prefix: str) -> Q:
    return Q(**{f"{prefix}__is_active": True, f"{prefix}__is_suspended": False})


def profiles_by_id(ids: list[int]) -> dict[int, Profile]:
    """Visible profiles of `ids`, in one query."""
    if not ids:
        return {}
    return {
        profile.user_id: profile
        for profile in Profile.objects.select_related("user").filter(
            _visible("user"), user_id__in=ids
        )
    }


# -- the profile page ------------------------------------------------------------


@dataclass
class Relationship:
    """Where the viewer stands with a member, for the action buttons on a profile.

    state: "self", "connected", "sent" (the viewer asked: pending, or ignored
    without the viewer knowing), "received" (the member asked the viewer), "none".
    """

    state: str
    request: ConnectionRequest | None = None
    note: str | None = None  # the viewer's private note, when connected


def relationship(viewer_id: int, member_id: int) -> Relationship:
    if viewer_id == member_id:
        return Relationship(state="self")
    note = graph.connection_note(viewer_id, member_id)
    if note is not None:
        return Relationship(state="connected", note=note)
    # An ignored request looks pending to its sender; a request the viewer ignored
    # is over for them. A request *to* the viewer wins: accepting it connects both.
    requests = list(
        ConnectionRequest.objects.filter(
            Q(from_member_id=viewer_id, to_member_id=member_id, status__in=OPEN_SENT)
            | Q(
                from_member_id=member_id,
                to_member_id=viewer_id,
                status=ConnectionRequest.Status.PENDING,
            )
        ).order_by("-created_at", "-id")
    )
    for request in requests:
        if request.from_member_id == member_id:
            return Relationship(state="received", request=request)
    if requests:
        return Relationship(state="sent", request=requests[0])
    return Relationship(state="none")


@dataclass
class ProfileNetwork:
    """What a logged-in viewer sees about their network on someone's profile."""

    degree: int | None
    mutual_count: int
    mutuals: list[Profile]
    paths: list[list[Profile]]
    relationship: Relationship


def profile_network(
    viewer_id: int, member_id: int, *, mutuals: int = 3, paths: int = 5
) -> ProfileNetwork:
    closeness = graph.closeness(viewer_id, [member_id])[member_id]
    mutual_profiles: list[Profile] = []
    if closeness.mutual_count:
        mutual_profiles = mutual_connections(viewer_id, member_id, limit=mutuals)
    routes: list[list[Profile]] = []
    if closeness.degree in (2, 3):
        routes = paths_between(viewer_id, member_id, limit=paths)
    return ProfileNetwork(
        degree=closeness.degree,
        mutual_count=closeness.mutual_count,
        mutuals=mutual_profiles,
        paths=routes,
        relationship=relationship(viewer_id, member_id),
    )


def mutual_connections(
    viewer_id: int, member_id: int, *, limit: int | None = None
) -> list[Profile]:
    """Profiles of the members connected to both, most connected first (two queries)."""
    ids = graph.mutual_connection_ids(viewer_id, member_id, limit=limit)
    return profiles_in_order(ids)


def profiles_in_order(ids: list[int]) -> list[Profile]:
    found = profiles_by_id(ids)
    return [found[i] for i in ids if i in found]


def paths_between(viewer_id: int, member_id: int, *, limit: int = 5) -> list[list[Profile]]:
    """ "How you're connected": each path as the profiles between the two, best first."""
    routes = graph.paths_between(viewer_id, member_id, limit=limit)
    found = profiles_by_id(sorted({i for route in routes for i in route}))
    # A member hidden since the path query drops the whole path, not just a name.
    return [[found[i] for i in route] for route in routes if all(i in found for i in route)]


# -- my network ------------------------------------------------------------------

SORTS: dict[str, tuple[str | OrderBy | Lower, str]] = {
    "recent": ("-created_at", "other_id"),
    "name": (Lower("other__profile__full_name"), "other_id"),
}


def connections_for_page(
    member: User, *, q: str = "", sort: str = "recent"
) -> QuerySet[Connection]:
    """The member's visible connections with their profiles, for one page query."""
    rows = (
        graph.connections_of(member.pk).filter(_visible("other")).select_related("other__profile")
    )
    if q:
        rows = rows.filter(
            Q(other__profile__full_name__icontains=q) | Q(other__username__istartswith=q)
        )
    return rows.order_by(*SORTS.get(sort, SORTS["recent"]))


def received_requests(member: User) -> QuerySet[ConnectionRequest]:
    """Pending requests to `member` from members they may see, newest first."""
    return (
        ConnectionRequest.objects.filter(to_member=member, status=ConnectionRequest.Status.PENDING)
        .filter(_visible("from_member"))
        .exclude(_blocked_with(member.pk, "from_member_id"))
        .select_related("from_member__profile")
        .order_by("-created_at", "-id")
    )


def sent_requests(member: User) -> QuerySet[ConnectionRequest]:
    """Requests `member` sent that still wait: pending, or ignored (which they must not learn)."""
    return (
        ConnectionRequest.objects.filter(from_member=member, status__in=OPEN_SENT)
        .filter(_visible("to_member"))
        .exclude(_blocked_with(member.pk, "to_member_id"))
        .select_related("to_member__profile")
        .order_by("-created_at", "-id")
    )


@dataclass
class RequestRow:
    """A request on a list page with the other member's profile, degree and mutual count."""

    request: ConnectionRequest
    member: Profile
    degree: int | None
    mutual_count: int


def request_rows(
    viewer: User, requests: Iterable[ConnectionRequest], *, received: bool
) -> list[RequestRow]:
    """Rows of one page of requests (their profiles already selected): one closeness query."""
    requests = list(requests)
    others = [r.from_member if received else r.to_member for r in requests]
    closeness = graph.closeness(viewer.pk, [m.pk for m in others])
    return [
        RequestRow(
            request=r,
            member=m.profile,
            degree=closeness[m.pk].degree,
            mutual_count=closeness[m.pk].mutual_count,
        )
        for r, m in zip(requests, others, strict=True)
    ]


@dataclass(frozen=True)
class PendingCounts:
    received: int
    sent: int


def pending_counts(member: User) -> PendingCounts:
    """Pending requests received and sent, as the lists above count them: one query."""
    mine = Q(to_member=member, status=ConnectionRequest.Status.PENDING) | Q(
        from_member=member, status__in=OPEN_SENT
    )
    # The other member of each request: the sender of a received one, the recipient of a sent one.
    received = (
        Q(to_member=member, status=ConnectionRequest.Status.PENDING)
        & _visible("from_member")
        & ~Q(sender_blocked=True)
    )
    sent = (
        Q(from_member=member, status__in=OPEN_SENT)
        & _visible("to_member")
        & ~Q(recipient_blocked=True)
    )
    counts = (
        ConnectionRequest.objects.filter(mine)
        .annotate(
            sender_blocked=_blocked_with(member.pk, "from_member_id"),
            recipient_blocked=_blocked_with(member.pk, "to_member_id"),
        )
        .aggregate(received=Count("id", filter=received), sent=Count("id", filter=sent))
    )
    return PendingCounts(received=counts["received"], sent=counts["sent"])


# -- invitations -----------------------------------------------------------------


@dataclass
class InvitationRow:
    invitation: Invitation
    status: str  # what the inviter sees
    is_open: bool
    reminder: str  # "sent", "cancelled", "scheduled" or "none"
    reminder_at: datetime | None = field(default=None)

    @property
    def can_cancel_reminder(self) -> bool:
        return self.is_open and self.reminder == "scheduled"


def invitations_of(member: User) -> QuerySet[Invitation]:
    return Invitation.objects.filter(inviter=member).order_by("-created_at", "-id")


def invitation_row(invitation: Invitation, *, now: datetime | None = None) -> InvitationRow:
    now = now or timezone.now()
    is_open = invitation.status == Invitation.Status.SENT and invitation.expires_at > now
    if invitation.status == Invitation.Status.SENT and not is_open:
        # Past its expiry but not yet swept by the periodic job: it is expired all the same.
        status = Invitation.Status.EXPIRED.label
    else:
        status = invitation.get_status_display()
    reminder_at: datetime | None
    if invitation.reminded_at is not None:
        reminder, reminder_at = "sent", invitation.reminded_at
    elif invitation.reminder_cancelled_at is not None:
        reminder, reminder_at = "cancelled", invitation.reminder_cancelled_at
    elif is_open and invitation.reminder_due_at is not None:
        reminder, reminder_at = "scheduled", invitation.reminder_due_at
    else:
        reminder, reminder_at = "none", None
    return InvitationRow(
        invitation=invitation,
        status=str(status),
        is_open=is_open,
        reminder=reminder,
        reminder_at=reminder_at,
    )


# -- notifications ---------------------------------------------------------------


def notifications_for(member: User) -> QuerySet[Notification]:
    """The member's notifications, newest first, without those whose actor is now hidden."""
    return (
        Notification.objects.filter(recipient=member)
        .filter(Q(actor__isnull=True) | _visible("actor"))
        .exclude(_blocked_with(member.pk, "actor_id"))
        .select_related("actor__profile")
        .order_by("-created_at", "-id")
    )


def unread_notification_count(member: User) -> int:
    """One query, probing the partial index on unread notifications."""
    return notifications_for(member).filter(read_at__isnull=True).count()


def wants_notification_emails(member: User) -> bool:
    preference = EmailPreference.objects.filter(member=member).first()
    return preference is None or preference.notifications
