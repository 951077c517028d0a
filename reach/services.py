"""Writes of the reach dashboard: asking for a member's reach, computing and storing it.

* The web side only asks: `reach_for_viewer` reads the stored summary and, when it is
  missing or out of date, marks it requested (requested_at) and enqueues a task after
  commit. The row, not the queue, records that a computation is wanted.
* A worker computes (`reach_compute`): the in-memory graph and attribute arrays of its
  process, two BFS and a few bincounts (reach.compute), then one transaction that
  stores the summary and today's history row. Safe to run twice: an older result never
  overwrites a newer one.
* After each whole-graph count run, the members active lately (and any request still
  pending) are recomputed in batches (`after_count_run`).
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from connections import memgraph
from connections.memgraph import MemGraph
from connections.models import Block, GraphChange, NetworkCounts
from profiles.models import User
from reach import attributes, compute, selectors
from reach.models import ReachHistory, ReachSummary

log = logging.getLogger(__name__)

# A summary older than this is recomputed when its member looks at it.
STALE_AFTER = timedelta(hours=24)
# A request not answered within this long is made again (its task was lost).
RETRY_AFTER = timedelta(minutes=2)
# After a whole-graph run: members who logged in this recently, if their summary is older
# than REFRESH_AFTER; at most MAX_REFRESH of them, in batches of REFRESH_BATCH per task.
RECENTLY_ACTIVE = timedelta(days=7)
REFRESH_AFTER = timedelta(hours=6)
MAX_REFRESH = 50_000
REFRESH_BATCH = 200

READY, COMPUTING = "ready", "computing"


@dataclass
class ReachState:
    """What a member sees of their reach: the last computed data, and whether a fresher
    computation is on its way."""

    state: str  # READY or COMPUTING
    computed_at: datetime | None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def has_data(self) -> bool:
        return self.computed_at is not None and bool(self.data)


def _out_of_date(summary: ReachSummary, counts_stale_since: datetime | None) -> bool:
    if summary.computed_at is None:
        return True
    if summary.computed_at < timezone.now() - STALE_AFTER:
        return True
    # A connection within two hops changed after the computation (connections.network marks).
    return counts_stale_since is not None and counts_stale_since > summary.computed_at


def reach_for_viewer(*, member: User) -> ReachState:
    """The member's reach as stored; asks for a (re)computation when it is missing, out of
    date or pending for too long. Idempotent: one task per RETRY_AFTER at most."""
    summary = (
        ReachSummary.objects.filter(member=member)
        .annotate(
            counts_stale_since=NetworkCounts.objects.filter(member_id=member.pk).values(
                "stale_since"
            )[:1],
            # The member's own connections changed since: their exact counts were
            # refreshed at once (clearing stale_since), so look at the change log.
            own_change_since=Exists(
                GraphChange.objects.filter(
                    Q(member_id=member.pk) | Q(other_id=member.pk),
                    created_at__gt=OuterRef("computed_at"),
                )
            ),
            # A block hides members from the counts at once: recount after one.
            blocked_since=Exists(
                Block.objects.filter(
                    Q(blocker_id=member.pk) | Q(blocked_id=member.pk),
                    created_at__gt=OuterRef("computed_at"),
                )
            ),
        )
        .first()
    )
    current: ReachSummary | None = summary
    if (
        current is None
        or current.pending
        or _out_of_date(current, getattr(current, "counts_stale_since", None))
        or getattr(current, "blocked_since", False)
        or getattr(current, "own_change_since", False)
    ):
        current = reach_request(member_id=member.pk)
    return ReachState(
        state=COMPUTING if current.pending else READY,
        computed_at=current.computed_at,
        data=current.data if current.computed_at else {},
    )


def reach_request(*, member_id: int) -> ReachSummary:
    """Mark the member's reach as wanted and enqueue its computation after commit, unless a
    request younger than RETRY_AFTER is still pending. Returns the row."""
    now = timezone.now()
    with transaction.atomic():
        ReachSummary.objects.bulk_create([ReachSummary(member_id=member_id)], ignore_conflicts=True)
        # The claim: only one of many concurrent page views (or polls) enqueues a task.
        claimed = (
            ReachSummary.objects.filter(member_id=member_id)
            .filter(
                Q(requested_at__isnull=True)
                | Q(requested_at__lt=now - RETRY_AFTER)
                | Q(computed_at__gte=F("requested_at"))
            )
            .update(requested_at=now)
        )
        if claimed:
            transaction.on_commit(partial(_enqueue, [member_id]))
        return ReachSummary.objects.get(member_id=member_id)


def _enqueue(member_ids: list[int]) -> None:
    from reach.tasks import compute_reach

    try:
        compute_reach.delay(member_ids)
    except Exception:  # Redis down: the requested_at mark stays, and is asked again
        log.warning("could not enqueue a reach computation", exc_info=True)


# -- computing (workers) ---------------------------------------------------------------


def _empty_reach(attrs: attributes.Attributes) -> compute.MemberReach:
    empty = np.zeros(0, dtype=np.int32)
    none = np.zeros(0, dtype=np.bool_)
    lv = compute.Levels(nodes=(empty, empty, empty), reachable=(none, none, none))
    return compute.breakdown(lv, attrs, np.zeros((len(attributes.DIMENSIONS), 0), np.int32))


def _nodes(mem: MemGraph, member_ids: Iterable[int]) -> np.ndarray:
    nodes = [mem.node(i) for i in member_ids]
    return np.array([n for n in nodes if n is not None], dtype=np.int64)


def reach_of(mem: MemGraph, attrs: attributes.Attributes, member_id: int) -> compute.MemberReach:
    """The member's reach in this graph (three queries: active brokers, blocks)."""
    node = mem.node(member_id)
    if node is None or mem.hidden[node]:
        return _empty_reach(attrs)
    active = _nodes(mem, selectors.active_broker_ids(member_id))
    blocked = _nodes(mem, selectors.blocked_ids(member_id))
    return compute.member_reach(mem, attrs, node, active_nodes=active, extra_hidden=blocked)


