"""Graph queries at size: degree, mutual connections, paths, and the pages built on them,
each beside a naive query run in the same benchmark (issue: the member graph)."""

import random
import statistics
from functools import partial

from django.db import OperationalError, connection
from django.test import Client

from bench.stats import TABLE_HEAD, summary, timed
from connections import graph
from profiles.models import User

# Naive: walk outwards from a with a recursive CTE to depth 3, then look for b.
NAIVE_DEGREE = """
WITH RECURSIVE walk(node, depth) AS (
    SELECT %(a)s::bigint, 0
    UNION
    SELECT c.other_id, w.depth + 1
    FROM walk w JOIN connections_connection c ON c.member_id = w.node
    WHERE w.depth < 3
)
SELECT min(depth) FROM walk WHERE node = %(b)s
"""
# Naive: every path of length <= 3 from a, kept as arrays, filtered to those ending at b.
NAIVE_PATHS = """
WITH RECURSIVE walk(node, path) AS (
    SELECT %(a)s::bigint, ARRAY[%(a)s::bigint]
    UNION ALL
    SELECT c.other_id, w.path || c.other_id
    FROM walk w JOIN connections_connection c ON c.member_id = w.node
    WHERE cardinality(w.path) < 4 AND NOT c.other_id = ANY(w.path)
)
SELECT path FROM walk WHERE node = %(b)s ORDER BY cardinality(path) LIMIT 10
"""
NAIVE_MUTUAL = """
SELECT other_id FROM connections_connection WHERE member_id = %(a)s
INTERSECT
SELECT other_id FROM connections_connection WHERE member_id = %(b)s
"""


NAIVE_TIMEOUT_S = 20
timeouts = 0


def _naive(sql: str, a: int, b: int) -> None:
    """Run a naive query; one that hits the timeout counts as the timeout (a lower bound)."""
    global timeouts
    with connection.cursor() as cur:
        cur.execute(f"SET statement_timeout = '{NAIVE_TIMEOUT_S}s'")
        try:
            cur.execute(sql, {"a": a, "b": b})
            cur.fetchall()
        except OperationalError:
            timeouts += 1
        finally:
            cur.execute("RESET statement_timeout")


def _neighbours(member_id: int) -> list[int]:
    return graph.first_degree_ids(member_id)


def _pairs(rng: random.Random, ids: list[int], samples: int) -> dict[int, list[tuple[int, int]]]:
    """Pairs at distance 2 and 3, found by walking the graph, and random pairs."""
    by_degree: dict[int, list[tuple[int, int]]] = {2: [], 3: [], 0: []}
    attempts = 0
    while (len(by_degree[2]) < samples or len(by_degree[3]) < samples) and attempts < samples * 50:
        attempts += 1
        a = rng.choice(ids)
        walk = [a]
        for _ in range(3):
            nxt = _neighbours(walk[-1])
            if not nxt:
                break
            walk.append(rng.choice(nxt))
        if len(walk) < 3:
            continue
        for b in walk[2:]:
            d = graph.degree_between(a, b)
            if d in (2, 3) and len(by_degree[d]) < samples:
                by_degree[d].append((a, b))
    by_degree[0] = [(rng.choice(ids), rng.choice(ids)) for _ in range(samples)]
    return by_degree


def run(*, members: int, samples: int, seed_seconds: float) -> list[str]:
    rng = random.Random(11)
    ids = list(User.objects.visible().values_list("id", flat=True))
    pairs = _pairs(rng, ids, samples)
    naive_n = max(10, samples // 10)  # the naive queries are slow: fewer samples

    rows = [f"### Graph queries ({members:,} members)", "", *TABLE_HEAD]
    random_pairs = pairs[0]
    degree = [timed(partial(graph.degree_between, a, b)) for a, b in random_pairs]
    naive_degree = [timed(partial(_naive, NAIVE_DEGREE, a, b)) for a, b in random_pairs[:naive_n]]
    rows.append(summary("degree between two random members", degree, naive_degree))
    third = pairs[3]
    degree3 = [timed(partial(graph.degree_between, a, b)) for a, b in third]
    rows.append(
        summary(
            "degree, 3rd-degree pairs",
            degree3,
            [timed(partial(_naive, NAIVE_DEGREE, a, b)) for a, b in third[:naive_n]],
        )
    )
    second = pairs[2]
    mutual = [timed(partial(graph.mutual_connection_ids, a, b)) for a, b in second]
    rows.append(
        summary(
            "mutual connections (2nd-degree pairs)",
            mutual,
            [timed(partial(_naive, NAIVE_MUTUAL, a, b)) for a, b in second[:naive_n]],
        )
    )
    paths = [timed(partial(graph.paths_between, a, b)) for a, b in third]
    rows.append(
        summary(
            "paths to a 3rd-degree member",
            paths,
            [timed(partial(_naive, NAIVE_PATHS, a, b)) for a, b in third[:naive_n]],
        )
    )

    viewer_ids = [a for a, _ in third[: min(len(third), samples)]]
    web = Client()
    profile_times, network_times = [], []
    for a, b in third:
        viewer = User.objects.get(pk=a)
        web.force_login(viewer)
        handle = User.objects.filter(pk=b).values_list("username", flat=True).get()
        profile_times.append(timed(partial(web.get, f"/in/{handle}/")))
        network_times.append(timed(partial(web.get, "/network/")))
    landing = [timed(partial(Client().get, "/")) for _ in viewer_ids]
    rows.append(summary("GET /in/<3rd-degree member>/ (server time)", profile_times, landing))
    rows.append(summary("GET /network/ (my connections page)", network_times, landing))
    rows += [
        "",
        "Baselines: a recursive CTE walking out to depth 3 (degree), every path of length ≤ 3"
        " as arrays (paths), INTERSECT of two neighbour lists (mutual); the pages are"
        " compared with the landing page (a static template).",
        f"Pairs found: {len(pairs[2])} at the 2nd degree, {len(pairs[3])} at the 3rd;"
        f" naive queries run on {naive_n} of them; {timeouts} hit the {NAIVE_TIMEOUT_S} s"
        " timeout and count as that (so their ratios are lower bounds).",
        f"Median degree of the sampled viewers: "
        f"{statistics.median([graph.connection_count(a) for a in viewer_ids[:50]]):.0f}.",
        "",
    ]
    return rows
