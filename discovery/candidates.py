"""Who a member may know, and how much: the computation behind "People you may know".

Three sources, scored together:

* mutual connections: the member's 2nd degree with the number of connections in
  common, from the worker's in-memory graph (connections.memgraph), a few hundred
  microseconds for a typical member, where the same GROUP BY in SQL takes
  milliseconds (bench/suites/discovery.py measures both);
* shared workplaces: members with a position at an organization where the member
  had one, better when the two were there at the same time;
* shared schools: the same with education, better with overlapping years.

Only the worker calls this; pages read the stored result (discovery.selectors).
"""

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection as db

from connections.memgraph import MemGraph

MUTUAL_WEIGHT = 1.0
COMPANY_OVERLAP = 4.0  # worked at the same place at the same time
COMPANY_SHARED = 1.5  # at the same place, at other times
SCHOOL_OVERLAP = 3.0
SCHOOL_SHARED = 1.0
# Colleagues and alumni looked at per member, best overlap first: enough to fill a
# page of suggestions, and a bound on the work for members of huge organizations.
ORGANIZATION_CAP = 500


@dataclass
class Candidate:
    member_id: int
    mutual: int = 0
    companies: dict[str, bool] = field(default_factory=dict)  # name -> overlapped in time
    schools: dict[str, bool] = field(default_factory=dict)

    @property
    def score(self) -> float:
        score = MUTUAL_WEIGHT * self.mutual
        if self.companies:
            score += COMPANY_OVERLAP if any(self.companies.values()) else COMPANY_SHARED
        if self.schools:
            score += SCHOOL_OVERLAP if any(self.schools.values()) else SCHOOL_SHARED
        return score

    def reason(self) -> dict[str, Any]:
        def named(places: dict[str, bool]) -> list[dict[str, Any]]:
            # Overlapping first, then by name: the strongest reason leads.
            return [
                {"name": name, "overlap": overlap}
                for name, overlap in sorted(places.items(), key=lambda kv: (not kv[1], kv[0]))
            ]

        return {
            "mutual": self.mutual,
            "companies": named(self.companies),
            "schools": named(self.schools),
        }


# -- mutual connections, in memory ---------------------------------------------------


def _neighbours(mem: MemGraph, node: int) -> np.ndarray:
    """Visible neighbours of `node` in the synced graph: live snapshot edges plus the
    overlay of edges added since, hidden members left out (as memgraph's BFS does)."""
    parts = []
    if node < mem.n_base:
        lo, hi = int(mem.indptr[node]), int(mem.indptr[node + 1])
        parts.append(mem.indices[lo:hi][mem.alive[lo:hi]])
    lo, hi = int(mem.o_indptr[node]), int(mem.o_indptr[node + 1])
    if hi > lo:
        parts.append(mem.o_indices[lo:hi])
    if not parts:
        return np.zeros(0, dtype=np.int32)
    found = np.concatenate(parts) if len(parts) > 1 else parts[0]
    return found[~mem.hidden[found]]


def _member_ids(mem: MemGraph, nodes: np.ndarray) -> np.ndarray:
    ids = np.empty(len(nodes), dtype=np.int64)
    base = nodes < mem.n_base
    ids[base] = mem.ids[nodes[base]]
    for i in np.flatnonzero(~base).tolist():  # members who joined after the snapshot: few
        ids[i] = mem.member_id(int(nodes[i]))
    return ids


def second_degree(mem: MemGraph, member_id: int) -> tuple[np.ndarray, np.ndarray]:
    """The member's 2nd degree (member ids) and the number of mutual connections of each."""
    empty = np.zeros(0, dtype=np.int64)
    node = mem.node(member_id)
    if node is None or mem.hidden[node]:
        return empty, empty
    first = _neighbours(mem, node)
    if not len(first):
        return empty, empty
    reached = np.concatenate([_neighbours(mem, int(x)) for x in first.tolist()])
    reached = reached[(reached != node) & ~np.isin(reached, first)]
    nodes, counts = np.unique(reached, return_counts=True)
    return _member_ids(mem, nodes), counts.astype(np.int64)


# -- shared workplaces and schools, in Postgres ----------------------------------------

