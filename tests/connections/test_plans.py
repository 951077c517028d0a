"""The graph queries' plans stay on the primary-key index at size (DESIGN: the planner trap).

After a plain ANALYZE of a large, skewed graph Postgres once guessed ~680 neighbours
per member instead of ~64 and chose full scans. Migration 0003 pins n_distinct; here
a seeded graph of a few thousand members is analysed and every graph query's plan
is checked for a sequential scan of the edge table.
"""

import json

import pytest
from django.core.management import call_command
from django.db import connection

from connections import graph
from connections.models import Connection

EDGES = "connections_connection"


def seq_scans(plan: dict) -> list[str]:
    found = []
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") == EDGES:
        found.append(plan["Node Type"])
    for child in plan.get("Plans", []):
        found += seq_scans(child)
    return found


@pytest.fixture
def seeded(db):
    call_command("seed_demo", members=4000, seed=3, verbosity=0)
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {EDGES}")
    return list(
        Connection.objects.order_by("member_id").values_list("member_id", "other_id")[:200:20]
    )


def plan_of(sql: str, params: dict) -> dict:
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        raw = cur.fetchone()[0]
    return (raw if isinstance(raw, list) else json.loads(raw))[0]["Plan"]


@pytest.mark.django_db
def test_statistics_are_pinned(seeded):
    with connection.cursor() as cur:
        cur.execute(
            "SELECT attoptions FROM pg_attribute WHERE attrelid = %s::regclass"
            " AND attname = 'member_id'",
            [EDGES],
        )
        assert "n_distinct=-0.02" in cur.fetchone()[0]


@pytest.mark.django_db
def test_graph_queries_use_the_index(seeded):
    a, b = seeded[0]
    far = seeded[-1][1]
    queries = {
        "closeness": (graph.CLOSENESS_SQL, {"v": a, "ids": [b, far]}),
        "paths": (graph.PATHS_SQL, {"v": a, "b": far, "cap": 2000}),
        "ties": (graph.TIES_SQL, {"a": [a], "b": [far]}),
    }
    for name, (sql, params) in queries.items():
        assert seq_scans(plan_of(sql, params)) == [], f"{name} scans {EDGES}"
