"""People search (issue 6): the search selector per kind of query, and the search page,
beside naive ILIKE queries run in the same benchmark on the same words.

Each kind of query is timed once for each of `samples` viewers, chosen at random among
visible members, in SQL; the kinds the in-memory engine answers (profiles.search_memory:
text, no company filter) are timed again from the worker's graph and match sets, in the
same loop, so that both see the same machine. A common word matches about a fifth of
all members; the typo drops one letter inside a real member's last name; the company is
a real current employer.
"""

import random
import statistics
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client

from bench.stats import TABLE_HEAD, summary, timed
from connections import graph, memgraph
from profiles import search_memory
from profiles.models import Position, User
from profiles.search import MemberSearch, search_members

WORDS = ["engineer", "writer", "aviation", "pilot", "editor", "manager", "data", "design"]

# What a simple search without ranking, network or indexes would run: the first 20
# by name among every member whose text contains the words.
NAIVE_TEXT = """
SELECT p.user_id FROM profiles_profile p JOIN profiles_user u ON u.id = p.user_id
WHERE NOT u.is_suspended AND u.is_active AND u.id <> %(v)s
  AND (p.full_name ILIKE %(q)s OR p.headline ILIKE %(q)s OR p.summary ILIKE %(q)s)
ORDER BY p.full_name LIMIT 20
"""
NAIVE_NAME = """
SELECT p.user_id FROM profiles_profile p JOIN profiles_user u ON u.id = p.user_id
WHERE NOT u.is_suspended AND u.is_active AND u.id <> %(v)s AND p.full_name ILIKE %(q)s
ORDER BY p.full_name LIMIT 20
"""
NAIVE_COMPANY = """
SELECT p.user_id FROM profiles_profile p JOIN profiles_user u ON u.id = p.user_id
WHERE NOT u.is_suspended AND u.is_active AND u.id <> %(v)s
  AND EXISTS (SELECT 1 FROM profiles_position o WHERE o.profile_id = p.user_id
              AND o.is_current AND o.organization ILIKE %(q)s)
ORDER BY p.full_name LIMIT 20
"""


def _naive(sql: str, viewer_id: int, text: str) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, {"v": viewer_id, "q": f"%{text}%"})
        cur.fetchall()


def _typo(name: str, rng: random.Random) -> str:
    """The name with one letter of its last word left out (not the first one)."""
    first, _, last = name.rpartition(" ")
    if len(last) < 4:
        return name
    i = rng.randrange(1, len(last))
    return f"{first} {last[:i]}{last[i + 1 :]}".strip()


