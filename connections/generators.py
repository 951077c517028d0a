"""Synthetic member graphs with the shape of a real professional network.

Used by ``manage.py seed_demo`` and by benchmarks. Everything here is plain
vectorised numpy on 0-based node indices; nothing touches the database.

The model (`social_graph`) in one paragraph: members belong to
*communities* (a team, a company office, a class year) whose sizes are
heavy-tailed (mostly a few dozen people, a few hundred at most), and
communities belong to *regions* (a city). Every member has an *activity*
weight drawn from a Pareto distribution: most people are ordinary, a few are
super-connectors, which gives the heavy-tailed degree distribution. Most of a
member's connections are drawn inside their community (dense, so clustering
is high and communities line up with profile attributes), the rest across
communities, some of those inside the region and the others anywhere in the
network; both endpoints are chosen in proportion to activity, so the
long-range links concentrate on hubs, which is what makes the 2nd and 3rd
degree large while the 1st stays small. A final round of triadic closure
("a friend of a friend becomes a friend") adds triangles across community
boundaries.

Calibration (defaults, mean degree 32, see `tests/connections/test_generators.py`
and the numbers printed by `seed_demo`): a member with ~60 connections has a
few thousand 2nd-degree members and, at 1,000,000 members, a few hundred
thousand 3rd-degree ones; LinkedIn's own example is 63 / 3,200 / 271,000.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


class SocialGraph(NamedTuple):
    """The generated graph.

    edges: shape (m, 2) int64, each row (a, b) with a < b, no duplicates, sorted.
    community: shape (n,) int64, the community of every node (0 .. n_communities-1).
    region: shape (n_communities,) int64, the region of every community.
    """

    edges: IntArray
    community: IntArray
    region: IntArray

    @property
    def n(self) -> int:
        return len(self.community)


def _community_sizes(
    n: int, rng: np.random.Generator, *, smallest: int, largest: int, alpha: float
) -> IntArray:
    """Heavy-tailed community sizes summing to n (truncated Pareto, inverse CDF)."""
    # Small graphs (tests, a 300-member demo) still get several communities.
    largest = max(2, min(largest, n // 4))
    smallest = max(2, min(smallest, largest))
    # Mean of the truncated Pareto is >= smallest, so n // smallest draws suffice.
    u = rng.random(n // smallest + 2)
    tail = 1.0 - (smallest / largest) ** alpha
    sizes = np.floor(smallest * (1.0 - u * tail) ** (-1.0 / alpha)).astype(np.int64)
    ends = np.cumsum(sizes)
    k = int(np.searchsorted(ends, n))  # first community that reaches n
    sizes = sizes[: k + 1]
    sizes[-1] -= int(ends[k]) - n
    if len(sizes) > 1 and sizes[-1] < smallest:
        # Fold a runt remainder into its neighbour rather than keep a 1-person community.
        sizes[-2] += sizes[-1]
        sizes = sizes[:-1]
    return sizes


def _sample(cum: npt.NDArray[np.float64], low: npt.ArrayLike, width: npt.ArrayLike,
            rng: np.random.Generator) -> IntArray:
    """Indices i drawn with probability proportional to weight inside [low, low+width).

    `cum` is the running sum of the weights; drawing a uniform point in a
    stretch of it and finding where it falls picks an index in proportion to
    its weight (inverse CDF), for millions of draws at once.
    """
    low_arr = np.asarray(low, dtype=np.float64)
    width_arr = np.asarray(width, dtype=np.float64)
    points = low_arr + rng.random(np.broadcast(low_arr, width_arr).shape) * width_arr
    idx = np.searchsorted(cum, points, side="right")
    return np.minimum(idx, len(cum) - 1).astype(np.int64)


def _pairs_to_keys(a: IntArray, b: IntArray, n: int) -> IntArray:
    """Undirected pairs as int64 keys lo*n + hi, self loops dropped."""
    keep = a != b
    a, b = a[keep], b[keep]
    lo = np.minimum(a, b)
    hi = np.maximum(a, b)
    return lo * n + hi


def social_graph(
    n: int,
    *,
    seed: int = 0,
    mean_degree: float = 32.0,
    within_community: float = 0.6,
    within_region: float = 0.5,
    closure: float = 0.1,
    activity_alpha: float = 2.3,
    community_sizes: tuple[int, int] = (20, 500),
    community_alpha: float = 1.0,
    region_size: int = 20_000,
) -> SocialGraph:
    """Generate a clustered, heavy-tailed, community-structured graph on n nodes.

    Same arguments and seed, same graph (numpy's PCG64 generator).

    n: number of nodes (members), >= 2.
    mean_degree: target average number of connections per node; the result is
        within a few percent of it (duplicates drawn twice are merged).
    within_community: share of each member's connections drawn inside their
        community (capped by the community's size).
    within_region: share of the remaining, cross-community connections kept
        inside the member's region.
    closure: extra edges added by triadic closure, as a share of the others.
    activity_alpha: Pareto exponent of the activity weights; lower means
        heavier tails (bigger hubs). Degrees are capped at n // 10.
    community_sizes, community_alpha: truncated Pareto of community sizes.
    region_size: about how many members a region (a city) holds.

    Time and memory are O(m): about 25 s and 2 GB for n=1,000,000 at the
    default mean degree (16 M edges).
    """
    if n < 2:
        raise ValueError("a graph needs at least two nodes")
    rng = np.random.default_rng(seed)
    target_edges = int(n * mean_degree / 2)

    # Communities are contiguous ranges of node indices while generating (so
    # "a node of community c" is one draw in a slice); nodes are shuffled at
    # the end so indices carry no meaning.
    sizes = _community_sizes(
        n, rng, smallest=community_sizes[0], largest=community_sizes[1], alpha=community_alpha
    )
    n_comm = len(sizes)
    comm_start = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    community = np.repeat(np.arange(n_comm, dtype=np.int64), sizes)
    n_regions = max(1, round(n / region_size))
    region = rng.integers(0, n_regions, size=n_comm, dtype=np.int64)

    # Expected degree of each node, proportional to a Pareto activity weight.
    activity = rng.pareto(activity_alpha, size=n) + 1.0
    degree = activity * (mean_degree / activity.mean())
    degree = np.minimum(degree, max(2.0, n / 10))
    degree *= mean_degree / degree.mean()

    # Split each node's degree into stubs inside its community (at most half
    # the community, or hubs would just redraw the same few colleagues) and
    # stubs outside it.
    room = 0.5 * (sizes[community] - 1)
    inner = np.minimum(within_community * degree, room)
    outer = degree - inner
    edges_in = inner.sum() / 2
    edges_out = outer.sum() / 2

    keys = []

    # Inside communities: first endpoint anywhere in proportion to its inner
    # stubs, second in the same community in proportion to its inner stubs.
    cum_in = np.cumsum(inner)
    comm_low = np.where(comm_start > 0, cum_in[comm_start - 1], 0.0)
    comm_weight = np.add.reduceat(inner, comm_start)
    m_in = rng.poisson(edges_in)
    a = _sample(cum_in, 0.0, np.full(m_in, cum_in[-1]), rng)
    c = community[a]
    b = _sample(cum_in, comm_low[c], comm_weight[c], rng)
    keys.append(_pairs_to_keys(a, b, n))
    del a, b, c

    # Across communities: endpoints in proportion to outer stubs, so hubs
    # carry most of the long-range links. Nodes are regrouped by region (a
    # stable sort keeps communities contiguous inside each region) so a draw
    # "in the same region" is again one slice.
    node_region = region[community]
    by_region = np.argsort(node_region, kind="stable")
    outer_r = outer[by_region]
    cum_out = np.cumsum(outer_r)
    region_counts = np.bincount(node_region, minlength=n_regions)
    region_start = np.concatenate(([0], np.cumsum(region_counts)[:-1]))
    region_low = np.where(region_start > 0, cum_out[np.maximum(region_start - 1, 0)], 0.0)
    region_weight = np.bincount(node_region, weights=outer, minlength=n_regions)
    position_of = np.empty(n, dtype=np.int64)
    position_of[by_region] = np.arange(n)

    m_out = rng.poisson(edges_out)
    a_pos = _sample(cum_out, 0.0, np.full(m_out, cum_out[-1]), rng)
    local = rng.random(m_out) < within_region
    r = node_region[by_region[a_pos]]
    low = np.where(local, region_low[r], 0.0)
    width = np.where(local, region_weight[r], cum_out[-1])
    del r, local
    b_pos = _sample(cum_out, low, width, rng)
    del low, width
    a = by_region[a_pos]
    b = by_region[b_pos]
    del a_pos, b_pos
    cross = community[a] != community[b]
    keys.append(_pairs_to_keys(a[cross], b[cross], n))
    del a, b, cross, by_region, position_of

    edge_keys = np.unique(np.concatenate(keys))
    del keys

    # Triadic closure: pick a node, two of its neighbours, connect them.
    # Centres are picked uniformly (not by degree), so ordinary members get
    # their triangles closed, not just hubs.
    n_closure = int(closure * len(edge_keys))
    if n_closure:
        lo, hi = np.divmod(edge_keys, n)
        src = np.concatenate((lo, hi))
        dst = np.concatenate((hi, lo))
        del lo, hi
        order = np.argsort(src, kind="stable")
        dst = dst[order]
        deg = np.bincount(src, minlength=n)
        del src, order
        indptr = np.concatenate(([0], np.cumsum(deg)))
        eligible = np.flatnonzero(deg >= 2)
        if len(eligible):
            centre = eligible[rng.integers(0, len(eligible), size=n_closure)]
            d = deg[centre]
            v1 = dst[indptr[centre] + (rng.random(n_closure) * d).astype(np.int64)]
            v2 = dst[indptr[centre] + (rng.random(n_closure) * d).astype(np.int64)]
            del dst
            closed = _pairs_to_keys(v1, v2, n)
            edge_keys = np.unique(np.concatenate((edge_keys, closed)))

    # Top up or trim to the target edge count (merged duplicates are lost).
    if len(edge_keys) > target_edges:
        keep = np.sort(rng.choice(len(edge_keys), size=target_edges, replace=False))
        edge_keys = edge_keys[keep]

    # Shuffle node labels so indices carry no community information.
    perm = rng.permutation(n).astype(np.int64)
    lo, hi = np.divmod(edge_keys, n)
    del edge_keys
    lo, hi = perm[lo], perm[hi]
    new_lo = np.minimum(lo, hi)
    new_hi = np.maximum(lo, hi)
    del lo, hi
    final = np.unique(new_lo * n + new_hi)
    del new_lo, new_hi
    edges = np.empty((len(final), 2), dtype=np.int64)
    edges[:, 0], edges[:, 1] = np.divmod(final, n)
    node_community = np.empty(n, dtype=np.int64)
    node_community[perm] = community
    return SocialGraph(edges=edges, community=node_community, region=region)


def adjacency(edges: IntArray, n: int) -> tuple[IntArray, IntArray]:
    """CSR adjacency (indptr, indices) of an undirected edge list, both directions."""
    src = np.concatenate((edges[:, 0], edges[:, 1]))
    dst = np.concatenate((edges[:, 1], edges[:, 0]))
    order = np.argsort(src, kind="stable")
    indices = dst[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, indices


def neighbours_of(indptr: IntArray, indices: IntArray, nodes: IntArray) -> IntArray:
    """All neighbours of `nodes`, concatenated (with repeats), in one vectorised gather."""
    starts = indptr[nodes]
    counts = indptr[nodes + 1] - starts
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    return indices[offsets + np.arange(total)]


def degree_counts(indptr: IntArray, indices: IntArray, node: int, depth: int = 3) -> list[int]:
    """How many nodes lie at distance exactly 1, 2, …, depth from `node` (BFS)."""
    n = len(indptr) - 1
    seen = np.zeros(n, dtype=bool)
    seen[node] = True
    frontier = np.array([node], dtype=np.int64)
    counts = []
    for _ in range(depth):
        reached = neighbours_of(indptr, indices, frontier)
        reached = np.unique(reached[~seen[reached]])
        seen[reached] = True
        counts.append(len(reached))
        frontier = reached
    return counts


def clustering_sample(
    indptr: IntArray, indices: IntArray, *, samples: int = 2000, pairs: int = 50, seed: int = 0
) -> float:
    """Estimate the average local clustering coefficient.

    For `samples` random nodes of degree >= 2, draw `pairs` random pairs of
    their neighbours and count how many pairs are themselves connected.
    """
    rng = np.random.default_rng(seed)
    n = len(indptr) - 1
    deg = np.diff(indptr)
    eligible = np.flatnonzero(deg >= 2)
    if not len(eligible):
        return 0.0
    nodes = rng.choice(eligible, size=min(samples, len(eligible)), replace=False)
    centre = np.repeat(nodes, pairs)
    d = deg[centre]
    i = (rng.random(len(centre)) * d).astype(np.int64)
    j = (rng.random(len(centre)) * (d - 1)).astype(np.int64)
    j = j + (j >= i)  # a second, distinct neighbour
    u = indices[indptr[centre] + i]
    v = indices[indptr[centre] + j]
    # (u, v) is an edge iff v is in u's sorted-by-src slice; test on keys.
    src = np.repeat(np.arange(n, dtype=np.int64), deg)
    edge_keys = np.sort(src * n + indices)
    probe = u * n + v
    pos = np.minimum(np.searchsorted(edge_keys, probe), len(edge_keys) - 1)
    hit = edge_keys[pos] == probe
    return float(hit.reshape(len(nodes), pairs).mean(axis=1).mean())
