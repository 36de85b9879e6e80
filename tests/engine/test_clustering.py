"""Clustering keeps strangers apart where plain connected components would chain them.

``cluster`` is a pure function of arrays plus a pair scorer, so the cases are built by hand:
records 0-4 are one tight family, 5-9 another, and one strong but wrong link joins 4 and 5.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from gx_findmatches.engine.clustering import Constraints, cluster
from gx_findmatches.errors import LabelError
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

THRESHOLD = 0.5
FAMILY_A = list(range(0, 5))
FAMILY_B = list(range(5, 10))
N = 10
BAD_LINK = (4, 5)


def true_probability(a: int, b: int, bad_link: float = 0.99) -> float:
    """The pair scorer: families are tight, the bad link is strong, anything else is weak."""
    a, b = min(a, b), max(a, b)
    if (a, b) == BAD_LINK:
        return bad_link
    if (a in FAMILY_A) == (b in FAMILY_A):
        return 0.95
    return 0.02


class RecordingScorer:
    """Scores pairs with ``true_probability`` and remembers which pairs it was asked about."""

    def __init__(self, bad_link: float = 0.99) -> None:
        self.asked: set[tuple[int, int]] = set()
        self.bad_link = bad_link

    def __call__(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        assert len(left) == len(right)
        self.asked |= {
            (min(int(a), int(b)), max(int(a), int(b))) for a, b in zip(left, right, strict=True)
        }
        return np.array(
            [
                true_probability(int(a), int(b), self.bad_link)
                for a, b in zip(left, right, strict=True)
            ]
        )


def candidate_pairs(bad_link: float = 0.99) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What blocking proposes: every within-family pair and the bad link, nothing else."""
    pairs = [*itertools.combinations(FAMILY_A, 2), *itertools.combinations(FAMILY_B, 2), BAD_LINK]
    left = np.array([p[0] for p in pairs], dtype="int64")
    right = np.array([p[1] for p in pairs], dtype="int64")
    probability = np.array([true_probability(a, b, bad_link) for a, b in pairs])
    return left, right, probability


def test_connected_components_would_merge_the_families() -> None:
    """The premise: over 'match' edges the two families are one connected component."""
    left, right, probability = candidate_pairs()
    strong = probability >= THRESHOLD
    graph = coo_matrix((np.ones(strong.sum()), (left[strong], right[strong])), shape=(N, N))
    count, labels = connected_components(graph, directed=False)
    assert count == 1
    assert len(set(labels)) == 1


@pytest.mark.parametrize(
    "bad_link", [0.90, 0.99], ids=["bad-link-weaker-than-family", "bad-link-stronger-than-family"]
)
def test_one_bad_link_does_not_merge_two_families(bad_link: float) -> None:
    """Both families come out whole, whatever the strength of the single bad link: record 4
    has four strong links into its own family and one into the other, so grouping it with 5
    (and tearing 4 and 5 out of their families) would contradict eight strong links to honour
    one."""
    left, right, probability = candidate_pairs(bad_link)
    scorer = RecordingScorer(bad_link)
    clusters = cluster(
        N, left, right, probability, THRESHOLD, score=scorer, constraints=Constraints.none()
    )
    assert clusters.group[FAMILY_A].tolist() == [0] * 5
    assert clusters.group[FAMILY_B].tolist() == [5] * 5
    # the cross-family pairs blocking never proposed were scored to see the whole picture
    cross = {(a, b) for a in FAMILY_A for b in FAMILY_B} - {BAD_LINK}
    assert cross <= scorer.asked
    # a group's confidence is its mean within-group probability
    assert np.allclose(clusters.confidence, 0.95)


def test_cluster_is_independent_of_pair_order() -> None:
    left, right, probability = candidate_pairs()
    order = np.random.default_rng(3).permutation(len(left))
    swapped = cluster(
        N,
        right[order],
        left[order],
        probability[order],
        THRESHOLD,
        score=RecordingScorer(),
        constraints=Constraints.none(),
    )
    straight = cluster(
        N,
        left,
        right,
        probability,
        THRESHOLD,
        score=RecordingScorer(),
        constraints=Constraints.none(),
    )
    np.testing.assert_array_equal(swapped.group, straight.group)
    np.testing.assert_allclose(swapped.confidence, straight.confidence)