# Days two stints at one organization overlap (negative: they did not); a current
# position runs to today.
COLLEAGUES_SQL = """
SELECT p2.profile_id, p1.organization,
       max(LEAST(COALESCE(p1.end_date, CURRENT_DATE), COALESCE(p2.end_date, CURRENT_DATE))
           - GREATEST(p1.start_date, p2.start_date)) AS overlap
FROM profiles_position p1
JOIN profiles_position p2 ON p2.organization = p1.organization AND p2.profile_id <> p1.profile_id
JOIN profiles_user u ON u.id = p2.profile_id AND u.is_active AND NOT u.is_suspended
WHERE p1.profile_id = %(m)s
GROUP BY p2.profile_id, p1.organization
ORDER BY overlap DESC, p2.profile_id
LIMIT %(cap)s
"""

# Years two members were at one school together (negative: they were not; NULL: unknown).
ALUMNI_SQL = """
SELECT e2.profile_id, e1.school,
       max(LEAST(e1.end_year, e2.end_year) - GREATEST(e1.start_year, e2.start_year)) AS overlap
FROM profiles_education e1
JOIN profiles_education e2 ON e2.school = e1.school AND e2.profile_id <> e1.profile_id
JOIN profiles_user u ON u.id = e2.profile_id AND u.is_active AND NOT u.is_suspended
WHERE e1.profile_id = %(m)s
GROUP BY e2.profile_id, e1.school
ORDER BY overlap DESC NULLS LAST, e2.profile_id
LIMIT %(cap)s
"""


def _places(sql: str, member_id: int, *, strictly: bool) -> list[tuple[int, str, bool]]:
    with db.cursor() as cur:
        cur.execute(sql, {"m": member_id, "cap": ORGANIZATION_CAP})
        rows = cur.fetchall()
    return [
        (other, name, overlap is not None and (overlap > 0 if strictly else overlap >= 0))
        for other, name, overlap in rows
    ]


@dataclass
class Pool:
    """Everyone a member may know, before exclusions."""

    ids: np.ndarray  # the 2nd degree
    mutual: np.ndarray  # mutual connections of each
    companies: dict[int, dict[str, bool]] = field(default_factory=dict)
    schools: dict[int, dict[str, bool]] = field(default_factory=dict)


def gather(mem: MemGraph, member_id: int) -> Pool:
    """Every candidate from the three sources, before exclusions. Two queries."""
    ids, mutual = second_degree(mem, member_id)
    pool = Pool(ids, mutual)
    # Dates are months: stints that merely touch (one ends the month the other starts)
    # do not count as together. School years do: 2005–2009 and 2009–2011 met.
    for other, name, overlap in _places(COLLEAGUES_SQL, member_id, strictly=True):
        places = pool.companies.setdefault(other, {})
        places[name] = places.get(name, False) or overlap
    for other, name, overlap in _places(ALUMNI_SQL, member_id, strictly=False):
        places = pool.schools.setdefault(other, {})
        places[name] = places.get(name, False) or overlap
    return pool


def rank(pool: Pool, *, excluded: set[int], limit: int) -> list[Candidate]:
    """The best `limit` candidates not excluded: highest score, then most mutual
    connections, then lowest id. Vectorised: a 2nd degree of thousands costs about
    a millisecond; Candidate objects are made for the winners only."""
    position = dict(zip(pool.ids.tolist(), range(len(pool.ids)), strict=True))
    extra = sorted((pool.companies.keys() | pool.schools.keys()) - position.keys())
    for index, other in enumerate(extra, start=len(pool.ids)):
        position[other] = index
    ids = np.concatenate([pool.ids, np.array(extra, dtype=np.int64)])
    mutual = np.concatenate([pool.mutual, np.zeros(len(extra), dtype=np.int64)])
    score = MUTUAL_WEIGHT * mutual.astype(np.float64)
    for places_by, overlap, shared in (
        (pool.companies, COMPANY_OVERLAP, COMPANY_SHARED),
        (pool.schools, SCHOOL_OVERLAP, SCHOOL_SHARED),
    ):
        for other, places in places_by.items():
            score[position[other]] += overlap if any(places.values()) else shared
    if excluded:
        keep = ~np.isin(ids, np.fromiter(excluded, dtype=np.int64, count=len(excluded)))
        ids, mutual, score = ids[keep], mutual[keep], score[keep]
    order = np.lexsort((ids, -mutual, -score))[:limit]  # the last key sorts first
    return [
        Candidate(
            member_id=int(ids[i]),
            mutual=int(mutual[i]),
            companies=pool.companies.get(int(ids[i]), {}),
            schools=pool.schools.get(int(ids[i]), {}),
        )
        for i in order.tolist()
    ]
