"""The member graph in a worker's memory: a compressed adjacency (CSR) read from
Postgres with COPY, kept current with the changes made since it was read.

Per-member exact counts come from a depth-3 BFS over it (compiled with numba),
never from a SQL traversal. Loading is done once per worker process and again
when the overlay of changes grows large or old.

Knows the edge table's layout, like connections/graph.py: the two are the
only modules that do.
"""

import io
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.db import connection as db
from django.db import transaction
from django.utils import timezone
from numba import njit

log = logging.getLogger(__name__)

# A row of `COPY ... (FORMAT binary)` for (int4, int4): field count, then
# length + value per field, all big-endian.
_PAIR_ROW = np.dtype([("n", ">i2"), ("la", ">i4"), ("a", ">i4"), ("lb", ">i4"), ("b", ">i4")])
_ID_ROW = np.dtype([("n", ">i2"), ("la", ">i4"), ("a", ">i4")])
_COPY_HEADER = 19  # signature (11) + flags (4) + header extension length (4)

# Changes that land within this margin before a snapshot are re-checked: a
# transaction that started before the snapshot may commit just after it.
SNAPSHOT_MARGIN = timedelta(seconds=120)
MAX_OVERLAY_PAIRS = 200_000
MAX_AGE = timedelta(hours=1)
# After a failed load in a web worker, wait this long before trying again.
RETRY_AFTER = 60.0


def _copy_binary(sql: str, dtype: np.dtype) -> np.ndarray:
    buf = io.BytesIO()
    with db.cursor() as cur:
        cur.copy_expert(f"COPY ({sql}) TO STDOUT WITH (FORMAT binary)", buf)
    raw = buf.getbuffer()
    rows = (len(raw) - _COPY_HEADER - 2) // dtype.itemsize
    return np.frombuffer(raw, dtype=dtype, count=rows, offset=_COPY_HEADER)


def hidden_member_ids() -> np.ndarray:
    """Suspended or deactivated members: few, found through the partial index user_hidden."""
    with db.cursor() as cur:
        cur.execute("SELECT id FROM profiles_user WHERE is_suspended OR NOT is_active")
        return np.array([row[0] for row in cur.fetchall()], dtype=np.int64)


@dataclass
class Snapshot:
    """Member ids (sorted, index = node) and their directed edges as node indices."""

    ids: np.ndarray  # int64, sorted
    member: np.ndarray  # int32 node index, sorted by (member, other)
    other: np.ndarray  # int32 node index
    taken_at: datetime
    seconds: float

    @property
    def n(self) -> int:
        return len(self.ids)


def read_snapshot() -> Snapshot:
    """Read every visible member and connection (COPY, binary).

    Outside a transaction the reads share one REPEATABLE READ snapshot. Inside
    one (a test, a caller's atomic block) each statement has its own, so an
    edge whose member appeared or vanished between them is dropped: the
    overlay of recent changes puts it back.
    """
    started = time.perf_counter()
    outermost = not db.in_atomic_block
    with transaction.atomic():
        with db.cursor() as cur:
            if outermost:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cur.execute("SELECT now()")
            taken_at = cur.fetchone()[0]
        pairs = _copy_binary(
            "SELECT member_id::int4, other_id::int4 FROM connections_connection"
            " ORDER BY member_id, other_id",
            _PAIR_ROW,
        )
        ids = _copy_binary(
            "SELECT id::int4 FROM profiles_user WHERE is_active AND NOT is_suspended ORDER BY id",
            _ID_ROW,
        )["a"].astype(np.int64)
    member = pairs["a"].astype(np.int64)
    other = pairs["b"].astype(np.int64)
    del pairs
    member_idx = np.searchsorted(ids, member)
    other_idx = np.searchsorted(ids, other)
    known = (member_idx < len(ids)) & (other_idx < len(ids))
    # Edges of hidden members (not in ids) drop out here.
    known[known] &= (ids[member_idx[known]] == member[known]) & (
        ids[other_idx[known]] == other[known]
    )
    if not known.all():
        member_idx, other_idx = member_idx[known], other_idx[known]
    return Snapshot(
        ids=ids,
        member=member_idx.astype(np.int32),
        other=other_idx.astype(np.int32),
        taken_at=taken_at,
        seconds=time.perf_counter() - started,
    )


