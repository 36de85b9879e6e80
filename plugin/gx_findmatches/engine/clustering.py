"""Clustering: from scored pairs to match groups without chaining strangers together.

Plain connected components over "match" edges over-merge: one wrong link joins two families.
We use connected components only to find *where* groups can be (small, independent
subproblems), then inside each component:

1. score every pair of its records, including pairs blocking never proposed, so each decision
   sees the whole picture;
2. run average-linkage agglomerative clustering: two groups merge only while the *average*
   match probability across all their record pairs stays above the threshold. One bad link
   between two groups of five averages to about 1/25 and never merges them;
3. honour labels when asked: labelled matches start in one group (must-link) and groups with a
   labelled non-match between them never merge (cannot-link).

Components larger than ``dense_limit`` records would make the dense per-component work
quadratic; they go to :mod:`.large_components`, which estimates the same average linkage from
sampled pairs, so an entity of any size can form one group. Nothing is capped or dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..errors import LabelError
from .blocking import pairs_within_groups
from .large_components import cluster_large_component
from .progress import track

PairScorer = Callable[[np.ndarray, np.ndarray], np.ndarray]
DENSE_LIMIT = 300  # components up to this size are clustered with every pair scored


@dataclass(frozen=True)
class Constraints:
    """Pairs (positions, ``left < right``) that must or must not end in one group."""

    must_left: np.ndarray
    must_right: np.ndarray
    cannot_left: np.ndarray
    cannot_right: np.ndarray

    @classmethod
    def none(cls) -> Constraints:
        """No constraints."""
        empty = np.empty(0, dtype="int64")
        return cls(empty, empty, empty, empty)


@dataclass(frozen=True)
class Clusters:
    """Each record's group, named by its smallest member position, and the group's confidence."""

    group: np.ndarray
    confidence: np.ndarray


def cluster(
    n: int,
    left: np.ndarray,
    right: np.ndarray,
    probability: np.ndarray,
    threshold: float,
    score: PairScorer,
    constraints: Constraints,
    frozen: np.ndarray | None = None,
    dense_limit: int = DENSE_LIMIT,
) -> Clusters:
    """Group ``n`` records from scored candidate pairs (see the module docstring).

    Args:
        frozen: for incremental matching, each record's existing group (-1 for new records).
            Records of one frozen group stay together, two frozen groups never merge, and
            pairs between frozen records are never scored.
    """
    known = _PairLookup(n, left, right, probability)
    strong = probability >= threshold
    chain_left, chain_right = _frozen_chains(frozen)
    edge_left = np.concatenate([left[strong], constraints.must_left, chain_left])
    edge_right = np.concatenate([right[strong], constraints.must_right, chain_right])
    edge_prob = np.concatenate(
        [probability[strong], np.ones(len(constraints.must_left) + len(chain_left))]
    )
    cannot = _PairLookup(
        n, constraints.cannot_left, constraints.cannot_right, np.ones(len(constraints.cannot_left))
    )
    keep = ~cannot.contains(edge_left, edge_right)
    edge_left, edge_right, edge_prob = edge_left[keep], edge_right[keep], edge_prob[keep]
    component = _components(n, edge_left, edge_right)
    sizes = np.bincount(component)
    dense = (sizes[component] >= 2) & (sizes[component] <= dense_limit)
    pair_left, pair_right = pairs_within_groups(np.where(dense, component, -1))
    must_lookup = _PairLookup(
        n, constraints.must_left, constraints.must_right, np.ones(len(constraints.must_left))
    )
    must = must_lookup.contains(pair_left, pair_right)
    forbidden = cannot.contains(pair_left, pair_right)
    if frozen is not None:
        both = (frozen[pair_left] >= 0) & (frozen[pair_right] >= 0)
        same = frozen[pair_left] == frozen[pair_right]
        must |= both & same
        forbidden |= both & ~same
    pair_prob = known.get(pair_left, pair_right)
    unknown = np.isnan(pair_prob) & ~must & ~forbidden
    if unknown.any():
        pair_prob[unknown] = score(pair_left[unknown], pair_right[unknown])
    pair_prob[must] = 1.0
    pair_prob[forbidden] = 0.0
    group = np.arange(n, dtype="int64")
    confidence = np.ones(n, dtype="float64")
    # Two-record components (most of them) are decided at once: their one pair merges when
    # it reaches the threshold, exactly what average linkage would do.
    two = sizes[component[pair_left]] == 2
    merge = two & (pair_prob >= threshold) & ~forbidden
    group[pair_right[merge]] = pair_left[merge]
    confidence[pair_left[merge]] = confidence[pair_right[merge]] = pair_prob[merge]
    larger = _clique_components(
        component,
        np.where(sizes <= dense_limit, sizes, 0),
        pair_left,
        pair_prob,
        must | forbidden,
        threshold,
        group,
        confidence,
    )
    rows_by_component = np.argsort(component[pair_left], kind="stable")
    row_starts = np.searchsorted(component[pair_left][rows_by_component], larger)
    records_by_component = np.argsort(component, kind="stable")
    record_starts = np.searchsorted(component[records_by_component], larger)
    for index, members_component in track(enumerate(larger), "clustering components", len(larger)):
        size = int(sizes[members_component])
        members = np.sort(records_by_component[record_starts[index] : record_starts[index] + size])
        rows = rows_by_component[row_starts[index] : row_starts[index] + size * (size - 1) // 2]
        _cluster_component(
            members,
            pair_left[rows],
            pair_right[rows],
            pair_prob[rows],
            forbidden[rows],
            must[rows],
            threshold,
            group,
            confidence,
        )
    for large in np.flatnonzero(sizes > dense_limit):
        members = np.flatnonzero(component == large)
        inside = component[edge_left] == large
        must_inside = component[constraints.must_left] == large
        cannot_inside = (component[constraints.cannot_left] == large) & (
            component[constraints.cannot_right] == large
        )
        group[members], confidence[members] = cluster_large_component(
            members,
            edge_left[inside],
            edge_right[inside],
            edge_prob[inside],
            threshold,
            score,
            (constraints.must_left[must_inside], constraints.must_right[must_inside]),
            (constraints.cannot_left[cannot_inside], constraints.cannot_right[cannot_inside]),
            None if frozen is None else frozen[members],
        )
    singles = np.bincount(group, minlength=n)[group] == 1
    best = np.zeros(n)
    np.maximum.at(best, left, probability)
    np.maximum.at(best, right, probability)
    confidence[singles] = 1.0 - best[singles]
    return Clusters(group, confidence)


def _clique_components(
    component: np.ndarray,
    sizes: np.ndarray,
    pair_left: np.ndarray,
    pair_prob: np.ndarray,
    constrained: np.ndarray,
    threshold: float,
    group: np.ndarray,
    confidence: np.ndarray,
) -> np.ndarray:
    """Decide at once every 3+ record component whose pairs all reach the threshold.

    Average linkage merges such a component whole (every average stays above the threshold)
    and no local move leaves it (every weight is positive), so the loop in
    :func:`_cluster_component` would return the same group: the component, its confidence the
    mean pair probability. True duplicate families are mostly like this, so only the few
    components with a doubtful pair (or a label constraint) go through the loop. Returns those.
    """
    pair_component = component[pair_left]
    weak = np.bincount(
        pair_component, weights=(pair_prob < threshold) | constrained, minlength=len(sizes)
    )
    clique = (sizes >= 3) & (weak == 0)
    members = clique[component]
    first = np.full(len(sizes), len(component), dtype="int64")
    np.minimum.at(first, component, np.arange(len(component)))
    group[members] = first[component[members]]
    in_clique = clique[pair_component]
    sums = np.bincount(
        pair_component[in_clique], weights=pair_prob[in_clique], minlength=len(sizes)
    )
    pairs = sizes * (sizes - 1) / 2
    mean = np.divide(sums, pairs, out=np.zeros(len(sizes)), where=pairs > 0)
    confidence[members] = mean[component[members]]
    return np.flatnonzero((sizes >= 3) & ~clique)


def _frozen_chains(frozen: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Edges chaining each frozen group's records, so a group enters a component whole."""
    if frozen is None:
        empty = np.empty(0, dtype="int64")
        return empty, empty
    members = np.flatnonzero(frozen >= 0)
    members = members[np.argsort(frozen[members], kind="stable")]
    same = frozen[members[1:]] == frozen[members[:-1]]
    return members[:-1][same], members[1:][same]


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels.astype("int64")