def run(*, members: int, samples: int, seed_seconds: float) -> list[str]:
    rng = random.Random(3)
    ids = list(User.objects.visible().values_list("id", flat=True))
    viewers = list(User.objects.filter(pk__in=rng.sample(ids, min(samples, len(ids)))))
    rng.shuffle(viewers)
    names = list(
        User.objects.filter(pk__in=rng.sample(ids, len(viewers))).values_list(
            "profile__full_name", flat=True
        )
    )
    typos = [_typo(name, rng) for name in names]
    companies = list(
        Position.objects.filter(
            is_current=True, profile_id__in=rng.sample(ids, len(viewers))
        ).values_list("organization", flat=True)
    )

    def word(i: int) -> str:
        return WORDS[i % len(WORDS)]

    def company(i: int) -> str:
        return companies[i % len(companies)]

    kinds: dict[str, Callable[[int], dict[str, Any]]] = {
        "word": lambda i: {"q": word(i)},
        "typo": lambda i: {"q": typos[i]},
        "first": lambda i: {"q": word(i), "degree": 1},
        "second": lambda i: {"q": word(i), "degree": 2},
        "third": lambda i: {"q": word(i), "degree": 3},
        "company": lambda i: {"company": company(i)},
        "company2": lambda i: {"company": company(i), "degree": 2},
    }
    baselines: dict[str, tuple[str, Callable[[int], str]]] = {
        "naive_text": (NAIVE_TEXT, word),
        "naive_name": (NAIVE_NAME, lambda i: typos[i]),
        "naive_company": (NAIVE_COMPANY, company),
    }

    # SQL first (no graph), then the graph, read as a web worker reads it; match sets
    # are read on a query's first search, which the warm-up below makes.
    settings.SEARCH_GRAPH = "off"
    search_memory.graph_holder.set(None)
    search_memory.forget()
    loaded = memgraph.MemGraph.load()
    memory_kinds = ["word", "typo", "first", "second", "third"]

    def engine(name: str) -> None:
        search_memory.graph_holder.set(loaded if name == "memory" else None)

    # Warm the caches and the connection: the first queries of a process read from disk.
    for which in ("sql", "memory"):
        engine(which)
        for viewer in viewers[:5]:
            for w in WORDS:
                search_members(viewer=viewer, q=w)

    # Each viewer runs every kind in turn, so that other work on the machine weighs
    # on all kinds alike.
    seconds: dict[str, list[float]] = {kind: [] for kind in [*kinds, *baselines]}
    sizes: dict[str, list[int]] = {kind: [] for kind in kinds}
    memory_s: dict[str, list[float]] = {kind: [] for kind in memory_kinds}
    for i, viewer in enumerate(viewers):
        engine("sql")
        for kind, criteria in kinds.items():
            search = MemberSearch(viewer=viewer, **criteria(i))
            seconds[kind].append(timed(partial(search.__getitem__, slice(0, 20))))
            sizes[kind].append(len(search))
        engine("memory")
        for kind in memory_kinds:
            search = MemberSearch(viewer=viewer, **kinds[kind](i))
            memory_s[kind].append(timed(partial(search.__getitem__, slice(0, 20))))
        engine("sql")
        for kind, (sql, words) in baselines.items():
            seconds[kind].append(timed(partial(_naive, sql, viewer.pk, words(i))))

    # The whole page, in process (form, queries, template), 20 results.
    page_s = []
    for i, viewer in enumerate(viewers[: max(1, len(viewers) // 3)]):
        client = Client()
        client.force_login(viewer)
        page_s.append(timed(partial(client.get, "/search/", {"q": word(i)})))

    # The worst case: the member with the most connections (2nd degree: most of the graph).
    hub = User.objects.get(pk=_best_connected())
    hub_s = [timed(partial(search_members, viewer=hub, q=word(i))) for i in range(min(16, samples))]
    hub_connections = graph.connection_count(hub.pk)

    def found(label: str) -> str:
        values = sizes[label]
        return f"{statistics.median(values):,.0f} (max {max(values):,})"

    text, name, firm = seconds["naive_text"], seconds["naive_name"], seconds["naive_company"]
    return [
        f"### People search ({members:,} members)",
        "",
        *TABLE_HEAD,
        summary("a common word (ranked by relevance, then closeness)", seconds["word"], text),
        *[
            summary(f"in memory: {label}", memory_s[kind], seconds[kind])
            for kind, label in [
                ("word", "a common word (baseline: the same in SQL)"),
                ("typo", "a name with a typo, searched once: SQL answers (baseline: SQL)"),
                ("first", "a common word, 1st degree only (baseline: SQL)"),
                ("second", "a common word, 2nd degree only (baseline: SQL)"),
                ("third", "a common word, 3rd degree only (baseline: SQL)"),
            ]
        ],
        summary("a name with a typo", seconds["typo"], name),
        summary("a common word, 1st degree only", seconds["first"], text),
        summary("a common word, 2nd degree only", seconds["second"], text),
        summary("a common word, 3rd degree only", seconds["third"], text),
        summary("a current company, no words", seconds["company"], firm),
        summary("a current company, 2nd degree only", seconds["company2"], firm),
        summary("GET /search/?q=<common word> (the page, server time)", page_s, text),
        summary(f"a common word, by the best-connected member ({hub_connections:,})", hub_s, text),
        summary("baseline: naive ILIKE of the word on name, headline, summary", text),
        summary("baseline: naive ILIKE of the misspelt name", name),
        summary("baseline: naive ILIKE of the current company", firm),
        "",
        "Results per search, median (max): "
        f"common word {found('word')}; 1st degree {found('first')}; "
        f"2nd degree {found('second')}; 3rd degree {found('third')}; "
        f"misspelt name {found('typo')}; company {found('company')}.",
        "The naive baselines take the first 20 by name, with no ranking, no network and "
        "no privacy rule but suspension.",
        "",
    ]


def _best_connected() -> int:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT member_id FROM connections_connection GROUP BY member_id"
            " ORDER BY count(*) DESC LIMIT 1"
        )
        return int(cur.fetchone()[0])
