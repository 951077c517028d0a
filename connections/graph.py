"""The member graph. The only module that knows how connections are stored.

Layout: table connections_connection holds one row per direction of every
connection, primary key (member_id, other_id). "Neighbours of X" is one range
scan of that index, and 2nd/3rd-degree questions are joins of it with itself.

Every function takes and returns member ids. Functions that answer a
*viewer's* question (degrees, mutual connections, paths) leave out hidden
members: suspended or deactivated members anywhere, and members who block
the viewer or whom the viewer blocks.
"""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection as db
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from common.db import run_prepared
from connections.models import Connection

EDGES = "connections_connection"

# A member is hidden site-wide when suspended or deactivated. Probes the tiny
# partial index user_hidden, so it costs next to nothing per row.
VISIBLE = (
    "NOT EXISTS (SELECT 1 FROM profiles_user h"
    " WHERE h.id = {col} AND (h.is_suspended OR NOT h.is_active))"
)

# Members hidden from the viewer %(v)s by a block, in either direction.
BLOCKED_CTE = """
blocked AS (
    SELECT blocked_id AS id FROM connections_block WHERE blocker_id = %(v)s
    UNION
    SELECT blocker_id FROM connections_block WHERE blocked_id = %(v)s
)"""

# The viewer's visible 1st-degree connections.
N1_CTE = f"""
n1 AS MATERIALIZED (
    SELECT c.other_id AS id FROM {EDGES} c
    WHERE c.member_id = %(v)s AND {VISIBLE.format(col="c.other_id")}
)"""


def _rows(sql: str, params: dict[str, Any], *, prepared: bool = False) -> list[tuple[Any, ...]]:
    with db.cursor() as cur:
        if prepared:  # on a hot path (common.db)
            run_prepared(cur, sql, params)
        else:
            cur.execute(sql, params)
        return cur.fetchall()


# -- 1st degree ---------------------------------------------------------------


def first_degree_ids(member_id: int) -> list[int]:
    return list(Connection.objects.filter(member_id=member_id).values_list("other_id", flat=True))


BLOCKED_IDS_SQL = f"WITH {BLOCKED_CTE.strip()} SELECT id FROM blocked ORDER BY id"


def blocked_ids(viewer_id: int) -> list[int]:
    """Members the viewer blocks or is blocked by, sorted: hidden from each other."""
    return [row[0] for row in _rows(BLOCKED_IDS_SQL, {"v": viewer_id}, prepared=True)]


# The member %(v)s's visible connections.
CONNECTION_COUNT_SQL = (
    f"SELECT count(*) FROM {EDGES} c WHERE c.member_id = %(v)s"
    f" AND {VISIBLE.format(col='c.other_id')}"
)


def connection_count(member_id: int) -> int:
    """Exact and current: the number of the member's visible connections."""
    return _rows(CONNECTION_COUNT_SQL, {"v": member_id}, prepared=True)[0][0]


ARE_CONNECTED_SQL = (
    f"SELECT EXISTS (SELECT 1 FROM {EDGES} WHERE member_id = %(a)s AND other_id = %(b)s)"
)


def are_connected(a: int, b: int) -> bool:
    if a == b:
        return False
    return bool(_rows(ARE_CONNECTED_SQL, {"a": a, "b": b}, prepared=True)[0][0])


def connections_of(member_id: int) -> QuerySet[Connection]:
    """The member's connection rows (`other`, `created_at`, the member's private `note`)."""
    return Connection.objects.filter(member_id=member_id)


def connection_note(member_id: int, other_id: int) -> str | None:
    """The member's private note about a connection; None if they are not connected."""
    return (
        Connection.objects.filter(member_id=member_id, other_id=other_id)
        .values_list("note", flat=True)
        .first()
    )


def set_connection_note(member_id: int, other_id: int, note: str) -> bool:
    """Only the member's own direction carries their note: the other never sees it."""
    return Connection.objects.filter(member_id=member_id, other_id=other_id).update(note=note) == 1


