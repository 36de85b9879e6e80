"""``mostly`` may be a suite parameter (``{"$PARAMETER": name}``): GX puts the number in before
our expectations compare with it, and refuses a run that does not supply it."""

from __future__ import annotations

from typing import Any

import great_expectations as gx
import gx_findmatches.gx  # noqa: F401  (registers the plugin)
import pandas as pd
import pytest
from great_expectations.exceptions import SuiteParameterError

PRIMARY_KEY = "rec_id"


@pytest.fixture(scope="module")
def batch(febrl3: pd.DataFrame, febrl3_truth: pd.Series) -> Any:
    """300 FEBRL3 records labelled with their true entity, one duplicate labelled apart."""
    people = febrl3.head(300).assign(truth=febrl3_truth.head(300).to_numpy())
    duplicated = people["truth"].duplicated(keep=False)
    people.loc[people.index[duplicated.to_numpy()][0], "truth"] = "someone else"
    context = gx.get_context(mode="ephemeral")
    asset = context.data_sources.add_pandas("people").add_dataframe_asset("people")
    definition = asset.add_batch_definition_whole_dataframe("all")
    return definition.get_batch(batch_parameters={"dataframe": people})


def _expectation() -> Any:
    return gx.expectations.ExpectMatchGroupsToNotCrossLabelBoundaries(
        primary_key=PRIMARY_KEY,
        label_column="truth",
        exclude_columns=["truth"],
        mostly={"$PARAMETER": "share"},
    )


def test_mostly_as_a_suite_parameter_takes_the_runs_value(batch: Any) -> None:
    strict = batch.validate(_expectation(), expectation_parameters={"share": 1.0})
    lenient = batch.validate(_expectation(), expectation_parameters={"share": 0.5})
    assert strict.result["observed_value"] == lenient.result["observed_value"] > 0
    assert strict.success is False and lenient.success is True


def test_mostly_without_a_value_is_refused_by_gx(batch: Any) -> None:
    with pytest.raises(SuiteParameterError, match="share"):
        batch.validate(_expectation(), expectation_parameters={})
