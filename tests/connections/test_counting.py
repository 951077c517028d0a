"""Exact 1st/2nd/3rd-degree counts (connections.counting), checked three ways:

* against the published SNAP graphs and their oracles (../shared/data/graphs),
* count_all (bit-parallel, batched, symmetric) against count_one (plain BFS),
* on small random graphs, against networkx.

No database needed.
"""

import gzip
import json
from functools import cache
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connections.counting import (
    CSR,
    approx_counts_all,
    count_all,
    count_many,
    count_one,
    partitions,
    relabel_order,
)

GRAPHS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "graphs"

needs_graphs = pytest.mark.skipif(
    not (GRAPHS / "oracles.json").is_file(),
    reason=f"SNAP test graphs not found at {GRAPHS.resolve()} (expected ../shared beside the repo)",
)


# -- Loading the SNAP graphs -------------------------------------------------------


@cache
def oracles() -> dict:
    return json.loads((GRAPHS / "oracles.json").read_text())


@cache
def snap(name: str) -> tuple[CSR, np.ndarray]:
    """(CSR on 0..n-1, sorted original ids): see the graphs' README for the format."""
    with gzip.open(GRAPHS / name, "rt", newline=None) as f:
        text = "\n".join(line for line in f.read().splitlines() if not line.startswith("#"))
    pairs = np.array(text.split(), dtype=np.int64).reshape(-1, 2)
    ids, flat = np.unique(pairs, return_inverse=True)  # self-loop-only nodes stay
    local = flat.reshape(-1, 2)
    return CSR.from_pairs(local[:, 0], local[:, 1], ids.size), ids


def oracle_rows(name: str) -> list[dict]:
    return oracles()["graphs"][name]["nodes"]


SMALL = ["facebook_combined.txt.gz", "CA-CondMat.txt.gz", "ca-AstroPh.txt.gz"]


@needs_graphs
@pytest.mark.parametrize("name", [*SMALL, "soc-Slashdot0902.txt.gz"])
def test_graph_loads_as_published(name):
    csr, _ = snap(name)
    expected = oracles()["graphs"][name]["oracle_graph"]
    assert csr.n == expected["nodes"]
    assert csr.num_edges == expected["edges"]
    assert csr.is_symmetric()
    assert int(csr.degree().max()) == expected["max_degree"]


@needs_graphs
@pytest.mark.parametrize("name", [*SMALL, "soc-Slashdot0902.txt.gz"])
def test_count_one_matches_oracles(name):
    csr, ids = snap(name)
    for row in oracle_rows(name):
        node = int(np.searchsorted(ids, row["node"]))
        assert count_one(csr, node) == (row["dist1"], row["dist2"], row["dist3"]), row


@needs_graphs
@pytest.mark.parametrize(
    ("name", "words", "threads"),
    [
        ("facebook_combined.txt.gz", 4, 2),  # 16 batches of 256 sources
        ("CA-CondMat.txt.gz", 8, 1),
        ("ca-AstroPh.txt.gz", 32, 2),  # the default width
        ("soc-Slashdot0902.txt.gz", 32, 2),
    ],
)
def test_count_all_matches_oracles_and_count_one(name, words, threads):
    csr, ids = snap(name)
    d1, d2, d3 = count_all(csr, words=words, threads=threads)
    assert d1.dtype == d2.dtype == d3.dtype == np.int32
    assert d1.shape == d2.shape == d3.shape == (csr.n,)
    assert np.array_equal(d1, csr.degree())
    for row in oracle_rows(name):
        node = int(np.searchsorted(ids, row["node"]))
        assert (d1[node], d2[node], d3[node]) == (row["dist1"], row["dist2"], row["dist3"])
    sample = np.random.default_rng(7).choice(csr.n, size=250, replace=False)
    e1, e2, e3 = count_many(csr, sample)
    assert np.array_equal(d1[sample], e1)
    assert np.array_equal(d2[sample], e2)
    assert np.array_equal(d3[sample], e3)
    # Isolated nodes (ca-AstroPh has one) count nothing.
    isolated = csr.degree() == 0
    assert not d2[isolated].any() and not d3[isolated].any()