# -- writes ---------------------------------------------------------------------


@transaction.atomic
def add_edge(a: int, b: int, *, at: datetime | None = None) -> bool:
    """Connect a and b (both directions). Returns False if they already were."""
    if a == b:
        raise ValueError("a member cannot connect to themself")
    at = at or timezone.now()
    with db.cursor() as cur:
        cur.execute(
            f"INSERT INTO {EDGES} (member_id, other_id, created_at, note)"
            " VALUES (%s, %s, %s, ''), (%s, %s, %s, '')"
            " ON CONFLICT DO NOTHING",
            [a, b, at, b, a, at],
        )
        return cur.rowcount == 2


@transaction.atomic
def remove_edge(a: int, b: int) -> bool:
    """Disconnect a and b (both directions). Returns False if they were not connected."""
    deleted, _ = Connection.objects.filter(member_id__in=[a, b], other_id__in=[a, b]).delete()
    return deleted > 0


def copy_edges(pairs: Sequence[tuple[int, int]], *, at: datetime) -> int:
    """Bulk-load undirected pairs (a < b, no duplicates) with COPY. For seeding and benchmarks."""
    buf = io.StringIO()
    stamp = at.isoformat()
    for a, b in pairs:
        buf.write(f"{a}\t{b}\t{stamp}\t\n{b}\t{a}\t{stamp}\t\n")
    buf.seek(0)
    with db.cursor() as cur:
        cur.copy_expert(
            f"COPY {EDGES} (member_id, other_id, created_at, note) FROM STDIN",
            buf,
        )
    return 2 * len(pairs)


# -- degrees and mutual connections ------------------------------------------


@dataclass(frozen=True)
class Closeness:
    """How a viewer relates to another member."""

    degree: int | None  # 0 self, 1, 2, 3, or None: out of network (or hidden)
    mutual_count: int
    # Hidden from the viewer: blocked either way, suspended or deactivated.
    hidden: bool = False


# One query for a whole page of members: for each target t,
#   degree 1  t is in N1(v);
#   degree 2  some neighbour of t is in N1(v) (then mutual_count > 0);
#   degree 3  some neighbour of a neighbour of t is in N1(v): a bidirectional
#             meet, N(t) against N2(v), probing the primary key from t's side
#             so that a hub in the viewer's network does not blow up the work.
CLOSENESS_SQL = f"""
WITH {BLOCKED_CTE.strip()},
{N1_CTE.strip()}
SELECT t.id,
       (SELECT count(*) FROM {EDGES} c JOIN n1 ON n1.id = c.other_id
        WHERE c.member_id = t.id AND c.other_id NOT IN (SELECT id FROM blocked)) AS mutual,
       EXISTS (SELECT 1 FROM n1 WHERE n1.id = t.id) AS first,
       -- A scalar subquery with LIMIT 1, not EXISTS: with EXISTS Postgres may hash the
       -- viewer's whole 3-hop neighbourhood (seconds at 100k members) instead of
       -- probing from t's side (milliseconds).
       coalesce((
           SELECT true FROM {EDGES} ct
           JOIN {EDGES} cx ON cx.member_id = ct.other_id
           JOIN n1 ON n1.id = cx.other_id
           WHERE ct.member_id = t.id AND ct.other_id <> %(v)s
             AND ct.other_id NOT IN (SELECT id FROM blocked)
             AND cx.other_id NOT IN (SELECT id FROM blocked)
             AND {VISIBLE.format(col="ct.other_id")}
           LIMIT 1
       ), false) AS third,
       t.id IN (SELECT id FROM blocked) OR NOT {VISIBLE.format(col="t.id")} AS hidden
FROM unnest(%(ids)s::bigint[]) AS t(id)
"""


