"""A table with text columns and no name columns: the Spark backend's sorted-neighbourhood
pass runs over its text columns, as the pandas engine's does, with the same pairs and groups
(and the crossed key of two swapped text columns); model codes read from a title."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from gx_findmatches import FindMatches
from spark_parity import assert_same_as_pandas

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _mentions(seed: int = 0) -> pd.DataFrame:
    """Company mentions: one company named 150 times, 40 others a few times each."""
    rng = np.random.default_rng(seed)
    others = [f"company {c} holdings limited" for c in range(40)]
    name = np.array([*["acme widgets international"] * 150, *rng.choice(others, 250)])
    typo = rng.random(len(name)) < 0.1
    name[typo] = [n.replace("i", "y", 1) for n in name[typo]]
    # each mention lists its own classes, so no two records are copies and every record
    # takes part in the sorted-neighbourhood pass (copies are tested on their own)
    classes = [
        " ".join([*rng.choice(["a61k", "c12n", "g06f"], 2), f"x{i}"]) for i in range(len(name))
    ]
    return pd.DataFrame(
        {"id": [f"m{i}" for i in range(len(name))], "name": name, "classes": classes}
    )


def test_text_only_tables_get_the_same_pairs_and_groups_in_spark(spark: Any) -> None:
    from gx_findmatches.spark import SparkFindMatches

    frame = _mentions()
    fm = FindMatches(primary_key="id").fit(frame)
    assert fm.blocking_plan_.neighbourhood_columns == ("name", "classes")
    result = SparkFindMatches(fm).match(spark.createDataFrame(frame))
    assert_same_as_pandas(result, fm.match(frame), "id")


def test_model_code_columns_are_read_from_their_title_in_spark(spark: Any) -> None:
    """A model-code column has no column of its own in the input: Spark reads its title, and
    keys, compares and groups as pandas does."""
    from gx_findmatches.spark import SparkFindMatches

    from benchmarks.quality.tables import load

    table = load("catalogues")
    fm = FindMatches(primary_key=table.key).fit(table.frame)
    assert "title (model code)" in fm.matcher_.feature_names
    result = SparkFindMatches(fm).match(spark.createDataFrame(table.frame))
    assert_same_as_pandas(result, fm.match(table.frame), table.key)
