"""People search: PostgreSQL full-text search plus pg_trgm name matching, ranked by network.

A selector. Three queries for any page, however many results it holds:

1. the best MAX_CANDIDATES matching members (ids and text scores), hidden and
   blocked members left out;
2. graph.closeness for those candidates, in one query, so that members closer
   to the viewer rank first among equal matches and the degree filter is exact;
3. the profiles of the requested page.

Ranking: an exact name match first, then text relevance (ts_rank over name,
headline and summary plus trigram similarity of the name), then closeness
(1st > 2nd > 3rd > out of network). Results never carry contact details: the
callers render name, headline, location and industry only.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, overload

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
)
from django.db.models import Case, Exists, F, FloatField, OuterRef, Q, Value, When
from django.db.models.functions import Lower

from connections import graph
from connections.graph import Closeness
from connections.models import Block
from profiles.models import Education, Position, Profile, Skill, User

# Search looks at no more than this many text matches: enough for every page a
# person reads, and it bounds the closeness query.
MAX_CANDIDATES = 500

# Must be the expression of the profile_search_vector index (Profile.Meta).
SEARCH_VECTOR = SearchVector("full_name", "headline", "summary", config="english")

_OUT_OF_NETWORK = 4


@dataclass(frozen=True)
class _Candidate:
    id: int
    exact: bool
    score: float


def _degree_rank(closeness: Closeness | None) -> int:
    if closeness is None or closeness.degree is None:
        return _OUT_OF_NETWORK
    return closeness.degree


class MemberSearch:
    """A lazy, sliceable list of (Profile, Closeness): what Django's and DRF's paginators need.

    len() runs queries 1 and 2 (once); a slice adds query 3.
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
        self._ranked: list[tuple[int, Closeness]] | None = None

    # -- query 1: candidates ----------------------------------------------------------

    def _candidates(self) -> list[_Candidate]:
        viewer_id = self.viewer.pk
        profiles = (
            Profile.objects.filter(user__is_active=True, user__is_suspended=False)
            .exclude(user_id=viewer_id)
            # A block hides both members from each other, whoever blocked.
            .exclude(user_id__in=Block.objects.filter(blocker_id=viewer_id).values("blocked_id"))
            .exclude(user_id__in=Block.objects.filter(blocked_id=viewer_id).values("blocker_id"))
        )
        if self.industry:
            profiles = profiles.filter(industry=self.industry)
        if self.location:
            profiles = profiles.filter(location__icontains=self.location)
        if self.company:
            profiles = profiles.filter(
                Exists(
                    Position.objects.filter(
                        profile=OuterRef("pk"),
                        is_current=True,
                        organization__icontains=self.company,
                    )
                )
            )
        if self.school:
            profiles = profiles.filter(
                Exists(
                    Education.objects.filter(profile=OuterRef("pk"), school__icontains=self.school)
                )
            )
        if self.skill:
            # icontains covers the exact (case-insensitive) name too.
            profiles = profiles.filter(
                Exists(Skill.objects.filter(profile=OuterRef("pk"), name__icontains=self.skill))
            )

        if self.q:
            query = SearchQuery(self.q, search_type="websearch", config="english")
            profiles = (
                profiles.annotate(
                    exact=Case(
                        When(Q(full_name__iexact=self.q), then=Value(True)),
                        default=Value(False),
                    ),
                    score=SearchRank(SEARCH_VECTOR, query) + TrigramSimilarity("full_name", self.q),
                )
                # Full text on name/headline/summary, a misspelt name (pg_trgm's %
                # operator), or part of a name ("ali" for Alice).
                .annotate(document=SEARCH_VECTOR)
                .filter(
                    Q(document=query)
                    | Q(full_name__trigram_similar=self.q)
                    # ~* rather than icontains (UPPER(...) LIKE): the trigram index serves ~*.
                    | Q(full_name__iregex=re.escape(self.q))
                )
            )
        else:
            profiles = profiles.annotate(
                exact=Value(False), score=Value(0.0, output_field=FloatField())
            )

        rows = profiles.order_by(F("exact").desc(), F("score").desc(), Lower("full_name"), "pk")
        return [
            _Candidate(id=pk, exact=exact, score=float(score))
            for pk, exact, score in rows.values_list("pk", "exact", "score")[:MAX_CANDIDATES]
        ]

    # -- query 2: closeness, ranking and the degree filter ------------------------

    def ranked(self) -> list[tuple[int, Closeness]]:
        if self._ranked is None:
            candidates = self._candidates()
            closeness = graph.closeness(self.viewer.pk, [c.id for c in candidates])
            position = {c.id: index for index, c in enumerate(candidates)}

            def key(c: _Candidate) -> tuple[bool, float, int, int]:
                # Scores are rounded so that near-equal matches count as equal
                # and network closeness decides between them.
                return (
                    not c.exact,
                    -round(c.score, 3),
                    _degree_rank(closeness.get(c.id)),
                    position[c.id],
                )

            ranked = [(c.id, closeness[c.id]) for c in sorted(candidates, key=key)]
            if self.degree is not None:
                ranked = [row for row in ranked if row[1].degree == self.degree]
            self._ranked = ranked
        return self._ranked

    def __len__(self) -> int:
        return len(self.ranked())

    def __iter__(self) -> Iterator[tuple[Profile, Closeness]]:
        return iter(self[:])

    # -- query 3: the page's profiles -------------------------------------------

    @overload
    def __getitem__(self, index: int) -> tuple[Profile, Closeness]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[Profile, Closeness]]: ...
    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, int):
            return self[index : index + 1][0] if index >= 0 else self[:][index]
        page = self.ranked()[index]
        if not page:
            return []
        # A member hidden between queries 1 and 3 simply drops out of the page.
        profiles = (
            Profile.objects.filter(user__is_active=True, user__is_suspended=False)
            .select_related("user")
            .in_bulk([pk for pk, _ in page])
        )
        return [(profiles[pk], closeness) for pk, closeness in page if pk in profiles]


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
) -> list[tuple[Profile, Closeness]]:
    """One page of members matching the query and filters, best first. Three queries."""
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