def test_must_link_joins_and_cannot_link_separates() -> None:
    left, right, probability = candidate_pairs()
    constraints = Constraints(
        must_left=np.array([0]),
        must_right=np.array([9]),  # force the families together...
        cannot_left=np.array([1]),
        cannot_right=np.array([2]),  # ...but keep 1 and 2 apart
    )
    clusters = cluster(
        N, left, right, probability, THRESHOLD, score=RecordingScorer(), constraints=constraints
    )
    assert clusters.group[0] == clusters.group[9]
    assert clusters.group[1] != clusters.group[2]
    assert np.all((clusters.confidence >= 0) & (clusters.confidence <= 1))


def test_contradicting_constraints_are_a_label_error() -> None:
    left, right, probability = candidate_pairs()
    constraints = Constraints(
        must_left=np.array([0, 1]),
        must_right=np.array([1, 2]),
        cannot_left=np.array([0]),
        cannot_right=np.array([2]),
    )
    with pytest.raises(LabelError, match="match and also that they do not"):
        cluster(
            N, left, right, probability, THRESHOLD, score=RecordingScorer(), constraints=constraints
        )


def test_no_pair_above_threshold_gives_singletons() -> None:
    """When nothing matches, every record is its own group and its confidence is one minus its
    best match probability."""
    left, right, probability = candidate_pairs()
    weak = probability * 0.1  # every pair far below the threshold
    clusters = cluster(
        N, left, right, weak, THRESHOLD, score=RecordingScorer(), constraints=Constraints.none()
    )
    assert clusters.group.tolist() == list(range(N))
    best = np.zeros(N)
    np.maximum.at(best, left, weak)
    np.maximum.at(best, right, weak)
    np.testing.assert_allclose(clusters.confidence, 1.0 - best)


def test_no_candidate_pairs_at_all() -> None:
    empty = np.empty(0, dtype="int64")
    clusters = cluster(
        3,
        empty,
        empty,
        np.empty(0),
        THRESHOLD,
        score=RecordingScorer(),
        constraints=Constraints.none(),
    )
    assert clusters.group.tolist() == [0, 1, 2]
    np.testing.assert_allclose(clusters.confidence, 1.0)


@pytest.mark.parametrize("seed", range(5))
def test_clique_shortcut_gives_what_the_linkage_loop_gives(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Components whose pairs all reach the threshold skip the per-component loop; the loop,
    run on every component instead, must produce the same groups and confidences."""
    from gx_findmatches.engine import clustering

    rng = np.random.default_rng(seed)
    n = 400
    family = rng.integers(0, 120, size=n)  # families of ~3 records, some bigger
    left, right = np.triu_indices(n, k=1)
    same = family[left] == family[right]
    noise = rng.random(len(left)) < 0.002  # a few cross-family candidates
    keep = same | noise
    left, right = left[keep], right[keep]
    probability = np.where(family[left] == family[right], rng.uniform(0.3, 1.0, len(left)), 0.0)
    probability[~same[keep]] = rng.uniform(0.0, 0.9, int((~same[keep]).sum()))

    def score(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.where(family[a] == family[b], 0.8, 0.05)

    fast = cluster(n, left, right, probability, 0.5, score, Constraints.none())
    shortcut_rows = fast.group != np.arange(n)
    assert shortcut_rows.any()

    def loop_only(component, sizes, *args, **kwargs):  # type: ignore[no-untyped-def]
        return np.flatnonzero(sizes >= 3)

    monkeypatch.setattr(clustering, "_clique_components", loop_only)
    slow = cluster(n, left, right, probability, 0.5, score, Constraints.none())
    np.testing.assert_array_equal(fast.group, slow.group)
    np.testing.assert_allclose(fast.confidence, slow.confidence)
