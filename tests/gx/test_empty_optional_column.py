"""A batch whose optional column happens to be empty is still matched, and says so (issue 10,
item 15, GX part).

Measured before: every matching expectation ran, but no result said that the empty column had
been set aside, so a suite silently matched on fewer columns than it was written for; with a
stored transform the empty column was compared as missing on every record without a word.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import great_expectations as gx
import pandas as pd
import pytest
from gx_findmatches.datasets.febrl import labels_from_truth
from gx_findmatches.io import write_table
from gx_findmatches.sources import DataSource
from gx_findmatches.store import Store
from gx_findmatches.workflow import Workflow
from gx_helpers import PRIMARY_KEY, TRUTH, exception_messages

EMPTY = "email"
COMMON = {"primary_key": PRIMARY_KEY, "exclude_columns": [TRUTH]}


@pytest.fixture(scope="module")
def batch_frame(febrl3: pd.DataFrame, febrl3_truth: pd.Series) -> pd.DataFrame:
    """400 FEBRL3 records with their true entity and an e-mail column nobody filled in."""
    frame = febrl3.assign(**{TRUTH: febrl3_truth.to_numpy()}).head(400)
    return frame.assign(**{EMPTY: None})


def _batch(frame: pd.DataFrame) -> Any:
    return (
        gx.get_context(mode="ephemeral")
        .data_sources.add_pandas("people")
        .add_dataframe_asset("people")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": frame})
    )


def test_every_matching_expectation_says_an_empty_column_was_set_aside(
    batch_frame: pd.DataFrame, tmp_path: Path
) -> None:
    people = batch_frame.drop(columns=[TRUTH, EMPTY])
    labels = labels_from_truth(people, batch_frame[TRUTH], PRIMARY_KEY, max_records=100)
    reference = batch_frame.head(50).drop(columns=[TRUTH])
    reference = reference.assign(**{PRIMARY_KEY: "ref-" + reference[PRIMARY_KEY]})
    ex = gx.expectations
    expectations = {
        "rate": ex.ExpectTableFuzzyDuplicateRateToBeBetween(**COMMON, max_value=1.0),
        "sizes": ex.ExpectMatchGroupSizesToBeBetween(**COMMON, max_value=100),
        "cross": ex.ExpectMatchGroupsToNotCrossLabelBoundaries(
            **COMMON, label_column=TRUTH, mostly=0.5
        ),
        "consistent": ex.ExpectColumnValuesToBeConsistentWithinMatchGroups(
            **COMMON, column=TRUTH, mostly=0.5
        ),
        "quality": ex.ExpectMatchQualityMetricToBeBetween(
            **COMMON,
            metric="f1",
            min_value=0.0,
            labels_path=str(write_table(labels, tmp_path / "labels.csv")),
        ),
        "reference": ex.ExpectTableRowsToHaveNoMatchesInReference(
            **COMMON,
            reference_path=str(write_table(reference, tmp_path / "reference.csv")),
            mostly=0.0,
        ),
    }
    batch = _batch(batch_frame)
    for case, expectation in expectations.items():
        result = batch.validate(expectation)
        assert not exception_messages(result), case
        assert result.success is True, case
        aside = result.result["details"]["columns_set_aside"]
        assert aside == {EMPTY: "entirely null: it holds no value to compare"}, case


def test_a_stored_transform_says_a_column_empty_in_this_batch_is_missing(
    batch_frame: pd.DataFrame, tmp_path: Path
) -> None:
    trained_on = batch_frame.drop(columns=[TRUTH]).assign(
        **{EMPTY: batch_frame[PRIMARY_KEY].str.replace("-", "") + "@example.org"}
    )
    store_url = f"sqlite:///{tmp_path / 'fm.db'}"
    with Store(store_url) as store:
        flow = Workflow(store)
        data = write_table(trained_on, tmp_path / "people.csv")
        flow.create_transform("people", DataSource(str(data)), PRIMARY_KEY)
        flow.train("people")
        compared = flow.trained("people").column_plan_.kinds()
    assert EMPTY in compared  # the trained model compares e-mails
    result = _batch(batch_frame).validate(
        gx.expectations.ExpectTableFuzzyDuplicateRateToBeBetween(
            primary_key=PRIMARY_KEY,
            exclude_columns=[TRUTH],
            transform_name="people",
            store_url=store_url,
            max_value=1.0,
        )
    )
    assert not exception_messages(result)
    aside = result.result["details"]["columns_set_aside"]
    assert aside[EMPTY] == "entirely null in this batch: missing on every record"
