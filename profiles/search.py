"""People search: PostgreSQL full-text search plus pg_trgm name matching, ranked by network.

A selector. At most three queries for any page, however many results it holds:

1. the candidates, in one statement that starts from the viewer's network
   (connections.graph.NEIGHBOURHOOD_CTES): the matches among the viewer's 1st and
   2nd degree, whose degree and mutual count the network itself tells, and a
   bounded number of matches beyond it, each with a 3rd-degree test. Hidden
   members, members blocked either way and the viewer are never candidates;
2. the open connection requests between the viewer and the page's members who
   are not connected to them (when the page has any): "Pending" or "Accept"
   rather than "Connect";
3. the profiles of the page.

Why it is shaped so (measured, docs/benchmarks.md): a common word matches a
fifth of all members, and ranking every match, or computing closeness for
hundreds of them, cost hundreds of milliseconds. The viewer's 1st and 2nd
degree are a few thousand members, looked up by primary key and matched
against the stored search document (profiles migration 0004) in microseconds
each, so a 1st- or 2nd-degree filter sees every match (up to NEAR_LIMIT
2nd-degree members, the closest first). Beyond the 2nd degree the work is
bounded: BEYOND_LIMIT matches in index order, the NAME_LIMIT names most similar
to the query (so that an exact or misspelt name is not cut off), and with a
3rd-degree filter at most BEYOND_SCAN matches examined.

Ranking: an exact name match first, then text relevance (ts_rank over the
weighted document, name A, headline B, summary D, plus the trigram similarity
of a matching name), near-equal scores counting as equal, then closeness
(1st > 2nd > 3rd > out of network), then name. Results never carry contact
details: the callers render name, headline, location and industry only.
"""

import re
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple, overload

from django.db import connection

from common.db import run_prepared
from connections import graph
from connections.graph import Closeness
from connections.models import ConnectionRequest
from connections.selectors import OPEN_SENT
from profiles.models import Education, Position, Profile, Skill, User
from profiles.selectors import visible_profiles_by_id

# Matches beyond the viewer's 2nd degree that are ranked, at most: more than
# anyone pages through, and it bounds the 3rd-degree tests.
BEYOND_LIMIT = 500
# With a 3rd-degree filter, matches beyond the 2nd degree examined to find
# BEYOND_LIMIT at the 3rd degree (a quarter to three quarters of members are).
BEYOND_SCAN = 2_000
# Names most like the query looked at beyond the 2nd degree, besides the matches in
# index order: an exact or slightly misspelt name is not left out.
NAME_LIMIT = 100
# 2nd-degree members looked at, at most, the closest first: every one for all but the
# best-connected viewers (the 99th percentile has about 10,000).
NEAR_LIMIT = 10_000
# Substring matching of names needs a trigram: shorter queries match by words
# and by similarity only.
MIN_SUBSTRING = 3

_OUT_OF_NETWORK = 4

PROFILES = Profile._meta.db_table
POSITIONS = Position._meta.db_table
EDUCATION = Education._meta.db_table
SKILLS = Skill._meta.db_table
REQUESTS = ConnectionRequest._meta.db_table

# The query string as websearch syntax ("quoted phrases", -not, or): never an error.
TSQUERY = "websearch_to_tsquery('english', %(q)s)"


class _Candidate(NamedTuple):
    id: int
    name: str
    exact: bool
    score: float
    degree: int | None  # 1, 2, 3 or None (out of network)
    mutual: int  # mutual connections with the viewer (none beyond the 2nd degree)

    def key(self) -> tuple[bool, float, int, str, int]:
        # Scores are rounded so that near-equal matches count as equal and
        # network closeness decides between them.
        return (
            not self.exact,
            -round(self.score, 2),
            self.degree or _OUT_OF_NETWORK,
            self.name.lower(),
            self.id,
        )


