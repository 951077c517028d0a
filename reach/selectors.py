"""Reads for the reach dashboard: active brokers, blocks, a member's stored reach and its
history, and the people of one bucket with who can introduce them.

The bucket lists are live SQL, not the stored summary: they apply blocks and suspensions
as of the request (a block hides someone on the very next page), while the counts on the
dashboard are as last computed. The SQL is built from connections.graph's fragments
(the edge table, the visibility test, the viewer's blocks and 1st degree).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection as db
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from connections import graph
from connections.models import Block
from connections.selectors import profiles_by_id
from introductions.models import Hop, Introduction
from introductions.selectors import ACTIVE_WINDOW
from profiles.industries import Industry
from profiles.models import ApiToken, Profile, User
from reach.models import ReachHistory, ReachSummary

HISTORY_DAYS = 365
INTRODUCERS_SHOWN = 3


# -- who is an active broker -----------------------------------------------------------


def active_member_ids(member_ids: Iterable[int] | QuerySet[Any]) -> set[int]:
    """Which of these members were active in the last 90 days: logged in (on the web or
    with an API token), forwarded an introduction (or offered one, as its broker), or
    accepted one. One query."""
    since = timezone.now() - ACTIVE_WINDOW
    ids = member_ids if isinstance(member_ids, QuerySet) else list(member_ids)
    return set(
        User.objects.visible()
        .filter(pk__in=ids)
        .filter(
            Q(last_login__gte=since)
            | Exists(ApiToken.objects.filter(user_id=OuterRef("pk"), last_used_at__gte=since))
            | Exists(
                Hop.objects.filter(
                    broker_id=OuterRef("pk"), status=Hop.Status.FORWARDED, decided_at__gte=since
                )
            )
            | Exists(
                Introduction.objects.filter(target_id=OuterRef("pk"), target_accepted_at__gte=since)
            )
            | Exists(
                Introduction.objects.filter(
                    requester_id=OuterRef("pk"), requester_accepted_at__gte=since
                )
            )
        )
        .values_list("pk", flat=True)
    )


def active_broker_ids(member_id: int) -> set[int]:
    """The member's connections who count as active brokers."""
    return active_member_ids(graph.connections_of(member_id).values("other_id"))


def blocked_ids(member_id: int) -> set[int]:
    """Members on either side of a block with this member."""
    pairs = Block.objects.filter(Q(blocker_id=member_id) | Q(blocked_id=member_id)).values_list(
        "blocker_id", "blocked_id"
    )
    return {i for pair in pairs for i in pair} - {member_id}


# -- the stored reach ------------------------------------------------------------------


def summary_of(member_id: int) -> ReachSummary | None:
    return ReachSummary.objects.filter(member_id=member_id).first()


def history_of(member_id: int, *, days: int = HISTORY_DAYS) -> list[ReachHistory]:
    since: date = timezone.localdate() - timedelta(days=days)
    return list(ReachHistory.objects.filter(member_id=member_id, day__gte=since).order_by("day"))


def bucket_label(summary: ReachSummary | None, by: str, value: str) -> str | None:
    """How a bucket reads: an industry's name, or the spelling the summary lists."""
    if by == "industry":
        return str(dict(Industry.choices).get(value, value))
    if summary is None:
        return None
    for bucket in summary.data.get("buckets", {}).get(by, []):
        if bucket["value"] == value:
            return str(bucket["label"])
    return None


# -- the people of one bucket ----------------------------------------------------------

_VISIBLE = graph.VISIBLE

# The viewer's 2nd and 3rd degree (n2, n3), the active brokers among their connections
# (act), and who is reachable through one (r2: the 2nd degree next to an active broker; r3:
# the 3rd degree next to r2). Each level is materialised once as a set, so that a bucket's
# members are a hashed membership test rather than a path search per member. Blocked and
# hidden members are neither listed nor crossed, as in the counts. Unreferenced CTEs are
# not evaluated: a 2nd-degree page never builds the 3rd degree.
_LEVELS = f"""
WITH {graph.BLOCKED_CTE.strip()},
{graph.N1_CTE.strip()},
n2 AS MATERIALIZED (
    SELECT DISTINCT c.other_id AS id FROM {graph.EDGES} c JOIN n1 ON c.member_id = n1.id
    WHERE c.other_id <> %(v)s
      AND c.other_id NOT IN (SELECT id FROM n1)
      AND c.other_id NOT IN (SELECT id FROM blocked)
      AND {_VISIBLE.format(col="c.other_id")}
),
n3 AS MATERIALIZED (
    SELECT DISTINCT c.other_id AS id FROM {graph.EDGES} c JOIN n2 ON c.member_id = n2.id
    WHERE c.other_id <> %(v)s
      AND c.other_id NOT IN (SELECT id FROM n1)
      AND c.other_id NOT IN (SELECT id FROM n2)
      AND c.other_id NOT IN (SELECT id FROM blocked)
      AND {_VISIBLE.format(col="c.other_id")}
),
act AS MATERIALIZED (SELECT id FROM n1 WHERE id = ANY(%(active)s::bigint[])),
r2 AS MATERIALIZED (
    SELECT DISTINCT c.other_id AS id FROM {graph.EDGES} c
    JOIN act ON c.member_id = act.id JOIN n2 ON n2.id = c.other_id
),
r3 AS MATERIALIZED (
    SELECT DISTINCT c.other_id AS id FROM {graph.EDGES} c
    JOIN r2 ON c.member_id = r2.id JOIN n3 ON n3.id = c.other_id
)
"""  # noqa: S608 - module constants only; values go as parameters

