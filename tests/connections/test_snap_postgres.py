"""Degrees, paths and counts in Postgres against real SNAP graphs and their exact oracles.

Each graph is loaded into the real tables (members + two rows per connection, by COPY)
and asked through the same functions the pages and the API use.
"""

import itertools

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection

from connections import graph, memgraph, network
from connections.models import NetworkCounts
from profiles.models import User
from tests.connections.test_counting import GRAPHS, needs_graphs, oracles, snap

GRAPH_NAMES = ["facebook_combined.txt.gz", "CA-CondMat.txt.gz"]


def load_into_postgres(name: str) -> dict[int, int]:
    """SNAP node id -> member id."""
    csr, ids = snap(name)
    password = make_password(None)
    User.objects.bulk_create(
        [User(username=f"n{node_id}", email="", password=password) for node_id in ids.tolist()],
        batch_size=5000,
    )
    members = dict(
        User.objects.filter(username__in=[f"n{i}" for i in ids.tolist()]).values_list(
            "username", "pk"
        )
    )
    to_member = {int(node_id): members[f"n{node_id}"] for node_id in ids.tolist()}
    pairs = []
    for node in range(csr.n):
        for other in csr.neighbours(node).tolist():
            if node < other:
                pairs.append((to_member[int(ids[node])], to_member[int(ids[other])]))
    from django.utils import timezone

    graph.copy_edges(pairs, at=timezone.now())
    with connection.cursor() as cur:
        cur.execute("ANALYZE connections_connection")
    return to_member


@needs_graphs
@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("name", GRAPH_NAMES)
def test_degrees_paths_and_counts_match_the_oracles(name):
    to_member = load_into_postgres(name)
    assert GRAPHS.is_dir()
    data = oracles()["graphs"][name]

    for pair in data["pairs"]:
        a, b = to_member[pair["source"]], to_member[pair["target"]]
        exact = pair["exact_distance"]
        expected = exact if isinstance(exact, int) and exact <= 3 else None
        assert graph.degree_between(a, b) == expected, pair["rule"]
        paths = graph.paths_between(a, b)
        if expected in (2, 3):
            assert paths, pair["rule"]
            for path in paths:
                hops = [a, *path, b]
                assert len(hops) - 1 == expected
                for x, y in itertools.pairwise(hops):
                    assert graph.are_connected(x, y)
        else:
            assert paths == []

    # Per-member counts from the worker's in-memory graph, and the whole-graph job.
    mem = memgraph.current()
    for row in data["nodes"]:
        member = to_member[row["node"]]
        assert mem.counts(member) == (row["dist1"], row["dist2"], row["dist3"]), row["role"]
    run = network.run_in_process(partitions=2)
    assert run is not None and run.status == "done"
    for row in data["nodes"]:
        stored = NetworkCounts.objects.get(member_id=to_member[row["node"]])
        assert (stored.first, stored.second, stored.third) == (
            row["dist1"],
            row["dist2"],
            row["dist3"],
        )