def _cluster_component(
    members: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    prob: np.ndarray,
    forbidden: np.ndarray,
    must: np.ndarray,
    threshold: float,
    group: np.ndarray,
    confidence: np.ndarray,
) -> None:
    """Average-linkage clustering of one component, writing into ``group`` and ``confidence``."""
    k = len(members)
    local = {int(m): i for i, m in enumerate(members)}
    a = np.array([local[int(x)] for x in left], dtype="int64")
    b = np.array([local[int(x)] for x in right], dtype="int64")
    similarity = np.zeros((k, k))
    similarity[a, b] = similarity[b, a] = prob
    blocked = np.zeros((k, k), dtype=bool)
    blocked[a[forbidden], b[forbidden]] = blocked[b[forbidden], a[forbidden]] = True
    assigned = np.arange(k)
    for x, y in zip(a[must], b[must], strict=True):
        _merge_labels(assigned, x, y)
    cluster_ids, assigned = np.unique(assigned, return_inverse=True)
    membership = np.zeros((k, len(cluster_ids)))
    membership[np.arange(k), assigned] = 1.0
    sums = membership.T @ similarity @ membership
    if (membership.T @ blocked.astype(float) @ membership).diagonal().any():
        raise LabelError(
            "the labels say two records match and also that they do not, "
            "through other labelled records; fix the contradicting labels"
        )
    cannot = (membership.T @ blocked.astype(float) @ membership) > 0
    unit_of = assigned.copy()
    unit_cannot = cannot.copy()
    sizes = membership.sum(axis=0)
    active = np.ones(len(sizes), dtype=bool)
    while active.sum() > 1:
        average = sums / np.outer(sizes, sizes)
        average[~active, :] = -1.0
        average[:, ~active] = -1.0
        average[cannot] = -1.0
        np.fill_diagonal(average, -1.0)
        i, j = np.unravel_index(int(np.argmax(average)), average.shape)
        if average[i, j] < threshold:
            break
        sums[i, :] += sums[j, :]
        sums[:, i] += sums[:, j]
        cannot[i, :] |= cannot[j, :]
        cannot[:, i] |= cannot[:, j]
        sizes[i] += sizes[j]
        active[j] = False
        assigned[assigned == j] = i
    if len(sizes) > 2:
        weights = _log_odds(similarity, threshold)
        unit_cluster = np.zeros(len(sizes), dtype="int64")
        unit_cluster[unit_of] = assigned
        unit_cluster = _refine(membership.T @ weights @ membership, unit_cannot, unit_cluster)
        assigned = unit_cluster[unit_of]
    for cluster_id in np.unique(assigned):
        inside = assigned == cluster_id
        group[members[inside]] = members[inside].min()
        count = int(inside.sum())
        if count > 1:
            block = similarity[np.ix_(inside, inside)]
            confidence[members[inside]] = block.sum() / (count * (count - 1))


