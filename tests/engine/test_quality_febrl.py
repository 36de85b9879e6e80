"""Match quality on the FEBRL benchmarks against their exact ground truth.

Run with ``-s`` to see the achieved figures. FEBRL3 results come from the session fixtures in
``conftest.py``; FEBRL4 (10,000 rows, two linked files concatenated) is fitted here once per
module.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from gx_findmatches import FindMatches, MatchResult, pairwise_quality
from gx_findmatches.datasets.febrl import (
    PRIMARY_KEY,
    labels_from_truth,
    load_febrl,
    true_entities,
    true_pair_count,
)

pytestmark = pytest.mark.slow

UNSUPERVISED_F1 = 0.99
SUPERVISED_F1 = 0.995
BLOCKING_COMPLETENESS = 0.995
MAX_LABELLED_RECORDS = 200


def _report(name: str, result: MatchResult, truth: pd.Series) -> float:
    quality = pairwise_quality(result.frame["match_id"], truth)
    print(
        f"\n[quality] {name}: precision={quality.precision:.5f} recall={quality.recall:.5f} "
        f"f1={quality.f1:.5f} (tp={quality.true_positives}, fp={quality.false_positives}, "
        f"fn={quality.false_negatives}); candidate pairs={result.summary.candidate_pairs:,}; "
        f"model={result.summary.model}; seconds={result.summary.total_seconds:.2f}"
    )
    return quality.f1


def _check_labels(labels: pd.DataFrame) -> None:
    assert {"labeling_set_id", "label", PRIMARY_KEY} <= set(labels.columns)
    distinct = labels[PRIMARY_KEY].nunique()
    print(
        f"\n[labels] {distinct} distinct labelled records in "
        f"{labels['labeling_set_id'].nunique()} labeling sets"
    )
    assert 0 < distinct <= MAX_LABELLED_RECORDS


# ------------------------------------------------------------------------------- FEBRL3
def test_febrl3_is_the_documented_benchmark(febrl3: pd.DataFrame, febrl3_truth: pd.Series) -> None:
    assert len(febrl3) == 5000
    assert febrl3[PRIMARY_KEY].is_unique
    assert true_pair_count(febrl3_truth) == 6538


def test_febrl3_unsupervised_f1(
    febrl3_unsupervised_result: MatchResult, febrl3_truth: pd.Series
) -> None:
    assert febrl3_unsupervised_result.summary.model == "unsupervised"
    assert (
        _report("FEBRL3 unsupervised", febrl3_unsupervised_result, febrl3_truth) >= UNSUPERVISED_F1
    )


def test_febrl3_supervised_f1(
    febrl3_labels: pd.DataFrame, febrl3_supervised_result: MatchResult, febrl3_truth: pd.Series
) -> None:
    _check_labels(febrl3_labels)
    assert febrl3_supervised_result.summary.model == "supervised"
    assert _report("FEBRL3 supervised", febrl3_supervised_result, febrl3_truth) >= SUPERVISED_F1


def test_febrl3_blocking_pair_completeness(
    febrl3: pd.DataFrame,
    febrl3_truth: pd.Series,
    febrl3_unsupervised_result: MatchResult,
    pair_completeness: Callable[[MatchResult, pd.DataFrame, pd.Series], float],
) -> None:
    completeness = pair_completeness(febrl3_unsupervised_result, febrl3, febrl3_truth)
    print(
        f"\n[blocking] FEBRL3 pair completeness={completeness:.5f} with "
        f"{febrl3_unsupervised_result.summary.candidate_pairs:,} candidate pairs"
    )
    assert completeness >= BLOCKING_COMPLETENESS


# ------------------------------------------------------------------------------- FEBRL4
@pytest.fixture(scope="module")
def febrl4() -> pd.DataFrame:
    return load_febrl("febrl4")


@pytest.fixture(scope="module")
def febrl4_truth(febrl4: pd.DataFrame) -> pd.Series:
    return true_entities(febrl4)


@pytest.fixture(scope="module")
def febrl4_unsupervised_result(febrl4: pd.DataFrame) -> MatchResult:
    return FindMatches(primary_key=PRIMARY_KEY).fit(febrl4).match(febrl4)


@pytest.fixture(scope="module")
def febrl4_labels(febrl4: pd.DataFrame, febrl4_truth: pd.Series) -> pd.DataFrame:
    return labels_from_truth(febrl4, febrl4_truth, PRIMARY_KEY, max_records=MAX_LABELLED_RECORDS)


def test_febrl4_is_the_documented_benchmark(febrl4: pd.DataFrame, febrl4_truth: pd.Series) -> None:
    assert len(febrl4) == 10_000
    assert febrl4[PRIMARY_KEY].is_unique
    assert true_pair_count(febrl4_truth) == 5000


def test_febrl4_unsupervised_f1(
    febrl4_unsupervised_result: MatchResult, febrl4_truth: pd.Series
) -> None:
    assert febrl4_unsupervised_result.summary.model == "unsupervised"
    assert (
        _report("FEBRL4 unsupervised", febrl4_unsupervised_result, febrl4_truth) >= UNSUPERVISED_F1
    )


def test_febrl4_supervised_f1(
    febrl4: pd.DataFrame, febrl4_truth: pd.Series, febrl4_labels: pd.DataFrame
) -> None:
    _check_labels(febrl4_labels)
    transform = FindMatches(primary_key=PRIMARY_KEY).fit(febrl4, febrl4_labels)
    result = transform.match(febrl4)
    assert result.summary.model == "supervised"
    assert _report("FEBRL4 supervised", result, febrl4_truth) >= SUPERVISED_F1


def test_febrl4_blocking_pair_completeness(
    febrl4: pd.DataFrame,
    febrl4_truth: pd.Series,
    febrl4_unsupervised_result: MatchResult,
    pair_completeness: Callable[[MatchResult, pd.DataFrame, pd.Series], float],
) -> None:
    completeness = pair_completeness(febrl4_unsupervised_result, febrl4, febrl4_truth)
    print(
        f"\n[blocking] FEBRL4 pair completeness={completeness:.5f} with "
        f"{febrl4_unsupervised_result.summary.candidate_pairs:,} candidate pairs"
    )
    assert completeness >= BLOCKING_COMPLETENESS
