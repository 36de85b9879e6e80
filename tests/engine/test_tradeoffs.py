"""The two Glue trade-offs move quality in the documented direction on FEBRL3.

* ``precision_recall_tradeoff`` toward 1: precision never falls; toward 0: recall never falls.
* ``accuracy_cost_tradeoff`` toward 1: a more thorough candidate search, so the candidate
  pairs of a higher setting contain those of a lower one, and blocking pair completeness
  never falls.

The precision/recall trade-off is a match-time threshold, so one fitted transform (copied)
serves every setting; the accuracy/cost trade-off shapes blocking, learned in ``fit``.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable

import pandas as pd
import pytest
from gx_findmatches import FindMatches, MatchResult, pairwise_quality
from gx_findmatches.datasets.febrl import PRIMARY_KEY

pytestmark = pytest.mark.slow

PRECISION_RECALL = [0.1, 0.3, 0.5, 0.7, 0.9]
ACCURACY_COST = [0.0, 0.25, 0.5, 0.75, 1.0]


#: With all ten columns FEBRL3's matches and non-matches lie almost all near 0 or 1 (one
#: candidate pair between 0.01 and 0.99), so no threshold has anything to decide; with these
#: four columns many pairs are doubtful.
SWEEP_COLUMNS = ["given_name", "surname", "date_of_birth", "suburb"]


@pytest.fixture(scope="module")
def precision_recall_sweep(
    febrl3: pd.DataFrame, febrl3_truth: pd.Series
) -> dict[float, tuple[float, float]]:
    """(precision, recall) of each precision_recall_tradeoff, same fitted model."""
    fitted = FindMatches(primary_key=PRIMARY_KEY, columns=SWEEP_COLUMNS).fit(febrl3)
    sweep = {}
    for value in PRECISION_RECALL:
        transform = copy.deepcopy(fitted)
        transform.set_params(precision_recall_tradeoff=value)
        result = transform.match(febrl3)
        quality = pairwise_quality(result.frame["match_id"], febrl3_truth)
        sweep[value] = (quality.precision, quality.recall)
        print(
            f"\n[tradeoff] precision_recall_tradeoff={value}: precision={quality.precision:.5f}"
            f" recall={quality.recall:.5f} f1={quality.f1:.5f} "
            f"(fp={quality.false_positives}, fn={quality.false_negatives})"
        )
    return sweep


def test_sweep_is_not_degenerate(precision_recall_sweep: dict[float, tuple[float, float]]) -> None:
    """The extremes must actually differ, or the monotonicity tests below prove nothing."""
    low, high = (
        precision_recall_sweep[PRECISION_RECALL[0]],
        precision_recall_sweep[PRECISION_RECALL[-1]],
    )
    assert low != high


def test_precision_never_decreases_as_tradeoff_rises(
    precision_recall_sweep: dict[float, tuple[float, float]],
) -> None:
    for a, b in itertools.pairwise(PRECISION_RECALL):
        p_a, p_b = precision_recall_sweep[a][0], precision_recall_sweep[b][0]
        assert p_b >= p_a, f"precision fell from {p_a:.5f} at {a} to {p_b:.5f} at {b}"


def test_recall_never_decreases_as_tradeoff_falls(
    precision_recall_sweep: dict[float, tuple[float, float]],
) -> None:
    for a, b in itertools.pairwise(PRECISION_RECALL):
        r_a, r_b = precision_recall_sweep[a][1], precision_recall_sweep[b][1]
        assert r_a >= r_b, f"recall at {a} ({r_a:.5f}) is below recall at {b} ({r_b:.5f})"


# ------------------------------------------------------------------------------- accuracy/cost
@pytest.fixture(scope="module")
def accuracy_cost_sweep(
    febrl3: pd.DataFrame,
    febrl3_truth: pd.Series,
    febrl3_unsupervised_result: MatchResult,
    pair_completeness: Callable[[MatchResult, pd.DataFrame, pd.Series], float],
    pair_keys: Callable[[MatchResult], set[frozenset[str]]],
) -> dict[float, tuple[set[frozenset[str]], float]]:
    """Candidate pairs (as key pairs) and blocking completeness of each accuracy_cost_tradeoff."""
    sweep = {}
    for value in ACCURACY_COST:
        if value == 0.5:
            result = febrl3_unsupervised_result
        else:
            result = (
                FindMatches(primary_key=PRIMARY_KEY, accuracy_cost_tradeoff=value)
                .fit(febrl3)
                .match(febrl3)
            )
        keys = pair_keys(result)
        assert len(keys) == result.summary.candidate_pairs == len(result.pairs), (
            "candidate pairs must be unique unordered pairs"
        )
        completeness = pair_completeness(result, febrl3, febrl3_truth)
        quality = pairwise_quality(result.frame["match_id"], febrl3_truth)
        print(
            f"\n[tradeoff] accuracy_cost_tradeoff={value}: candidate pairs={len(keys):,} "
            f"pair completeness={completeness:.5f} f1={quality.f1:.5f} "
            f"seconds={result.summary.total_seconds:.2f}"
        )
        sweep[value] = (keys, completeness)
    return sweep


def test_candidate_pairs_grow_as_supersets(
    accuracy_cost_sweep: dict[float, tuple[set[frozenset[str]], float]],
) -> None:
    for a, b in itertools.pairwise(ACCURACY_COST):
        lower, higher = accuracy_cost_sweep[a][0], accuracy_cost_sweep[b][0]
        assert len(higher) >= len(lower)
        lost = lower - higher
        assert not lost, (
            f"{len(lost)} candidate pairs at accuracy_cost_tradeoff={a} are "
            f"missing at {b}, e.g. {sorted(map(sorted, lost))[:3]}"
        )
    assert len(accuracy_cost_sweep[ACCURACY_COST[-1]][0]) > len(
        accuracy_cost_sweep[ACCURACY_COST[0]][0]
    ), "the trade-off must change the search"


def test_blocking_completeness_never_decreases(
    accuracy_cost_sweep: dict[float, tuple[set[frozenset[str]], float]],
) -> None:
    for a, b in itertools.pairwise(ACCURACY_COST):
        c_a, c_b = accuracy_cost_sweep[a][1], accuracy_cost_sweep[b][1]
        assert c_b >= c_a, f"pair completeness fell from {c_a:.5f} at {a} to {c_b:.5f} at {b}"