class SearchResult(NamedTuple):
    """One row of results. Callers show the profile's name, headline, location and
    industry (3rd degree and beyond: no photo), never its contact details."""

    profile: Profile
    closeness: Closeness
    # An open connection request between the viewer and the member: "sent" (by the
    # viewer: pending, or ignored without their knowing), "received", or "".
    request: str = ""


def _contains(value: str) -> str:
    """A case-insensitive `~*` pattern matching `value` literally (the trigram indexes serve ~*)."""
    return re.escape(value)


class MemberSearch:
    """A lazy, sliceable list of SearchResult: what Django's and DRF's paginators need.

    len() runs query 1 (once); a slice adds the page's queries (2 and 3).
    """

    def __init__(
        self,
        *,
        viewer: User,
        q: str = "",
        industry: str = "",
        location: str = "",
        company: str = "",
        school: str = "",
        skill: str = "",
        degree: int | None = None,
    ) -> None:
        self.viewer = viewer
        self.q = q.strip()
        self.industry = industry
        self.location = location.strip()
        self.company = company.strip()
        self.school = school.strip()
        self.skill = skill.strip()
        self.degree = degree
        self._ranked: Sequence[_Candidate] | None = None

    # -- query 1: candidates ----------------------------------------------------------

    def _conditions(self, params: dict[str, Any], *, near: bool) -> str:
        """What a profile `p` must satisfy: the text query and every filter.

        A filter on positions, education or skills is written two ways. Among the
        viewer's network (`near`), where each member is looked up by primary key,
        the members it admits are found once, through the trigram index, and hashed
        (the IN wrapped so as to stay a hashed SubPlan); a lookup per member cost more
        than the whole search. Beyond, an EXISTS lets the planner start from them.
        """
        conditions: list[str] = []
        if self.q:
            params["q"] = self.q
            # Full text on the weighted document, or a misspelt name (pg_trgm's %).
            match = [f"p.search_document @@ {TSQUERY}", "p.full_name %% %(q)s"]
            if len(self.q) >= MIN_SUBSTRING:
                # Part of a name ("ali" for Alice).
                params["q_re"] = _contains(self.q)
                match.append("p.full_name ~* %(q_re)s")
            conditions.append(f"({' OR '.join(match)})")
        if self.industry:
            params["industry"] = self.industry
            conditions.append("p.industry = %(industry)s")
        if self.location:
            params["location"] = _contains(self.location)
            conditions.append("p.location ~* %(location)s")
        related = [
            ("company", self.company, POSITIONS, "o.is_current AND o.organization"),
            ("school", self.school, EDUCATION, "o.school"),
            ("skill", self.skill, SKILLS, "o.name"),
        ]
        for key, value, table, column in related:
            if not value:
                continue
            params[key] = _contains(value)
            if near:
                conditions.append(
                    f"(p.user_id IN (SELECT o.profile_id FROM {table} o"  # noqa: S608 (see _sql)
                    f" WHERE {column} ~* %({key})s)) IS TRUE"
                )
            else:
                conditions.append(
                    f"EXISTS (SELECT 1 FROM {table} o"  # noqa: S608 (see _sql)
                    f" WHERE o.profile_id = p.user_id AND {column} ~* %({key})s)"
                )
        return " AND ".join(conditions) or "true"

    def _columns(self) -> str:
        if not self.q:
            return "p.user_id, p.full_name, false AS exact, 0.0::float8 AS score"
        name_match = "p.full_name %% %(q)s" + (
            " OR p.full_name ~* %(q_re)s" if len(self.q) >= MIN_SUBSTRING else ""
        )
        return (
            "p.user_id, p.full_name, lower(p.full_name) = lower(%(q)s) AS exact,"
            f" ts_rank(p.search_document, {TSQUERY})"
            f" + CASE WHEN {name_match} THEN similarity(p.full_name, %(q)s) ELSE 0 END AS score"
        )

    def _sql(self) -> tuple[str, dict[str, Any]]:
        # The statement is assembled from this module's and connections.graph's SQL
        # fragments and table names only; every value the member typed is a parameter.
        params: dict[str, Any] = {"v": self.viewer.pk}
        columns = self._columns()
        parts: list[str] = []

        # The viewer's 1st and 2nd degree: each member found by primary key (OFFSET 0
        # keeps the planner from turning this into a scan of every match). Every one
        # of them for a typical viewer; the NEAR_LIMIT closest 2nd-degree members
        # (most mutual connections) for one with thousands of connections.
        # A 1st-degree member's mutual count is counted for matches only: two_hops,
        # which has it for everyone, is then not needed for a 1st-degree filter.
        near = []
        if self.degree in (None, 1):
            near.append(
                "SELECT id, 1 AS degree, NULL::bigint AS mutual FROM n1"
                " WHERE id NOT IN (SELECT id FROM blocked)"
            )
        if self.degree in (None, 2):
            params["near_limit"] = NEAR_LIMIT
            near.append(
                "SELECT id, 2 AS degree, mutual FROM n2"
                " ORDER BY mutual DESC, id LIMIT %(near_limit)s"
            )
        if near:
            mutual = graph.mutual_count_sql("p.user_id")
            parts.append(
                f"SELECT m.* FROM ({' UNION ALL '.join(f'({n})' for n in near)})"  # noqa: S608
                " AS near, LATERAL ("
                f"SELECT {columns}, near.degree, coalesce(near.mutual, {mutual})"
                f" FROM {PROFILES} p WHERE p.user_id = near.id"
                f" AND {self._conditions(params, near=True)} OFFSET 0) m"
            )

        ctes = graph.NEIGHBOURHOOD_CTES
        if self.degree in (None, 3):
            # Beyond the 2nd degree, bounded: matches in the order the index gives
            # them, and the names most similar to the query, which that order could
            # leave out. Then one 3rd-degree test for each.
            params["scan"] = BEYOND_SCAN if self.degree == 3 else BEYOND_LIMIT
            params["names"] = NAME_LIMIT
            params["limit"] = BEYOND_LIMIT
            outside = (
                f"FROM {PROFILES} p"  # noqa: S608
                f" WHERE {self._conditions(params, near=False)} AND p.user_id <> %(v)s"
                " AND p.user_id NOT IN (SELECT id FROM n1)"
                " AND p.user_id NOT IN (SELECT id FROM n2)"
                " AND p.user_id NOT IN (SELECT id FROM blocked)"
                f" AND {graph.VISIBLE.format(col='p.user_id')}"
            )
            found = [f"SELECT p.user_id AS id {outside} LIMIT %(scan)s"]
            if self.q:
                # Names with a part very like the query (word similarity, <%: far more
                # selective in the trigram index than %). First, so that a 3rd-degree
                # filter's LIMIT sees them first.
                found.insert(
                    0,
                    f"SELECT p.user_id AS id {outside} AND %(q)s <%% p.full_name"
                    " ORDER BY similarity(p.full_name, %(q)s) DESC LIMIT %(names)s",
                )
            union = " UNION ALL ".join(f"({f})" for f in found)
            ctes += f",\nbeyond AS MATERIALIZED ({union})"
            third = graph.third_degree_sql("p.user_id")
            # OFFSET 0: the test runs once a member, not again for the filter.
            keep = "WHERE b.degree = 3 LIMIT %(limit)s" if self.degree == 3 else ""
            parts.append(
                f"SELECT b.* FROM (SELECT {columns},"  # noqa: S608
                f" CASE WHEN {third} THEN 3 END AS degree, 0 AS mutual"
                f" FROM beyond JOIN {PROFILES} p ON p.user_id = beyond.id OFFSET 0) b {keep}"
            )

        body = " UNION ALL ".join(f"({part})" for part in parts)
        return f"WITH {ctes}\n{body}", params

    def ranked(self) -> Sequence[_Candidate]:
        if self._ranked is None:
            # The worker's in-memory graph and match sets when it has them (the same
            # results, without the joins); else one SQL statement.
            from profiles import search_memory

            self._ranked = search_memory.rank(self)
        if self._ranked is None:
            sql, params = self._sql()
            with connection.cursor() as cursor:
                # Without JIT: the planner's cost for this statement often passes
                # jit_above_cost, and compiling took 100-300 ms, more than the search.
                # Sent with the query, SET LOCAL lasts for its implicit transaction
                # (or the caller's) and is one round trip.
                cursor.execute(f"SET LOCAL jit = off;\n{sql}", params)
                rows = cursor.fetchall()
            # A similar name may also be among the matches in index order: twice.
            candidates = {
                pk: _Candidate(pk, name, exact, float(score), degree, mutual)
                for pk, name, exact, score, degree, mutual in rows
            }
            self._ranked = sorted(candidates.values(), key=_Candidate.key)
        return self._ranked

    def __len__(self) -> int:
        return len(self.ranked())

    def __iter__(self) -> Iterator[SearchResult]:
        return iter(self[:])

    # -- queries 2 and 3: the page ---------------------------------------------------

    @overload
    def __getitem__(self, index: int) -> SearchResult: ...
    @overload
    def __getitem__(self, index: slice) -> list[SearchResult]: ...
    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, int):
            return self[index : index + 1][0] if index >= 0 else self[:][index]
        page = self.ranked()[index]
        if not page:
            return []
        others = [c.id for c in page if c.degree != 1]
        requests = _open_requests(self.viewer.pk, others) if others else {}
        # A member suspended since query 1 simply drops out of the page.
        profiles = visible_profiles_by_id([c.id for c in page])
        return [
            SearchResult(
                profile=profiles[c.id],
                closeness=Closeness(degree=c.degree, mutual_count=c.mutual),
                request=requests.get(c.id, ""),
            )
            for c in page
            if c.id in profiles
        ]