# A profile `p` in the bucket. "Current company": the first current position in the
# profile's order, as reach.attributes counts it.
_FILTERS = {
    "industry": "p.industry = %(value)s",
    "location": "lower(btrim(p.location)) = %(value)s",
    "company": """EXISTS (
        SELECT 1 FROM profiles_position o
        WHERE o.profile_id = p.user_id AND o.is_current
          AND lower(btrim(o.organization)) = %(value)s
          AND NOT EXISTS (
              SELECT 1 FROM profiles_position q
              WHERE q.profile_id = o.profile_id AND q.is_current
                AND (q.start_date, q.id) > (o.start_date, o.id)))""",
}

# Members at the degree, with whether an active broker leads to them, one page and the
# total in one query. People reachable through an active broker come first.
_MEMBERS = {
    1: """
SELECT t.id, true AS reachable, count(*) OVER () AS total
FROM n1 t JOIN profiles_profile p ON p.user_id = t.id
WHERE {filter}
ORDER BY lower(p.full_name), t.id
""",
    2: """
SELECT t.id, t.id IN (SELECT id FROM r2) AS reachable, count(*) OVER () AS total
FROM n2 t JOIN profiles_profile p ON p.user_id = t.id
WHERE {filter}
ORDER BY reachable DESC, lower(p.full_name), t.id
""",
    3: """
SELECT t.id, t.id IN (SELECT id FROM r3) AS reachable, count(*) OVER () AS total
FROM n3 t JOIN profiles_profile p ON p.user_id = t.id
WHERE {filter}
ORDER BY reachable DESC, lower(p.full_name), t.id
""",
}


def _has_neighbour_in(cte: str) -> str:
    """Has the member p.user_id a connection in the set `cte`? Postgres hashes the set once
    for the whole query, and each member costs a scan of their own connections that stops
    at the first hit: the IN is wrapped (IS TRUE) so that it stays a hashed SubPlan rather
    than a join that rebuilds the hash for every member, and a scalar subquery with LIMIT 1,
    unlike EXISTS, is never turned into a hash of every member's connections."""
    return (
        f"coalesce((SELECT true FROM {graph.EDGES} e WHERE e.member_id = p.user_id"  # noqa: S608
        f" AND (e.other_id IN (SELECT id FROM {cte})) IS TRUE LIMIT 1), false)"
    )


# The 3rd degree of a bucket from the bucket's side: each member of the bucket is tested
# for a connection in n2. Cheaper than building the whole 3rd degree when the bucket is
# smaller than the 3rd degree's edges (a company's people, usually).
_THIRD_FROM_BUCKET = f"""
SELECT p.user_id, {_has_neighbour_in("r2")} AS reachable, count(*) OVER () AS total
FROM profiles_profile p
WHERE {{filter}}
  AND p.user_id <> %(v)s
  AND p.user_id NOT IN (SELECT id FROM n1)
  AND p.user_id NOT IN (SELECT id FROM n2)
  AND p.user_id NOT IN (SELECT id FROM blocked)
  AND {_VISIBLE.format(col="p.user_id")}
  AND {_has_neighbour_in("n2")}
ORDER BY reachable DESC, lower(p.full_name), p.user_id
"""  # noqa: S608

