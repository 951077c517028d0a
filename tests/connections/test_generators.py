"""The synthetic member graph: shape, determinism and calibration."""

import time

import numpy as np
import pytest

from connections.generators import adjacency, clustering_sample, degree_counts, social_graph

N = 20_000


@pytest.fixture(scope="module")
def sample():
    return social_graph(N, seed=3)


def degrees(g, n):
    return np.bincount(g.edges.ravel(), minlength=n)


def reach_of_60_degree_members(g, n, how_many=15):
    """(2nd, 3rd)-degree counts of members with 55-65 connections."""
    indptr, indices = adjacency(g.edges, n)
    deg = np.diff(indptr)
    nodes = np.flatnonzero((deg >= 55) & (deg <= 65))[:how_many]
    assert len(nodes) == how_many
    counts = np.array([degree_counts(indptr, indices, int(v)) for v in nodes])
    return counts[:, 1], counts[:, 2]


class TestShape:
    def test_same_seed_gives_the_same_graph(self):
        a, b = social_graph(5000, seed=7), social_graph(5000, seed=7)
        assert np.array_equal(a.edges, b.edges)
        assert np.array_equal(a.community, b.community)

    def test_another_seed_gives_another_graph(self):
        a, b = social_graph(5000, seed=7), social_graph(5000, seed=8)
        assert not np.array_equal(a.edges, b.edges)

    def test_edges_are_sorted_unique_pairs_without_self_loops(self, sample):
        edges = sample.edges
        assert edges.dtype == np.int64
        assert edges.ndim == 2
        assert edges.shape[1] == 2
        assert (edges[:, 0] < edges[:, 1]).all()
        keys = edges[:, 0] * N + edges[:, 1]
        assert (np.diff(keys) > 0).all()  # sorted, hence no duplicates
        assert edges.min() >= 0
        assert edges.max() < N

    def test_mean_degree_is_the_one_asked_for(self, sample):
        assert degrees(sample, N).mean() == pytest.approx(32, rel=0.01)
        assert degrees(social_graph(10_000, mean_degree=50), 10_000).mean() == pytest.approx(
            50, rel=0.01
        )

    def test_almost_nobody_is_isolated(self, sample):
        assert (degrees(sample, N) == 0).mean() < 0.01

    def test_degrees_are_heavy_tailed(self, sample):
        deg = degrees(sample, N)
        assert deg.max() > 10 * deg.mean()
        assert np.median(deg) < deg.mean()

    def test_clustering_is_far_above_a_random_graph(self, sample):
        indptr, indices = adjacency(sample.edges, N)
        random_graph = degrees(sample, N).mean() / N  # edge probability of G(n, p)
        clustering = clustering_sample(indptr, indices)
        assert clustering > 0.1
        assert clustering > 50 * random_graph

    def test_communities_have_heavy_tailed_sizes_and_hold_most_edges(self, sample):
        sizes = np.bincount(sample.community)
        assert sizes.min() >= 2
        assert sizes.max() <= 500
        assert sizes.max() > 5 * np.median(sizes)
        inside = sample.community[sample.edges[:, 0]] == sample.community[sample.edges[:, 1]]
        assert 0.4 < inside.mean() < 0.95

    def test_tiny_graphs(self):
        assert social_graph(2).edges.tolist() == [[0, 1]]
        small = social_graph(30, seed=1)
        assert (small.edges[:, 0] < small.edges[:, 1]).all()
        assert len(small.community) == 30
        with pytest.raises(ValueError, match="two nodes"):
            social_graph(1)


class TestCalibration:
    """LinkedIn's example member: 63 connections, 3,200 2nd-degree, 271,000 3rd-degree."""

    def test_a_member_with_60_connections_has_thousands_at_2nd_degree(self):
        n = 100_000
        started = time.perf_counter()
        g = social_graph(n, seed=1)
        assert time.perf_counter() - started < 10
        second, third = reach_of_60_degree_members(g, n)
        assert 1500 < np.median(second) < 8000
        # At 100,000 members the 3rd degree is most of the network already.
        assert np.median(third) > 10 * np.median(second)

    @pytest.mark.slow
    def test_a_million_members_in_seconds_with_hundreds_of_thousands_at_3rd_degree(self):
        n = 1_000_000
        started = time.perf_counter()
        g = social_graph(n, seed=1)
        assert time.perf_counter() - started < 45
        assert len(g.edges) == pytest.approx(16_000_000, rel=0.01)
        second, third = reach_of_60_degree_members(g, n)
        assert 1500 < np.median(second) < 8000
        assert 100_000 < np.median(third) < 600_000
