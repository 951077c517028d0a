"""People search from a worker's memory: the fast path of profiles.search.

MemberSearch asks this module first. It answers when the worker holds the member
graph and the search has a text query or a profile filter (industry, location) and no
filter on positions, education or skills; otherwise it answers None and the search
runs in SQL (profiles.search), with the same results.

What the SQL spends its time on, and what replaces it here (docs/benchmarks.md):

* The viewer's 1st and 2nd degree with mutual counts, and a 3rd-degree test for each
  match beyond: joins of the edge table, 10-20 µs a member. Here they come from the
  worker's copy of the graph (connections.memgraph, the one the Celery workers count
  with), in numba kernels: microseconds for a whole neighbourhood. The graph is read
  in a background thread on a worker's first search (the SQL answers until then), and
  brought up to date with Postgres at most every SEARCH_GRAPH_SYNC_SECONDS (0 in tests).
* Testing thousands of profiles against the text query. Here the members matching a
  query (text, industry, location) are read once, with their score, exact-name flag and
  name, in the order beyond-the-network ranking takes them, and kept per worker (LRU).
  Every search reads again the profiles whose searchable text changed since
  (profiles_profile.search_changed_at, kept by a trigger, migration 0006): the set is
  exact on every search, never stale. A query's set is read from its second search in
  a worker (SEARCH_MATCH_SETS_AFTER), in a thread (SQL answers until it is there), and
  read afresh the same way when its overlay grows large or it grows old.

Privacy is the SQL's: members blocked either way (read fresh on every search) and the
viewer are never candidates; hidden members are neither candidates nor bridges (the
graph's hidden set), and the page's own fetch drops anyone suspended since. The ranking
key is the same (_Candidate.key); beyond the 2nd degree this path looks at the best
matches rather than the first in index order, so it finds at least as good ones.
"""

import bisect
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, overload

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from connections import memgraph
from connections.graph import blocked_ids

if TYPE_CHECKING:
    from profiles.search import MemberSearch, _Candidate

log = logging.getLogger(__name__)

# A set of matches is read afresh past this age or this many changed profiles.
MATCHES_MAX_AGE = timedelta(minutes=10)
MATCHES_MAX_OVERLAY = 5_000
# What a worker keeps: at most this many queries, and this many matching members in all.
MATCHES_MAX_QUERIES = 64
MATCHES_MAX_ROWS = 3_000_000
# A transaction that started before a set was read may commit just after: its changes
# carry its start time, so the overlay looks back this far.
CHANGE_MARGIN = timedelta(seconds=120)
# With a 3rd-degree filter: matches beyond the 2nd degree tested at most.
BEYOND_SCAN_MEMORY = 200_000


# -- the graph ------------------------------------------------------------------------

# The worker's copy of the member graph, shared with connections.graph.closeness.
graph_holder = memgraph.holder


# -- the members matching a query ---------------------------------------------------


@dataclass
class _Matches:
    """Every member matching one query, in the order ranking takes them beyond the network
    (exact name, score, name, id), and the same ids sorted for lookups."""

    ids: np.ndarray
    score: np.ndarray
    exact: np.ndarray
    names: list[str]
    sorted_ids: np.ndarray
    sorted_at: np.ndarray
    read_at: datetime
    # Each row's place in name order (lower case; equal names, equal places), doubled so
    # that a changed profile's name can fall between two (name_rank()).
    name_ranks: np.ndarray
    sorted_names: list[str]
    _nodes: tuple[tuple[datetime, int], np.ndarray] | None = None

    def nodes(self, graph: memgraph.MemGraph) -> np.ndarray:
        """Each row's node in `graph` (-1: none), worked out once per graph and size."""
        key = (graph.taken_at, graph.n)
        if self._nodes is None or self._nodes[0] != key:
            self._nodes = (key, graph.nodes_of(self.ids))
        return self._nodes[1]

    def name_rank(self, name: str) -> int:
        """Where a name not read with the set falls in its name order."""
        lower = name.lower()
        at = bisect.bisect_left(self.sorted_names, lower)
        if at < len(self.sorted_names) and self.sorted_names[at] == lower:
            return 2 * at
        return 2 * at - 1

    def positions(self, member_ids: np.ndarray) -> np.ndarray:
        """Each member's row, -1 for a member who does not match."""
        out = np.full(len(member_ids), -1, dtype=np.int64)
        if len(self.sorted_ids) and len(member_ids):
            pos = np.minimum(np.searchsorted(self.sorted_ids, member_ids), len(self.ids) - 1)
            found = self.sorted_ids[pos] == member_ids
            out[found] = self.sorted_at[pos[found]]
        return out


