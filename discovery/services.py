"""Writes of the discovery app: computing and storing suggestions, dismissals, the name
directory, and the bookkeeping that tells the periodic sweep whose suggestions to redo.

Suggestions are computed only by Celery workers (from the in-memory graph); web
requests record a visit, ask for a first computation, and read what is stored.
"""

import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, DateTimeField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone

from common.exceptions import ApplicationError
from connections import graph, memgraph
from connections.memgraph import MemGraph
from connections.models import Block, ConnectionRequest, GraphChange
from connections.services import enqueue, is_blocked_between
from discovery import candidates
from discovery.models import DirectoryName, PymkDismissal, Suggestion, SuggestionState
from profiles.models import Education, Position, User

log = logging.getLogger(__name__)

KEEP = 100  # suggestions stored per member
OPEN_REQUEST = [ConnectionRequest.Status.PENDING, ConnectionRequest.Status.IGNORED]
# A first computation asked for but not done after this long is asked for again
# (the task was lost: Redis down, a worker crashed).
RETRY_AFTER = timedelta(minutes=2)
# Visits are recorded to the hour: at most one write an hour per member.
VISIT_RESOLUTION = timedelta(hours=1)
# Members who looked at their suggestions this recently get them recomputed when older
# than REFRESH_AFTER: their connections' connections changed, which no row records.
VISIT_WINDOW = timedelta(days=7)
REFRESH_AFTER = timedelta(hours=12)
# Graph changes looked at by the sweep. A change committed a little after it was
# stamped may have missed a computation stamped just after it: look that far back.
CHANGE_WINDOW = timedelta(days=1)
COMMIT_MARGIN = timedelta(minutes=2)
SWEEP_LIMIT = 5000
CHUNK = 200


# -- computing -------------------------------------------------------------------------


def _excluded(member_id: int) -> set[int]:
    """Never suggested: connections, either side of an open request or a block, dismissed.
    One query."""
    requests = ConnectionRequest.objects.filter(status__in=OPEN_REQUEST)
    sets = [
        graph.connections_of(member_id).values_list("other_id"),
        requests.filter(from_member_id=member_id).values_list("to_member_id"),
        requests.filter(to_member_id=member_id).values_list("from_member_id"),
        Block.objects.filter(blocker_id=member_id).values_list("blocked_id"),
        Block.objects.filter(blocked_id=member_id).values_list("blocker_id"),
        PymkDismissal.objects.filter(member_id=member_id).values_list("dismissed_id"),
    ]
    excluded = {row[0] for row in sets[0].union(*sets[1:], all=True)}
    excluded.add(member_id)
    return excluded


def suggestions_compute(
    *, member_id: int, mem: MemGraph | None = None, asked_at: datetime | None = None
) -> int | None:
    """Compute and store a member's suggestions; returns how many were stored.

    Idempotent, and serialised per member by a row lock on their state. Returns None
    without doing anything when a computation that started after `asked_at` already
    stored its result (a duplicate task).
    """
    started = time.perf_counter()
    # The moment the graph is synced is the moment the suggestions describe.
    computed_at = timezone.now()
    mem = mem or memgraph.current()
    with transaction.atomic():
        state, _ = SuggestionState.objects.get_or_create(member_id=member_id)
        state = SuggestionState.objects.select_for_update().get(pk=member_id)
        if asked_at is not None and state.computed_at is not None and state.computed_at > asked_at:
            return None
        ranked: list[candidates.Candidate] = []
        # A hidden member gets none (and keeps none): nobody sees their page anyway.
        if User.objects.visible().filter(pk=member_id).exists():
            pool = candidates.gather(mem, member_id)
            best = candidates.rank(pool, excluded=_excluded(member_id), limit=2 * KEEP)
            # The graph and the SQL leave hidden members out already; one hidden since
            # (between the graph's sync and now) is dropped here. Rare: twice KEEP is ample.
            visible = set(
                User.objects.visible()
                .filter(pk__in=[c.member_id for c in best])
                .values_list("pk", flat=True)
            )
            ranked = [c for c in best if c.member_id in visible][:KEEP]
        Suggestion.objects.filter(member_id=member_id).delete()
        Suggestion.objects.bulk_create(
            Suggestion(
                member_id=member_id,
                candidate_id=c.member_id,
                score=c.score,
                mutual_count=c.mutual,
                reason=c.reason(),
                computed_at=computed_at,
            )
            for c in ranked
        )
        state.computed_at = computed_at
        state.candidates = len(ranked)
        state.seconds = time.perf_counter() - started
        state.save(update_fields=["computed_at", "candidates", "seconds"])
    return len(ranked)