# The same answers for many members at once (a search's candidates): the viewer's
# 2nd-degree set is materialised once, and each member's 3rd-degree test becomes a
# probe of its own neighbours into it. Cheaper than the per-member meet above past
# a few dozen members; dearer for one (the set can be large for a viewer near hubs).
CLOSENESS_MANY_SQL = f"""
WITH {BLOCKED_CTE.strip()},
{N1_CTE.strip()},
n2 AS MATERIALIZED (
    SELECT DISTINCT c.other_id AS id FROM {EDGES} c JOIN n1 ON c.member_id = n1.id
    WHERE c.other_id <> %(v)s AND c.other_id NOT IN (SELECT id FROM blocked)
      AND {VISIBLE.format(col="c.other_id")}
)
SELECT t.id,
       (SELECT count(*) FROM {EDGES} c JOIN n1 ON n1.id = c.other_id
        WHERE c.member_id = t.id AND c.other_id NOT IN (SELECT id FROM blocked)) AS mutual,
       EXISTS (SELECT 1 FROM n1 WHERE n1.id = t.id) AS first,
       EXISTS (
           SELECT 1 FROM {EDGES} ct JOIN n2 ON n2.id = ct.other_id WHERE ct.member_id = t.id
       ) AS third,
       t.id IN (SELECT id FROM blocked) OR NOT {VISIBLE.format(col="t.id")} AS hidden
FROM unnest(%(ids)s::bigint[]) AS t(id)
"""
MANY = 50


# What the worker's graph cannot say exactly: each member's 1st degree with the viewer,
# whether they are hidden from the viewer, and whom the viewer blocks or is blocked by.
CLOSENESS_EXACT_SQL = f"""
WITH {BLOCKED_CTE.strip()}
SELECT t.id,
       EXISTS (SELECT 1 FROM {EDGES} c WHERE c.member_id = %(v)s AND c.other_id = t.id),
       t.id IN (SELECT id FROM blocked) OR NOT {VISIBLE.format(col="t.id")},
       ARRAY(SELECT id FROM blocked)
FROM unnest(%(ids)s::bigint[]) AS t(id)
"""


def closeness(viewer_id: int, member_ids: Iterable[int]) -> dict[int, Closeness]:
    """Degree and mutual-connection count of each member, as `viewer_id` sees them.

    One query. Where the web worker holds the member graph (connections.memgraph.holder),
    that query reads only what must be exact on every request (the 1st degree, blocks,
    suspensions), and mutual counts and the 2nd and 3rd degree come from the graph: at
    most SEARCH_GRAPH_SYNC_SECONDS behind Postgres, and milliseconds of Postgres's time
    cheaper (docs/benchmarks.md). Otherwise the query answers everything.
    """
    ids = sorted(set(member_ids))
    if not ids:
        return {}
    found = _closeness_in_memory(viewer_id, ids)
    if found is not None:
        return found
    sql = CLOSENESS_MANY_SQL if len(ids) > MANY else CLOSENESS_SQL
    return {
        member_id: _closeness(viewer_id, member_id, mutual, first, third, hidden)
        for member_id, mutual, first, third, hidden in _rows(sql, {"v": viewer_id, "ids": ids})
    }


def _closeness(
    viewer_id: int, member_id: int, mutual: int, first: bool, third: bool, hidden: bool
) -> Closeness:
    if hidden:
        return Closeness(degree=None, mutual_count=0, hidden=True)
    if member_id == viewer_id:
        return Closeness(degree=0, mutual_count=0)
    degree = 1 if first else 2 if mutual else 3 if third else None
    return Closeness(degree=degree, mutual_count=mutual)