def _open_requests(viewer_id: int, member_ids: list[int]) -> dict[int, str]:
    """Members with an open request to or from the viewer: "received" or "sent". One query.

    As on a profile: the viewer's own ignored request still looks pending to them,
    and a request to the viewer wins (accepting it connects them at once).
    """
    # Written out rather than built with the ORM: on every page of results, the
    # building cost more than the query.
    with connection.cursor() as cursor:
        run_prepared(
            cursor,
            f"SELECT from_member_id, to_member_id FROM {REQUESTS}"  # noqa: S608 (a table name)
            " WHERE (from_member_id = %(v)s AND to_member_id = ANY(%(ids)s)"
            " AND status = ANY(%(sent)s))"
            " OR (from_member_id = ANY(%(ids)s) AND to_member_id = %(v)s AND status = %(pending)s)",
            {
                "v": viewer_id,
                "ids": member_ids,
                "sent": [str(status) for status in OPEN_SENT],
                "pending": str(ConnectionRequest.Status.PENDING),
            },
        )
        rows = cursor.fetchall()
    found: dict[int, str] = {}
    for sender, recipient in rows:
        if sender == viewer_id:
            found.setdefault(recipient, "sent")
        else:
            found[sender] = "received"
    return found


def search_members(
    *,
    viewer: User,
    q: str = "",
    industry: str = "",
    location: str = "",
    company: str = "",
    school: str = "",
    skill: str = "",
    degree: int | None = None,
    limit: int = 20,
    offset: int = 0,
) -> list[SearchResult]:
    """One page of members matching the query and filters, best first. At most three queries."""
    search = MemberSearch(
        viewer=viewer,
        q=q,
        industry=industry,
        location=location,
        company=company,
        school=school,
        skill=skill,
        degree=degree,
    )
    return search[offset : offset + limit]