def _log_odds(similarity: np.ndarray, threshold: float) -> np.ndarray:
    """Pair weights for local moves: positive above the threshold, negative below."""
    clipped = np.clip(similarity, 1e-6, 1 - 1e-6)
    weights = np.log(clipped / (1 - clipped)) - np.log(threshold / (1 - threshold))
    np.fill_diagonal(weights, 0.0)
    return weights


def _refine(weights: np.ndarray, cannot: np.ndarray, cluster_of: np.ndarray) -> np.ndarray:
    """Move single units to the cluster they have the most log-odds weight with.

    Greedy merging commits early: when a wrong link is the strongest pair it merges first,
    and both of its records are then stranded away from their true groups. A unit moves only
    when its summed weight to another cluster (or to none, weight 0) beats its summed weight
    to its own, so one bad link still never carries a record across.
    """
    units = len(cluster_of)
    for _ in range(10):
        moved = False
        for unit in range(units):
            onehot = np.zeros((units, units))
            onehot[np.arange(units), cluster_of] = 1.0
            gain = weights[unit] @ onehot
            blocked = (cannot[unit].astype(float) @ onehot) > 0
            others = cluster_of != cluster_of[unit]
            alone_cluster = int(np.setdiff1d(np.arange(units), cluster_of[others])[0])
            gain[blocked] = -np.inf
            current = gain[cluster_of[unit]]
            best = int(np.argmax(gain))
            target, value = (best, gain[best]) if gain[best] > 0 else (alone_cluster, 0.0)
            if value > current + 1e-9 and target != cluster_of[unit]:
                cluster_of[unit] = target
                moved = True
        if not moved:
            break
    return cluster_of


def _merge_labels(labels: np.ndarray, x: int, y: int) -> None:
    old, new = max(labels[x], labels[y]), min(labels[x], labels[y])
    labels[labels == old] = new


class _PairLookup:
    """Vectorised lookup of a value by pair of positions."""

    def __init__(self, n: int, left: np.ndarray, right: np.ndarray, values: np.ndarray) -> None:
        self._n = n
        codes = np.minimum(left, right).astype("int64") * n + np.maximum(left, right)
        order = np.argsort(codes, kind="stable")
        self._codes = codes[order]
        self._values = np.asarray(values, dtype="float64")[order]

    def _find(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        codes = np.minimum(left, right).astype("int64") * self._n + np.maximum(left, right)
        where = np.searchsorted(self._codes, codes)
        found = where < len(self._codes)
        found[found] = self._codes[where[found]] == codes[found]
        return where, found

    def contains(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Whether each pair is in the lookup."""
        return self._find(left, right)[1]

    def get(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Each pair's value, NaN when absent."""
        where, found = self._find(left, right)
        out = np.full(len(left), np.nan)
        out[found] = self._values[where[found]]
        return out