# One row of the overlay: does the member match now, and how.
_Change = tuple[bool, bool, float, str]

_cache: "OrderedDict[tuple[str, str, str], _Matches]" = OrderedDict()
_cache_lock = threading.Lock()
# How often each query not kept was searched for (LRU, at most MAX_SEEN queries).
_seen: "OrderedDict[tuple[str, str, str], int]" = OrderedDict()
MAX_SEEN = 10_000
# Queries whose matches a thread is reading now; at most MAX_READING at once.
_reading: set[tuple[str, str, str]] = set()
MAX_READING = 2


def _key(search: "MemberSearch") -> tuple[str, str, str]:
    return (search.q, search.industry, search.location)


def _read(search: "MemberSearch") -> _Matches:
    params: dict[str, Any] = {}
    conditions = search._conditions(params, near=False)
    columns = search._columns()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL jit = off; SELECT now()")
        read_at = cur.fetchone()[0]
        cur.execute(
            f"SELECT * FROM (SELECT {columns} FROM profiles_profile p"  # noqa: S608 (profiles.search's fragments)
            f" WHERE {conditions}) m ORDER BY exact DESC, round(score::numeric, 2) DESC,"
            ' lower(full_name) COLLATE "C", user_id',
            params,
        )
        rows = cur.fetchall()
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    order = np.argsort(ids, kind="stable")
    lower = [r[1].lower() for r in rows]
    by_name = sorted(range(len(rows)), key=lower.__getitem__)
    sorted_names = [lower[i] for i in by_name]
    name_ranks = np.empty(len(rows), dtype=np.int64)
    first = 0
    for place, row in enumerate(by_name):
        if place and sorted_names[place] != sorted_names[place - 1]:
            first = place
        name_ranks[row] = 2 * first
    return _Matches(
        name_ranks=name_ranks,
        sorted_names=sorted_names,
        ids=ids,
        score=np.fromiter((r[3] for r in rows), dtype=np.float64, count=len(rows)),
        exact=np.fromiter((r[2] for r in rows), dtype=np.bool_, count=len(rows)),
        names=[r[1] for r in rows],
        sorted_ids=ids[order],
        sorted_at=order,
        read_at=read_at,
    )


def _changes(search: "MemberSearch", since: datetime) -> dict[int, _Change] | None:
    """Profiles whose searchable text changed since `since`; None when there are more
    than MATCHES_MAX_OVERLAY."""
    params: dict[str, Any] = {"since": since, "limit": MATCHES_MAX_OVERLAY + 1}
    conditions = search._conditions(params, near=False)
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {search._columns()}, ({conditions}) AS match"  # noqa: S608 (as in _read)
            " FROM profiles_profile p WHERE p.search_changed_at >= %(since)s"
            # In index order: a range scan of index profile_search_changed, however
            # the planner estimates the range.
            " ORDER BY p.search_changed_at LIMIT %(limit)s",
            params,
        )
        rows = cur.fetchall()
    if len(rows) > MATCHES_MAX_OVERLAY:
        return None
    return {
        pk: (bool(match), bool(exact), float(score), name) for pk, name, exact, score, match in rows
    }


def _matches(search: "MemberSearch") -> tuple[_Matches, dict[int, _Change]] | None:
    """The query's matches and the overlay of changes since they were read; None when the
    set is not there yet, or too many profiles changed since to take them one by one.

    In the background mode of the web processes a set is read, and read again when it
    is old or its overlay large, in a thread (_read_later): no request waits seconds
    for a query that matches a quarter of all members. Meanwhile the old set and its
    overlay answer (exact either way), or SQL. In the inline mode (tests) it is read
    in the searching thread."""
    key = _key(search)
    background = settings.SEARCH_GRAPH == "background"
    with _cache_lock:
        matches = _cache.get(key)
    if matches is not None:
        changes = _changes(search, matches.read_at - CHANGE_MARGIN)
        old = timezone.now() - matches.read_at > MATCHES_MAX_AGE
        if changes is not None and not old:
            with _cache_lock:
                if key in _cache:
                    _cache.move_to_end(key)
            return matches, changes
        if background:
            _read_later(search, key)
            return None if changes is None else (matches, changes)
        if changes is None and timezone.now() - matches.read_at < CHANGE_MARGIN:
            return None  # read again, it would still see all of them as changes
    elif background:
        _read_later(search, key)
        return None
    matches = _read(search)
    _keep(key, matches)
    changes = _changes(search, matches.read_at - CHANGE_MARGIN)
    return None if changes is None else (matches, changes)


