"""Exact counts of members at distance 1, 2 and 3 in the member graph.

Pure numpy + numba; nothing here imports Django. The graph is undirected and
given as CSR adjacency (`CSR`): node ids are 0..n-1, every neighbour list is
sorted, duplicate-free and has no self-loops.

* `count_one` / `count_many`: one member at a time, a compiled BFS cut at
  depth 3. A reusable marker array with an epoch (one int64 per node) means
  no O(n) clearing between calls. The last level is direction-optimising:
  when the 2nd-degree frontier's edges outweigh a pass over the rest of the
  graph, it pulls ("has this unreached node a neighbour at distance 2?",
  stopping at the first hit) instead of pushing.

* `count_all`: every member (or a given subset of sources, so the job can be
  partitioned across workers). A multi-source bit-parallel BFS (Then et al.,
  "The More the Merrier", VLDB 2015): a batch of W = 64 * words sources
  shares one BFS, each node carrying a W-bit set of the sources that reached
  it. On top of that:

  - Locality: nodes are relabelled in BFS order (`relabel_order`), so a batch
    of consecutive sources is a connected patch of the graph and the rows a
    node pulls from are mostly near it in memory.
  - Wide words: W = 2048 by default (32 words per node), so each pass over
    the graph serves 2048 sources instead of 64.
  - Levels 1-2 push from the (small) level-1 set, writing a row on first
    touch, so nothing of size n * W is ever cleared; only a one-bit-per-node
    "touched" bitmap is.
  - Level 3 pulls: for each node v, OR the distance-<=2 sets of its touched
    neighbours, minus v's own distance-<=2 set. Nothing is stored.
  - Symmetry: dist(s, v) = dist(v, s). A batch only pulls nodes v that are
    not sources of an earlier batch. For v in the batch or a non-source, the
    counts go to the batch's sources ("rows", by bit-sliced Harley-Seal
    carry-save adders: no per-bit loops); for v a source of a later batch,
    the popcount of v's bit set goes to v ("columns"). That halves the
    dominant level-3 work.

  Exact: only bitwise set operations and integer additions.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numba
import numpy as np
import numpy.typing as npt
from llvmlite import ir
from numba import njit, prange
from numba.core import types
from numba.extending import intrinsic

Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]
Counts = tuple[Int32Array, Int32Array, Int32Array]

DEFAULT_WORDS = 32  # 64-bit words per node: 2048 sources per batch


# -- CSR ----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CSR:
    """Undirected adjacency: the neighbours of v are indices[indptr[v]:indptr[v + 1]].

    Neighbour lists are sorted and duplicate-free, with no self-loops, and
    every edge is present in both directions.
    """

    indptr: Int64Array  # int64, shape (n + 1,)
    indices: Int32Array  # int32, shape (indptr[-1],)
    _local: threading.local = field(
        default_factory=threading.local, init=False, repr=False, compare=False
    )
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.indptr.dtype != np.int64 or self.indptr.ndim != 1 or self.indptr.size < 1:
            raise ValueError("indptr must be a 1-d int64 array of length n + 1")
        if self.indices.dtype != np.int32 or self.indices.ndim != 1:
            raise ValueError("indices must be a 1-d int32 array")
        if self.indptr[0] != 0 or self.indptr[-1] != self.indices.size:
            raise ValueError("indptr must run from 0 to len(indices)")

    @property
    def n(self) -> int:
        return int(self.indptr.size - 1)

    @property
    def num_edges(self) -> int:
        """Undirected edges (each stored twice)."""
        return int(self.indices.size // 2)

    def degree(self) -> Int64Array:
        return np.diff(self.indptr)

    def neighbours(self, node: int) -> Int32Array:
        return self.indices[self.indptr[node] : self.indptr[node + 1]]

    @classmethod
    def from_pairs(cls, a: npt.ArrayLike, b: npt.ArrayLike, n: int) -> CSR:
        """From undirected pairs (a[i], b[i]), each listed in one or both directions.

        Both directions are stored; repeated pairs and self-loops are dropped.
        """
        a64, b64 = _check_ids(a, b, n)
        indptr, indices = _build(a64, b64, n, True)
        return cls(indptr, indices)

    @classmethod
    def from_directed(cls, member: npt.ArrayLike, other: npt.ArrayLike, n: int) -> CSR:
        """From directed rows (member -> other) with both directions already present,
        as stored in Postgres. Repeats and self-loops are dropped; the input is
        trusted to be symmetric (`is_symmetric` checks it)."""
        a64, b64 = _check_ids(member, other, n)
        indptr, indices = _build(a64, b64, n, False)
        return cls(indptr, indices)

    def is_symmetric(self) -> bool:
        return bool(_is_symmetric(self.indptr, self.indices))

    def permuted(self, order: npt.ArrayLike) -> CSR:
        """The same graph relabelled: new node i is old node order[i]."""
        order64 = np.asarray(order, dtype=np.int64)
        if order64.shape != (self.n,) or not _is_permutation(order64):
            raise ValueError("order must be a permutation of 0..n-1")
        indptr, indices = _permute(self.indptr, self.indices, order64)
        return CSR(indptr, indices)


def _check_ids(a: npt.ArrayLike, b: npt.ArrayLike, n: int) -> tuple[Int64Array, Int64Array]:
    a64 = np.ascontiguousarray(a, dtype=np.int64).ravel()
    b64 = np.ascontiguousarray(b, dtype=np.int64).ravel()
    if a64.shape != b64.shape:
        raise ValueError("the two endpoint arrays must have the same length")
    if n < 0 or n >= 2**31:
        raise ValueError("n must be in 0..2**31-1")
    if a64.size and (min(a64.min(), b64.min()) < 0 or max(a64.max(), b64.max()) >= n):
        raise ValueError(f"node ids must be in 0..{n - 1}")
    return a64, b64


@njit(cache=True, parallel=True)
def _build(a, b, n, both):
    deg = np.zeros(n + 1, np.int64)
    for i in range(a.size):
        if a[i] != b[i]:
            deg[a[i] + 1] += 1
            if both:
                deg[b[i] + 1] += 1
    ptr = np.cumsum(deg)
    fill = ptr[:-1].copy()
    raw = np.empty(ptr[-1], np.int32)
    for i in range(a.size):
        u = a[i]
        v = b[i]
        if u != v:
            raw[fill[u]] = v
            fill[u] += 1
            if both:
                raw[fill[v]] = u
                fill[v] += 1
    # Sort and deduplicate every row in place; keep[v] = its distinct count.
    keep = np.zeros(n + 1, np.int64)
    for v in prange(n):
        lo = ptr[v]
        hi = ptr[v + 1]
        if hi - lo > 1:
            raw[lo:hi].sort()
        k = lo
        for j in range(lo, hi):
            if j == lo or raw[j] != raw[j - 1]:
                raw[k] = raw[j]
                k += 1
        keep[v + 1] = k - lo
    indptr = np.cumsum(keep)
    indices = np.empty(indptr[-1], np.int32)
    for v in prange(n):
        src = ptr[v]
        dst = indptr[v]
        for j in range(indptr[v + 1] - dst):
            indices[dst + j] = raw[src + j]
    return indptr, indices


@njit(cache=True)
def _is_symmetric(indptr, indices):
    n = indptr.size - 1
    for v in range(n):
        for k in range(indptr[v], indptr[v + 1]):
            u = indices[k]
            row = indices[indptr[u] : indptr[u + 1]]
            j = np.searchsorted(row, v)
            if j >= row.size or row[j] != v:
                return False
    return True


@njit(cache=True)
def _is_permutation(order):
    n = order.size
    seen = np.zeros(n, np.bool_)
    for i in range(n):
        v = order[i]
        if v < 0 or v >= n or seen[v]:
            return False
        seen[v] = True
    return True


@njit(cache=True, parallel=True)
def _permute(indptr, indices, order):
    n = indptr.size - 1
    inv = np.empty(n, np.int32)
    for i in range(n):
        inv[order[i]] = i
    nptr = np.zeros(n + 1, np.int64)
    for i in range(n):
        u = order[i]
        nptr[i + 1] = nptr[i] + indptr[u + 1] - indptr[u]
    nind = np.empty(indices.size, np.int32)
    for i in prange(n):
        u = order[i]
        p = nptr[i]
        for k in range(indptr[u], indptr[u + 1]):
            nind[p] = inv[indices[k]]
            p += 1
        if nptr[i + 1] - nptr[i] > 1:
            nind[nptr[i] : nptr[i + 1]].sort()
    return nptr, nind


# -- Relabelling ----------------------------------------------------------------


def relabel_order(csr: CSR) -> Int64Array:
    """A node order that puts graph neighbours close together: BFS order.

    Components are taken from their highest-degree node, largest degree
    first; within a BFS, neighbours are visited in id order. Returns `order`
    with new id i = old id order[i] (see `CSR.permuted`). Deterministic.
    """
    return _bfs_order(csr.indptr, csr.indices)


@njit(cache=True)
def _bfs_order(indptr, indices):
    n = indptr.size - 1
    deg = indptr[1:] - indptr[:-1]
    starts = np.argsort(-deg, kind="mergesort")
    order = np.empty(n, np.int64)
    seen = np.zeros(n, np.bool_)
    head = 0
    tail = 0
    for s in starts:
        if seen[s]:
            continue
        seen[s] = True
        order[tail] = s
        tail += 1
        while head < tail:
            u = order[head]
            head += 1
            for k in range(indptr[u], indptr[u + 1]):
                v = indices[k]
                if not seen[v]:
                    seen[v] = True
                    order[tail] = v
                    tail += 1
    return order


def _relabelled(csr: CSR) -> tuple[CSR, Int64Array, Int64Array]:
    """(relabelled CSR, order, inverse), computed once per CSR object."""
    hit = csr._cache.get("relabelled")
    if hit is None:
        order = relabel_order(csr)
        inverse = np.empty_like(order)
        inverse[order] = np.arange(order.size, dtype=np.int64)
        hit = (csr.permuted(order), order, inverse)
        csr._cache["relabelled"] = hit
    return hit  # type: ignore[no-any-return]


# -- One member at a time -------------------------------------------------------


class _Workspace:
    """Per-thread BFS scratch for one CSR: marks[v] >= base means seen in this call."""

    def __init__(self, n: int) -> None:
        self.marks = np.zeros(n, np.int64)
        self.queue = np.empty(max(n, 1), np.int32)
        self.base = np.zeros(1, np.int64)


def _workspace(csr: CSR) -> _Workspace:
    ws: _Workspace | None = getattr(csr._local, "ws", None)
    if ws is None:
        ws = _Workspace(csr.n)
        csr._local.ws = ws
    return ws


@njit(cache=True)
def _bfs3(indptr, indices, node, marks, queue, state):
    """(d1, d2, d3) of `node`. marks[v] - base is v's level (0..3) if >= base."""
    n = indptr.size - 1
    base = state[0] + 4
    state[0] = base
    marks[node] = base
    d1 = 0
    tail = 0
    for k in range(indptr[node], indptr[node + 1]):
        v = indices[k]
        marks[v] = base + 1
        queue[tail] = v
        tail += 1
    d1 = tail
    work = 0
    for i in range(d1):
        u = queue[i]
        for k in range(indptr[u], indptr[u + 1]):
            v = indices[k]
            if marks[v] < base:
                marks[v] = base + 2
                queue[tail] = v
                tail += 1
                work += indptr[v + 1] - indptr[v]
    d2 = tail - d1
    d3 = 0
    if work * 2 < indices.size:
        # Push from the 2nd-degree frontier.
        for i in range(d1, tail):
            u = queue[i]
            for k in range(indptr[u], indptr[u + 1]):
                v = indices[k]
                if marks[v] < base:
                    marks[v] = base + 3
                    d3 += 1
    else:
        # Pull: an unreached node is at distance 3 iff a neighbour is at 2.
        lvl2 = base + 2
        for v in range(n):
            if marks[v] < base:
                for k in range(indptr[v], indptr[v + 1]):
                    if marks[indices[k]] == lvl2:
                        d3 += 1
                        break
    return d1, d2, d3


