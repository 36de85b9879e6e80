"""Expectations can name a trained transform in the store instead of matching parameters."""

from __future__ import annotations

from pathlib import Path

import great_expectations as gx
import pandas as pd
from gx_findmatches.datasets.febrl import labels_from_truth, true_entities
from gx_findmatches.io import write_table
from gx_findmatches.sources import DataSource
from gx_findmatches.store import Store
from gx_findmatches.workflow import Workflow
from gx_helpers import PRIMARY_KEY, counting_engine_runs


def test_a_stored_transform_matches_the_batch_without_refitting(
    tmp_path: Path, febrl3: pd.DataFrame
) -> None:
    store_url = f"sqlite:///{tmp_path / 'fm.db'}"
    data = write_table(febrl3, tmp_path / "people.csv")
    with Store(store_url) as store:
        flow = Workflow(store)
        flow.create_transform("people", DataSource(str(data)), PRIMARY_KEY)
        flow.train("people")
        expected = flow.match("people").summary
    context = gx.get_context(mode="ephemeral")
    batch = (
        context.data_sources.add_pandas("people")
        .add_dataframe_asset("people")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": febrl3})
    )
    with counting_engine_runs() as runs:
        result = batch.validate(
            gx.expectations.ExpectTableFuzzyDuplicateRateToBeBetween(
                primary_key=PRIMARY_KEY, transform_name="people", store_url=store_url, max_value=1.0
            )
        )
    assert runs.count == 1
    assert result.success is True
    rate = expected.records_in_duplicate_groups / expected.rows
    assert result.result["observed_value"] == rate


def test_quality_can_be_estimated_from_a_stored_transforms_labels(
    tmp_path: Path, febrl3: pd.DataFrame
) -> None:
    store_url = f"sqlite:///{tmp_path / 'fm.db'}"
    data = write_table(febrl3, tmp_path / "people.csv")
    labels = labels_from_truth(febrl3, true_entities(febrl3), PRIMARY_KEY, max_records=200)
    with Store(store_url) as store:
        flow = Workflow(store)
        flow.create_transform("people", DataSource(str(data)), PRIMARY_KEY)
        flow.import_labels("people", labels)
        expected = flow.evaluate("people")
    context = gx.get_context(mode="ephemeral")
    batch = (
        context.data_sources.add_pandas("people")
        .add_dataframe_asset("people")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": febrl3})
    )
    result = batch.validate(
        gx.expectations.ExpectMatchQualityMetricToBeBetween(
            primary_key=PRIMARY_KEY,
            transform_name="people",
            store_url=store_url,
            metric="area_under_pr_curve",
            min_value=0.9,
        )
    )
    assert result.success is True
    assert result.result["observed_value"] == expected.area_under_pr_curve