def _closeness_in_memory(viewer_id: int, ids: list[int]) -> dict[int, Closeness] | None:
    from connections import memgraph

    holder = memgraph.holder
    # Only a worker that loaded the graph for search uses it (tests: "inline"); a Celery
    # worker or a command never starts reading one for this.
    if holder.graph is None and settings.SEARCH_GRAPH != "inline":
        return None
    with holder.using:
        graph = holder.get()  # before the query: none, and SQL answers it all
    if graph is None:
        return None
    rows = _rows(CLOSENESS_EXACT_SQL, {"v": viewer_id, "ids": ids}, prepared=True)
    blocked = np.array(rows[0][3] if rows else [], dtype=np.int64)
    with holder.using:
        mutual, third = graph.closeness_counts(viewer_id, [r[0] for r in rows], blocked=blocked)
    return {
        member_id: _closeness(viewer_id, member_id, m, first, t > 0, hidden)
        for (member_id, first, hidden, _), m, t in zip(
            rows, mutual.tolist(), third.tolist(), strict=True
        )
    }


# -- the viewer's neighbourhood inside other modules' queries (people search) --------

# Every visible member one step beyond the viewer's visible connections, with how
# many of those connections they have: their mutual-connection count with the
# viewer. 1st-degree members appear too (with their mutual count, when it is not 0).
TWO_HOPS_CTE = f"""
two_hops AS MATERIALIZED (
    SELECT c.other_id AS id, count(*) AS mutual FROM {EDGES} c JOIN n1 ON c.member_id = n1.id
    WHERE c.other_id <> %(v)s AND c.other_id NOT IN (SELECT id FROM blocked)
      AND {VISIBLE.format(col="c.other_id")}
    GROUP BY c.other_id
)"""

# The viewer's visible 2nd degree, exactly, with mutual counts. A few thousand members
# for a typical viewer, even at a million members.
N2_EXACT_CTE = """
n2 AS MATERIALIZED (
    SELECT id, mutual FROM two_hops WHERE id NOT IN (SELECT id FROM n1)
)"""

# CTEs `blocked`, `n1` (visible 1st degree), `two_hops` and `n2` of the viewer %(v)s,
# for a query that starts from the viewer's network (profiles.search).
NEIGHBOURHOOD_CTES = ",\n".join(
    cte.strip() for cte in (BLOCKED_CTE, N1_CTE, TWO_HOPS_CTE, N2_EXACT_CTE)
)


def third_degree_sql(member: str) -> str:
    """A boolean SQL expression for a query with NEIGHBOURHOOD_CTES: is the member in
    column `member`, known to be neither in n1 nor in n2 (nor hidden, blocked or the
    viewer), at the 3rd degree? That is, is one of their connections in n2?

    Written so that Postgres hashes n2 once for the whole query and each member costs
    a range scan of their own connections that stops at the first one in n2: the IN
    is wrapped (IS TRUE) so that it stays a hashed SubPlan instead of becoming a join
    (a new hash of n2 for every member), and a scalar subquery with LIMIT 1, unlike
    EXISTS, is never turned into a hash of every member's connections.
    """
    return (
        f"coalesce((SELECT true FROM {EDGES} e WHERE e.member_id = {member}"
        " AND (e.other_id IN (SELECT id FROM n2)) IS TRUE LIMIT 1), false)"
    )


def mutual_count_sql(member: str) -> str:
    """An SQL count for a query with NEIGHBOURHOOD_CTES: how many of the viewer's visible
    connections the member in column `member` is connected to. n1 is hashed once for
    the whole query, as in third_degree_sql; cheaper than two_hops for a few members."""
    return (
        f"(SELECT count(*) FROM {EDGES} e WHERE e.member_id = {member}"
        " AND (e.other_id IN (SELECT id FROM n1)) IS TRUE)"
    )


def degree_between(a: int, b: int) -> int | None:
    """1, 2 or 3; 0 for the same member; None when b is out of a's network (or hidden)."""
    return closeness(a, [b])[b].degree


