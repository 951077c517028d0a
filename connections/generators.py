"""Synthetic member graphs with the shape of a real professional network.

Used by ``manage.py seed_demo`` and by benchmarks. Everything here is
vectorised numpy on 0-based node indices; nothing touches the database.

The model (`social_graph`):

* Members belong to *communities* (a company office, a department, a class
  year) whose sizes follow a truncated Pareto law: mostly a few dozen people,
  a few hundred at most. Communities belong to *regions* (a city).
* Every member has an *activity* weight drawn from a Pareto law: most people
  are ordinary, a few are super-connectors. Expected degree is proportional
  to activity (capped at 10,000 and at n/10), which gives the heavy-tailed
  degree distribution.
* Most of a member's connections are inside their community: some to anyone
  there in proportion to activity, most to a near neighbour on a ring laid
  over the community (teams: a small-world lattice, Watts-Strogatz style).
  That is what makes clustering high and makes communities line up with
  profile attributes (same employer, city, school).
* The rest go across communities, both endpoints chosen in proportion to
  activity, a share of them inside the region. Long-range links therefore
  concentrate on hubs, which makes the 2nd and 3rd degree large while the
  1st stays small, as in real professional networks.
* Finally triadic closure ("a friend of a friend becomes a friend") adds
  triangles that cross community boundaries.

Calibration with the defaults (mean degree 32), measured with
`degree_counts` on members with 55-65 connections at 1,000,000 members,
seeds 0-3: the median 2nd degree is 3,600-4,700 (single members range from
2,000 to 13,000), the median 3rd degree 240,000-290,000, against LinkedIn's
published example of 63 / 3,200 / 271,000. The average local clustering
coefficient is about 0.15 (a random graph of the same density: 0.00003).
Generation takes 5-10 seconds and about 1 GB at a million members.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class SocialGraph(NamedTuple):
    """A generated graph.

    edges: shape (m, 2) int64; each row (a, b) has a < b; no duplicates;
        sorted by (a, b).
    community: shape (n,) int64, the community of every node (0-based).
    region: shape (n_communities,) int64, the region of every community.
    """

    edges: IntArray
    community: IntArray
    region: IntArray


def social_graph(
    n: int,
    *,
    seed: int = 0,
    mean_degree: float = 32.0,
    within_community: float = 0.8,
    team_share: float = 0.8,
    team_span: int = 8,
    within_region: float = 0.1,
    closure: float = 0.25,
    activity_alpha: float = 2.3,
    max_degree: int = 10_000,
    community_sizes: tuple[int, int] = (20, 500),
    community_alpha: float = 1.0,
    region_size: int = 20_000,
) -> SocialGraph:
    """Generate a clustered, heavy-tailed, community-structured graph on n nodes.

    Deterministic: the same arguments give the same graph.

    n: number of nodes, at least 2.
    mean_degree: average number of connections per node. The edge count is
        within 0.1% of n * mean_degree / 2 (fewer when n is too small to
        hold that many pairs).
    within_community: share of each node's connections inside its community
        (capped at half the community, so hubs spill over to other communities).
    team_share: share of those that go to ring neighbours within `team_span`
        places (teams), rather than to anyone in the community.
    within_region: share of cross-community connections kept in the region.
    closure: share of all edges added by triadic closure at the end.
    activity_alpha: Pareto exponent of activity; lower means bigger hubs.
    max_degree: cap on a node's expected degree, and n / 10 at most. LinkedIn
        allows 30,000 connections among a billion members; at a million,
        hubs that size would put every hub's friend 30,000 members away.
    community_sizes, community_alpha: the truncated Pareto of community sizes.
    region_size: about how many nodes a region holds.
    """
    if n < 2:
        raise ValueError("a graph needs at least two nodes")
    rng = np.random.default_rng(seed)
    target = int(n * mean_degree / 2)
    layout = _layout(
        n,
        rng,
        mean_degree=mean_degree,
        within_community=within_community,
        activity_alpha=activity_alpha,
        max_degree=max_degree,
        community_sizes=community_sizes,
        community_alpha=community_alpha,
        region_size=region_size,
    )
    share_inside = layout.cum_in[-1] / (layout.cum_in[-1] + layout.cum_out[-1])

    def draw(count: int) -> IntArray:
        m_in = int(rng.binomial(count, share_inside))
        inside = _inside_keys(layout, m_in, rng, team_share=team_share, team_span=team_span)
        across = _across_keys(layout, count - m_in, rng, within_region=within_region)
        return np.concatenate((inside, across))

    keys = _fill(np.empty(0, dtype=np.int64), int(target * (1 - closure)), draw)
    keys = _fill(keys, target, _closure_sampler(keys, n, rng))

    # Duplicates were topped up in rounds, which can overshoot a little.
    if len(keys) > target:
        keys = keys[np.sort(rng.choice(len(keys), size=target, replace=False))]

    # Shuffle labels so that node indices carry no community information.
    perm = rng.permutation(n).astype(np.int64)
    lo, hi = _split_keys(keys, n)
    del keys
    lo, hi = perm[lo], perm[hi]
    keys = np.minimum(lo, hi) * n + np.maximum(lo, hi)
    del lo, hi
    keys.sort()
    edges = np.empty((len(keys), 2), dtype=np.int64)
    edges[:, 0], edges[:, 1] = _split_keys(keys, n)
    community = np.empty(n, dtype=np.int64)
    community[perm] = layout.community
    return SocialGraph(edges=edges, community=community, region=layout.region)


@dataclass
class _Layout:
    """Nodes laid out for sampling: communities are contiguous index ranges.

    Drawing "a node of community c in proportion to weight" is then a uniform
    point in a stretch of the running weight sum. For cross-community draws
    the nodes are regrouped by region (`by_region`), so regions are stretches
    of `cum_out` in the same way.
    """

    n: int
    sizes: IntArray  # per community
    comm_start: IntArray  # per community: first node index
    community: IntArray  # per node
    region: IntArray  # per community
    cum_in: FloatArray  # running sum of inside-community stubs, by node index
    comm_low: FloatArray  # per community: cum_in just before its first node
    comm_weight: FloatArray  # per community: its share of cum_in
    by_region: IntArray  # node indices sorted by region
    cum_out: FloatArray  # running sum of outside stubs, in by_region order
    region_low: FloatArray
    region_weight: FloatArray


def _layout(
    n: int,
    rng: np.random.Generator,
    *,
    mean_degree: float,
    within_community: float,
    activity_alpha: float,
    max_degree: int,
    community_sizes: tuple[int, int],
    community_alpha: float,
    region_size: int,
) -> _Layout:
    sizes = _community_sizes(
        n, rng, smallest=community_sizes[0], largest=community_sizes[1], alpha=community_alpha
    )
    comm_start = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    community = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    n_regions = max(1, round(n / region_size))
    region = rng.integers(0, n_regions, size=len(sizes), dtype=np.int64)

    # Expected degree in proportion to a Pareto activity weight, capped.
    activity = rng.pareto(activity_alpha, size=n) + 1.0
    cap = max(2.0, min(max_degree, n / 10))
    degree = np.minimum(activity * (mean_degree / activity.mean()), cap)
    degree *= mean_degree / degree.mean()
    # Stubs inside the community are capped at half of it, or a hub would
    # only redraw the same few colleagues; the rest of its degree goes outside.
    inner = np.minimum(within_community * degree, 0.5 * (sizes[community] - 1))
    outer = degree - inner

    cum_in = np.cumsum(inner)
    node_region = region[community]
    by_region = np.argsort(node_region, kind="stable")
    cum_out = np.cumsum(outer[by_region])
    region_count = np.bincount(node_region, minlength=n_regions)
    region_start = np.concatenate(([0], np.cumsum(region_count)[:-1]))
    return _Layout(
        n=n,
        sizes=sizes,
        comm_start=comm_start,
        community=community,
        region=region,
        cum_in=cum_in,
        comm_low=np.concatenate(([0.0], cum_in[comm_start[1:] - 1])),
        comm_weight=np.add.reduceat(inner, comm_start),
        by_region=by_region,
        cum_out=cum_out,
        region_low=np.where(region_start > 0, cum_out[np.maximum(region_start - 1, 0)], 0.0),
        region_weight=np.bincount(node_region, weights=outer, minlength=n_regions).astype(
            np.float64
        ),
    )


def _community_sizes(
    n: int, rng: np.random.Generator, *, smallest: int, largest: int, alpha: float
) -> IntArray:
    """Community sizes summing to n, from a truncated Pareto law (inverse CDF)."""
    # Small graphs (tests, a 300-member demo) still get several communities.
    largest = max(2, min(largest, n // 4))
    smallest = max(2, min(smallest, largest))
    # Every size is >= smallest, so n // smallest + 1 draws always reach n.
    u = rng.random(n // smallest + 2)
    tail = 1.0 - (smallest / largest) ** alpha
    sizes = np.floor(smallest * (1.0 - u * tail) ** (-1.0 / alpha)).astype(np.int64)
    ends = np.cumsum(sizes)
    last = int(np.searchsorted(ends, n))
    sizes = sizes[: last + 1]
    sizes[-1] -= int(ends[last]) - n
    if len(sizes) > 1 and sizes[-1] < smallest:
        # Fold a runt remainder into its neighbour.
        sizes[-2] += sizes[-1]
        sizes = sizes[:-1]
    return sizes


def _inside_keys(
    layout: _Layout, count: int, rng: np.random.Generator, *, team_share: float, team_span: int
) -> IntArray:
    """`count` edges inside communities, as keys.

    First endpoint anywhere in proportion to inside stubs; second either a
    ring neighbour (team) or anyone in the same community in proportion to
    inside stubs.
    """
    a = _draw(layout.cum_in, _sorted_uniform(rng, count, layout.cum_in[-1]))
    c = layout.community[a]  # nondecreasing, since a is: cheap searches below
    b = _draw(layout.cum_in, layout.comm_low[c] + rng.random(count) * layout.comm_weight[c])
    team = np.flatnonzero(rng.random(count) < team_share)
    c = c[team]
    step = rng.integers(1, team_span + 1, size=len(team))
    step[rng.random(len(team)) < 0.5] *= -1
    first = layout.comm_start[c]
    b[team] = first + (a[team] - first + step) % layout.sizes[c]
    return _pairs_to_keys(a, b, layout.n)


def _across_keys(
    layout: _Layout, count: int, rng: np.random.Generator, *, within_region: float
) -> IntArray:
    """`count` draws of edges across communities (same-community draws dropped), as keys."""
    cum, by_region = layout.cum_out, layout.by_region
    a_pos = _draw(cum, _sorted_uniform(rng, count, cum[-1]))
    a = by_region[a_pos]
    local = rng.random(count) < within_region
    b = np.empty(count, dtype=np.int64)
    r = layout.region[layout.community[a[local]]]  # nondecreasing
    b[local] = by_region[
        _draw(cum, layout.region_low[r] + rng.random(len(r)) * layout.region_weight[r])
    ]
    far = by_region[_draw(cum, _sorted_uniform(rng, count - len(r), cum[-1]))]
    rng.shuffle(far)  # drawn sorted for speed; paired at random
    b[~local] = far
    cross = layout.community[a] != layout.community[b]
    return _pairs_to_keys(a[cross], b[cross], layout.n)


def _closure_sampler(keys: IntArray, n: int, rng: np.random.Generator) -> Callable[[int], IntArray]:
    """Triadic closure on the graph `keys`: pick a node, connect two of its neighbours.

    Centres are picked uniformly, not by degree, so that ordinary members get
    their triangles closed, not just hubs.
    """
    indptr, indices = _csr(keys, n)
    deg = np.diff(indptr)
    eligible = np.flatnonzero(deg >= 2)

    def draw(count: int) -> IntArray:
        if not len(eligible):
            return np.empty(0, dtype=np.int64)
        centre = np.sort(eligible[rng.integers(0, len(eligible), size=count)])
        d = deg[centre]
        v1 = indices[indptr[centre] + (rng.random(count) * d).astype(np.int64)]
        v2 = indices[indptr[centre] + (rng.random(count) * d).astype(np.int64)]
        return _pairs_to_keys(v1, v2, n)

    return draw


def _fill(
    keys: IntArray, target: int, draw: Callable[[int], IntArray], rounds: int = 4
) -> IntArray:
    """Add drawn edges to `keys` until it holds about `target` distinct ones.

    Each round draws the shortfall, scaled up by the share of the previous
    round's draws that turned out new (duplicates and self loops are lost).
    """
    kept = 1.0
    for _ in range(rounds):
        missing = target - len(keys)
        if missing <= max(10, target // 1000):
            break
        count = int(missing / max(kept, 0.05))
        before = len(keys)
        keys = _sorted_unique(np.concatenate((keys, draw(count))))
        kept = (len(keys) - before) / count
    return keys


def _draw(cum: FloatArray, points: FloatArray) -> IntArray:
    """For each point, the index i with cum[i-1] <= point < cum[i].

    A uniform point in a stretch of the running weight sum picks an index in
    proportion to its weight (inverse CDF), for millions of draws at once.
    Sorted or nearly sorted points keep the binary searches in cache: several
    times faster than random ones at a million nodes.
    """
    idx = np.searchsorted(cum, points, side="right")
    return np.minimum(idx, len(cum) - 1).astype(np.int64)


def _sorted_uniform(rng: np.random.Generator, size: int, scale: float) -> FloatArray:
    points = rng.random(size)
    points.sort()
    points *= scale
    return points


def _pairs_to_keys(a: IntArray, b: IntArray, n: int) -> IntArray:
    """Undirected pairs as int64 keys lo * n + hi; self loops dropped."""
    keep = a != b
    a, b = a[keep], b[keep]
    return np.minimum(a, b) * n + np.maximum(a, b)


def _split_keys(keys: IntArray, n: int) -> tuple[IntArray, IntArray]:
    lo = keys // n
    return lo, keys - lo * n


def _sorted_unique(keys: IntArray) -> IntArray:
    """np.unique by sort and mask: several times faster on tens of millions of int64."""
    keys = np.sort(keys)
    if len(keys) < 2:
        return keys
    fresh = np.empty(len(keys), dtype=bool)
    fresh[0] = True
    np.not_equal(keys[1:], keys[:-1], out=fresh[1:])
    return keys[fresh]


def _csr(keys: IntArray, n: int) -> tuple[IntArray, IntArray]:
    """CSR adjacency (indptr, indices) of undirected edge keys, both directions."""
    lo, hi = _split_keys(keys, n)
    directed = np.concatenate((lo * n + hi, hi * n + lo))
    del lo, hi
    directed.sort()
    src, indices = _split_keys(directed, n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, indices


# Measuring a graph (tests, calibration, seed_demo's report).


def adjacency(edges: IntArray, n: int) -> tuple[IntArray, IntArray]:
    """CSR adjacency (indptr, indices) of an (m, 2) edge list, both directions.

    The neighbours of node v are indices[indptr[v]:indptr[v + 1]], sorted.
    """
    return _csr(edges[:, 0] * n + edges[:, 1], n)


def neighbours_of(indptr: IntArray, indices: IntArray, nodes: IntArray) -> IntArray:
    """All neighbours of `nodes`, concatenated (with repeats), in one gather."""
    starts = indptr[nodes]
    counts = indptr[nodes + 1] - starts
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    return indices[offsets + np.arange(total)]


def degree_counts(indptr: IntArray, indices: IntArray, node: int, depth: int = 3) -> list[int]:
    """How many nodes are at distance exactly 1, 2, …, depth from `node` (BFS)."""
    seen = np.zeros(len(indptr) - 1, dtype=bool)
    seen[node] = True
    frontier = np.array([node], dtype=np.int64)
    counts = []
    for _ in range(depth):
        reached = neighbours_of(indptr, indices, frontier)
        reached = _sorted_unique(reached[~seen[reached]])
        seen[reached] = True
        counts.append(len(reached))
        frontier = reached
    return counts


def clustering_sample(
    indptr: IntArray, indices: IntArray, *, samples: int = 2000, pairs: int = 50, seed: int = 0
) -> float:
    """Estimate the average local clustering coefficient.

    For `samples` random nodes of degree >= 2, draw `pairs` random pairs of
    distinct neighbours and count the share of pairs that are connected.
    A random graph of the same density scores about mean_degree / n.
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
    j += j >= i  # a second, distinct neighbour
    u = indices[indptr[centre] + i]
    v = indices[indptr[centre] + j]
    # CSR rows are sorted, so (u, v) is an edge iff v is found in u's row:
    # search all of them at once in the flat array of keys src * n + dst.
    edge_keys = np.repeat(np.arange(n, dtype=np.int64), deg) * n + indices
    probe = u * n + v
    pos = np.minimum(np.searchsorted(edge_keys, probe), len(edge_keys) - 1)
    hit = edge_keys[pos] == probe
    return float(hit.reshape(len(nodes), pairs).mean(axis=1).mean())
