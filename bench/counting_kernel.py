"""Benchmark of connections.counting on a synthetic member graph (no Django, no Postgres).

python -m bench.counting_kernel --members 100000
python -m bench.counting_kernel --members 1000000

Generates a graph with connections.generators.social_graph (in a child
process, so that its memory does not count in the peak below), then reports:
CSR build time; count_all (every member's exact d1/d2/d3) wall time with 1
and N threads; peak RSS; count_one median and p95 over random members; the
networkx BFS baseline (in another child process) extrapolated to all members;
and exactness checks (count_all against count_one, and against networkx).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numba
import numpy as np

from connections import counting
from connections.counting import CSR, approx_counts_all, count_all, count_many, count_one


def peak_rss_gb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024**2  # Linux: KiB


def pct(values: list[float] | np.ndarray, q: float) -> float:
    return float(np.percentile(values, q))


GENERATE = """
import sys, numpy as np
from connections.generators import social_graph
n, seed, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
np.save(out, social_graph(n, seed=seed).edges)
"""

NETWORKX = """
import sys, time, json, numpy as np, networkx as nx
edges, members = np.load(sys.argv[1]), [int(x) for x in sys.argv[2].split(",")]
g = nx.Graph()
g.add_nodes_from(range(int(sys.argv[3])))
g.add_edges_from(edges.tolist())
out = []
for s in members:
    t = time.perf_counter()
    dist = nx.single_source_shortest_path_length(g, s, cutoff=3)
    seconds = time.perf_counter() - t
    counts = [0, 0, 0]
    for d in dist.values():
        if d:
            counts[d - 1] += 1
    out.append([s, seconds, *counts])
