"""``evaluate``'s end-to-end estimate: the final groups' quality, or an honest "too few"."""

from __future__ import annotations

import pandas as pd
import pytest
from gx_findmatches import FindMatches
from gx_findmatches.datasets.febrl import PRIMARY_KEY, labels_from_truth

pytestmark = pytest.mark.slow


def test_too_few_labelled_matches_say_so_instead_of_a_number(
    febrl3: pd.DataFrame, febrl3_truth: pd.Series
) -> None:
    sizes = febrl3_truth.value_counts()
    pair = febrl3_truth.index[febrl3_truth == sizes.index[0]][:2]  # one true matching pair
    singles = febrl3_truth.index[febrl3_truth.map(sizes) == 1][:12]  # records with no match
    rows = [*pair, *singles]
    labels = febrl3.loc[rows].assign(
        labeling_set_id=["s1"] * 6 + ["s2"] * 4 + ["s3"] * 4,
        label=["A", "A", "B", "C", "D", "E", "A", "B", "C", "D", "A", "B", "C", "D"],
    )
    report = FindMatches(primary_key=PRIMARY_KEY).evaluate(febrl3, labels)
    assert report.end_to_end.f1 is None
    assert report.end_to_end.status.startswith("too few labels to estimate")
    assert report.to_dict()["group_f1"] is None


def test_estimate_brackets_the_true_quality_of_the_groups(
    febrl3: pd.DataFrame, febrl3_truth: pd.Series
) -> None:
    labels = labels_from_truth(febrl3, febrl3_truth, PRIMARY_KEY, max_records=200)
    report = FindMatches(primary_key=PRIMARY_KEY).evaluate(febrl3, labels)
    estimate = report.end_to_end
    assert estimate.status == "ok"
    assert estimate.f1 is not None and estimate.f1_low is not None
    assert estimate.f1_low <= estimate.f1 <= estimate.f1_high  # type: ignore[operator]
    assert abs(estimate.f1 - 0.9999) <= 0.05  # true F1 of the groups on FEBRL3 (quality.md)
    assert report.to_dict()["group_f1"] == estimate.f1


def test_the_interval_reaches_down_to_what_the_labels_alone_say() -> None:
    """The point estimate takes the model's word for the pairs it left ungrouped; where the
    labels there say the model is wrong (they are mostly matches), the interval must show it
    rather than sit tight around the model's view (measured on a public patent table: 0.96
    estimated with an interval [0.90, 0.99], 0.67 true)."""
    import numpy as np
    from gx_findmatches.engine.evaluation import _group_estimate, _ScoredPairs

    grouped = np.r_[np.ones(1_000, dtype=bool), np.zeros(1_000, dtype=bool)]
    scored = _ScoredPairs(
        codes=np.arange(2_000),
        probability=np.where(grouped, 0.99, 0.01),
        same_group=grouped,
        weight=np.ones(2_000),
        fitted_probability=np.where(grouped, 0.99, 0.01),
    )
    per_set_same = np.r_[np.ones(5, dtype=bool), np.zeros(7, dtype=bool)]
    per_set_y = np.r_[np.ones(10, dtype=bool), np.zeros(2, dtype=bool)]  # 5 of 7 ungrouped match
    sets = np.repeat(np.arange(20), 12)
    same = np.tile(per_set_same, 20)
    estimate = _group_estimate(
        scored,
        held_out=np.where(same, 0.99, 0.01),
        held_out_same=same,
        y=np.tile(per_set_y, 20),
        proposed=np.ones(len(sets), dtype=bool),
        sets=sets,
        seed=0,
    )
    assert estimate.f1 is not None and estimate.f1 > 0.95  # the model's view
    assert estimate.f1_low is not None and estimate.f1_low < 0.8  # the labels' view
    assert estimate.f1_high is not None and estimate.f1_high >= estimate.f1


def test_ungrouped_pairs_count_at_the_fitted_probability_not_the_balanced_one() -> None:
    """The labelled model's intercept carries a balance that moves 0.5 to the cut of best
    expected F1 (supervised.py); the matches it leaves ungrouped are counted at its fitted
    probabilities, the ones calibrated on labels, without that balance."""
    import numpy as np
    from gx_findmatches.engine.evaluation import _group_estimate, _ScoredPairs

    grouped = np.r_[np.ones(100, dtype=bool), np.zeros(1_000, dtype=bool)]
    balanced = np.where(grouped, 0.9, 0.2)

    def recall(fitted: np.ndarray) -> float:
        scored = _ScoredPairs(np.arange(1_100), balanced, grouped, np.ones(1_100), fitted)
        same = np.tile(np.r_[True, False], 60)
        estimate = _group_estimate(
            scored,
            held_out=np.where(same, 0.9, 0.2),
            held_out_same=same,
            y=same.copy(),
            proposed=np.ones(120, dtype=bool),
            sets=np.repeat(np.arange(20), 6),
            seed=0,
        )
        assert estimate.recall is not None
        return estimate.recall

    # 1,000 ungrouped pairs at 0.02 hide 20 matches beside the 100 grouped ones; at the
    # balanced 0.2 they would hide 200
    assert recall(np.where(grouped, 0.7, 0.02)) == pytest.approx(100 / 120, rel=0.02)
    assert recall(balanced) == pytest.approx(100 / 300, rel=0.02)
