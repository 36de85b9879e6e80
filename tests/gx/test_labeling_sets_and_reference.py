"""Expectations with their own batches: a Glue label table, a batch of new records checked
against a reference, and result formats on a small batch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import great_expectations as gx
import pandas as pd
import pytest
from gx_findmatches import write_table
from gx_helpers import KIND, PRIMARY_KEY, TRUTH, exception_messages, new_project

COMMON = {"primary_key": PRIMARY_KEY, "exclude_columns": [TRUTH, KIND]}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    root = tmp_path_factory.mktemp("gx_own_batches")
    return new_project(root), root


@pytest.fixture(scope="module")
def frames(project: tuple[Any, Path]) -> Any:
    """A batch definition for any DataFrame: ``frames(df)`` is a GX batch of it."""
    context, _ = project
    definition = (
        context.data_sources.add_pandas("frames")
        .add_dataframe_asset("frame")
        .add_batch_definition_whole_dataframe("whole")
    )

    def batch(frame: pd.DataFrame) -> Any:
        return definition.get_batch(batch_parameters={"dataframe": frame})

    return batch


# ----------------------------------------------------------------------------- label tables
def _validate_labels(frames: Any, labels: pd.DataFrame, **kwargs: Any) -> Any:
    expectation = gx.expectations.ExpectLabelingSetsToBeValid(primary_key=PRIMARY_KEY, **kwargs)
    result = frames(labels).validate(expectation)
    assert not exception_messages(result)
    return result


def test_a_label_table_drawn_from_the_truth_is_valid(
    frames: Any, febrl3_labels: pd.DataFrame, febrl3: pd.DataFrame, project: tuple[Any, Path]
) -> None:
    _, root = project
    data_path = str(write_table(febrl3, root / "febrl3.parquet"))
    result = _validate_labels(frames, febrl3_labels, data_path=data_path)
    assert result.success is True
    assert result.result["observed_value"] == febrl3_labels["labeling_set_id"].nunique()
    details = result.result["details"]
    assert details["problems"] == []
    assert details["matching_pairs"] > 0 and details["pairs"] > details["matching_pairs"]


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ("single_record_set", "single record"),
        ("two_labels_for_one_record", "different labels"),
        ("unknown_key", "not in the data"),
        ("oversized_sets", "more than 5 records"),
        ("missing_label_column", "lacks column"),
    ],
)
def test_broken_label_tables_fail_with_the_problem_named(
    frames: Any,
    febrl3_labels: pd.DataFrame,
    febrl3: pd.DataFrame,
    project: tuple[Any, Path],
    breakage: str,
    message: str,
) -> None:
    _, root = project
    labels = febrl3_labels.copy()
    kwargs: dict[str, Any] = {}
    if breakage == "single_record_set":
        labels.loc[0, "labeling_set_id"] = "lonely-set"
    elif breakage == "two_labels_for_one_record":
        labels = pd.concat([labels, labels.iloc[[0]].assign(label="ZZ")], ignore_index=True)
    elif breakage == "unknown_key":
        labels.loc[0, PRIMARY_KEY] = "rec-no-such-record"
        kwargs["data_path"] = str(write_table(febrl3, root / "febrl3_for_keys.csv"))
    elif breakage == "oversized_sets":
        kwargs["max_set_size"] = 5
    else:
        labels = labels.drop(columns="label")
    result = _validate_labels(frames, labels, **kwargs)
    assert result.success is False
    problems = result.result["details"]["problems"]
    assert any(message in problem for problem in problems), problems


# ----------------------------------------------------------------------------- reference
def test_new_entities_do_not_match_a_reference_of_other_entities(
    frames: Any, febrl3_checked: pd.DataFrame, project: tuple[Any, Path]
) -> None:
    _, root = project
    entities = sorted(febrl3_checked[TRUTH].unique())
    on_file, new = set(entities[: len(entities) // 2]), set(entities[len(entities) // 2 :])
    reference = febrl3_checked[febrl3_checked[TRUTH].isin(on_file)].drop(columns=[TRUTH, KIND])
    reference_path = str(write_table(reference, root / "reference.parquet"))
    batch = febrl3_checked[febrl3_checked[TRUTH].isin(new)]
    expectation = gx.expectations.ExpectTableRowsToHaveNoMatchesInReference(
        **COMMON, reference_path=reference_path, mostly=0.99
    )
    result = frames(batch).validate(expectation)
    assert not exception_messages(result)
    assert result.success is True
    assert result.result["observed_value"] <= 0.01 * len(batch)
    assert result.result["details"]["reference_rows"] == len(reference)


# ----------------------------------------------------------------------------- result formats
@pytest.fixture(scope="module")
def small_batch(frames: Any, febrl3_checked: pd.DataFrame) -> Any:
    return frames(febrl3_checked.head(1500))


@pytest.mark.parametrize("result_format", ["BOOLEAN_ONLY", "BASIC", "COMPLETE"])
def test_result_format_is_honoured(small_batch: Any, result_format: str) -> None:
    expectation = gx.expectations.ExpectTableFuzzyDuplicateRateToBeBetween(**COMMON, min_value=0.0)
    result = small_batch.validate(expectation, result_format=result_format)
    assert result.success is True
    if result_format == "BOOLEAN_ONLY":
        assert result.result == {}
        return
    details = result.result["details"]
    listed = len(details["largest_groups"])
    if result_format == "BASIC":
        assert listed == min(20, details["groups_with_duplicates"])
    else:
        assert listed == details["groups_with_duplicates"] > 20


def test_a_misnamed_excluded_column_fails_the_check_with_the_fix(small_batch: Any) -> None:
    expectation = gx.expectations.ExpectTableFuzzyDuplicateRateToBeBetween(
        primary_key=PRIMARY_KEY, exclude_columns=["entity_id"], max_value=0.5
    )
    result = small_batch.validate(expectation)
    assert result.success is False
    assert any("exclude_columns names ['entity_id']" in m for m in exception_messages(result))
