"""Reads of the member graph and its workflows for pages.

Every list here hides members the viewer may not see: suspended or
deactivated members anywhere, and members on either side of a block with the
viewer. Per-row facts (profile, degree, mutual count) come for the whole page
in one query each, never one per row.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, overload

from django.db import connection as db_connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.db.models.functions import Lower
from django.utils import timezone

from common.db import model_columns, run_prepared
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


def received_requests(member: User) -> "RequestList":
    """Pending requests to `member` from members they may see, newest first."""
    return RequestList(member.pk, received=True)


def sent_requests(member: User) -> "RequestList":
    """Requests `member` sent that still wait: pending, or ignored (which they must not learn)."""
    return RequestList(member.pk, received=False)


class RequestList:
    """A member's open requests in one direction, newest first, each with both members
    and their profiles loaded: what Paginator, the API and the digest count and slice.

    The other member is one the viewer may see: active, not suspended, and no block
    between the two either way. Read by two statements written once (a count and a
    page; common.db), not by a queryset built and compiled on every request: on the
    API's hot path the ORM's building cost more than the queries (docs/benchmarks.md).
    """

    def __init__(self, member_id: int, *, received: bool) -> None:
        self.member_id = member_id
        self.received = received
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            with db_connection.cursor() as cur:
                run_prepared(cur, _request_reads().count[self.received], {"m": self.member_id})
                self._count = int(cur.fetchone()[0])
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[ConnectionRequest]:
        return iter(self[:])

    @overload
    def __getitem__(self, key: int) -> ConnectionRequest: ...

    @overload
    def __getitem__(self, key: slice) -> list[ConnectionRequest]: ...

    def __getitem__(self, key: int | slice) -> ConnectionRequest | list[ConnectionRequest]:
        if isinstance(key, int):
            found = self[key : key + 1]
            if not found:
                raise IndexError("no request at this index")
            return found[0]
        if key.step is not None:
            raise TypeError("RequestList takes a slice without a step")
        start = key.start or 0
        if start < 0 or (key.stop is not None and key.stop < 0):
            raise ValueError("RequestList takes no negative indexes")
        limit = None if key.stop is None else max(key.stop - start, 0)
        if limit == 0:
            return []
        reads = _request_reads()
        with db_connection.cursor() as cur:
            run_prepared(
                cur,
                reads.page[self.received],
                {"m": self.member_id, "limit": limit, "offset": start},
            )
            return [reads.build(row) for row in cur.fetchall()]


def requests_by_id(ids: list[int]) -> dict[int, ConnectionRequest]:
    """These requests with both members and their profiles loaded, in one statement
    written once: what the API renders after a member acts on a request."""
    reads = _request_reads()
    with db_connection.cursor() as cur:
        run_prepared(cur, reads.by_id, [ids])
        return {request.pk: request for request in map(reads.build, cur.fetchall())}


@dataclass(frozen=True)
class _RequestReads:
    count: dict[bool, str]  # by `received`
    page: dict[bool, str]
    by_id: str
    request_fields: list[str]
    user_fields: list[str]
    profile_fields: list[str]

    def build(self, row: tuple[Any, ...]) -> ConnectionRequest:
        """A request from its row: its columns, then the sender's and their profile's,
        then the recipient's and their profile's (NULLs where a member has no profile)."""
        alias = db_connection.alias
        n_request, n_user, n_profile = (
            len(self.request_fields),
            len(self.user_fields),
            len(self.profile_fields),
        )
        request = ConnectionRequest.from_db(alias, self.request_fields, row[:n_request])
        start = n_request
        for attr in ("from_member", "to_member"):
            member = User.from_db(alias, self.user_fields, row[start : start + n_user])
            start += n_user
            profile_row = row[start : start + n_profile]
            start += n_profile
            if profile_row[0] is None:  # as select_related leaves a missing profile
                User.profile.related.set_cached_value(member, None)
            else:
                member.profile = Profile.from_db(alias, self.profile_fields, profile_row)
            setattr(request, attr, member)
        return request


@cache
def _request_reads() -> _RequestReads:
    request_fields, request_columns = model_columns(ConnectionRequest, "r")
    user_fields, from_user = model_columns(User, "fu")
    profile_fields, from_profile = model_columns(Profile, "fp")
    _, to_user = model_columns(User, "tu")
    _, to_profile = model_columns(Profile, "tp")
    users, profiles = User._meta.db_table, Profile._meta.db_table
    joins = (
        f" FROM {ConnectionRequest._meta.db_table} r"
        f" JOIN {users} fu ON fu.id = r.from_member_id"
        f" LEFT JOIN {profiles} fp ON fp.user_id = fu.id"
        f" JOIN {users} tu ON tu.id = r.to_member_id"
        f" LEFT JOIN {profiles} tp ON tp.user_id = tu.id"
    )
    status = ConnectionRequest.Status
    blocks = Block._meta.db_table

    def where(received: bool) -> str:
        mine, other = ("r.to_member_id", "fu") if received else ("r.from_member_id", "tu")
        states = ", ".join(f"'{state}'" for state in ([status.PENDING] if received else OPEN_SENT))
        return (
            f" WHERE {mine} = %(m)s AND r.status IN ({states})"  # noqa: S608 (model metadata only)
            f" AND {other}.is_active AND NOT {other}.is_suspended"
            f" AND NOT EXISTS (SELECT 1 FROM {blocks} b"
            f" WHERE (b.blocker_id = %(m)s AND b.blocked_id = {other}.id)"
            f" OR (b.blocker_id = {other}.id AND b.blocked_id = %(m)s))"
        )

    select = f"SELECT {request_columns}, {from_user}, {from_profile}, {to_user}, {to_profile}"
    return _RequestReads(
        count={received: f"SELECT count(*){joins}{where(received)}" for received in (True, False)},
        page={
            received: (
                f"{select}{joins}{where(received)}"
                " ORDER BY r.created_at DESC, r.id DESC LIMIT %(limit)s OFFSET %(offset)s"
            )
            for received in (True, False)
        },
        by_id=f"{select}{joins} WHERE r.id = ANY(%s)",
        request_fields=request_fields,
        user_fields=user_fields,
        profile_fields=profile_fields,
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
