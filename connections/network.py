"""Network counts: how many members each member reaches at the 1st, 2nd and 3rd degree.

* The web side only records: a connection change writes a GraphChange row and
  marks both members' counts stale in the same transaction, then asks a worker
  to process changes after commit. Web processes never count; the one graph they
  hold is people search's (profiles.search_memory), read with the same code.
* A worker processes pending changes in batches (coalesced: one task drains
  them all): exact counts for the members whose connections changed, from the
  in-memory graph (connections/memgraph.py), and a stale mark for everyone
  within two hops of them, whose 2nd/3rd-degree counts moved.
* The whole-graph job (Celery beat, or `manage.py recount_network`) computes
  exact counts for everyone in partitions and applies them in one transaction.
"""

import io
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db import connection as db
from django.db.models import F
from django.utils import timezone

from common.db import run_prepared
from connections import graph, memgraph
from connections.models import CountResult, CountRun, GraphChange, NetworkCounts

if TYPE_CHECKING:
    from connections.counting import CSR

log = logging.getLogger(__name__)

SCHEDULE_KEY = "linkup:graph-changes-scheduled"
BATCH = 2000
# Past this many members touched by one batch, marking each 2-hop ball stale
# costs more than recounting everyone: ask for a whole-graph run instead.
MAX_ENDPOINTS_FOR_MARKING = 500
# Longer than a partition task may run (its hard time limit), so a run still going is
# never taken for dead.
STUCK_RUN = timedelta(hours=1)


# -- the web side: record, mark, schedule -------------------------------------------


def network_changed(a: int, b: int) -> None:
    """Call inside the transaction that connected or disconnected a and b."""
    now = timezone.now()
    GraphChange.objects.create(member_id=a, other_id=b)
    NetworkCounts.objects.filter(member_id__in=[a, b], stale_since__isnull=True).update(
        stale_since=now
    )
    transaction.on_commit(schedule_processing)


def member_changed(member_id: int) -> None:
    """Call inside the transaction that hid or unhid a member (suspension): every
    connection of theirs appears or disappears for the counts."""
    GraphChange.objects.create(member_id=member_id, other_id=None)
    neighbours = graph.first_degree_ids(member_id)
    NetworkCounts.objects.filter(
        member_id__in=[member_id, *neighbours], stale_since__isnull=True
    ).update(stale_since=timezone.now())
    transaction.on_commit(schedule_processing)


def schedule_processing() -> None:
    """Ask a worker to process pending changes, at most one request in flight.

    A burst of a thousand changes publishes one task, not a thousand. If
    Redis is down nothing is lost: the rows stay pending and the beat sweep
    (or the next change once Redis is back) picks them up.
    """
    from connections.tasks import process_graph_changes

    try:
        if cache.add(SCHEDULE_KEY, 1, timeout=30):
            process_graph_changes.apply_async(countdown=0.5)
    except Exception:  # Redis down or slow: the database still records the work
        log.warning("could not schedule graph-change processing", exc_info=True)


# -- reading -------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkSize:
    first: int  # always exact and current
    second: int | None  # None: never computed yet
    third: int | None
    computed_at: datetime | None
    exact: bool
    stale: bool


_NETWORK_SIZE_SQL = (
    f"SELECT ({graph.CONNECTION_COUNT_SQL}), n.member_id, n.second, n.third,"  # noqa: S608 (constants only)
    f" n.computed_at, n.exact, n.stale_since FROM (SELECT 1) one"
    f" LEFT JOIN {NetworkCounts._meta.db_table} n ON n.member_id = %(v)s"
)


def network_size(member_id: int) -> NetworkSize:
    """What a member sees: 1st degree counted live, 2nd/3rd as last computed. One
    statement written once: every network card and GET /api/v1/network/ reads it."""
    with db.cursor() as cur:
        run_prepared(cur, _NETWORK_SIZE_SQL, {"v": member_id})
        first, counted, second, third, computed_at, exact, stale_since = cur.fetchone()
    if counted is None:  # never counted yet
        return NetworkSize(first, None, None, None, exact=False, stale=True)
    return NetworkSize(
        first=first,
        second=second,
        third=third,
        computed_at=computed_at,
        exact=exact,
        stale=stale_since is not None,
    )


def last_run() -> CountRun | None:
    return CountRun.objects.order_by("-started_at").first()


# -- the worker side: pending changes --------------------------------------------