def suggestions_compute_many(
    member_ids: Iterable[int], *, asked_at: datetime | None = None
) -> dict[str, int]:
    """Compute several members' suggestions from one sync of the in-memory graph."""
    ids = sorted(set(member_ids))
    if not ids:
        return {"computed": 0, "skipped": 0}
    mem = memgraph.current()
    computed = skipped = 0
    for member_id in ids:
        if suggestions_compute(member_id=member_id, mem=mem, asked_at=asked_at) is None:
            skipped += 1
        else:
            computed += 1
    return {"computed": computed, "skipped": skipped}


# -- asking for a computation ----------------------------------------------------------


def _schedule(member_ids: list[int], asked_at: datetime) -> None:
    from discovery.tasks import compute_suggestions

    transaction.on_commit(lambda: enqueue(compute_suggestions, member_ids, asked_at.isoformat()))


def suggestions_visit(*, member: User, state: SuggestionState | None) -> SuggestionState:
    """A member looks at their suggestions: record it (to the hour) and, the first time
    or when a first computation got lost, ask a worker for one after commit.

    `state` is the member's state as just read (None: no row yet). Safe under
    concurrent visits: only the request that creates or claims the row schedules.
    """
    now = timezone.now()
    if state is None:
        state, created = SuggestionState.objects.get_or_create(
            member=member, defaults={"requested_at": now, "visited_at": now}
        )
        if created:
            _schedule([member.pk], now)
        return state
    if state.computed_at is None and (
        state.requested_at is None or state.requested_at < now - RETRY_AFTER
    ):
        claimed = SuggestionState.objects.filter(
            pk=member.pk, computed_at__isnull=True, requested_at=state.requested_at
        ).update(requested_at=now, visited_at=now)
        if claimed:
            state.requested_at = state.visited_at = now
            _schedule([member.pk], now)
    elif state.visited_at is None or state.visited_at < now - VISIT_RESOLUTION:
        SuggestionState.objects.filter(pk=member.pk).update(visited_at=now)
        state.visited_at = now
    return state


def stale_member_ids(*, now: datetime | None = None, limit: int = SWEEP_LIMIT) -> list[int]:
    """Whose suggestions the sweep recomputes, most urgent first:

    1. a first computation asked for and never done (its task was lost);
    2. members whose own connections changed after their last computation;
    3. members who looked recently at suggestions computed long ago.

    Only members who ever looked at their suggestions have a state row, so nobody
    else costs anything.
    """
    now = now or timezone.now()
    lost = SuggestionState.objects.filter(
        computed_at__isnull=True, requested_at__lt=now - RETRY_AFTER
    ).values_list("member_id", flat=True)[:limit]
    recent = GraphChange.objects.filter(created_at__gt=now - CHANGE_WINDOW)
    newer = GraphChange.objects.filter(
        Q(member_id=OuterRef("member_id")) | Q(other_id=OuterRef("member_id")),
        created_at__gt=ExpressionWrapper(
            OuterRef("computed_at") - COMMIT_MARGIN, output_field=DateTimeField()
        ),
    )
    changed = (
        SuggestionState.objects.filter(computed_at__isnull=False)
        .filter(
            Q(member_id__in=recent.values("member_id"))
            | Q(member_id__in=recent.filter(other_id__isnull=False).values("other_id"))
        )
        .filter(Exists(newer))
        .order_by("computed_at")
        .values_list("member_id", flat=True)[:limit]
    )
    old = (
        SuggestionState.objects.filter(
            visited_at__gt=now - VISIT_WINDOW, computed_at__lt=now - REFRESH_AFTER
        )
        .order_by("computed_at")
        .values_list("member_id", flat=True)[:limit]
    )
    ordered: dict[int, None] = {}
    for group in (lost, changed, old):
        for member_id in group:
            ordered.setdefault(member_id, None)
            if len(ordered) >= limit:
                return list(ordered)
    return list(ordered)


