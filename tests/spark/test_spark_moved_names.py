"""Names moved into the other column beside a missing one ("grundy" with no surname, against
"john grundy"): Spark scores them crossed as the pandas engine does, with the same pairs,
probabilities and groups."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from gx_findmatches import FindMatches
from gx_findmatches.datasets.febrl import PRIMARY_KEY
from spark_parity import assert_same_as_pandas

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def test_moved_names_group_in_spark_as_in_pandas(febrl3: pd.DataFrame, spark: Any) -> None:
    from gx_findmatches.spark import SparkFindMatches

    originals = febrl3[febrl3["surname"].notna()].iloc[::100]
    copies = originals.copy()
    copies["given_name"], copies["surname"] = originals["surname"], None
    copies[PRIMARY_KEY] = [f"moved-{key}" for key in originals[PRIMARY_KEY]]
    table = pd.concat([febrl3, copies], ignore_index=True)
    columns = ["given_name", "surname", "date_of_birth", "suburb"]
    fm = FindMatches(primary_key=PRIMARY_KEY, columns=columns).fit(table)
    assert fm.matcher_.column_plan.swapped == (("given_name", "surname"),)
    result = SparkFindMatches(fm).match(spark.createDataFrame(table))
    expected = fm.match(table)
    assert_same_as_pandas(result, expected, PRIMARY_KEY)
    group = expected.frame.set_index(PRIMARY_KEY)["match_id"]
    together = group[copies[PRIMARY_KEY]].to_numpy() == group[originals[PRIMARY_KEY]].to_numpy()
    assert together.mean() >= 0.95