def _upsert_counts(rows: Iterable[tuple[int, int, int, int]], *, computed_at: datetime) -> None:
    """Write exact counts; clear the stale mark unless a newer change came in meanwhile."""
    rows = list(rows)
    if not rows:
        return
    with db.cursor() as cur:
        cur.execute(
            """
            INSERT INTO connections_networkcounts
                (member_id, first, second, third, computed_at, exact, stale_since)
            SELECT r.m, r.f, r.s, r.t, %(at)s, true, NULL
            FROM unnest(%(m)s::bigint[], %(f)s::int[], %(s)s::int[], %(t)s::int[]) AS r(m, f, s, t)
            WHERE EXISTS (SELECT 1 FROM profiles_user u WHERE u.id = r.m)
            ON CONFLICT (member_id) DO UPDATE SET
                first = EXCLUDED.first, second = EXCLUDED.second, third = EXCLUDED.third,
                computed_at = EXCLUDED.computed_at, exact = true,
                stale_since = CASE
                    WHEN connections_networkcounts.stale_since > EXCLUDED.computed_at
                    THEN connections_networkcounts.stale_since END
            WHERE connections_networkcounts.computed_at <= EXCLUDED.computed_at
            """,
            {
                "at": computed_at,
                "m": [r[0] for r in rows],
                "f": [r[1] for r in rows],
                "s": [r[2] for r in rows],
                "t": [r[3] for r in rows],
            },
        )


def refresh_members(member_ids: Iterable[int]) -> dict[int, tuple[int, int, int]]:
    """Recompute these members' counts exactly from the in-memory graph and store them."""
    ids = sorted(set(member_ids))
    with transaction.atomic():
        # The moment the graph is synced is the moment the counts describe.
        computed_at = timezone.now()
        mem = memgraph.current()
        result = {member_id: mem.counts(member_id) for member_id in ids}
        _upsert_counts(((m, *c) for m, c in result.items()), computed_at=computed_at)
    return result


def process_pending_changes(*, batch: int = BATCH) -> int:
    """Drain pending graph changes. Returns how many were processed. Safe to run in
    parallel (SKIP LOCKED) and twice (a processed row is never processed again); a
    crash rolls the batch back so nothing is lost."""
    cache.delete(SCHEDULE_KEY)  # changes committed from now on schedule a new run
    total = 0
    while True:
        with transaction.atomic():
            changes = list(
                GraphChange.objects.select_for_update(skip_locked=True)
                .filter(processed_at__isnull=True)
                .order_by("id")
                .values_list("id", "member_id", "other_id")[:batch]
            )
            if not changes:
                return total
            computed_at = timezone.now()
            mem = memgraph.current()
            endpoints: set[int] = set()
            for _, member_id, other_id in changes:
                endpoints.add(member_id)
                if other_id is None:
                    endpoints.update(graph.first_degree_ids(member_id))
                else:
                    endpoints.add(other_id)
            counts = [(m, *mem.counts(m)) for m in sorted(endpoints)]
            _upsert_counts(counts, computed_at=computed_at)
            if len(endpoints) <= MAX_ENDPOINTS_FOR_MARKING:
                reach: set[int] = set()
                for member_id in endpoints:
                    reach.update(mem.within_two(member_id))
                reach -= endpoints
                mark_stale(reach, at=computed_at)
            else:
                transaction.on_commit(request_whole_graph_run)
            GraphChange.objects.filter(id__in=[c[0] for c in changes]).update(
                processed_at=computed_at
            )
            total += len(changes)


def mark_stale(member_ids: Iterable[int], *, at: datetime) -> int:
    ids = list(member_ids)
    if not ids:
        return 0
    return NetworkCounts.objects.filter(member_id__in=ids, stale_since__isnull=True).update(
        stale_since=at
    )


def request_whole_graph_run() -> None:
    from connections.tasks import start_count_run

    try:
        start_count_run.delay()
    except Exception:
        log.warning("could not request a whole-graph run", exc_info=True)


# -- the whole-graph job ----------------------------------------------------------


def run_start(*, partitions: int | None = None) -> CountRun | None:
    """Open a run; None if one is already running (at most one at a time)."""
    partitions = partitions or settings.NETWORK_COUNT_PARTITIONS
    CountRun.objects.filter(
        status=CountRun.Status.RUNNING, started_at__lt=timezone.now() - STUCK_RUN
    ).update(status=CountRun.Status.FAILED, error="stuck: no progress", finished_at=timezone.now())
    try:
        with transaction.atomic():
            return CountRun.objects.create(snapshot_at=timezone.now(), partitions=partitions)
    except IntegrityError:
        return None


_run_cache: dict[int, tuple[np.ndarray, "CSR"]] = {}


def _run_graph(run: CountRun) -> tuple[np.ndarray, "CSR"]:
    """The graph a run counts: read once per run and worker process, and kept with its
    locality order (partitions processed by the same worker reuse both)."""
    from connections.counting import CSR

    if run.pk not in _run_cache:
        _run_cache.clear()
        snap = memgraph.read_snapshot()
        indptr, indices = memgraph.csr_from_sorted(snap.member, snap.other, snap.n)
        _run_cache[run.pk] = (snap.ids, CSR(indptr, indices))
    return _run_cache[run.pk]


