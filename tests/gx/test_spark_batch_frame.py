"""Collecting a Spark batch to pandas: the Arrow path gives what ``toPandas`` gives.

The session fixture enables ``spark.sql.execution.arrow.pyspark.enabled``, so the metrics use
``toPandas`` there; with the setting off (Spark's default) they call ``toArrow`` and convert
themselves. Both must give the same frame, dates and time zones included.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import great_expectations as gx
import pandas as pd
import pytest
from gx_findmatches.datasets.febrl import PRIMARY_KEY
from gx_findmatches.gx.batch_frame import ARROW_ENABLED, spark_to_pandas

pytestmark = pytest.mark.spark

TIME_ZONE = "spark.sql.session.timeZone"


@contextmanager
def _conf(spark: Any, **settings: str) -> Iterator[None]:
    """Session settings for the block only (the session is shared by every test)."""
    saved = {key: spark.conf.get(key) for key in settings}
    try:
        for key, value in settings.items():
            spark.conf.set(key, value)
        yield
    finally:
        for key, value in saved.items():
            spark.conf.set(key, value)


def _typed_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "key": ["a", "b", "c"],
            "name": ["anna", None, "bob"],
            "count": [1, 2, 3],
            "score": [0.5, float("nan"), 2.0],
            "born": [datetime.date(1980, 1, 2), None, datetime.date(1999, 12, 31)],
            "seen": pd.to_datetime(["2020-01-01 10:00", None, "2021-06-30 23:30"]),
        }
    )


def test_the_arrow_path_equals_to_pandas_in_another_time_zone(spark: Any) -> None:
    with _conf(spark, **{TIME_ZONE: "Australia/Sydney", ARROW_ENABLED: "true"}):
        data = spark.createDataFrame(_typed_frame())
        by_to_pandas = spark_to_pandas(data)
        with _conf(spark, **{ARROW_ENABLED: "false"}):
            by_to_arrow = spark_to_pandas(data)
    pd.testing.assert_frame_equal(by_to_arrow, by_to_pandas)
    pd.testing.assert_frame_equal(by_to_arrow, _typed_frame())  # the round trip is lossless
    assert isinstance(by_to_arrow["born"].iloc[0], datetime.date)
    assert by_to_arrow["name"].iloc[1] is None


def test_an_expectation_gives_the_same_result_with_arrow_off(
    spark: Any, febrl3: pd.DataFrame
) -> None:
    people = febrl3.head(300)
    definition = (
        gx.get_context(mode="ephemeral")
        .data_sources.add_spark("people")
        .add_dataframe_asset("people")
        .add_batch_definition_whole_dataframe("all")
    )
    check = gx.expectations.ExpectMatchGroupSizesToBeBetween(primary_key=PRIMARY_KEY, max_value=6)
    with _conf(spark, **{ARROW_ENABLED: "true"}):  # keeps missing values null, see the guide
        frame = spark.createDataFrame(people)
    results = []
    for arrow in ("true", "false"):
        with _conf(spark, **{ARROW_ENABLED: arrow}):
            batch = definition.get_batch(batch_parameters={"dataframe": frame})
            results.append(batch.validate(check))
    on, off = results
    assert not on.exception_info["raised_exception"]
    assert on.success is True and 2 <= on.result["observed_value"] <= 6
    assert off.success == on.success
    assert off.result == on.result