@njit(cache=True)
def _bfs3_many(indptr, indices, nodes, marks, queue, state):
    m = nodes.size
    d1 = np.empty(m, np.int32)
    d2 = np.empty(m, np.int32)
    d3 = np.empty(m, np.int32)
    for i in range(m):
        a, b, c = _bfs3(indptr, indices, nodes[i], marks, queue, state)
        d1[i] = a
        d2[i] = b
        d3[i] = c
    return d1, d2, d3


def _check_nodes(csr: CSR, nodes: npt.ArrayLike) -> Int64Array:
    arr = np.ascontiguousarray(nodes, dtype=np.int64).ravel()
    if arr.size and (arr.min() < 0 or arr.max() >= csr.n):
        raise IndexError(f"node ids must be in 0..{csr.n - 1}")
    return arr


def count_one(csr: CSR, node: int) -> tuple[int, int, int]:
    """(d1, d2, d3): how many nodes are at distance exactly 1, 2 and 3 from `node`."""
    if not 0 <= node < csr.n:
        raise IndexError(f"node {node} is not in 0..{csr.n - 1}")
    ws = _workspace(csr)
    d1, d2, d3 = _bfs3(csr.indptr, csr.indices, np.int64(node), ws.marks, ws.queue, ws.base)
    return int(d1), int(d2), int(d3)