def _keep(key: tuple[str, str, str], matches: _Matches) -> None:
    with _cache_lock:
        _cache[key] = matches
        _cache.move_to_end(key)
        rows = sum(len(m.ids) for m in _cache.values())
        while len(_cache) > 1 and (len(_cache) > MATCHES_MAX_QUERIES or rows > MATCHES_MAX_ROWS):
            _, evicted = _cache.popitem(last=False)
            rows -= len(evicted.ids)


def _read_later(search: "MemberSearch", key: tuple[str, str, str]) -> None:
    """Read the query's matches in a thread, unless that is under way, MAX_READING reads
    are, or the set was read less than CHANGE_MARGIN ago (a fresh read would see the same
    changes again)."""
    with _cache_lock:
        current = _cache.get(key)
        if (
            key in _reading
            or len(_reading) >= MAX_READING
            or (current is not None and timezone.now() - current.read_at < CHANGE_MARGIN)
        ):
            return
        _reading.add(key)
    threading.Thread(
        target=_read_in_background, args=(search, key), name="search-matches", daemon=True
    ).start()


def _read_in_background(search: "MemberSearch", key: tuple[str, str, str]) -> None:
    started = time.perf_counter()
    try:
        matches = _read(search)
        _keep(key, matches)
        log.info(
            "search matches read: %d for %r in %.1fs",
            len(matches.ids), key, time.perf_counter() - started,
        )  # fmt: skip
    except Exception:
        log.exception("search matches: reading %r failed; searching in SQL meanwhile", key)
    finally:
        connection.close()  # this thread's own connection
        with _cache_lock:
            _reading.discard(key)


def _admitted(key: tuple[str, str, str]) -> bool:
    """Is the query's match set kept (or worth reading)? Only from its
    SEARCH_MATCH_SETS_AFTER-th search in this worker: reading every match of a query
    costs more than one SQL search, and most one-off queries (a misspelt name) never come
    back, while the common ones come back at once."""
    with _cache_lock:
        if key in _cache:
            return True
        seen = _seen.pop(key, 0) + 1
        _seen[key] = seen
        while len(_seen) > MAX_SEEN:
            _seen.popitem(last=False)
    return seen >= settings.SEARCH_MATCH_SETS_AFTER


def forget() -> None:
    with _cache_lock:
        _cache.clear()
        _seen.clear()


# -- ranking --------------------------------------------------------------------------


def _blocked(viewer_id: int) -> np.ndarray:
    return np.array(blocked_ids(viewer_id), dtype=np.int64)


