"""Time one member's reach breakdown.

    manage.py bench_reach --members 1000000 [--samples 200]   in memory, synthetic graph
    manage.py bench_reach --db [--samples 100]                 end to end, on this database

In memory: a connections.generators.social_graph with attributes that follow its
communities (a community is a company, a region a location, each community one
industry), 40% of every member's connections active. Reports, per member, the two BFS,
the bincounts and building the stored JSON, and checks the counts against a plain BFS.

On the database: loading the graph and the attribute arrays once, then reach_compute per
member (its queries and the write included), and a bucket's people at the 2nd and 3rd
degree (reach.selectors.bucket_members).
"""

import statistics
import time
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from connections import memgraph
from connections.generators import adjacency, degree_counts, social_graph
from connections.memgraph import MemGraph
from profiles.industries import Industry
from reach import attributes, compute, selectors, services
from reach.attributes import Attributes, Dimension


def _ms(values: list[float]) -> str:
    arr = np.array(values) * 1000
    return (
        f"median {np.median(arr):.1f} ms, p95 {np.percentile(arr, 95):.1f} ms,"
        f" max {arr.max():.1f} ms"
    )


class Command(BaseCommand):
    help = "Time one member's reach breakdown (in memory at any size, or on this database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=1_000_000)
        parser.add_argument("--samples", type=int, default=200)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--db", action="store_true", help="Use this database instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["db"]:
            self._database(options["samples"], options["seed"])
        else:
            self._memory(options["members"], options["samples"], options["seed"])

    def _memory(self, n: int, samples: int, seed: int) -> None:
        started = time.perf_counter()
        g = social_graph(n, seed=seed)
        indptr, indices = adjacency(g.edges, n)
        self.stdout.write(
            f"graph: {n:,} members, {len(g.edges):,} connections"
            f" ({time.perf_counter() - started:.1f}s)"
        )
        mem = MemGraph(
            ids=np.arange(1, n + 1, dtype=np.int64),
            indptr=indptr.astype(np.int64),
            indices=indices.astype(np.int32),
            taken_at=timezone.now(),
            load_seconds=0.0,
        )
        rng = np.random.default_rng(seed)
        n_comm = int(g.community.max()) + 1
        n_region = int(g.region.max()) + 1
        industry = rng.integers(1, len(Industry.values) + 1, size=n_comm)[g.community]
        company = (g.community + 1).astype(np.int32)
        location = (g.region[g.community] + 1).astype(np.int32)
        for arr, share in ((industry, 0.03), (company, 0.10), (location, 0.05)):
            arr[rng.random(n) < share] = 0
        attrs = Attributes(
            ids=mem.ids.copy(),
            codes=np.vstack([industry, company, location]).astype(np.int32),
            dimensions={
                "industry": Dimension("industry", ["", *Industry.values], ["", *Industry.labels]),
                "company": Dimension(
                    "company",
                    ["", *(f"company {i}" for i in range(n_comm))],
                    ["", *(f"Company {i}" for i in range(n_comm))],
                ),
                "location": Dimension(
                    "location",
                    ["", *(f"city {i}" for i in range(n_region))],
                    ["", *(f"City {i}" for i in range(n_region))],
                ),
            },
            loaded_at=timezone.now(),
            seconds=0.0,
        )
        self.stdout.write(
            f"buckets: {len(Industry.values)} industries, {n_comm:,} companies,"
            f" {n_region:,} locations"
        )
        codes = attrs.for_graph(mem)
        degree = np.diff(mem.indptr)
        # Typical members (30-100 connections) and some drawn at random.
        typical = np.flatnonzero((degree >= 30) & (degree <= 100))
        nodes = np.concatenate(
            [
                rng.choice(typical, size=samples // 2, replace=False),
                rng.choice(np.flatnonzero(degree > 0), size=samples - samples // 2, replace=False),
            ]
        )
        # Warm-up: numba compiles (or loads its cache) once per process.
        compute.member_reach(
            mem,
            attrs,
            int(nodes[0]),
            active_nodes=np.zeros(0, np.int64),
            extra_hidden=np.zeros(0, np.int64),
        )
        t_bfs, t_bin, t_json, t_all, sizes = [], [], [], [], []
        for node in nodes.tolist():
            neighbours = mem.indices[mem.indptr[node] : mem.indptr[node + 1]]
            active = neighbours[rng.random(len(neighbours)) < 0.4].astype(np.int64)
            t0 = time.perf_counter()
            lv = compute.levels(mem, node, active_nodes=active, extra_hidden=np.zeros(0, np.int64))
            t1 = time.perf_counter()
            result = compute.breakdown(lv, attrs, codes)
            t2 = time.perf_counter()
            result.as_data()
            t3 = time.perf_counter()
            t_bfs.append(t1 - t0)
            t_bin.append(t2 - t1)
            t_json.append(t3 - t2)
            t_all.append(t3 - t0)
            sizes.append(tuple(int(c) for c in result.counts))
        for node in nodes[:5].tolist():
            lv = compute.levels(
                mem, node, active_nodes=np.zeros(0, np.int64), extra_hidden=np.zeros(0, np.int64)
            )
            assert [len(x) for x in lv.nodes] == degree_counts(indptr, indices, node), node
        third = [s[2] for s in sizes]
        self.stdout.write(
            f"{len(nodes)} members: 1st median {statistics.median(s[0] for s in sizes):.0f},"
            f" 2nd median {statistics.median(s[1] for s in sizes):,.0f},"
            f" 3rd median {statistics.median(third):,.0f} (max {max(third):,})"
        )
        self.stdout.write(f"  two BFS:          {_ms(t_bfs)}")
        self.stdout.write(f"  bincounts:        {_ms(t_bin)}")
        self.stdout.write(f"  stored JSON:      {_ms(t_json)}")
        self.stdout.write(f"  per member total: {_ms(t_all)}")
        self.stdout.write("  counts equal a plain BFS (connections.generators.degree_counts): yes")

    def _database(self, samples: int, seed: int) -> None:
        from profiles.models import User

        t0 = time.perf_counter()
        memgraph.forget()
        mem = memgraph.current()
        t1 = time.perf_counter()
        attributes.forget()
        attrs = attributes.current(mem)
        t2 = time.perf_counter()
        self.stdout.write(
            f"graph: {mem.n:,} members, {len(mem.indices):,} rows, loaded in {t1 - t0:.1f}s;"
            f" attributes in {t2 - t1:.1f}s ({attrs.dimensions['company'].size - 1:,} companies,"
            f" {attrs.dimensions['location'].size - 1:,} locations)"
        )
        rng = np.random.default_rng(seed)
        degree = np.diff(mem.indptr)
        candidates = mem.ids[np.flatnonzero(degree >= 10)]
        ids = [
            int(i)
            for i in rng.choice(candidates, size=min(samples, len(candidates)), replace=False)
        ]
        User.objects.filter(pk__in=ids[: len(ids) // 2]).update(last_login=timezone.now())
        services.reach_compute(member_ids=ids[:1])  # warm-up
        totals, kernel = [], []
        for member_id in ids:
            t = time.perf_counter()
            services.reach_compute(member_ids=[member_id])
            totals.append(time.perf_counter() - t)
            kernel.append(services.selectors.summary_of(member_id).seconds or 0.0)  # type: ignore[union-attr]
        self.stdout.write(
            f"reach_compute, {len(ids)} members (queries and write included): {_ms(totals)}"
        )
        self.stdout.write(f"  of which the numpy/numba part:                 {_ms(kernel)}")
        for degree_ in (2, 3):
            for by in ("industry", "company", "location"):
                times = []
                for member_id in ids[:20]:
                    summary = selectors.summary_of(member_id)
                    buckets = summary.data["buckets"][by] if summary else []
                    if not buckets:
                        continue
                    t = time.perf_counter()
                    selectors.bucket_members(
                        viewer_id=member_id,
                        by=by,
                        value=buckets[0]["value"],
                        degree=degree_,
                        offset=0,
                        limit=20,
                    )
                    times.append(time.perf_counter() - t)
                if times:
                    self.stdout.write(f"bucket page, degree {degree_}, largest {by}: {_ms(times)}")
