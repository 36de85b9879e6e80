"""A table with text columns and no name columns: the Spark backend's sorted-neighbourhood
pass runs over its text columns, as the pandas engine's does, with the same pairs and groups
(and the crossed key of two swapped text columns)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from gx_findmatches import FindMatches

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _mentions(seed: int = 0) -> pd.DataFrame:
    """Company mentions: one company named 150 times, 40 others a few times each."""
    rng = np.random.default_rng(seed)
    others = [f"company {c} holdings limited" for c in range(40)]
    name = np.array([*["acme widgets international"] * 150, *rng.choice(others, 250)])
    typo = rng.random(len(name)) < 0.1
    name[typo] = [n.replace("i", "y", 1) for n in name[typo]]
    # each mention lists its own classes (no two records identical: the pandas engine would
    # collapse identical records before blocking, which the Spark backend does not do)
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
    expected = fm.match(frame)
    result = SparkFindMatches(fm).match(spark.createDataFrame(frame))
    pairs = result.pairs.toPandas()
    ours = {frozenset(p) for p in zip(pairs["left_key"], pairs["right_key"], strict=True)}
    theirs = {
        frozenset(p)
        for p in zip(expected.pairs["left_key"], expected.pairs["right_key"], strict=True)
    }
    assert ours == theirs
    spark_groups = result.frame.toPandas().set_index("id")["match_id"]
    pandas_groups = expected.frame.set_index("id")["match_id"]
    both = pd.DataFrame({"spark": spark_groups, "pandas": pandas_groups.loc[spark_groups.index]})
    assert both.groupby("spark")["pandas"].nunique().max() == 1
    assert both.groupby("pandas")["spark"].nunique().max() == 1
