"""GX reads a CSV with type inference, the CLI as text: both see the same duplicates.

Measured before: on a public person table with birth year, month and day as numbers, the
duplicate-rate expectation observed 0.90 in GX and 0.71 on the command line.
"""

from __future__ import annotations

from pathlib import Path

import great_expectations as gx
import gx_findmatches.gx  # noqa: F401  (registers the plugin)
import numpy as np
import pandas as pd
import pytest
from gx_findmatches import FindMatches, read_table

from benchmarks.synthetic import make_person_table

pytestmark = pytest.mark.slow

KEY = "person_id"


def test_gx_csv_asset_and_text_reader_give_the_same_duplicate_rate(tmp_path: Path) -> None:
    frame = make_person_table(1_500, duplicate_share=0.2, seed=6).drop(columns="entity_id")
    dates = pd.to_datetime(frame.pop("date_of_birth"), format="%Y%m%d", errors="coerce")
    frame["birth_year"] = dates.dt.year.astype("Int64")
    frame["birth_month"] = dates.dt.month.astype("Int64")
    frame["birth_day"] = dates.dt.day.astype("Int64")
    frame.loc[np.random.default_rng(1).random(len(frame)) < 0.1, "birth_year"] = pd.NA
    path = tmp_path / "people.csv"
    frame.to_csv(path, index=False)

    text = read_table(path)
    matched = FindMatches(primary_key=KEY).fit_transform(text)
    sizes = matched.groupby("match_id")["match_id"].transform("size")
    cli_rate = float((sizes > 1).mean())

    context = gx.get_context(mode="ephemeral")
    asset = context.data_sources.add_pandas("files").add_csv_asset(
        "people", filepath_or_buffer=path
    )
    batch = asset.add_batch_definition("whole").get_batch()
    assert batch.data.dataframe["birth_year"].dtype == "float64"  # GX inferred numbers
    result = batch.validate(
        gx.expectations.ExpectTableFuzzyDuplicateRateToBeBetween(primary_key=KEY, max_value=1.0)
    )
    assert result.success
    assert result.result["observed_value"] == pytest.approx(cli_rate, abs=1e-12)
    assert 0.1 < cli_rate < 0.5  # the table has duplicates to find
