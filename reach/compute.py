"""A member's reach: their network by degree, broken down by industry, current company and
location, and how much of it they can reach through brokers active lately.

Definitions (the dashboard and the API say the same):

* An *active broker* is a 1st-degree connection who logged in (web or API), forwarded an
  introduction or accepted one in the last 90 days (reach.selectors.active_member_ids).
* A 2nd-degree member is *reachable* when adjacent to an active broker; a 3rd-degree
  member when two hops from an active broker (v - b - y - t, b active). In other words:
  the member's distance stays the same in a BFS whose first hop may only go to active
  brokers. That is how it is computed: two BFS from the member over the in-memory graph
  (connections/memgraph.py), the second with the active-broker mask at the first hop;
  t at distance d is reachable iff the restricted BFS also reaches it at d.
* Suspended and deactivated members, and members blocking the member or blocked by them,
  are neither counted nor crossed, in both BFS.

The breakdown is numpy over the node lists of each degree: a gather of the attribute codes
(reach/attributes.py) and a bincount. Nothing here writes; reach.services stores results.
"""

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit

from connections.memgraph import MemGraph, _bfs
from reach.attributes import DIMENSIONS, Attributes

DEPTH = 3
# Buckets kept per dimension: the largest TOP_PER_DEGREE at each degree (their counts at
# every degree). The chart shows the first of them; the API returns them all.
TOP_PER_DEGREE = 25
DEGREE_NAMES = ("first", "second", "third")


@njit(cache=True, nogil=True)
def _reach_bfs(
    indptr, indices, alive, o_indptr, o_indices, hidden, source, active,
    mark, rmark, epoch, queue, rqueue,
):  # fmt: skip
    """Two breadth-first searches from `source`, DEPTH levels each.

    1. Plain: queue[ends[d - 1]:ends[d]] holds the nodes at distance exactly d
       (mark[v] == epoch: visited).
    2. Restricted: the first hop only to the nodes in `active`; rmark[v] = 4 * epoch + d
       records the distance d at which it reaches v. Values of earlier calls are all
       below 4 * epoch, so neither array needs clearing between calls.

    Base edges come from (indptr, indices) where alive[e], overlay edges from
    (o_indptr, o_indices), as in connections.memgraph. Hidden nodes are neither
    reached nor crossed.
    """
    n_base = len(indptr) - 1
    ends = _bfs(
        indptr, indices, alive, o_indptr, o_indices, hidden, source, mark, epoch, queue, DEPTH
    )

    base = 4 * epoch
    rmark[source] = base
    tail = 0
    for a in active:
        # Only real 1st-degree nodes can be brokers.
        if rmark[a] < base and mark[a] == epoch and not hidden[a]:
            rmark[a] = base + 1
            rqueue[tail] = a
            tail += 1
    start, end = 0, tail
    for level in range(2, DEPTH + 1):
        tail = end
        for i in range(start, end):
            u = rqueue[i]
            if u < n_base:
                for e in range(indptr[u], indptr[u + 1]):
                    if alive[e]:
                        v = indices[e]
                        if rmark[v] < base and not hidden[v]:
                            rmark[v] = base + level
                            rqueue[tail] = v
                            tail += 1
            for e in range(o_indptr[u], o_indptr[u + 1]):
                v = o_indices[e]
                if rmark[v] < base and not hidden[v]:
                    rmark[v] = base + level
                    rqueue[tail] = v
                    tail += 1
        start, end = end, tail
    return ends


class Scratch:
    """Per-process work arrays of one graph size (no clearing between members)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.mark = np.zeros(n, dtype=np.int64)
        self.rmark = np.zeros(n, dtype=np.int64)
        self.queue = np.zeros(n, dtype=np.int32)
        self.rqueue = np.zeros(n, dtype=np.int32)
        self.epoch = 0


_scratch: Scratch | None = None


def _scratch_for(n: int) -> Scratch:
    global _scratch
    if _scratch is None or _scratch.n != n:
        _scratch = Scratch(n)
    return _scratch


@dataclass(frozen=True)
class Levels:
    """The member's network: node lists by degree and, per node, whether reachable."""

    nodes: tuple[np.ndarray, np.ndarray, np.ndarray]  # degree 1, 2, 3
    reachable: tuple[np.ndarray, np.ndarray, np.ndarray]  # bool, aligned with nodes