@needs_graphs
def test_count_all_on_a_subset_and_on_partitions():
    name = "CA-CondMat.txt.gz"
    csr, _ = snap(name)
    full = np.stack(count_all(csr, words=2), axis=1)
    nodes = np.random.default_rng(3).choice(csr.n, size=900)  # with repeats
    part = np.stack(count_all(csr, nodes=nodes, words=2), axis=1)
    assert np.array_equal(part, full[nodes])
    merged = np.zeros_like(full)
    groups = partitions(csr, 3)
    assert np.array_equal(np.sort(np.concatenate(groups)), np.arange(csr.n))
    for group in groups:
        merged[group] = np.stack(count_all(csr, nodes=group, words=2, threads=1), axis=1)
    assert np.array_equal(merged, full)


@needs_graphs
def test_count_many_matches_oracles():
    name = "ca-AstroPh.txt.gz"
    csr, ids = snap(name)
    rows = oracle_rows(name)
    nodes = np.searchsorted(ids, [row["node"] for row in rows])
    d1, d2, d3 = count_many(csr, nodes)
    assert d1.tolist() == [row["dist1"] for row in rows]
    assert d2.tolist() == [row["dist2"] for row in rows]
    assert d3.tolist() == [row["dist3"] for row in rows]


@needs_graphs
def test_approx_counts_are_close_to_exact():
    csr, _ = snap("ca-AstroPh.txt.gz")
    exact = count_all(csr)
    approx = approx_counts_all(csr, threads=2)
    assert np.array_equal(approx[0], exact[0])  # d1 is exact
    for got, want in zip(approx[1:], exact[1:], strict=True):
        big = want >= 50
        error = np.abs(got[big] - want[big]) / want[big]
        assert np.median(error) < 0.08  # 256 registers: ~6.5% standard error
        assert np.percentile(error, 90) < 0.25
    again = approx_counts_all(csr, threads=1)
    assert all(np.array_equal(a, b) for a, b in zip(approx, again, strict=True))
    other_seed = approx_counts_all(csr, seed=1)
    assert not np.array_equal(approx[2], other_seed[2])


# -- CSR ---------------------------------------------------------------------------


def test_from_pairs_dedups_drops_self_loops_and_sorts():
    csr = CSR.from_pairs([2, 0, 1, 1, 2, 3], [0, 2, 2, 1, 1, 0], 5)
    assert csr.indptr.dtype == np.int64 and csr.indices.dtype == np.int32
    assert [csr.neighbours(v).tolist() for v in range(5)] == [[2, 3], [2], [0, 1], [0], []]
    assert csr.num_edges == 3
    assert csr.is_symmetric()


def test_from_directed_keeps_rows_as_given():
    member = np.array([0, 1, 1, 2, 2, 2, 3])
    other = np.array([1, 0, 2, 1, 1, 2, 3])  # a repeat and a self-loop
    csr = CSR.from_directed(member, other, 4)
    assert [csr.neighbours(v).tolist() for v in range(4)] == [[1], [0, 2], [1], []]
    assert csr.is_symmetric()
    assert not CSR.from_directed([0], [1], 2).is_symmetric()


def test_csr_rejects_bad_input():
    with pytest.raises(ValueError, match="node ids"):
        CSR.from_pairs([0, 5], [1, 2], 3)
    with pytest.raises(ValueError, match="node ids"):
        CSR.from_pairs([-1], [0], 3)
    with pytest.raises(ValueError, match="same length"):
        CSR.from_pairs([0, 1], [1], 3)
    with pytest.raises(ValueError, match="indptr"):
        CSR(np.array([0, 1], np.int32), np.array([0], np.int32))
    csr = CSR.from_pairs([0], [1], 2)
    with pytest.raises(IndexError):
        count_one(csr, 2)
    with pytest.raises(IndexError):
        count_many(csr, [0, -1])
    with pytest.raises(IndexError):
        count_all(csr, nodes=[3])
    with pytest.raises(ValueError, match="permutation"):
        csr.permuted([0, 0])


def test_empty_graphs():
    empty = CSR.from_pairs([], [], 0)
    assert [a.size for a in count_all(empty)] == [0, 0, 0]
    assert [a.size for a in approx_counts_all(empty)] == [0, 0, 0]
    lonely = CSR.from_pairs([], [], 3)
    assert [a.tolist() for a in count_all(lonely)] == [[0, 0, 0]] * 3
    assert [a.tolist() for a in count_all(lonely, nodes=[])] == [[], [], []]
    assert count_one(lonely, 1) == (0, 0, 0)