def count_many(csr: CSR, nodes: npt.ArrayLike) -> Counts:
    """`count_one` for each of `nodes` (in one compiled loop): three int32 arrays.

    For more than a few thousand nodes, `count_all(csr, nodes=...)` is faster.
    """
    arr = _check_nodes(csr, nodes)
    ws = _workspace(csr)
    d1, d2, d3 = _bfs3_many(csr.indptr, csr.indices, arr, ws.marks, ws.queue, ws.base)
    return d1, d2, d3


# -- Every member: bit-parallel multi-source BFS --------------------------------------


@intrinsic
def _ctpop(typingctx, x):  # type: ignore[no-untyped-def]
    """Population count of a uint64 (one POPCNT instruction)."""
    if x != types.uint64:
        return None
    sig = types.uint64(types.uint64)

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        fn = builder.module.declare_intrinsic("llvm.ctpop", [ir.IntType(64)])
        return builder.call(fn, args)

    return sig, codegen


@njit(cache=True, inline="always")
def _popcount_row(row, w):
    c = 0
    for q in range(w):
        c += _ctpop(row[q])
    return c


@njit(cache=True)
def _hs_flush(buf, planes, carry, w):
    """Harley-Seal carry-save adders: add 16 bit-vectors (buf[0..15]) to the
    bit-sliced counters planes[0..3] (ones, twos, fours, eights); the sixteens
    ripple into planes[4:]."""
    for q in range(w):
        ones = planes[0, q]
        twos = planes[1, q]
        fours = planes[2, q]
        eights = planes[3, q]
        # CSA(a, b, c) -> high = (a & b) | (c & (a ^ b)), low = a ^ b ^ c
        u = ones ^ buf[0, q]
        twos_a = (ones & buf[0, q]) | (u & buf[1, q])
        ones = u ^ buf[1, q]
        u = ones ^ buf[2, q]
        twos_b = (ones & buf[2, q]) | (u & buf[3, q])
        ones = u ^ buf[3, q]
        u = twos ^ twos_a
        fours_a = (twos & twos_a) | (u & twos_b)
        twos = u ^ twos_b
        u = ones ^ buf[4, q]
        twos_a = (ones & buf[4, q]) | (u & buf[5, q])
        ones = u ^ buf[5, q]
        u = ones ^ buf[6, q]
        twos_b = (ones & buf[6, q]) | (u & buf[7, q])
        ones = u ^ buf[7, q]
        u = twos ^ twos_a
        fours_b = (twos & twos_a) | (u & twos_b)
        twos = u ^ twos_b
        u = fours ^ fours_a
        eights_a = (fours & fours_a) | (u & fours_b)
        fours = u ^ fours_b
        u = ones ^ buf[8, q]
        twos_a = (ones & buf[8, q]) | (u & buf[9, q])
        ones = u ^ buf[9, q]
        u = ones ^ buf[10, q]
        twos_b = (ones & buf[10, q]) | (u & buf[11, q])
        ones = u ^ buf[11, q]
        u = twos ^ twos_a
        fours_a = (twos & twos_a) | (u & twos_b)
        twos = u ^ twos_b
        u = ones ^ buf[12, q]
        twos_a = (ones & buf[12, q]) | (u & buf[13, q])
        ones = u ^ buf[13, q]
        u = ones ^ buf[14, q]
        twos_b = (ones & buf[14, q]) | (u & buf[15, q])
        ones = u ^ buf[15, q]
        u = twos ^ twos_a
        fours_b = (twos & twos_a) | (u & twos_b)
        twos = u ^ twos_b
        u = fours ^ fours_a
        eights_b = (fours & fours_a) | (u & fours_b)
        fours = u ^ fours_b
        u = eights ^ eights_a
        carry[q] = (eights & eights_a) | (u & eights_b)
        eights = u ^ eights_b
        planes[0, q] = ones
        planes[1, q] = twos
        planes[2, q] = fours
        planes[3, q] = eights
    for q in range(w):
        c = carry[q]
        k = 4
        while c != 0:
            t = planes[k, q] & c
            planes[k, q] ^= c
            c = t
            k += 1