def csr_from_sorted(member: np.ndarray, other: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """indptr/indices from directed rows already sorted by (member, other)."""
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(member, minlength=n), out=indptr[1:])
    return indptr, other.astype(np.int32, copy=False)


@njit(cache=True, nogil=True)
def _bfs(indptr, indices, alive, o_indptr, o_indices, hidden, source, mark, epoch, queue, depth):
    """Breadth-first from `source` to `depth` levels; returns where each level ends in
    `queue` (queue[ends[d - 1]:ends[d]] holds the nodes at distance exactly d).

    Base edges come from (indptr, indices) where alive[e]; overlay edges from
    (o_indptr, o_indices). Hidden nodes are neither counted nor crossed.
    mark[v] == epoch means visited, so the array needs no clearing between calls.
    """
    n_base = len(indptr) - 1
    ends = np.zeros(depth + 1, dtype=np.int64)
    mark[source] = epoch
    queue[0] = source
    start, end = 0, 1
    ends[0] = 1
    for level in range(1, depth + 1):
        tail = end
        for i in range(start, end):
            u = queue[i]
            if u < n_base:
                for e in range(indptr[u], indptr[u + 1]):
                    if alive[e]:
                        v = indices[e]
                        if mark[v] != epoch and not hidden[v]:
                            mark[v] = epoch
                            queue[tail] = v
                            tail += 1
            for e in range(o_indptr[u], o_indptr[u + 1]):
                v = o_indices[e]
                if mark[v] != epoch and not hidden[v]:
                    mark[v] = epoch
                    queue[tail] = v
                    tail += 1
        ends[level] = tail
        start, end = end, tail
    return ends


@njit(cache=True, nogil=True)
def _spread(indptr, indices, alive, o_indptr, o_indices, nodes, counts, touched):
    """Count, for every node next to one of `nodes`, how many of `nodes` it is next to.

    counts must be all zero on entry; the nodes counted are written to touched[:k]
    and k is returned (the caller resets counts[touched[:k]] to zero).
    """
    n_base = len(indptr) - 1
    k = 0
    for i in range(len(nodes)):
        u = nodes[i]
        if u < n_base:
            for e in range(indptr[u], indptr[u + 1]):
                if alive[e]:
                    v = indices[e]
                    if counts[v] == 0:
                        touched[k] = v
                        k += 1
                    counts[v] += 1
        for e in range(o_indptr[u], o_indptr[u + 1]):
            v = o_indices[e]
            if counts[v] == 0:
                touched[k] = v
                k += 1
            counts[v] += 1
    return k


@njit(cache=True, nogil=True)
def _flagged_neighbours(
    indptr, indices, alive, o_indptr, o_indices, nodes, flag, stop_at_one, limit
):
    """For each of `nodes` (-1: none), how many of its neighbours have flag set (or, with
    stop_at_one, 1 as soon as one has: the test for "next to one of them"). With a
    limit, the nodes after the limit-th one found are not looked at (0)."""
    n_base = len(indptr) - 1
    out = np.zeros(len(nodes), dtype=np.int32)
    hits = 0
    for i in range(len(nodes)):
        if limit and hits >= limit:
            break
        u = nodes[i]
        if u < 0:
            continue
        found = 0
        if u < n_base:
            for e in range(indptr[u], indptr[u + 1]):
                if alive[e] and flag[indices[e]]:
                    found += 1
                    if stop_at_one:
                        break
        if found == 0 or not stop_at_one:
            for e in range(o_indptr[u], o_indptr[u + 1]):
                if flag[o_indices[e]]:
                    found += 1
                    if stop_at_one:
                        break
        out[i] = found
        if found:
            hits += 1
    return out


