"""Network counts at size (issue: network counts): the whole-graph job end to end
(read from Postgres, count, write back), per-member exact refresh, and baselines run in
the same benchmark: the naive SQL join per member and a plain Python BFS per member."""

import random
import resource
import statistics
import time
from collections import deque
from functools import partial
from typing import Any

from django.db import connection

from bench.stats import TABLE_HEAD, summary, timed
from connections import memgraph, network
from connections.counting import CSR, count_all
from connections.models import NetworkCounts

NAIVE_SQL = """
WITH n1 AS (SELECT other_id AS id FROM connections_connection WHERE member_id = %(m)s),
n2 AS (
    SELECT DISTINCT c.other_id AS id FROM connections_connection c JOIN n1 ON c.member_id = n1.id
    WHERE c.other_id <> %(m)s AND c.other_id NOT IN (SELECT id FROM n1)
),
n3 AS (
    SELECT DISTINCT c.other_id AS id FROM connections_connection c JOIN n2 ON c.member_id = n2.id
    WHERE c.other_id <> %(m)s AND c.other_id NOT IN (SELECT id FROM n1)
      AND c.other_id NOT IN (SELECT id FROM n2)
)
SELECT (SELECT count(*) FROM n1), (SELECT count(*) FROM n2), (SELECT count(*) FROM n3)
"""


def _naive_sql(member_id: int) -> tuple[int, int, int]:
    with connection.cursor() as cur:
        cur.execute(NAIVE_SQL, {"m": member_id})
        return cur.fetchone()


def _python_bfs(indptr: Any, indices: Any, source: int) -> tuple[int, int, int]:
    """A plain BFS in Python over the adjacency lists: networkx's algorithm, minus its
    dict-of-dicts graph (which would not fit in memory at a million members here)."""
    depth = {source: 0}
    queue = deque([source])
    counts = [0, 0, 0]
    while queue:
        u = queue.popleft()
        d = depth[u]
        if d == 3:
            continue
        for v in indices[indptr[u] : indptr[u + 1]].tolist():
            if v not in depth:
                depth[v] = d + 1
                counts[d] += 1
                queue.append(v)
    return counts[0], counts[1], counts[2]


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def run(*, members: int, samples: int, seed_seconds: float) -> list[str]:
    rng = random.Random(5)
    NetworkCounts.objects.all().delete()

    # The whole-graph job as beat runs it, in this process: read, count, write back.
    started = time.perf_counter()
    run = network.run_in_process(partitions=1)
    job_seconds = time.perf_counter() - started
    assert run is not None and run.status == "done"

    # Its parts, and the 1 → 2 thread speed-up of the count itself.
    t0 = time.perf_counter()
    snap = memgraph.read_snapshot()
    read_seconds = time.perf_counter() - t0
    indptr, indices = memgraph.csr_from_sorted(snap.member, snap.other, snap.n)
    csr = CSR(indptr, indices)
    count_all(csr, threads=2)  # relabel once, compile: not part of either timing below
    one = timed(partial(count_all, csr, threads=1))
    two = timed(partial(count_all, csr, threads=2))

    # Per-member exact refresh from the in-memory graph, as the worker does it.
    mem = memgraph.current()
    ids = snap.ids.tolist()
    sample = rng.sample(ids, min(len(ids), max(samples, 200)))
    mem.counts(sample[0])
    refresh = [timed(partial(mem.counts, m)) for m in sample]

    # Exactness: the job's stored counts against the in-memory BFS.
    stored = {
        row[0]: row[1:]
        for row in NetworkCounts.objects.filter(member_id__in=sample[:500]).values_list(
            "member_id", "first", "second", "third"
        )
    }
    mismatches = sum(1 for m in sample[:500] if tuple(stored[m]) != mem.counts(m))

    naive_n = 10 if members >= 500_000 else 20
    naive = [timed(partial(_naive_sql, m)) for m in sample[:naive_n]]
    index = {member_id: i for i, member_id in enumerate(ids)} if members <= 200_000 else None
    python_n = 30
    nodes = [index[m] for m in sample[:python_n]] if index else sample[:python_n]
    python = [timed(partial(_python_bfs, indptr, indices, node)) for node in nodes]

    typical = [mem.counts(m) for m in sample if 55 <= mem.counts(m)[0] <= 70][:25]
    second = statistics.median([c[1] for c in typical]) if typical else float("nan")
    third = statistics.median([c[2] for c in typical]) if typical else float("nan")
    per_member_python = statistics.median(python)
    return [
        f"### Network counts ({members:,} members, {len(indices) // 2:,} connections)",
        "",
        "| the whole-graph job | seconds |",
        "|---|---|",
        f"| end to end: read (COPY), count, write back in one transaction | {job_seconds:.1f} |",
        f"| of which reading the graph from Postgres | {read_seconds:.1f} |",
        f"| count_all, 1 thread | {one:.1f} |",
        f"| count_all, 2 threads | {two:.1f} (speed-up {one / two:.2f}×) |",
        f"| baseline: Python BFS per member × {members:,} (extrapolated) |"
        f" {per_member_python * members:,.0f} |",
        f"| baseline: naive SQL per member × {members:,} (extrapolated) |"
        f" {statistics.median(naive) * members:,.0f} |",
        "",
        f"Peak memory of this process: {_peak_gb():.2f} GB. Exactness: {mismatches} mismatches"
        f" between the job's stored counts and a per-member BFS on {min(500, len(sample))}"
        " members.",
        f"A typical member with 55–70 connections: median {second:,.0f} at the 2nd degree,"
        f" {third:,.0f} at the 3rd ({len(typical)} sampled).",
        "",
        *TABLE_HEAD,
        summary("per-member exact refresh (in-memory CSR + overlay)", refresh, naive),
        summary("baseline: naive SQL join per member", naive),
        summary("baseline: Python BFS per member", python),
        "",
    ]
