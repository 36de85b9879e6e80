"""Records identical on every compared column: the Spark backend collapses them as the pandas
engine does, so both give the same pairs, groups and confidences.

Measured before: 300 rows with 58 copies gave 44,850 candidate pairs in Spark against 29,161
in pandas, and different groups (the parity tests' FEBRL3 has no copies, so they missed it).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from gx_findmatches import FindMatches
from spark_parity import assert_same_as_pandas

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _people_with_copies() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "id": [f"r{i:03d}" for i in range(300)],
            "given": rng.choice(["anna", "bert", "carl", "dora", "emil"], 300),
            "surname": rng.choice([f"smith{i}" for i in range(60)], 300),
            "city": rng.choice(["york", "leeds"], 300),
        }
    )


def test_copies_give_the_pandas_engines_pairs_groups_and_confidences(spark: Any) -> None:
    from gx_findmatches.spark import SparkFindMatches

    frame = _people_with_copies()
    assert frame.duplicated(["given", "surname", "city"]).sum() > 50
    fm = FindMatches(primary_key="id").fit(frame)
    assert_same_as_pandas(
        SparkFindMatches(fm).match(spark.createDataFrame(frame)), fm.match(frame), "id"
    )


def test_labels_keeping_two_copies_apart_keep_every_record_in_both(spark: Any) -> None:
    from gx_findmatches.spark import SparkFindMatches

    frame = _people_with_copies()
    copies = frame[frame.duplicated(["given", "surname", "city"], keep=False)]
    one_set = copies[["given", "surname", "city"]].iloc[0]
    first = copies[(copies[["given", "surname", "city"]] == one_set).all(axis=1)].head(2)
    assert len(first) == 2  # two identical records, labelled as different people
    labels = first.assign(labeling_set_id="s1", label=["A", "B"])
    fm = FindMatches(primary_key="id", enforce_provided_labels=True).fit(frame, labels)
    expected = fm.match(frame)
    assert expected.frame.set_index("id").loc[first["id"], "match_id"].nunique() == 2
    assert_same_as_pandas(SparkFindMatches(fm).match(spark.createDataFrame(frame)), expected, "id")


def _people_some_known_only_by_city() -> pd.DataFrame:
    """400 people, 50 of whom hold only a city: copies on what they hold, not one person."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "id": [f"p{i:03d}" for i in range(400)],
            "name": [
                f"{a} {b}"
                for a, b in zip(
                    rng.choice(["ann", "bob", "cy", "di", "ed", "flo"], 400),
                    rng.choice(["smith", "jones", "brown", "li", "khan", "roy", "kim"], 400),
                    strict=True,
                )
            ],
            "city": rng.choice(["leeds", "york", "bath", "hull"], 400),
            "phone": [f"0{rng.integers(10**8, 10**9)}" for _ in range(400)],
        }
    )
    frame.loc[:49, ["name", "phone"]] = None
    return frame


def test_copies_with_gaps_stay_apart_as_in_pandas(spark: Any) -> None:
    """Records that agree only on a common city are not folded into one group at full
    confidence, in Spark as in pandas."""
    from gx_findmatches.spark import SparkFindMatches

    frame = _people_some_known_only_by_city()
    fm = FindMatches(primary_key="id").fit(frame)
    expected = fm.match(frame)
    sparse = expected.frame.set_index("id").loc[frame["id"].head(50)]
    assert sparse["match_id"].value_counts().max() == 1
    assert_same_as_pandas(SparkFindMatches(fm).match(spark.createDataFrame(frame)), expected, "id")
