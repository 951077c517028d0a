"""People you may know and "Who do I know at …?" (issue 6, parts 3 and 4).

* The suggestions page reads stored suggestions (one indexed query); its baseline is the
  naive page query: the viewer's 2nd degree ranked by mutual connections with a GROUP BY,
  computed on every view, with the same exclusions.
* The background computation per member (in-memory graph + two SQL queries) beside the
  same candidates from a SQL GROUP BY.
* "Who do I know at …?" (one graph query, connections.graph.reach_among) for a company, a
  school and an industry, and the page; its baseline is the obvious loop: closeness of
  every member there, then the mutual connections or paths of each one in reach.
"""

import random
import time
from functools import partial

from django.db import connection
from django.test import Client

from bench.stats import TABLE_HEAD, summary, timed
from connections import graph, memgraph
from discovery import candidates, selectors, services
from discovery.models import SuggestionState
from profiles.models import Education, Position, User

# Naive "people you may know": the 2nd degree by mutual connections, on every view.
NAIVE_PYMK = """
SELECT c2.other_id, count(*) AS mutual
FROM connections_connection c1
JOIN connections_connection c2 ON c2.member_id = c1.other_id
JOIN profiles_user u ON u.id = c2.other_id AND u.is_active AND NOT u.is_suspended
WHERE c1.member_id = %(v)s AND c2.other_id <> %(v)s
  AND NOT EXISTS (SELECT 1 FROM connections_connection d
                  WHERE d.member_id = %(v)s AND d.other_id = c2.other_id)
  AND NOT EXISTS (SELECT 1 FROM connections_connectionrequest r
                  WHERE r.status IN ('pending', 'ignored')
                    AND ((r.from_member_id = %(v)s AND r.to_member_id = c2.other_id)
                      OR (r.to_member_id = %(v)s AND r.from_member_id = c2.other_id)))
  AND NOT EXISTS (SELECT 1 FROM connections_block b
                  WHERE (b.blocker_id = %(v)s AND b.blocked_id = c2.other_id)
                     OR (b.blocked_id = %(v)s AND b.blocker_id = c2.other_id))
GROUP BY c2.other_id
ORDER BY mutual DESC, c2.other_id
LIMIT 20
"""


def _naive_pymk(viewer_id: int) -> None:
    with connection.cursor() as cur:
        cur.execute(NAIVE_PYMK, {"v": viewer_id})
        cur.fetchall()


def _naive_who_at(viewer: User, kind: str, value: str) -> int:
    """The obvious loop: every member there, their degree, then per member in reach who
    can introduce (mutual connections at the 2nd degree, paths at the 3rd)."""
    _, members = selectors.members_at(kind, value)
    ids = [next(iter(row.values())) for row in members]
    closeness = graph.closeness(viewer.pk, ids)
    groups: dict[int, set[int]] = {}
    for member_id, near in closeness.items():
        if near.degree == 2:
            for x in graph.mutual_connection_ids(viewer.pk, member_id):
                groups.setdefault(x, set()).add(member_id)
        elif near.degree == 3:
            for path in graph.paths_between(viewer.pk, member_id, limit=1000):
                groups.setdefault(path[0], set()).add(member_id)
    return len(groups)


def _viewers(rng: random.Random, count: int) -> list[tuple[User, str, str]]:
    """Members with a current position and a school: (member, company, school)."""
    max_id = User.objects.order_by("-id").values_list("id", flat=True).first() or 0
    picked: list[tuple[User, str, str]] = []
    seen: set[int] = set()
    while len(picked) < count and len(seen) < 20 * count:
        member_id = rng.randint(1, max_id)
        if member_id in seen:
            continue
        seen.add(member_id)
        company = (
            Position.objects.filter(profile_id=member_id, is_current=True)
            .values_list("organization", flat=True)
            .first()
        )
        school = (
            Education.objects.filter(profile_id=member_id).values_list("school", flat=True).first()
        )
        member = User.objects.visible().select_related("profile").filter(pk=member_id).first()
        if member and company and school and graph.connection_count(member_id) >= 3:
            picked.append((member, company, school))
    return picked


