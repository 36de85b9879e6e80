"""Every matching expectation on FEBRL3 in one real checkpoint (pandas), against the truth.

One module-scoped checkpoint run holds passing and failing cases of every expectation that
reads the shared match, so it also proves the engine ran once for all of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import great_expectations as gx
import pandas as pd
import pytest
from gx_findmatches import FindMatches, write_table
from gx_findmatches.datasets.febrl import labels_from_truth
from gx_helpers import (
    KIND,
    PRIMARY_KEY,
    TRUTH,
    Truth,
    case,
    counting_engine_runs,
    exception_messages,
    new_project,
    run_checkpoint,
)
from gx_helpers import true_groups_where as true_groups_differing

COMMON = {"primary_key": PRIMARY_KEY, "exclude_columns": [TRUTH, KIND]}
SHARED_MATCH_CASES = (
    "rate_pass",
    "rate_fail",
    "cross_pass",
    "cross_fail",
    "sizes_pass",
    "sizes_fail",
    "consistent_pass",
    "consistent_fail",
    "consistent_mostly",
)


def _too_few_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """Two labeling sets holding one matching pair: enough to fit, too few to estimate the
    quality of the groups (the engine needs five matching pairs)."""
    sizes = frame[TRUTH].value_counts()
    pair = frame[frame[TRUTH] == sizes.index[sizes >= 2][0]].head(2)
    others = frame[frame[TRUTH].isin(sizes.index[sizes >= 2][1:9])].drop_duplicates(TRUTH)
    sets = [pd.concat([pair, others.head(3)]), others.tail(5)]
    columns = [c for c in frame.columns if c not in (TRUTH, KIND)]
    return pd.concat(
        rows.assign(labeling_set_id=f"few-{number}", label=rows[TRUTH].astype(str))[
            ["labeling_set_id", "label", *columns]
        ]
        for number, rows in enumerate(sets)
    )


def _reference(frame: pd.DataFrame) -> tuple[pd.DataFrame, set[str]]:
    """The original records of every other entity, under new keys: a reference table."""
    entities = sorted(frame[TRUTH].unique())[::2]
    chosen = frame[frame[TRUTH].isin(entities) & (frame[KIND] == "org")]
    reference = chosen.drop(columns=[TRUTH, KIND]).assign(
        **{PRIMARY_KEY: "ref-" + chosen[PRIMARY_KEY]}
    )
    return reference, set(entities)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    root = tmp_path_factory.mktemp("gx_pandas")
    return new_project(root), root


@pytest.fixture(scope="module")
def run(
    project: tuple[Any, Path],
    febrl3_checked: pd.DataFrame,
    febrl3_labels: pd.DataFrame,
    truth: Truth,
) -> dict[str, Any]:
    context, root = project
    reference, _ = _reference(febrl3_checked)
    reference_path = str(write_table(reference, root / "reference.csv"))
    labels_path = str(write_table(febrl3_labels, root / "labels.csv"))
    few_path = str(write_table(_too_few_labels(febrl3_checked), root / "few_labels.csv"))
    consistent_share = 1 - true_groups_differing(febrl3_checked, "given_name") / truth.groups
    ex = gx.expectations
    expectations = [
        case(
            ex.ExpectTableFuzzyDuplicateRateToBeBetween,
            "rate_pass",
            **COMMON,
            min_value=truth.rate - 0.02,
            max_value=truth.rate + 0.02,
        ),
        case(
            ex.ExpectTableFuzzyDuplicateRateToBeBetween,
            "rate_fail",
            **COMMON,
            max_value=truth.rate - 0.1,
        ),
        case(
            ex.ExpectMatchGroupsToNotCrossLabelBoundaries,
            "cross_pass",
            **COMMON,
            label_column=TRUTH,
            mostly=0.99,
        ),
        case(
            ex.ExpectMatchGroupsToNotCrossLabelBoundaries, "cross_fail", **COMMON, label_column=KIND
        ),
        case(ex.ExpectMatchGroupSizesToBeBetween, "sizes_pass", **COMMON, max_value=truth.largest),
        case(
            ex.ExpectMatchGroupSizesToBeBetween, "sizes_fail", **COMMON, max_value=truth.largest - 1
        ),
        case(
            ex.ExpectColumnValuesToBeConsistentWithinMatchGroups,
            "consistent_pass",
            **COMMON,
            column=TRUTH,
            mostly=0.99,
        ),
        case(
            ex.ExpectColumnValuesToBeConsistentWithinMatchGroups,
            "consistent_fail",
            **COMMON,
            column="given_name",
        ),
        case(
            ex.ExpectColumnValuesToBeConsistentWithinMatchGroups,
            "consistent_mostly",
            **COMMON,
            column="given_name",
            mostly=round(consistent_share - 0.05, 2),
        ),
        case(
            ex.ExpectMatchQualityMetricToBeBetween,
            "quality_pass",
            **COMMON,
            metric="f1",
            min_value=0.9,
            label_column=TRUTH,
        ),
        case(
            ex.ExpectMatchQualityMetricToBeBetween,
            "quality_groups",
            **COMMON,
            metric="group_f1",
            min_value=0.95,
            label_column=TRUTH,
        ),
        case(
            ex.ExpectMatchQualityMetricToBeBetween,
            "quality_too_few",
            **COMMON,
            metric="group_f1",
            min_value=0.5,
            labels_path=few_path,
        ),
        case(
            ex.ExpectMatchQualityMetricToBeBetween,
            "quality_fail",
            **COMMON,
            columns=["state"],
            metric="precision",
            min_value=0.9,
            label_column=TRUTH,
        ),
        case(
            ex.ExpectMatchQualityMetricToBeBetween,
            "quality_file",
            **COMMON,
            metric="area_under_pr_curve",
            min_value=0.9,
            labels_path=labels_path,
        ),
        case(
            ex.ExpectTableRowsToHaveNoMatchesInReference,
            "reference_fail",
            **COMMON,
            reference_path=reference_path,
        ),
    ]
    definition = (
        context.data_sources.add_pandas("febrl")
        .add_dataframe_asset("febrl3")
        .add_batch_definition_whole_dataframe("all")
    )
    with counting_engine_runs() as runs:
        results = run_checkpoint(
            context, "febrl3_suite", definition, expectations, {"dataframe": febrl3_checked}
        )
    results["_engine_calls"] = runs.count
    return results


def _ok(result: Any) -> None:
    assert not exception_messages(result)


def test_no_case_raised(run: dict[str, Any]) -> None:
    cases = [name for name in run if not name.startswith("_")]
    assert len(cases) == 15
    for name in cases:
        assert not exception_messages(run[name]), name


def test_the_engine_runs_once_for_every_expectation_of_the_shared_match(
    run: dict[str, Any],
) -> None:
    for name in SHARED_MATCH_CASES:
        _ok(run[name])
    assert len(SHARED_MATCH_CASES) >= 5
    assert run["_engine_calls"] == 1


def test_duplicate_rate_matches_the_truth(run: dict[str, Any], truth: Truth) -> None:
    passing, failing = run["rate_pass"], run["rate_fail"]
    assert passing.success is True
    assert passing.result["observed_value"] == pytest.approx(truth.rate, abs=0.02)
    details = passing.result["details"]
    assert details["rows"] == truth.rows
    assert details["groups_with_duplicates"] == pytest.approx(truth.groups, rel=0.02)
    largest = details["largest_groups"]
    assert len(largest) == 20  # checkpoint result_format SUMMARY: partial_unexpected_count
    assert largest[0]["size"] == details["largest_group"]
    assert len(largest[0]["records"]) == largest[0]["size"]
    assert 0.0 <= largest[0]["confidence"] <= 1.0
    assert failing.success is False
    assert failing.result["observed_value"] == passing.result["observed_value"]


def test_groups_do_not_cross_true_entities_but_do_cross_record_kinds(
    run: dict[str, Any], febrl3_checked: pd.DataFrame, truth: Truth
) -> None:
    passing, failing = run["cross_pass"], run["cross_fail"]
    assert passing.success is True
    assert passing.result["observed_value"] <= 0.01 * truth.groups
    assert failing.success is False
    expected = true_groups_differing(febrl3_checked, KIND)  # groups with an org and a dup
    assert failing.result["observed_value"] == pytest.approx(expected, rel=0.03)
    crossing = failing.result["details"]["crossing"][0]
    assert set(crossing["labels"]) == {"org", "dup"}


def test_group_sizes_are_bounded_by_the_largest_true_entity(
    run: dict[str, Any], truth: Truth
) -> None:
    passing, failing = run["sizes_pass"], run["sizes_fail"]
    assert passing.success is True
    assert passing.result["observed_value"] <= truth.largest
    assert failing.success is False
    details = failing.result["details"]
    assert details["offending_groups"] == pytest.approx(truth.groups_of_largest, rel=0.05)
    assert all(group["size"] == truth.largest for group in details["offending"])


def test_consistency_within_groups(
    run: dict[str, Any], febrl3_checked: pd.DataFrame, truth: Truth
) -> None:
    assert run["consistent_pass"].success is True
    assert run["consistent_pass"].result["observed_value"] <= 0.01 * truth.groups
    failing = run["consistent_fail"]
    assert failing.success is False
    expected = true_groups_differing(febrl3_checked, "given_name")  # typos in given names
    assert failing.result["observed_value"] == pytest.approx(expected, rel=0.05)
    assert len(failing.result["details"]["inconsistent"][0]["values"]) > 1
    assert run["consistent_mostly"].success is True


def test_quality_estimate_is_the_engines(
    run: dict[str, Any], febrl3_checked: pd.DataFrame, febrl3: pd.DataFrame
) -> None:
    passing = run["quality_pass"]
    assert passing.success is True
    labels = labels_from_truth(
        febrl3, febrl3_checked[TRUTH], PRIMARY_KEY, sort_by=("given_name", "surname")
    )
    expected = FindMatches(primary_key=PRIMARY_KEY).evaluate(febrl3, labels)
    assert passing.result["observed_value"] == pytest.approx(expected.f1)
    details = passing.result["details"]
    assert details["confusion_matrix"] == expected.confusion_matrix
    assert set(details["column_importances"]) == set(expected.column_importances)
    assert TRUTH not in details["column_importances"]
    failing = run["quality_fail"]
    assert failing.success is False
    assert failing.result["observed_value"] < 0.9
    assert run["quality_file"].success is True


def test_group_quality_gates_on_the_final_groups(
    run: dict[str, Any], febrl3_checked: pd.DataFrame, febrl3: pd.DataFrame
) -> None:
    """``group_f1`` is the engine's end-to-end estimate of the final groups, with its interval;
    labels too few to support one fail the check and say why, instead of passing."""
    passing = run["quality_groups"]
    assert passing.success is True
    labels = labels_from_truth(
        febrl3, febrl3_checked[TRUTH], PRIMARY_KEY, sort_by=("given_name", "surname")
    )
    expected = FindMatches(primary_key=PRIMARY_KEY).evaluate(febrl3, labels).end_to_end
    assert passing.result["observed_value"] == pytest.approx(expected.f1)
    details = passing.result["details"]
    assert details["group_f1_low"] <= details["group_f1"] <= details["group_f1_high"]
    assert details["end_to_end"]["status"] == "ok"
    too_few = run["quality_too_few"]
    assert too_few.success is False
    assert too_few.result["observed_value"] is None
    status = too_few.result["details"]["group_estimate_status"]
    assert status.startswith("too few labels to estimate: 1 matching"), status


def test_reference_matches_are_the_rows_of_referenced_entities(
    run: dict[str, Any], febrl3_checked: pd.DataFrame
) -> None:
    failing = run["reference_fail"]
    _ok(failing)
    assert failing.success is False
    _, entities = _reference(febrl3_checked)
    expected = int(febrl3_checked[TRUTH].isin(entities).sum())
    assert failing.result["observed_value"] == pytest.approx(expected, rel=0.03)
    match = failing.result["details"]["matches"][0]
    assert match["reference_keys"] and match["reference_keys"][0].startswith("ref-")


def test_data_docs_show_sentences_and_detail_tables(
    run: dict[str, Any], project: tuple[Any, Path]
) -> None:
    _, root = project
    pages = list((root / "gx" / "uncommitted" / "data_docs" / "local_site").rglob("*.html"))
    validation_pages = [p for p in pages if "validations" in p.parts]
    assert validation_pages, pages
    html = validation_pages[0].read_text(encoding="utf-8")
    assert "The share of rows with a fuzzy duplicate must be between" in html
    assert "No fuzzy match group may hold records with different values of" in html
    for title in ("Largest match groups", "Confusion matrix", "Column importances"):
        assert title in html
    assert "<table" in html
    assert "Rendering failed" not in html
    assert "match_id" in html and "rec-" in html  # group records are in the page