print(json.dumps(out))
"""


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.counting_kernel", description=__doc__)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2, help="also timed with 1 thread")
    parser.add_argument("--words", type=int, default=counting.DEFAULT_WORDS)
    parser.add_argument("--samples", type=int, default=1000, help="members timed with count_one")
    parser.add_argument("--check", type=int, default=500, help="members checked against count_one")
    parser.add_argument("--nx", type=int, default=30, help="members for the networkx baseline")
    parser.add_argument(
        "--approx",
        type=lambda text: [int(x) for x in text.split(",") if x],
        default=[8, 10],
        help="HyperANF precisions to compare with the exact counts ('' for none)",
    )
    args = parser.parse_args()
    n = args.members
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    rows: list[tuple[str, str]] = []

    def row(name: str, value: str) -> None:
        rows.append((name, value))
        print(f"  {name}: {value}", flush=True)

    print(f"# connections.counting: {n:,} members, seed {args.seed}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "edges.npy")
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", GENERATE, str(n), str(args.seed), path], check=True, env=env
        )
        edges = np.load(path)
        row(
            "graph", f"{n:,} members, {len(edges):,} connections ({2 * len(edges):,} directed rows)"
        )
        row("generation (social_graph, child process)", f"{time.perf_counter() - started:.1f} s")

        # Compile (or load from numba's cache) on a tiny graph first.
        started = time.perf_counter()
        tiny = CSR.from_pairs([0, 1, 2], [1, 2, 3], 4)
        count_all(tiny, threads=1)
        count_all(tiny, threads=2)
        count_many(tiny, [0])
        row("numba compile / cache load", f"{time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        csr = CSR.from_pairs(edges[:, 0], edges[:, 1], n)
        row("CSR.from_pairs (undirected pairs)", f"{time.perf_counter() - started:.2f} s")
        member = np.concatenate((edges[:, 0], edges[:, 1]))
        other = np.concatenate((edges[:, 1], edges[:, 0]))
        started = time.perf_counter()
        directed = CSR.from_directed(member, other, n)
        row("CSR.from_directed (rows as in Postgres)", f"{time.perf_counter() - started:.2f} s")
        assert np.array_equal(directed.indices, csr.indices)
        del member, other, directed
        degree = csr.degree()
        row("degree median / max", f"{int(np.median(degree))} / {int(degree.max()):,}")

        started = time.perf_counter()
        counting.prepare(csr)
        relabel = time.perf_counter() - started
        row("relabel (label propagation + BFS order)", f"{relabel:.1f} s")

        timings = {}
        result = None
        for threads in sorted({args.threads, 1}, reverse=True):
            cpu = time.process_time()
            started = time.perf_counter()
            got = count_all(csr, threads=threads, words=args.words)
            timings[threads] = time.perf_counter() - started
            cpu = time.process_time() - cpu
            row(
                f"count_all, {threads} thread{'s' * (threads > 1)}",
                f"{timings[threads]:.1f} s wall ({cpu:.1f} s CPU)",
            )
            if result is None:
                result = np.stack(got, axis=1)
            else:
                assert np.array_equal(result, np.stack(got, axis=1)), "thread counts disagree"
        assert result is not None
        if args.threads > 1:
            row(f"speed-up, {args.threads} threads", f"{timings[1] / timings[args.threads]:.2f}×")
        row(
            f"count_all incl. relabel, {args.threads} thread{'s' * (args.threads > 1)}",
            f"{timings[args.threads] + relabel:.1f} s",
        )
        row("peak RSS (this process: CSR + counting)", f"{peak_rss_gb():.2f} GB")
        row("peak RSS (generator child)", f"{peak_rss_gb(resource.RUSAGE_CHILDREN):.2f} GB")

        rng = np.random.default_rng(args.seed)
        timed = rng.choice(n, size=min(args.samples, n), replace=False)
        ms = []
        for v in timed:
            started = time.perf_counter()
            count_one(csr, int(v))
            ms.append((time.perf_counter() - started) * 1000)
        row(
            f"count_one, {len(ms)} random members",
            f"median {statistics.median(ms):.2f} ms, p95 {pct(ms, 95):.2f} ms, "
            f"max {max(ms):.1f} ms",
        )
        row("count_one × all members (extrapolated)", f"{statistics.median(ms) * n / 1000:.0f} s")

        checked = rng.choice(n, size=min(args.check, n), replace=False)
        expected = np.stack(count_many(csr, checked), axis=1)
        same = int((expected == result[checked]).all(axis=1).sum())
        row(
            f"exact: count_all = count_one on {len(checked)} random members",
            f"{same}/{len(checked)}",
        )
        d1, d2, d3 = result[:, 0], result[:, 1], result[:, 2]
        typical = (d1 >= 58) & (d1 <= 64)
        if typical.any():
            row(
                "members with 58-64 connections: median d2 / d3",
                f"{int(np.median(d2[typical])):,} / {int(np.median(d3[typical])):,}",
            )
        row(
            "all members: mean d1 / d2 / d3",
            f"{d1.mean():.1f} / {d2.mean():,.0f} / {d3.mean():,.0f}",
        )

        for precision in args.approx:
            approx_counts_all(tiny, precision=precision)  # compile
            started = time.perf_counter()
            approx = approx_counts_all(csr, precision=precision, threads=args.threads)
            seconds = time.perf_counter() - started
            errors = []
            for k, name in ((1, "d2"), (2, "d3")):
                want = result[:, k]
                some = want > 0
                rel = (approx[k][some] - want[some]) / want[some]
                errors.append(
                    f"{name} median {np.median(np.abs(rel)):.1%}, p95 "
                    f"{pct(np.abs(rel), 95):.1%}, mean {rel.mean():+.1%}"
                )
            row(
                f"approx_counts_all (HyperANF, 2^{precision} registers), {args.threads} threads",
                f"{seconds:.1f} s; relative error vs exact: {'; '.join(errors)}",
            )
            row(f"peak RSS after approx_counts_all, 2^{precision}", f"{peak_rss_gb():.2f} GB")

        if args.nx:
            picked = rng.choice(n, size=min(args.nx, n), replace=False)
            started = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-c", NETWORKX, path, ",".join(map(str, picked)), str(n)],
                check=True,
                capture_output=True,
                text=True,
                env=env,
            )
            baseline = json.loads(proc.stdout)
            nx_ms = [b[1] * 1000 for b in baseline]
            agree = sum(list(result[b[0]]) == b[2:] for b in baseline)
            row(
                f"networkx BFS (cutoff 3), {len(nx_ms)} members",
                f"median {statistics.median(nx_ms):.1f} ms, p95 {pct(nx_ms, 95):.1f} ms "
                f"(graph built in a child: {time.perf_counter() - started:.0f} s incl. build)",
            )
            row(
                "networkx × all members (extrapolated, 1 thread)",
                f"{statistics.median(nx_ms) * n / 1000 / 3600:.1f} h",
            )
            row(
                f"exact: count_all = networkx on {len(baseline)} members",
                f"{agree}/{len(baseline)}",
            )

    print()
    print(f"Command: `python -m bench.counting_kernel --members {n}`  ")
    print(
        f"Machine: {os.cpu_count()} CPUs ({platform.machine()}), "
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"numba {numba.__version__}, load average {os.getloadavg()[0]:.1f} at the end"
    )
    print()
    print("| measure | value |")
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