def _hubs(count: int) -> list[User]:
    """The best-connected members: where computing on every view costs the most."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT member_id FROM connections_connection GROUP BY member_id"
            " ORDER BY count(*) DESC LIMIT %s",
            [count],
        )
        ids = [row[0] for row in cur.fetchall()]
    return list(User.objects.visible().filter(pk__in=ids))


def run(*, members: int, samples: int, seed_seconds: float) -> list[str]:
    rng = random.Random(11)
    viewers = _viewers(rng, min(samples, 100))
    naive_count = max(5, len(viewers) // 5)

    # -- the background computation ----------------------------------------------------
    started = time.perf_counter()
    memgraph.forget()
    mem = memgraph.current()
    load = time.perf_counter() - started
    directory = timed(services.directory_refresh)
    compute = [
        timed(partial(services.suggestions_compute, member_id=v.pk, mem=mem)) for v, _, _ in viewers
    ]
    naive_compute = [timed(partial(_naive_pymk, v.pk)) for v, _, _ in viewers]
    stored = sum(
        SuggestionState.objects.filter(pk__in=[v.pk for v, _, _ in viewers]).values_list(
            "candidates", flat=True
        )
    )

    hubs = _hubs(20)
    for hub in hubs:
        services.suggestions_compute(member_id=hub.pk, mem=mem)
    hub_read = [timed(partial(selectors.suggestions_page, h)) for h in hubs]
    hub_naive = [timed(partial(_naive_pymk, h.pk)) for h in hubs]
    hub_second = sorted(len(candidates.second_degree(mem, h.pk)[0]) for h in hubs)

    # -- reading: the page, the API, beside the naive query on every view ---------------
    clients = []
    for viewer, _, _ in viewers:
        client = Client()
        client.force_login(viewer)
        client.get("/discover/")  # records the visit (a write at most once an hour)
        clients.append(client)

    def get(client: Client, url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    page = [timed(partial(get, c, "/discover/")) for c in clients]
    partial_list = [timed(partial(get, c, "/discover/suggestions/")) for c in clients]
    read = [timed(partial(selectors.suggestions_page, v)) for v, _, _ in viewers]

    # -- who do I know at … ---------------------------------------------------------------
    by_company = [
        timed(partial(selectors.who_you_know, v, kind="company", value=c)) for v, c, _ in viewers
    ]
    by_school = [
        timed(partial(selectors.who_you_know, v, kind="school", value=s)) for v, _, s in viewers
    ]
    by_industry = [
        timed(partial(selectors.who_you_know, v, kind="industry", value=v.profile.industry))
        for v, _, _ in viewers
        if v.profile.industry
    ]
    who_page = [
        timed(partial(get, client, f"/discover/at/?company={company}"))
        for client, (_, company, _) in zip(clients, viewers, strict=True)
    ]
    naive_company = [
        timed(partial(_naive_who_at, v, "company", c)) for v, c, _ in viewers[:naive_count]
    ]
    naive_school = [
        timed(partial(_naive_who_at, v, "school", s)) for v, _, s in viewers[:naive_count]
    ]
    sizes = [
        sum(g.total for g in selectors.who_you_know(v, kind="company", value=c).groups)
        for v, c, _ in viewers[:20]
    ]

    return [
        f"### People you may know and “Who do I know at …?” ({members:,} members)",
        "",
        *TABLE_HEAD,
        summary("GET /discover/ (people you may know, page)", page, naive_compute),
        summary("GET /discover/suggestions/ (the list alone)", partial_list, naive_compute),
        summary("stored suggestions, one page (the selector)", read, naive_compute),
        summary("baseline: naive 2nd-degree GROUP BY on every view", naive_compute),
        summary("stored suggestions, the 20 best-connected members", hub_read, hub_naive),
        summary("baseline: naive GROUP BY, the 20 best-connected members", hub_naive),
        summary("compute one member's suggestions (worker)", compute, naive_compute),
        summary("who do I know at a company (graph query + grouping)", by_company, naive_company),
        summary("who do I know at a school", by_school, naive_school),
        summary("who do I know in an industry", by_industry),
        summary("GET /discover/at/?company=…", who_page, naive_company),
        summary("baseline: company, closeness then paths per member", naive_company),
        summary("baseline: school, closeness then paths per member", naive_school),
        "",
        f"Viewers: {len(viewers)} (naive who-do-I-know on {naive_count}); in-memory graph"
        f" loaded in {load:.2f} s; name directory rebuilt in {directory:.2f} s;"
        f" {stored / max(1, len(viewers)):.0f} suggestions stored per member on average;"
        f" a median of {sorted(sizes)[len(sizes) // 2] if sizes else 0} (introducer, member)"
        " pairs at the viewer's own company; the best-connected members have a median"
        f" {hub_second[len(hub_second) // 2] if hub_second else 0:,} members at the 2nd degree.",
        "",
    ]