@dataclass(frozen=True)
class Neighbourhood:
    """A viewer's visible 1st and 2nd degree, as member ids, with each 2nd-degree
    member's number of connections in common with the viewer."""

    first: np.ndarray
    second: np.ndarray
    mutual: np.ndarray
    first_nodes: np.ndarray
    second_nodes: np.ndarray


@dataclass
class MemGraph:
    """A snapshot's CSR plus an overlay that brings it up to date with Postgres."""

    ids: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    taken_at: datetime
    load_seconds: float
    alive: np.ndarray = field(init=False)
    extra_ids: list[int] = field(default_factory=list)  # members who joined after the snapshot
    _extra_index: dict[int, int] = field(default_factory=dict)
    o_indptr: np.ndarray = field(init=False)
    o_indices: np.ndarray = field(init=False)
    hidden: np.ndarray = field(init=False)
    mark: np.ndarray = field(init=False)
    queue: np.ndarray = field(init=False)
    tally: np.ndarray = field(init=False)
    flag: np.ndarray = field(init=False)
    # Suspended or deactivated members (sorted ids) as of the last sync.
    hidden_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    epoch: int = 0
    overlay_pairs: int = 0
    # Every pair (member ids) changed since the snapshot: connected now or not.
    _pairs: dict[tuple[int, int], bool] = field(default_factory=dict)
    _added: set[tuple[int, int]] = field(default_factory=set)  # connected, not in the CSR
    _killed: set[int] = field(default_factory=set)  # CSR positions of removed connections
    _read_from: datetime | None = None  # where the next sync's window of changes starts

    def __post_init__(self) -> None:
        self.alive = np.ones(len(self.indices), dtype=np.bool_)
        self._size(self.n_base)

    @property
    def n_base(self) -> int:
        return len(self.ids)

    @property
    def n(self) -> int:
        return self.n_base + len(self.extra_ids)

    def _size(self, n: int) -> None:
        self.o_indptr = np.zeros(n + 1, dtype=np.int64)
        self.o_indices = np.zeros(0, dtype=np.int32)
        self.hidden = np.zeros(n, dtype=np.bool_)
        self.mark = np.zeros(n, dtype=np.int64)
        self.queue = np.zeros(n, dtype=np.int32)
        self.tally = np.zeros(n, dtype=np.int32)
        self.flag = np.zeros(n, dtype=np.bool_)
        self.epoch = 0

    @classmethod
    def load(cls) -> "MemGraph":
        snap = read_snapshot()
        indptr, indices = csr_from_sorted(snap.member, snap.other, snap.n)
        graph = cls(
            ids=snap.ids,
            indptr=indptr,
            indices=indices,
            taken_at=snap.taken_at,
            load_seconds=snap.seconds,
        )
        log.info(
            "memgraph loaded: %d members, %d rows in %.1fs", snap.n, len(indices), snap.seconds
        )
        return graph

    def too_old(self) -> bool:
        return timezone.now() - self.taken_at > MAX_AGE or self.overlay_pairs > MAX_OVERLAY_PAIRS

    # -- mapping ids <-> nodes ------------------------------------------------

    def node(self, member_id: int) -> int | None:
        i = int(np.searchsorted(self.ids, member_id))
        if i < self.n_base and self.ids[i] == member_id:
            return i
        extra = self._extra_index.get(member_id)
        return None if extra is None else self.n_base + extra

    def _node_or_add(self, member_id: int) -> int:
        node = self.node(member_id)
        if node is None:
            self._extra_index[member_id] = len(self.extra_ids)
            self.extra_ids.append(member_id)
            node = self.n - 1
        return node

    def member_id(self, node: int) -> int:
        return int(self.ids[node]) if node < self.n_base else self.extra_ids[node - self.n_base]

    def _base_edge(self, a: int, b: int) -> int:
        """Position of base edge a→b in indices, or -1."""
        if a >= self.n_base or b >= self.n_base:
            return -1
        lo, hi = self.indptr[a], self.indptr[a + 1]
        pos = lo + int(np.searchsorted(self.indices[lo:hi], b))
        return pos if pos < hi and self.indices[pos] == b else -1

    # -- catching up with Postgres ----------------------------------------------

    def sync(self) -> None:
        """Make the graph match Postgres now, for every pair changed since the last sync.

        Rather than replaying the change log (whose ids are not in commit order), re-read
        the current truth of each pair touched in a window: idempotent and
        order-independent. The window starts SNAPSHOT_MARGIN before the previous sync
        (before the snapshot, the first time), so a change committed up to that long
        after it was written is still read; pairs read before keep their state in the
        overlay, so each sync reads minutes of changes rather than all since the snapshot.
        """
        since = self._read_from or self.taken_at - SNAPSHOT_MARGIN
        with db.cursor() as cur:
            cur.execute(
                """
                WITH touched AS (
                    SELECT DISTINCT LEAST(member_id, other_id) AS a,
                                    GREATEST(member_id, other_id) AS b
                    FROM connections_graphchange
                    WHERE created_at >= %(since)s AND other_id IS NOT NULL
                    UNION
                    -- a member changed as a whole: all their current connections
                    SELECT LEAST(c.member_id, c.other_id), GREATEST(c.member_id, c.other_id)
                    FROM connections_graphchange g
                    JOIN connections_connection c ON c.member_id = g.member_id
                    WHERE g.created_at >= %(since)s AND g.other_id IS NULL
                )
                , found AS (
                    SELECT t.a, t.b, EXISTS (
                        SELECT 1 FROM connections_connection c
                        WHERE c.member_id = t.a AND c.other_id = t.b
                    ) AS e FROM touched t
                )
                -- With the time it read them: where the next window starts.
                SELECT now(), array_agg(a), array_agg(b), array_agg(e) FROM found
                """,
                {"since": since},
            )
            started, a_ids, b_ids, exist = cur.fetchone()
            pairs = zip(a_ids or [], b_ids or [], exist or [], strict=True)
        hidden = hidden_member_ids()

        changed = False
        for a_id, b_id, exists in pairs:
            if self._pairs.get((a_id, b_id)) is exists:
                continue  # as the overlay has it already
            self._pairs[(a_id, b_id)] = exists
            changed = True
            a, b = self._node_or_add(a_id), self._node_or_add(b_id)
            ab, ba = self._base_edge(a, b), self._base_edge(b, a)
            if ab < 0:  # not in the snapshot: in the overlay while connected
                if exists:
                    self._added.add((a, b))
                else:
                    self._added.discard((a, b))
            else:  # in the snapshot: dead while not connected
                self.alive[ab] = self.alive[ba] = exists
                if exists:
                    self._killed -= {ab, ba}
                else:
                    self._killed |= {ab, ba}
        resized = len(self.mark) != self.n
        if resized:
            self._size(self.n)  # new members: every per-node array grows, anew
        if changed or resized:
            self._lay_overlay()
        if resized or not np.array_equal(np.sort(hidden), self.hidden_ids):
            self.hidden[:] = False
            self.hidden_ids = np.sort(hidden)
            for member_id in self.hidden_ids.tolist():
                node = self.node(member_id)
                if node is not None:
                    self.hidden[node] = True
        self.overlay_pairs = len(self._added) + len(self._killed) // 2
        self._read_from = started - SNAPSHOT_MARGIN

    def _lay_overlay(self) -> None:
        """The added connections as a small CSR of their own, both directions."""
        if not self._added:
            self.o_indptr = np.zeros(self.n + 1, dtype=np.int64)
            self.o_indices = np.zeros(0, dtype=np.int32)
            return
        src = np.array([p for a, b in self._added for p in (a, b)], dtype=np.int64)
        dst = np.array([p for a, b in self._added for p in (b, a)], dtype=np.int32)
        order = np.argsort(src, kind="stable")
        self.o_indptr = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=self.n), out=self.o_indptr[1:])
        self.o_indices = dst[order]

    # -- questions --------------------------------------------------------------

    def _bfs(self, node: int, depth: int) -> np.ndarray:
        self.epoch += 1
        return _bfs(
            self.indptr, self.indices, self.alive, self.o_indptr, self.o_indices,
            self.hidden, node, self.mark, self.epoch, self.queue, depth,
        )  # fmt: skip

    def counts(self, member_id: int) -> tuple[int, int, int]:
        """Exact numbers of visible members at distance 1, 2 and 3."""
        node = self.node(member_id)
        if node is None or self.hidden[node]:
            return (0, 0, 0)
        ends = self._bfs(node, 3)
        return int(ends[1] - ends[0]), int(ends[2] - ends[1]), int(ends[3] - ends[2])

    def within_two(self, member_id: int) -> list[int]:
        """Members within 2 hops (whose 2nd/3rd counts a change at member_id moves)."""
        node = self.node(member_id)
        if node is None:
            return []
        ends = self._bfs(node, 2)
        return [self.member_id(int(v)) for v in self.queue[: ends[2]]]

    # -- a viewer's neighbourhood, for people search (profiles.search_memory) -----------

    def nodes_of(self, member_ids: np.ndarray) -> np.ndarray:
        """The node of each member id, -1 for a member the graph does not hold."""
        ids = np.asarray(member_ids, dtype=np.int64)
        out = np.full(len(ids), -1, dtype=np.int64)
        if self.n_base:
            pos = np.minimum(np.searchsorted(self.ids, ids), self.n_base - 1)
            found = self.ids[pos] == ids
            out[found] = pos[found]
        if self._extra_index:
            for i in np.flatnonzero(out < 0).tolist():
                extra = self._extra_index.get(int(ids[i]))
                if extra is not None:
                    out[i] = self.n_base + extra
        return out

    def member_ids_of(self, nodes: np.ndarray) -> np.ndarray:
        nodes = np.asarray(nodes, dtype=np.int64)
        out = np.empty(len(nodes), dtype=np.int64)
        base = nodes < self.n_base
        out[base] = self.ids[nodes[base]]
        if not base.all():
            extra = np.asarray(self.extra_ids, dtype=np.int64)
            out[~base] = extra[nodes[~base] - self.n_base]
        return out

    def _spread_from(self, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = _spread(
            self.indptr, self.indices, self.alive, self.o_indptr, self.o_indices,
            nodes, self.tally, self.queue,
        )  # fmt: skip
        touched = self.queue[:k].astype(np.int64)
        counts = self.tally[touched]
        self.tally[touched] = 0
        return touched, counts

    def neighbourhood(self, member_id: int, *, blocked: np.ndarray) -> Neighbourhood:
        """The member's visible 1st degree, and their 2nd degree without the members in
        `blocked` (ids), each with their count of connections in common: what
        connections.graph's n1 and n2 give in SQL."""
        empty = np.zeros(0, dtype=np.int64)
        node = self.node(member_id)
        if node is None or self.hidden[node]:
            return Neighbourhood(empty, empty, empty, empty, empty)
        first, _ = self._spread_from(np.array([node], dtype=np.int64))
        first = first[~self.hidden[first]]
        two, mutual = self._spread_from(first)
        self.flag[first] = True
        blocked_nodes = self.nodes_of(blocked)
        blocked_nodes = blocked_nodes[blocked_nodes >= 0]
        self.flag[blocked_nodes] = True
        self.flag[node] = True
        keep = ~self.hidden[two] & ~self.flag[two]
        self.flag[first] = False
        self.flag[blocked_nodes] = False
        self.flag[node] = False
        second, mutual = two[keep], mutual[keep].astype(np.int64)
        return Neighbourhood(
            first=self.member_ids_of(first),
            second=self.member_ids_of(second),
            mutual=mutual,
            first_nodes=first,
            second_nodes=second,
        )

    def neighbours_among(
        self, nodes: np.ndarray, among: np.ndarray, *, any_one: bool = False, limit: int = 0
    ) -> np.ndarray:
        """For each node (-1: a member the graph does not hold), how many of its
        connections are among the nodes `among` (with any_one: 1 when at least one is).
        With a limit, only until `limit` nodes with one were found (the rest: 0)."""
        self.flag[among] = True
        try:
            return _flagged_neighbours(
                self.indptr, self.indices, self.alive, self.o_indptr, self.o_indices,
                np.asarray(nodes, dtype=np.int64), self.flag, any_one, limit,
            )  # fmt: skip
        finally:
            self.flag[among] = False

    def closeness_counts(
        self, viewer_id: int, member_ids: list[int], *, blocked: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """For each member: their connections in common with the viewer, and whether one
        of their connections is at the viewer's 2nd degree (then they are at the 3rd,
        unless nearer). What connections.graph.CLOSENESS_SQL counts: hidden members and
        the members in `blocked` (ids) are never in common nor a bridge."""
        zeros = np.zeros(len(member_ids), dtype=np.int32)
        node = self.node(viewer_id)
        if node is None:
            return zeros, zeros.copy()
        first, _ = self._spread_from(np.array([node], dtype=np.int64))
        blocked_nodes = self.nodes_of(blocked)
        blocked_nodes = blocked_nodes[blocked_nodes >= 0]
        self.flag[blocked_nodes] = True
        try:
            first = first[~self.hidden[first] & ~self.flag[first]]
            two, _ = self._spread_from(first)
            self.flag[node] = True
            second = two[~self.hidden[two] & ~self.flag[two]]
        finally:
            self.flag[blocked_nodes] = False
            self.flag[node] = False
        targets = self.nodes_of(np.asarray(member_ids, dtype=np.int64))
        mutual = self.neighbours_among(targets, first)
        third = self.neighbours_among(targets, second, any_one=True)
        return mutual, third


class GraphHolder:
    """A web worker's graph, for people search (profiles.search_memory) and closeness
    (connections.graph): loaded, and reloaded when old, in a background thread, so that
    no request waits for it. settings.SEARCH_GRAPH: "background", "inline" (tests: load
    on first use, in the request) or "off"."""

    def __init__(self) -> None:
        self.graph: MemGraph | None = None
        self.synced = 0.0
        self.loading = False
        self.failed = -RETRY_AFTER
        self.lock = threading.Lock()
        # Held while a request uses the graph: its scratch arrays, and sync(), are not
        # safe in two threads at once (gunicorn's gthread workers).
        self.using = threading.Lock()

    def get(self) -> MemGraph | None:
        if settings.SEARCH_GRAPH == "off" and self.graph is None:
            return None
        graph = self.graph
        if graph is None or graph.too_old():
            if settings.SEARCH_GRAPH == "inline":
                graph = self._read()
                self.set(graph)
            else:
                self._start_loading()
        if graph is None:
            return None
        now = time.monotonic()
        if now - self.synced >= settings.SEARCH_GRAPH_SYNC_SECONDS:
            graph.sync()
            self.synced = now
        return graph

    def _start_loading(self) -> None:
        if settings.SEARCH_GRAPH == "off":
            return
        with self.lock:
            if self.loading or time.monotonic() - self.failed < RETRY_AFTER:
                return
            self.loading = True
        threading.Thread(target=self._load, name="member-graph", daemon=True).start()

    def _read(self) -> MemGraph:
        graph = MemGraph.load()
        log.info(
            "member graph loaded: %d members, %d rows in %.1fs",
            graph.n, len(graph.indices), graph.load_seconds,
        )  # fmt: skip
        return graph

    def _load(self) -> None:
        try:
            graph = self._read()
            graph.sync()
            self.graph, self.synced = graph, time.monotonic()
        except Exception:
            self.failed = time.monotonic()
            log.exception("member graph: loading failed; answering in SQL meanwhile")
        finally:
            db.close()  # this thread's own connection
            self.loading = False

    def set(self, graph: MemGraph | None) -> None:
        """Tests: use this graph (None: none) from now on, synced on every use."""
        self.graph, self.synced = graph, 0.0


holder = GraphHolder()


_cached: MemGraph | None = None


def current() -> MemGraph:
    """This process's graph, loaded on first use and brought up to date on every call."""
    global _cached
    if _cached is None or _cached.too_old():
        _cached = MemGraph.load()
    _cached.sync()
    return _cached


def forget() -> None:
    global _cached
    _cached = None