class _Columns:
    """Candidates as columns, ranked at the end in one numpy sort."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.exact: list[bool] = []
        self.score: list[float] = []
        self.names: list[str] = []
        self.name_ranks: list[int] = []
        self.degree: list[int | None] = []
        self.mutual: list[int] = []

    def add(self, hits: "_Hits", degree: list[int | None], mutual: list[int]) -> None:
        self.ids += hits.ids
        self.exact += hits.exact
        self.score += hits.score
        self.names += hits.names
        self.name_ranks += hits.name_ranks
        self.degree += degree
        self.mutual += mutual

    def ranked(self) -> "Ranked":
        """Sorted as _Candidate.key sorts: exact name, rounded score, closeness, name, id
        (the name by its place in the match set's name order)."""
        from profiles.search import _OUT_OF_NETWORK

        # Names read after the set (odd places: between two of its names) that fall in
        # the same gap are put in order among themselves.
        between = sorted(
            {n.lower() for n, r in zip(self.names, self.name_ranks, strict=True) if r % 2}
        )
        place = {name: i + 1 for i, name in enumerate(between)}
        minor = [
            place[n.lower()] if r % 2 else 0
            for n, r in zip(self.names, self.name_ranks, strict=True)
        ]
        order = np.lexsort(
            (
                np.asarray(self.ids, dtype=np.int64),
                np.asarray(minor, dtype=np.int64),
                np.asarray(self.name_ranks, dtype=np.int64),
                np.asarray([d or _OUT_OF_NETWORK for d in self.degree], dtype=np.int64),
                -np.round(np.asarray(self.score, dtype=np.float64), 2),
                ~np.asarray(self.exact, dtype=np.bool_),
            )
        )
        return Ranked(self, order.tolist())


class Ranked(Sequence["_Candidate"]):
    """The ranked candidates, made into _Candidate rows only when asked for: a page
    needs twenty of them, and the count needs none."""

    def __init__(self, columns: _Columns, order: list[int]) -> None:
        self.columns = columns
        self.order = order

    def __len__(self) -> int:
        return len(self.order)

    def _row(self, i: int) -> "_Candidate":
        from profiles.search import _Candidate

        c = self.columns
        return _Candidate(c.ids[i], c.names[i], c.exact[i], c.score[i], c.degree[i], c.mutual[i])

    @overload
    def __getitem__(self, index: int) -> "_Candidate": ...
    @overload
    def __getitem__(self, index: slice) -> "list[_Candidate]": ...
    def __getitem__(self, index: int | slice) -> "_Candidate | list[_Candidate]":
        if isinstance(index, slice):
            return [self._row(i) for i in self.order[index]]
        return self._row(self.order[index])


@dataclass
class _Hits:
    """Those of some members who match the query: where they were (`at`), and how."""

    at: np.ndarray
    ids: list[int]
    exact: list[bool]
    score: list[float]
    names: list[str]
    name_ranks: list[int]


def _hits(
    matches: _Matches, changes: dict[int, _Change], changed: np.ndarray, ids: np.ndarray
) -> _Hits:
    """Which of `ids` match (a changed profile as it is now, the others as read), and how."""
    pos = matches.positions(ids)
    hit = pos >= 0
    overlay = np.isin(ids, changed) if len(changed) else None
    if overlay is not None:
        hit &= ~overlay
    rows = pos[hit]
    hits = _Hits(
        at=np.flatnonzero(hit),
        ids=ids[hit].tolist(),
        exact=matches.exact[rows].tolist(),
        score=matches.score[rows].tolist(),
        names=[matches.names[row] for row in rows.tolist()],
        name_ranks=matches.name_ranks[rows].tolist(),
    )
    if overlay is not None:
        extra = []
        for i in np.flatnonzero(overlay).tolist():
            now_matches, exact, score, name = changes[int(ids[i])]
            if now_matches:
                extra.append(i)
                hits.ids.append(int(ids[i]))
                hits.exact.append(exact)
                hits.score.append(score)
                hits.names.append(name)
                hits.name_ranks.append(matches.name_rank(name))
        hits.at = np.concatenate([hits.at, np.asarray(extra, dtype=np.int64)])
    return hits


def rank(search: "MemberSearch") -> "Ranked | None":
    """The search's candidates, best first, or None when this path does not apply."""
    if search.company or search.school or search.skill:
        return None
    if not (search.q or search.industry or search.location):
        return None
    if graph_holder.graph is None and settings.SEARCH_GRAPH != "inline":
        graph_holder.get()  # starts loading it
        return None
    if not _admitted(_key(search)):
        return None
    found_matches = _matches(search)
    if found_matches is None:
        return None
    with graph_holder.using:
        graph = graph_holder.get()
        if graph is None:
            return None
        found = _rank(search, graph, *found_matches)
    return found.ranked()


def _rank(
    search: "MemberSearch",
    graph: memgraph.MemGraph,
    matches: _Matches,
    changes: dict[int, _Change],
) -> _Columns:
    from profiles.search import NEAR_LIMIT

    changed = np.fromiter(changes, dtype=np.int64, count=len(changes))
    viewer = search.viewer.pk
    blocked = _blocked(viewer)
    hood = graph.neighbourhood(viewer, blocked=blocked)
    found = _Columns()

    if search.degree in (None, 1):
        first, first_nodes = hood.first, hood.first_nodes
        if len(blocked):
            unblocked = ~np.isin(first, blocked)
            first, first_nodes = first[unblocked], first_nodes[unblocked]
        hits = _hits(matches, changes, changed, first)
        mutual = graph.neighbours_among(first_nodes[hits.at], hood.first_nodes)
        found.add(hits, [1] * len(hits.ids), mutual.tolist())

    if search.degree in (None, 2):
        closest = np.lexsort((hood.second, -hood.mutual))[:NEAR_LIMIT]
        second, mutual = hood.second[closest], hood.mutual[closest]
        hits = _hits(matches, changes, changed, second)
        found.add(hits, [2] * len(hits.ids), mutual[hits.at].tolist())

    if search.degree in (None, 3):
        hits, degree = _beyond(search, graph, hood, matches, changes, blocked)
        found.add(hits, degree, [0] * len(hits.ids))
    return found


def _beyond(
    search: "MemberSearch",
    graph: memgraph.MemGraph,
    hood: memgraph.Neighbourhood,
    matches: _Matches,
    changes: dict[int, _Change],
    blocked: np.ndarray,
) -> tuple[_Hits, list[int | None]]:
    """The best matches beyond the 2nd degree (BEYOND_LIMIT of them) with their degree, 3
    or None; with a 3rd-degree filter, the best BEYOND_LIMIT at the 3rd degree."""
    from profiles.search import BEYOND_LIMIT

    excluded = np.concatenate(
        [[search.viewer.pk], hood.first, hood.second, blocked, graph.hidden_ids]
    ).astype(np.int64)
    allowed = np.ones(len(matches.ids), dtype=np.bool_)
    for ids in (excluded, np.fromiter(changes, dtype=np.int64, count=len(changes))):
        pos = matches.positions(ids)
        allowed[pos[pos >= 0]] = False
    rows = np.flatnonzero(allowed)

    nodes = matches.nodes(graph)
    if search.degree is None:
        rows = rows[:BEYOND_LIMIT]
        third = graph.neighbours_among(nodes[rows], hood.second_nodes, any_one=True)
    else:
        rows = rows[:BEYOND_SCAN_MEMORY]
        is_third = graph.neighbours_among(
            nodes[rows], hood.second_nodes, any_one=True, limit=BEYOND_LIMIT
        )
        rows = rows[is_third > 0][:BEYOND_LIMIT]
        third = np.ones(len(rows), dtype=np.int32)
    hits = _Hits(
        at=rows,
        ids=matches.ids[rows].tolist(),
        exact=matches.exact[rows].tolist(),
        score=matches.score[rows].tolist(),
        names=[matches.names[row] for row in rows.tolist()],
        name_ranks=matches.name_ranks[rows].tolist(),
    )
    degree: list[int | None] = [3 if t else None for t in third.tolist()]

    # Changed profiles that match now, where they stand beyond the network.
    now_matching = [pk for pk, change in changes.items() if change[0]]
    extra = np.asarray(now_matching, dtype=np.int64)
    extra = extra[~np.isin(extra, excluded)]
    if len(extra):
        is_third = graph.neighbours_among(graph.nodes_of(extra), hood.second_nodes, any_one=True)
        for pk, t in zip(extra.tolist(), is_third.tolist(), strict=True):
            if search.degree == 3 and not t:
                continue
            _, exact, score, name = changes[pk]
            hits.ids.append(pk)
            hits.exact.append(exact)
            hits.score.append(score)
            hits.names.append(name)
            hits.name_ranks.append(matches.name_rank(name))
            degree.append(3 if t else None)
        # The best BEYOND_LIMIT of the set's and the changed ones.
        best = sorted(
            range(len(hits.ids)),
            key=lambda i: (
                not hits.exact[i], -round(hits.score[i], 2), hits.names[i].lower(), hits.ids[i],
            ),
        )[:BEYOND_LIMIT]  # fmt: skip
        hits = _Hits(
            at=np.asarray(best, dtype=np.int64),
            ids=[hits.ids[i] for i in best],
            exact=[hits.exact[i] for i in best],
            score=[hits.score[i] for i in best],
            names=[hits.names[i] for i in best],
            name_ranks=[hits.name_ranks[i] for i in best],
        )
        degree = [degree[i] for i in best]
    return hits, degree