def reach_compute(*, member_ids: Iterable[int]) -> int:
    """Compute and store the reach of these members. Returns how many were stored.

    Safe to run twice and in parallel: a result computed earlier than the stored one is
    dropped. Hidden (suspended, deactivated) members are skipped.
    """
    ids = sorted(set(member_ids))
    visible = set(User.objects.visible().filter(pk__in=ids).values_list("pk", flat=True))
    if not visible:
        return 0
    # The moment the graph is synced is the moment the reach describes.
    computed_at = timezone.now()
    mem = memgraph.current()
    attrs = attributes.current(mem)
    stored = 0
    for member_id in ids:
        if member_id in visible:
            stored += _store(member_id, reach_of(mem, attrs, member_id), computed_at=computed_at)
    return stored


@transaction.atomic
def _store(member_id: int, result: compute.MemberReach, *, computed_at: datetime) -> int:
    ReachSummary.objects.bulk_create([ReachSummary(member_id=member_id)], ignore_conflicts=True)
    summary = ReachSummary.objects.select_for_update().get(member_id=member_id)
    if summary.computed_at is not None and summary.computed_at > computed_at:
        return 0  # a newer computation got there first
    data = result.as_data()
    totals = data["totals"]
    summary.computed_at = computed_at
    summary.first = totals["first"]
    summary.second = totals["second"]
    summary.third = totals["third"]
    summary.second_reachable = totals["second_reachable"]
    summary.third_reachable = totals["third_reachable"]
    summary.active_brokers = totals["active_brokers"]
    summary.data = data
    summary.seconds = result.seconds
    summary.save()
    ReachHistory.objects.update_or_create(
        member_id=member_id,
        day=timezone.localdate(computed_at),
        defaults={"first": summary.first, "second": summary.second, "third": summary.third},
    )
    return 1


def refresh_candidates(*, now: datetime | None = None) -> list[int]:
    """Members whose reach a whole-graph run should refresh: pending requests, and members
    who logged in lately whose summary is missing or older than REFRESH_AFTER."""
    now = now or timezone.now()
    pending = ReachSummary.objects.filter(
        Q(computed_at__isnull=True) | Q(requested_at__gt=F("computed_at"))
    ).values("member_id")
    fresh = ReachSummary.objects.filter(computed_at__gte=now - REFRESH_AFTER).values("member_id")
    return list(
        User.objects.visible()
        .filter(Q(pk__in=pending) | (Q(last_login__gte=now - RECENTLY_ACTIVE) & ~Q(pk__in=fresh)))
        .order_by(F("last_login").desc(nulls_last=True), "pk")
        .values_list("pk", flat=True)[:MAX_REFRESH]
    )


def after_count_run() -> None:
    """Called after a whole-graph count run commits (connections.network.run_finish)."""
    from reach.tasks import refresh_reach

    try:
        refresh_reach.delay()
    except Exception:
        log.warning("could not request the reach refresh", exc_info=True)


def refresh_in_batches() -> int:
    """Enqueue the refresh of every candidate, REFRESH_BATCH members per task."""
    ids = refresh_candidates()
    for start in range(0, len(ids), REFRESH_BATCH):
        _enqueue(ids[start : start + REFRESH_BATCH])
    return len(ids)