def test_relabel_order_is_a_deterministic_permutation():
    edges = np.random.default_rng(1).integers(0, 500, size=(2000, 2))
    csr = CSR.from_pairs(edges[:, 0], edges[:, 1], 600)
    order = relabel_order(csr)
    assert np.array_equal(np.sort(order), np.arange(600))
    assert np.array_equal(order, relabel_order(csr))
    relabelled = csr.permuted(order)
    assert relabelled.is_symmetric()
    assert np.array_equal(relabelled.degree(), csr.degree()[order])


# -- Small graphs against networkx ---------------------------------------------------


def nx_counts(n: int, edges: list[tuple[int, int]]) -> np.ndarray:
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from((a, b) for a, b in edges if a != b)
    out = np.zeros((n, 3), np.int64)
    for s in range(n):
        for _, d in nx.single_source_shortest_path_length(g, s, cutoff=3).items():
            if d:
                out[s, d - 1] += 1
    return out


def shape(kind: str, n: int) -> list[tuple[int, int]]:
    if kind == "star":
        return [(0, i) for i in range(1, n)]
    if kind == "path":
        return [(i, i + 1) for i in range(n - 1)]
    if kind == "cycle":
        return [(i, (i + 1) % n) for i in range(n)]
    if kind == "clique":
        return [(i, j) for i in range(n) for j in range(i + 1, n)]
    raise AssertionError(kind)


@st.composite
def graphs(draw):
    """Unions of random pieces, relabelled at random: random sparse graphs,
    stars, paths, cycles, cliques, isolated nodes; so often disconnected."""
    pieces = draw(st.integers(1, 4))
    edges: list[tuple[int, int]] = []
    n = 0
    for _ in range(pieces):
        kind = draw(
            st.sampled_from(["random", "random", "star", "path", "cycle", "clique", "lone"])
        )
        size = draw(st.integers(1, 12 if kind == "clique" else 70))
        if kind == "random":
            m = draw(st.integers(0, 3 * size))
            local = draw(
                st.lists(st.tuples(st.integers(0, size - 1), st.integers(0, size - 1)), max_size=m)
            )
        elif kind == "lone":
            local = []
        else:
            local = shape(kind, size)
        edges += [(a + n, b + n) for a, b in local]
        n += size
    perm = draw(st.permutations(range(n)))
    return n, [(perm[a], perm[b]) for a, b in edges]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.integers(1, 3), st.data())
def test_counts_match_networkx(graph, words, data):
    n, edges = graph
    a = np.array([e[0] for e in edges], np.int64)
    b = np.array([e[1] for e in edges], np.int64)
    csr = CSR.from_pairs(a, b, n)
    expected = nx_counts(n, edges)
    assert np.array_equal(np.stack(count_all(csr, words=words), axis=1), expected)
    assert np.array_equal(np.stack(count_many(csr, np.arange(n)), axis=1), expected)
    node = data.draw(st.integers(0, n - 1))
    assert count_one(csr, node) == tuple(expected[node])
    subset = np.array(data.draw(st.lists(st.integers(0, n - 1), max_size=n)), np.int64)
    got = np.stack(count_all(csr, nodes=subset, words=words, threads=1), axis=1)
    assert np.array_equal(got, expected[subset].reshape(-1, 3))
    # The same rows fed as Postgres has them: both directions, repeated.
    both = CSR.from_directed(np.concatenate((a, b, a)), np.concatenate((b, a, b)), n)
    assert np.array_equal(both.indptr, csr.indptr)
    assert np.array_equal(both.indices, csr.indices)


@pytest.mark.parametrize("kind", ["star", "path", "cycle", "clique"])
def test_shapes_across_several_batches(kind):
    n = 40 if kind == "clique" else 300  # words=1: 64 sources a batch
    edges = shape(kind, n)
    csr = CSR.from_pairs([e[0] for e in edges], [e[1] for e in edges], n)
    expected = nx_counts(n, edges)
    assert np.array_equal(np.stack(count_all(csr, words=1, threads=2), axis=1), expected)