def suggestions_sweep(*, now: datetime | None = None, limit: int = SWEEP_LIMIT) -> int:
    """Ask workers to recompute every stale member's suggestions, in chunks. Returns how
    many members were scheduled. Safe to run twice: a duplicate computation is skipped."""
    now = now or timezone.now()
    ids = stale_member_ids(now=now, limit=limit)
    # Mark them asked for, so a lost first computation is not scheduled again next minute.
    SuggestionState.objects.filter(pk__in=ids, computed_at__isnull=True).update(requested_at=now)
    for start in range(0, len(ids), CHUNK):
        _schedule(ids[start : start + CHUNK], now)
    return len(ids)


# -- dismissals ------------------------------------------------------------------------


@transaction.atomic
def pymk_dismiss(*, member: User, handle: str) -> PymkDismissal:
    """ "Don't know them": never suggest this member again. Idempotent.

    Raises ApplicationError 404 for a hidden, blocked (either way) or unknown member,
    alike; 400 for yourself.
    """
    other = User.objects.visible().filter(username=handle.lower()).first()
    if other is None or (other.pk != member.pk and is_blocked_between(member.pk, other.pk)):
        raise ApplicationError("No such member.", code="not_found", status=404)
    if other.pk == member.pk:
        raise ApplicationError("You cannot dismiss yourself.", code="self", status=400)
    dismissal, _ = PymkDismissal.objects.get_or_create(member=member, dismissed=other)
    Suggestion.objects.filter(member=member, candidate=other).delete()
    return dismissal


# -- the name directory ----------------------------------------------------------------


@transaction.atomic
def directory_refresh() -> int:
    """Rebuild the company and school names with their numbers of visible members.
    Replaces the whole directory in one transaction; readers see the old or the new."""
    now = timezone.now()
    visible = Q(profile__user__is_active=True, profile__user__is_suspended=False)
    companies = (
        Position.objects.filter(visible, is_current=True)
        .values_list("organization")
        .annotate(n=Count("profile_id", distinct=True))
    )
    schools = (
        Education.objects.filter(visible)
        .values_list("school")
        .annotate(n=Count("profile_id", distinct=True))
    )
    rows = [
        DirectoryName(kind=kind, name=name, members=n, refreshed_at=now)
        for kind, names in (
            (DirectoryName.Kind.COMPANY, companies),
            (DirectoryName.Kind.SCHOOL, schools),
        )
        for name, n in names
        if name.strip()
    ]
    DirectoryName.objects.all().delete()
    DirectoryName.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def directory_is_empty() -> bool:
    return not DirectoryName.objects.exists()


def directory_schedule_refresh() -> None:
    """Ask a worker to build the directory (the first time a page finds it empty)."""
    from django.core.cache import cache

    from discovery.tasks import refresh_directory

    try:
        if cache.add("linkup:discovery-directory-scheduled", 1, timeout=300):
            transaction.on_commit(lambda: enqueue(refresh_directory))
    except Exception:  # Redis down: the hourly beat entry builds it
        log.warning("could not schedule the directory refresh", exc_info=True)