# The 1st-degree connections on the paths to each member of a page.
_INTRODUCERS = {
    2: f"""
WITH {graph.BLOCKED_CTE.strip()},
{graph.N1_CTE.strip()}
SELECT c.member_id, c.other_id FROM {graph.EDGES} c JOIN n1 ON n1.id = c.other_id
WHERE c.member_id = ANY(%(ids)s::bigint[]) AND c.other_id NOT IN (SELECT id FROM blocked)
""",  # noqa: S608
    3: f"""
WITH {graph.BLOCKED_CTE.strip()},
{graph.N1_CTE.strip()}
SELECT DISTINCT ct.member_id, cb.other_id
FROM {graph.EDGES} ct
JOIN {graph.EDGES} cb ON cb.member_id = ct.other_id
JOIN n1 ON n1.id = cb.other_id
WHERE ct.member_id = ANY(%(ids)s::bigint[]) AND ct.other_id <> %(v)s
  AND ct.other_id NOT IN (SELECT id FROM blocked)
  AND cb.other_id NOT IN (SELECT id FROM blocked)
  AND {_VISIBLE.format(col="ct.other_id")}
""",  # noqa: S608
}


def _rows(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with db.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


@dataclass(frozen=True)
class Introducer:
    profile: Profile
    active: bool


@dataclass
class BucketRow:
    profile: Profile
    reachable: bool  # an active broker leads to them (always true at the 1st degree)
    introducers: list[Introducer] = field(default_factory=list)
    more_introducers: int = 0

    @property
    def best_introducer(self) -> Introducer | None:
        return self.introducers[0] if self.introducers else None


@dataclass
class BucketPage:
    rows: list[BucketRow]
    total: int


# Which dimensions list a 3rd degree from the bucket's side (see _THIRD_FROM_BUCKET).
_FROM_BUCKET = {"industry": False, "company": True, "location": False}


def bucket_members(
    *, viewer_id: int, by: str, value: str, degree: int, offset: int, limit: int
) -> BucketPage:
    """One page of the viewer's members at `degree` in bucket (by, value), as the viewer may
    see them, people reachable through an active broker first, then by name.

    Four queries whatever the page size: active brokers, the page with its total, the
    introducers of the page, and the profiles of both.
    """
    active = sorted(active_broker_ids(viewer_id))
    members = _THIRD_FROM_BUCKET if degree == 3 and _FROM_BUCKET[by] else _MEMBERS[degree]
    sql = _LEVELS + members.format(filter=_FILTERS[by]) + " LIMIT %(limit)s OFFSET %(offset)s"
    page = _rows(
        sql,
        {"v": viewer_id, "active": active, "value": value, "limit": limit, "offset": offset},
    )
    if not page:
        # Nobody there, or a page past the end: callers tell the two apart by `offset`.
        return BucketPage(rows=[], total=0)
    total = int(page[0][2])
    ids = [row[0] for row in page]
    introducers: dict[int, list[int]] = {}
    if degree in _INTRODUCERS:
        for target, broker in _rows(_INTRODUCERS[degree], {"v": viewer_id, "ids": ids}):
            introducers.setdefault(target, []).append(broker)
    profiles = profiles_by_id(sorted({*ids, *(b for bs in introducers.values() for b in bs)}))
    active_set = set(active)
    rows: list[BucketRow] = []
    for member_id, reachable, _ in page:
        if member_id not in profiles:  # hidden since the first query
            continue
        brokers = [profiles[b] for b in introducers.get(member_id, []) if b in profiles]
        brokers.sort(key=lambda p: (p.user_id not in active_set, p.full_name.lower(), p.user_id))
        rows.append(
            BucketRow(
                profile=profiles[member_id],
                reachable=bool(reachable),
                introducers=[
                    Introducer(profile=p, active=p.user_id in active_set)
                    for p in brokers[:INTRODUCERS_SHOWN]
                ],
                more_introducers=max(0, len(brokers) - INTRODUCERS_SHOWN),
            )
        )
    return BucketPage(rows=rows, total=total)


class BucketMembers:
    """A bucket's people as a lazy list for paginators (len() then one slice).

    The window the caller expects (offset, limit) is fetched together with the total in
    one query on first use; a different slice is fetched on its own.
    """

    def __init__(
        self, *, viewer_id: int, by: str, value: str, degree: int, offset: int, limit: int
    ) -> None:
        self._viewer_id, self._by, self._value, self._degree = viewer_id, by, value, degree
        self._window = (offset, limit)
        self._page: BucketPage | None = None

    def _fetch(self, offset: int, limit: int) -> BucketPage:
        return bucket_members(
            viewer_id=self._viewer_id,
            by=self._by,
            value=self._value,
            degree=self._degree,
            offset=offset,
            limit=limit,
        )

    def _load(self) -> BucketPage:
        if self._page is None:
            self._page = self._fetch(*self._window)
        return self._page

    def count(self) -> int:
        return self._load().total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[BucketRow]:
        offset, limit = self._window
        start, stop = index.start or 0, index.stop
        # Paginators cut the last page at the total: still the window fetched.
        if start == offset and (stop is None or stop - start <= limit):
            return self._load().rows[: None if stop is None else stop - start]
        return self._fetch(start, (stop or start + limit) - start).rows