@njit(cache=True)
def _ripple(planes, row, w):
    """Add one bit-vector to the bit-sliced counters from the ones place up."""
    for q in range(w):
        c = row[q]
        k = 0
        while c != 0:
            t = planes[k, q] & c
            planes[k, q] ^= c
            c = t
            k += 1


@njit(cache=True)
def _extract(planes, buf, nbuf, w, out, lo, hi):
    """Finish a batch: out[lo + j] += count of bit j; reset the counters."""
    for r in range(nbuf):
        _ripple(planes, buf[r], w)
    nplanes = planes.shape[0]
    for j in range(hi - lo):
        q = j >> 6
        sh = np.uint64(j & 63)
        c = 0
        for k in range(nplanes):
            c += np.int64((planes[k, q] >> sh) & np.uint64(1)) << k
        out[lo + j] += c
    planes[:] = 0


@njit(cache=True, parallel=True)
def _count_all_kernel(indptr, indices, srcs, srank, w, nthreads, cap1, full):
    """Row and column counts of |B2| (nodes within distance 2, self included)
    and d3, for the sources srcs (positions 0..S-1, batches of 64 * w)."""
    n = indptr.size - 1
    S = srcs.size
    W = 64 * w
    nbatch = (S + W - 1) // W
    nplanes = 4
    while (np.int64(1) << nplanes) <= n:
        nplanes += 1
    nplanes += 1
    rows2 = np.zeros(S, np.int64)
    rows3 = np.zeros(S, np.int64)
    cols2 = np.zeros((nthreads, S), np.int64)
    cols3 = np.zeros((nthreads, S), np.int64)
    nwords = (n + 63) >> 6
    # Per-thread scratch, allocated here so no thread shares any of it.
    reach = np.empty((nthreads, n, w), np.uint64)  # distance-<=2 sets, valid where touched
    level1 = np.empty((nthreads, cap1, w), np.uint64)  # level-1 rows, copied
    span = np.empty((nthreads, cap1, 2), np.int64)  # their non-zero word ranges
    touched = np.zeros((nthreads, nwords), np.uint64)
    tlist = np.empty((nthreads, n), np.int32)
    planes = np.zeros((nthreads, 2, nplanes, w), np.uint64)
    bufs = np.empty((nthreads, 2, 16, w), np.uint64)
    carry = np.empty((nthreads, w), np.uint64)
    acc = np.empty((nthreads, w), np.uint64)
    one = np.uint64(1)
    for t in prange(nthreads):
        B = reach[t]
        bm = touched[t]
        tl = tlist[t]
        C1 = level1[t]
        sp = span[t]
        pl2 = planes[t, 0]
        pl3 = planes[t, 1]
        buf2 = bufs[t, 0]
        buf3 = bufs[t, 1]
        cy = carry[t]
        ac = acc[t]
        for b in range(t, nbatch, nthreads):
            lo = b * W
            hi = min(S, lo + W)
            nt = 0
            # Levels 0 and 1: the sources and their neighbours.
            for j in range(lo, hi):
                s = srcs[j]
                bit = j - lo
                q = bit >> 6
                msk = one << np.uint64(bit & 63)
                if not (bm[s >> 6] >> np.uint64(s & 63)) & one:
                    bm[s >> 6] |= one << np.uint64(s & 63)
                    B[s, :] = 0
                    tl[nt] = s
                    nt += 1
                B[s, q] |= msk
                for k in range(indptr[s], indptr[s + 1]):
                    v = indices[k]
                    if not (bm[v >> 6] >> np.uint64(v & 63)) & one:
                        bm[v >> 6] |= one << np.uint64(v & 63)
                        B[v, :] = 0
                        tl[nt] = v
                        nt += 1
                    B[v, q] |= msk
            n1 = nt
            for i in range(n1):
                u = tl[i]
                first = w
                last = 0
                for q in range(w):
                    x = B[u, q]
                    C1[i, q] = x
                    if x != 0:
                        if q < first:
                            first = q
                        last = q + 1
                sp[i, 0] = first
                sp[i, 1] = last
            # Level 2: push the level-1 sets; a row is written on first touch.
            for i in range(n1):
                u = tl[i]
                first = sp[i, 0]
                last = sp[i, 1]
                for k in range(indptr[u], indptr[u + 1]):
                    v = indices[k]
                    if not (bm[v >> 6] >> np.uint64(v & 63)) & one:
                        bm[v >> 6] |= one << np.uint64(v & 63)
                        B[v, :] = 0
                        tl[nt] = v
                        nt += 1
                    for q in range(first, last):
                        B[v, q] |= C1[i, q]
            # Level 3 pull, over nodes not sources of an earlier batch.
            nb2 = 0
            nb3 = 0
            vstart = srcs[lo] if full else 0
            for v in range(vstart, n):
                r = srank[v]
                if r < lo:
                    continue
                ac[:] = 0
                hit = False
                for k in range(indptr[v], indptr[v + 1]):
                    u = indices[k]
                    if (bm[u >> 6] >> np.uint64(u & 63)) & one:
                        hit = True
                        for q in range(w):
                            ac[q] |= B[u, q]
                own = (bm[v >> 6] >> np.uint64(v & 63)) & one
                col = r >= hi and r < S
                if own:
                    for q in range(w):
                        buf2[nb2, q] = B[v, q]
                    if col:
                        cols2[t, r] += _popcount_row(B[v], w)
                    nb2 += 1
                    if nb2 == 16:
                        _hs_flush(buf2, pl2, cy, w)
                        nb2 = 0
                if hit:
                    if own:
                        for q in range(w):
                            buf3[nb3, q] = ac[q] & ~B[v, q]
                    else:
                        for q in range(w):
                            buf3[nb3, q] = ac[q]
                    if col:
                        cols3[t, r] += _popcount_row(buf3[nb3], w)
                    nb3 += 1
                    if nb3 == 16:
                        _hs_flush(buf3, pl3, cy, w)
                        nb3 = 0
            _extract(pl2, buf2, nb2, w, rows2, lo, hi)
            _extract(pl3, buf3, nb3, w, rows3, lo, hi)
            for i in range(nt):
                v = tl[i]
                bm[v >> 6] = 0
    for t in range(nthreads):
        for i in range(S):
            rows2[i] += cols2[t, i]
            rows3[i] += cols3[t, i]
    return rows2, rows3