def mutual_connection_ids(a: int, b: int, *, limit: int | None = None) -> list[int]:
    """Visible members connected to both a and b, most connected first."""
    sql = f"""
    WITH {BLOCKED_CTE.strip()},
    {N1_CTE.strip()}
    SELECT c.other_id FROM {EDGES} c JOIN n1 ON n1.id = c.other_id
    WHERE c.member_id = %(b)s AND c.other_id NOT IN (SELECT id FROM blocked)
      AND %(b)s NOT IN (SELECT id FROM blocked) AND %(b)s <> %(v)s
      AND {VISIBLE.format(col="%(b)s")}
    ORDER BY (SELECT count(*) FROM {EDGES} d WHERE d.member_id = c.other_id) DESC, c.other_id
    """
    if limit is not None:
        sql += " LIMIT %(limit)s"
    return [row[0] for row in _rows(sql, {"v": a, "b": b, "limit": limit})]


# -- paths ---------------------------------------------------------------------

PATHS_SQL = f"""
WITH {BLOCKED_CTE.strip()},
{N1_CTE.strip()},
nb AS MATERIALIZED (
    SELECT c.other_id AS id FROM {EDGES} c
    WHERE c.member_id = %(b)s AND {VISIBLE.format(col="c.other_id")}
      AND c.other_id NOT IN (SELECT id FROM blocked)
),
two AS (
    SELECT n1.id AS x, NULL::bigint AS y FROM n1 JOIN nb ON nb.id = n1.id
    WHERE n1.id NOT IN (SELECT id FROM blocked)
),
three AS (
    SELECT e.member_id AS x, e.other_id AS y
    FROM n1 JOIN {EDGES} e ON e.member_id = n1.id JOIN nb ON nb.id = e.other_id
    WHERE e.other_id <> %(v)s AND e.member_id <> %(b)s
      AND n1.id NOT IN (SELECT id FROM blocked)
)
SELECT x, y FROM two
UNION ALL
SELECT x, y FROM three WHERE NOT EXISTS (SELECT 1 FROM two)
LIMIT %(cap)s
"""

# Tie strength: how many connections two members share.
TIES_SQL = f"""
SELECT p.a, p.b, (
    SELECT count(*) FROM {EDGES} ca JOIN {EDGES} cb
      ON cb.member_id = p.b AND cb.other_id = ca.other_id
    WHERE ca.member_id = p.a
)
FROM unnest(%(a)s::bigint[], %(b)s::bigint[]) AS p(a, b)
"""


def paths_between(a: int, b: int, *, limit: int = 10, cap: int = 2000) -> list[list[int]]:
    """How a is connected to b: the shortest paths of up to 3 hops, best first.

    Each path is the list of members between a and b ([x] or [x, y]). Only the
    shortest length is returned (all 2-hop paths when any exists). "Best" means
    the strongest ties: intermediaries who share the most connections with a,
    then with b. Empty when b is 1st degree, out of network or hidden.
    """
    if a == b or degree_between(a, b) not in (2, 3):
        return []
    rows = _rows(PATHS_SQL, {"v": a, "b": b, "cap": cap})
    if not rows:
        return []
    pairs: set[tuple[int, int]] = set()
    for x, y in rows:
        pairs.add((a, x))
        if y is not None:
            pairs.add((y, b))
    left, right = zip(*sorted(pairs), strict=True)
    ties = {(p, q): n for p, q, n in _rows(TIES_SQL, {"a": list(left), "b": list(right)})}

    def strength(row: tuple[int, int | None]) -> tuple[int, int, int, int]:
        x, y = row
        return (-ties[(a, x)], -(ties[(y, b)] if y is not None else 0), x, y or 0)

    return [[x] if y is None else [x, y] for x, y in sorted(rows, key=strength)[:limit]]


# -- who the viewer knows among a set of members (discovery: "Who do I know at …?") ----


@dataclass(frozen=True)
class Reach:
    """How the viewer reaches one member of a set, through one of their connections."""

    via: int  # the viewer's connection who can introduce (the member itself at degree 1)
    member: int
    degree: int  # 1, 2 or 3
    ways: int  # at degree 3: how many second hops join `via` to the member; else 1
    second_hop: int | None  # at degree 3: one such second hop (the lowest id); else None