def run_partition(run_id: int, partition: int) -> int:
    """Count one partition of the members and stage the results. Idempotent: a rerun
    replaces the partition's staged rows.

    Partitions are consecutive stretches of the graph's locality order
    (counting.partitions), so every worker that reads the same graph agrees on them.
    """
    from connections.counting import count_all, partitions

    run = CountRun.objects.get(pk=run_id)
    if run.status != CountRun.Status.RUNNING:
        return 0
    ids, csr = _run_graph(run)
    nodes = partitions(csr, run.partitions)[partition]
    d1, d2, d3 = count_all(csr, nodes=nodes, threads=settings.NETWORK_COUNT_THREADS)
    buf = io.StringIO()
    member_ids = ids[nodes].tolist()
    for member_id, a, b, c in zip(member_ids, d1.tolist(), d2.tolist(), d3.tolist(), strict=True):
        buf.write(f"{run_id}\t{partition}\t{member_id}\t{a}\t{b}\t{c}\n")
    buf.seek(0)
    with transaction.atomic():
        CountResult.objects.filter(run_id=run_id, partition=partition).delete()
        with db.cursor() as cur:
            cur.copy_expert(
                "COPY connections_countresult (run_id, partition, member_id, first, second, third)"
                " FROM STDIN",
                buf,
            )
        CountRun.objects.filter(pk=run_id).update(
            partitions_done=F("partitions_done") + 1,
            members=len(ids),
            edges=int(csr.indices.size),
        )
    return len(nodes)


@transaction.atomic
def run_finish(run_id: int) -> CountRun:
    """Apply every partition's results in one transaction: a crash leaves the previous
    counts, never a mix. Members changed since the snapshot keep their stale mark."""
    run = CountRun.objects.select_for_update().get(pk=run_id)
    if run.status != CountRun.Status.RUNNING:
        return run
    staged = CountResult.objects.filter(run_id=run_id).values("partition").distinct().count()
    if staged != run.partitions:
        run.status = CountRun.Status.FAILED
        run.error = f"only {staged} of {run.partitions} partitions were counted"
        run.finished_at = timezone.now()
        run.save()
        return run
    with db.cursor() as cur:
        cur.execute(
            """
            INSERT INTO connections_networkcounts
                (member_id, first, second, third, computed_at, exact, stale_since)
            -- DISTINCT ON: workers that read a graph changed mid-run may overlap.
            SELECT DISTINCT ON (r.member_id) r.member_id, r.first, r.second, r.third,
                   %(at)s::timestamptz, true, NULL::timestamptz
            FROM connections_countresult r
            JOIN profiles_user u ON u.id = r.member_id
            WHERE r.run_id = %(run)s
            ORDER BY r.member_id, r.partition
            ON CONFLICT (member_id) DO UPDATE SET
                first = EXCLUDED.first, second = EXCLUDED.second, third = EXCLUDED.third,
                computed_at = EXCLUDED.computed_at, exact = true,
                stale_since = CASE
                    WHEN connections_networkcounts.stale_since > EXCLUDED.computed_at
                    THEN connections_networkcounts.stale_since END
            WHERE connections_networkcounts.computed_at <= EXCLUDED.computed_at
            """,
            {"at": run.snapshot_at, "run": run_id},
        )
    CountResult.objects.filter(run_id=run_id).delete()
    run.status = CountRun.Status.DONE
    run.finished_at = timezone.now()
    run.seconds = (run.finished_at - run.started_at).total_seconds()
    run.save()
    # Then the reach dashboards of members active lately are refreshed (reach app).
    from reach.services import after_count_run

    transaction.on_commit(after_count_run)
    return run


def run_fail(run_id: int, error: str) -> None:
    CountRun.objects.filter(pk=run_id, status=CountRun.Status.RUNNING).update(
        status=CountRun.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )
    CountResult.objects.filter(run_id=run_id).delete()


def run_in_process(
    *, partitions: int | None = None, progress: Callable[[int, int], None] | None = None
) -> CountRun | None:
    """The whole-graph job in this process (management command, benchmarks)."""
    run = run_start(partitions=partitions)
    if run is None:
        return None
    started = time.perf_counter()
    try:
        for partition in range(run.partitions):
            run_partition(run.pk, partition)
            if progress is not None:
                progress(partition + 1, run.partitions)
        finished = run_finish(run.pk)
    except BaseException as exc:
        run_fail(run.pk, repr(exc))
        raise
    finally:
        _run_cache.clear()
    log.info("whole-graph run %s took %.1fs", run.pk, time.perf_counter() - started)
    return finished
