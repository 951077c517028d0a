"""Reads for keep-in-touch lists and the digest.

Every list leaves out members the viewer may not see: suspended or deactivated
members, and members on either side of a block. Keep-in-touch entries also need
the connection to be there still (they are deleted with it; this is the belt to
those braces). Per-row facts come in the page's one query.
"""

from datetime import datetime, timedelta
from typing import Any, cast

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from connections import graph
from connections.models import Block, Connection
from digest.dates import add_months
from digest.models import DigestPreference, KeepInTouch, Touch
from profiles.models import User

PICKER_LIMIT = 1000
WEEK = timedelta(days=7)
# A connection made this long ago without any touch since is "a long time".
QUIET_AFTER = timedelta(days=180)


def _blocked_with(viewer_ref: Any, member_ref: str) -> Exists:
    """True when the member in column `member_ref` and the viewer block each other."""
    return Exists(
        Block.objects.filter(
            Q(blocker_id=viewer_ref, blocked_id=OuterRef(member_ref))
            | Q(blocker_id=OuterRef(member_ref), blocked_id=viewer_ref)
        )
    )


def _visible(prefix: str) -> Q:
    return Q(**{f"{prefix}__is_active": True, f"{prefix}__is_suspended": False})


def _still_connected() -> Exists:
    # graph.connections_of is the one way to the edges; it takes the member as an
    # OuterRef here, so the check is part of the list's one query.
    edges = graph.connections_of(cast(int, OuterRef("member_id")))
    return Exists(edges.filter(other_id=OuterRef("other_id")))


def _shown_entries() -> QuerySet[KeepInTouch]:
    return KeepInTouch.objects.filter(
        _visible("other"),
        _still_connected(),
        ~_blocked_with(OuterRef("member_id"), "other_id"),
    )


# -- keep in touch -------------------------------------------------------------------


def keep_in_touch_for(member: User) -> QuerySet[KeepInTouch]:
    """The member's list, soonest due first (overdue at the top), with profiles: one query."""
    return (
        _shown_entries()
        .filter(member=member)
        .select_related("other__profile")
        .order_by("next_due_at", "id")
    )


def keep_in_touch_entry(member: User, other_id: int) -> KeepInTouch | None:
    return keep_in_touch_for(member).filter(other_id=other_id).first()


def keep_in_touch_candidates(member: User, *, limit: int = PICKER_LIMIT) -> list[tuple[str, str]]:
    """(handle, name) of the member's visible connections not on their list yet, by name."""
    listed = KeepInTouch.objects.filter(member=member).values("other_id")
    rows = (
        graph.connections_of(member.pk)
        .filter(_visible("other"))
        .exclude(other_id__in=listed)
        .order_by("other__profile__full_name", "other_id")
        .values_list("other__username", "other__profile__full_name")[:limit]
    )
    return [(handle, name or handle) for handle, name in rows]


def due_for_reminder(*, now: datetime, limit: int) -> list[tuple[int, int, int]]:
    """(entry, member, other) ids of due entries not reminded yet, whose two members are
    visible, unblocked and still connected. The partial index keepintouch_due serves it."""
    rows = (
        _shown_entries()
        .filter(_visible("member"), reminded_at__isnull=True, next_due_at__lte=now)
        .order_by("next_due_at", "id")
        .values_list("pk", "member_id", "other_id")[:limit]
    )
    return list(rows)


def quiet_connections(member: User, *, now: datetime, limit: int) -> list[Connection]:
    """The member's oldest connections with no touch on record, made long ago and not on
    their keep-in-touch list: people they may have lost touch with. One query."""
    listed = KeepInTouch.objects.filter(member=member).values("other_id")
    touched = Touch.objects.filter(member=member, other_id=OuterRef("other_id"))
    return list(
        graph.connections_of(member.pk)
        .filter(_visible("other"), created_at__lte=now - QUIET_AFTER)
        .exclude(other_id__in=listed)
        .exclude(Exists(touched))
        .select_related("other__profile")
        .order_by("created_at", "other_id")[:limit]
    )


# -- digest ---------------------------------------------------------------------------


def digest_preference(member: User) -> DigestPreference:
    """The member's preference; an unsaved weekly one when they never chose."""
    return DigestPreference.objects.filter(member=member).first() or DigestPreference(member=member)


def due_threshold(frequency: str, now: datetime) -> datetime:
    """A digest of this frequency is due when the last one was sent before this moment.

    Whole days, not hours: a digest claimed on day D is next due from midnight of day
    D+7 (weekly) or of the same day next month (monthly), so the hourly beat job keeps
    each member on the same weekday instead of drifting by an hour a week.
    """
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    if frequency == DigestPreference.Frequency.MONTHLY:
        return add_months(today, -1) + timedelta(days=1)
    return today - timedelta(days=6)


def digest_period(frequency: str) -> timedelta:
    """Roughly how far back a digest looks when there was none before."""
    return timedelta(days=30) if frequency == DigestPreference.Frequency.MONTHLY else WEEK


def due_digest_member_ids(*, now: datetime, after: int = 0, limit: int = 500) -> list[int]:
    """Members whose digest is due, by id from `after` (keyset pagination): visible, with an
    address, weekly or monthly (no preference row means weekly) and not sent this period."""
    weekly = DigestPreference.Frequency.WEEKLY
    monthly = DigestPreference.Frequency.MONTHLY

    def due(frequency: str) -> Q:
        return Q(digest_preference__frequency=frequency) & (
            Q(digest_preference__last_sent_at__isnull=True)
            | Q(digest_preference__last_sent_at__lt=due_threshold(frequency, now))
        )

    return list(
        User.objects.visible()
        .filter(pk__gt=after, profile__isnull=False)
        .exclude(email="")
        .filter(Q(digest_preference__isnull=True) | due(weekly) | due(monthly))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