# `t` is the set, visible to the viewer. Degree 2: an edge x–t from the viewer's
# connections. Degree 3: a path x–y–t through a visible y, only for members not at
# degree 2 (shortest paths only). The x–y pairs (about the sum of the connections'
# degrees) are materialised once. The y–t edges are then read from whichever side
# is smaller, decided at run time on the exact sizes (a one-time filter switches one
# branch off): from each distinct y (an industry: many members) or from each member
# of t (a company). Every edge read is a range scan of the primary key: each LATERAL
# ... OFFSET 0 keeps the planner, whose estimates of CTE sizes are rough, from
# turning one into a scan of the whole table.
REACH_SQL = f"""
WITH {BLOCKED_CTE.strip()},
{N1_CTE.strip()},
t AS MATERIALIZED (
    SELECT DISTINCT s.id FROM ({{members}}) AS s(id)
    WHERE s.id <> %(v)s AND s.id NOT IN (SELECT id FROM blocked)
      AND {VISIBLE.format(col="s.id")}
),
two AS MATERIALIZED (
    SELECT n1.id AS x, e.t FROM n1,
        LATERAL (SELECT c.other_id AS t FROM {EDGES} c WHERE c.member_id = n1.id OFFSET 0) e
    WHERE e.t IN (SELECT id FROM t) AND e.t NOT IN (SELECT id FROM n1)
),
xy AS MATERIALIZED (
    SELECT n1.id AS x, e.y FROM n1,
        LATERAL (SELECT c.other_id AS y FROM {EDGES} c WHERE c.member_id = n1.id OFFSET 0) e
    WHERE e.y <> %(v)s AND e.y NOT IN (SELECT id FROM n1)
      AND e.y NOT IN (SELECT id FROM blocked) AND {VISIBLE.format(col="e.y")}
),
from_t AS MATERIALIZED (
    SELECT (SELECT count(*) FROM t) <= (SELECT count(DISTINCT y) FROM xy) AS yes
),
ty AS (
    SELECT e.t, d.y FROM (SELECT DISTINCT y FROM xy) d,
        LATERAL (SELECT c.other_id AS t FROM {EDGES} c WHERE c.member_id = d.y OFFSET 0) e
    WHERE NOT (SELECT yes FROM from_t) AND e.t IN (SELECT id FROM t)
    UNION ALL
    SELECT t.id, e.y FROM t,
        LATERAL (SELECT c.other_id AS y FROM {EDGES} c WHERE c.member_id = t.id OFFSET 0) e
    WHERE (SELECT yes FROM from_t) AND e.y IN (SELECT y FROM xy)
)
SELECT n1.id, n1.id, 1, 1, NULL::bigint FROM n1 JOIN t ON t.id = n1.id
UNION ALL
SELECT x, t, 2, 1, NULL::bigint FROM two
UNION ALL
SELECT p.x, ty.t, 3, count(*), min(p.y)
FROM ty JOIN xy p ON p.y = ty.y
WHERE ty.t NOT IN (SELECT id FROM n1) AND ty.t NOT IN (SELECT t FROM two)
GROUP BY p.x, ty.t
"""


def reach_sql(members: QuerySet[Any]) -> str:
    """REACH_SQL for a query of member ids (one column), its values bound in place."""
    sql, params = members.query.sql_with_params()
    with db.cursor() as cur:
        bound = cur.mogrify(sql, params)
    # Bound values are quoted literals; a % among them must not read as a placeholder.
    text = bound.decode() if isinstance(bound, bytes) else str(bound)
    return REACH_SQL.replace("{members}", text.replace("%", "%%"))


def reach_among(viewer_id: int, members: QuerySet[Any]) -> list[Reach]:
    """How the viewer reaches each member of `members` (a query of member ids) within
    three hops: one Reach per (connection who can introduce, member), shortest paths
    only. Hidden members (suspended, deactivated, blocked either way) are never a
    member, an introducer or a second hop. One query."""
    return [Reach(*row) for row in _rows(reach_sql(members), {"v": viewer_id})]