def count_all(
    csr: CSR,
    *,
    threads: int | None = None,
    nodes: npt.ArrayLike | None = None,
    words: int = DEFAULT_WORDS,
) -> Counts:
    """Exact (d1, d2, d3) for every node, as int32 arrays in node order.

    nodes: only these source nodes (results in the order given, repeats
        allowed): a partition of the whole job, e.g. one per worker. Each
        partition costs about a full pass per batch, so a few large
        partitions beat many small ones.
    threads: numba threads (default: numba's, i.e. all cores).
    words: 64-bit words per node; a batch serves 64 * words sources.
    """
    if words < 1:
        raise ValueError("words must be >= 1")
    n = csr.n
    deg = csr.degree()
    if nodes is None:
        asked = None
        if n == 0:
            empty = np.zeros(0, np.int32)
            return empty, empty.copy(), empty.copy()
    else:
        asked = _check_nodes(csr, nodes)
        if asked.size == 0:
            empty = np.zeros(0, np.int32)
            return empty, empty.copy(), empty.copy()
    rel, order, inverse = _relabelled(csr)
    if asked is None:
        srcs = np.arange(n, dtype=np.int64)
        srank = srcs
        full = True
    else:
        srcs = np.unique(inverse[asked])  # sorted: batches stay local
        srank = np.full(n, srcs.size, dtype=np.int64)
        srank[srcs] = np.arange(srcs.size, dtype=np.int64)
        full = False
    W = 64 * words
    # Room for the level-1 set of any batch: its sources and their neighbours.
    rdeg = deg[order][srcs] + 1
    starts = np.arange(0, srcs.size, W)
    cap1 = int(min(n, np.add.reduceat(rdeg, starts).max()))
    nthreads = numba.get_num_threads() if threads is None else int(threads)
    nthreads = max(1, min(nthreads, numba.config.NUMBA_NUM_THREADS, len(starts)))
    previous = numba.get_num_threads()
    numba.set_num_threads(nthreads)
    try:
        within2, d3_rel = _count_all_kernel(
            rel.indptr, rel.indices, srcs, srank, words, nthreads, cap1, full
        )
    finally:
        numba.set_num_threads(previous)
    src_orig = order[srcs]
    d1_rel = deg[src_orig]
    d2_rel = within2 - 1 - d1_rel
    if asked is None:
        d1 = np.empty(n, np.int32)
        d2 = np.empty(n, np.int32)
        d3 = np.empty(n, np.int32)
        d1[src_orig] = d1_rel
        d2[src_orig] = d2_rel
        d3[src_orig] = d3_rel
        return d1, d2, d3
    pos = np.searchsorted(srcs, inverse[asked])
    return (
        d1_rel[pos].astype(np.int32),
        d2_rel[pos].astype(np.int32),
        d3_rel[pos].astype(np.int32),
    )
