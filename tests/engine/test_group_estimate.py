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