def levels(
    mem: MemGraph, node: int, *, active_nodes: np.ndarray, extra_hidden: np.ndarray
) -> Levels:
    """Both BFS from `node`. `extra_hidden`: nodes hidden from this member only (blocks)."""
    hidden = mem.hidden
    if len(extra_hidden):
        hidden = hidden.copy()
        hidden[extra_hidden] = True
    s = _scratch_for(mem.n)
    s.epoch += 1
    ends = _reach_bfs(
        mem.indptr, mem.indices, mem.alive, mem.o_indptr, mem.o_indices, hidden, node,
        active_nodes.astype(np.int64), s.mark, s.rmark, s.epoch, s.queue, s.rqueue,
    )  # fmt: skip
    base = 4 * s.epoch
    nodes, reachable = [], []
    for d in range(1, DEPTH + 1):
        # Copies: the queue is reused by the next member.
        at_d = s.queue[ends[d - 1] : ends[d]].copy()
        nodes.append(at_d)
        reachable.append(s.rmark[at_d] == base + d)
    return Levels(
        nodes=(nodes[0], nodes[1], nodes[2]),
        reachable=(reachable[0], reachable[1], reachable[2]),
    )


@dataclass
class MemberReach:
    """Counts by degree in total and per bucket of each dimension."""

    counts: np.ndarray  # int64 (3,): members at degree 1, 2, 3
    reachable: np.ndarray  # int64 (3,): of which reachable (degree 1: active brokers)
    by: dict[str, tuple[np.ndarray, np.ndarray]]  # dimension -> (counts, reachable), (3, K)
    attributes: Attributes
    seconds: float = 0.0

    def as_data(self, *, top: int = TOP_PER_DEGREE) -> dict[str, Any]:
        """The JSON stored in ReachSummary.data."""
        totals: dict[str, int] = {}
        for d, name in enumerate(DEGREE_NAMES):
            totals[name] = int(self.counts[d])
        totals["second_reachable"] = int(self.reachable[1])
        totals["third_reachable"] = int(self.reachable[2])
        totals["active_brokers"] = int(self.reachable[0])
        buckets: dict[str, list[dict[str, Any]]] = {}
        not_given: dict[str, dict[str, int]] = {}
        bucket_count: dict[str, int] = {}
        for name in DIMENSIONS:
            counts, reach = self.by[name]
            dimension = self.attributes.dimensions[name]
            present = counts[:, 1:].sum(axis=0) > 0
            bucket_count[name] = int(present.sum())
            chosen: set[int] = set()
            for d in range(DEPTH):
                row = counts[d, 1:]
                k = min(top, int((row > 0).sum()))
                if k:
                    best = np.argpartition(-row, k - 1)[:k] + 1
                    chosen.update(int(c) for c in best)
            rows = [
                _bucket(dimension.values[c], dimension.labels[c], counts, reach, c) for c in chosen
            ]
            rows.sort(key=lambda b: (-(b["second"] + b["third"]), -b["first"], b["label"]))
            buckets[name] = rows
            not_given[name] = {
                key: value
                for key, value in _bucket("", "", counts, reach, 0).items()
                if key not in ("value", "label")
            }
        return {
            "totals": totals,
            "buckets": buckets,
            "not_given": not_given,
            "bucket_count": bucket_count,
        }


def _bucket(
    value: str, label: str, counts: np.ndarray, reach: np.ndarray, code: int
) -> dict[str, Any]:
    return {
        "value": value,
        "label": label,
        "first": int(counts[0, code]),
        "second": int(counts[1, code]),
        "third": int(counts[2, code]),
        "second_reachable": int(reach[1, code]),
        "third_reachable": int(reach[2, code]),
    }


def breakdown(lv: Levels, attributes: Attributes, codes: np.ndarray) -> MemberReach:
    """Bincount the codes of each degree's nodes. codes: Attributes.for_graph(mem)."""
    by: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for i, name in enumerate(DIMENSIONS):
        size = attributes.dimensions[name].size
        counts = np.zeros((DEPTH, size), dtype=np.int64)
        reach = np.zeros((DEPTH, size), dtype=np.int64)
        for d in range(DEPTH):
            at_d = codes[i, lv.nodes[d]]
            counts[d] = np.bincount(at_d, minlength=size)
            reach[d] = np.bincount(at_d[lv.reachable[d]], minlength=size)
        by[name] = (counts, reach)
    return MemberReach(
        counts=np.array([len(n) for n in lv.nodes], dtype=np.int64),
        reachable=np.array([int(r.sum()) for r in lv.reachable], dtype=np.int64),
        by=by,
        attributes=attributes,
    )


def member_reach(
    mem: MemGraph,
    attributes: Attributes,
    node: int,
    *,
    active_nodes: np.ndarray,
    extra_hidden: np.ndarray,
) -> MemberReach:
    started = time.perf_counter()
    lv = levels(mem, node, active_nodes=active_nodes, extra_hidden=extra_hidden)
    result = breakdown(lv, attributes, attributes.for_graph(mem))
    result.seconds = time.perf_counter() - started
    return result
