"""Spark runs shared by the Spark backend tests: each run happens once per session.

A Spark run costs seconds of local-mode job overhead even on small tables, so the tests that
only read a run's output share these fixtures, collected to pandas once: FEBRL3 with the
unsupervised model (from its model file), and a 1,500-record FEBRL3 slice with a supervised
model whose labels are enforced.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from gx_findmatches import FindMatches, MatchResult
from gx_findmatches.datasets.febrl import PRIMARY_KEY, labels_from_truth, true_entities

SMALL_ROWS = 1500


@dataclass(frozen=True)
class Agreement:
    """One table matched by both engines with the same model, Spark output collected."""

    data: pd.DataFrame  # the input table
    pandas: MatchResult
    frame: pd.DataFrame  # Spark output, in the pandas output's row order
    pairs: pd.DataFrame  # Spark's scored candidate pairs
    candidate_pairs: int
    transform: FindMatches


def collect(result: Any, pandas_result: MatchResult, key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A Spark result's frame (in the pandas result's row order) and pairs, as pandas."""
    frame = result.frame.toPandas()
    order = pd.Index(frame[key]).get_indexer(pandas_result.frame[key])
    assert (order >= 0).all(), "Spark output lost records"
    return frame.iloc[order].reset_index(drop=True), result.pairs.toPandas()


@pytest.fixture(scope="session")
def febrl3_spark(spark: Any, febrl3: pd.DataFrame) -> Any:
    frame = spark.createDataFrame(febrl3).cache()
    frame.count()
    return frame


@pytest.fixture(scope="session")
def unsupervised_model_file(
    febrl3_unsupervised: FindMatches, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The unsupervised FEBRL3 model, saved by the pandas engine."""
    return febrl3_unsupervised.save(tmp_path_factory.mktemp("spark-model") / "model.json")


@pytest.fixture(scope="session")
def unsupervised_agreement(
    unsupervised_model_file: Path,
    febrl3_spark: Any,
    febrl3_unsupervised_result: MatchResult,
    febrl3_unsupervised: FindMatches,
    febrl3: pd.DataFrame,
) -> Agreement:
    """FEBRL3 on Spark with the model *file* the pandas engine wrote."""
    from gx_findmatches.spark import SparkFindMatches

    spark_fm = SparkFindMatches(unsupervised_model_file)
    result = spark_fm.match(febrl3_spark)
    frame, pairs = collect(result, febrl3_unsupervised_result, febrl3_unsupervised.primary_key)
    return Agreement(
        febrl3, febrl3_unsupervised_result, frame, pairs, result.candidate_pairs, spark_fm.transform
    )


@pytest.fixture(scope="session")
def small(febrl3: pd.DataFrame) -> pd.DataFrame:
    """1,500 FEBRL3 records, some with no state (a partition value of its own)."""
    frame = febrl3.iloc[:SMALL_ROWS].copy()
    assert frame["state"].isna().any()
    return frame


@pytest.fixture(scope="session")
def small_spark(spark: Any, small: pd.DataFrame) -> Any:
    frame = spark.createDataFrame(small).cache()
    frame.count()
    return frame


@pytest.fixture(scope="session")
def supervised_agreement(small: pd.DataFrame, small_spark: Any) -> Agreement:
    """The FEBRL3 slice with a supervised model, labels enforced (must-link / cannot-link)."""
    from gx_findmatches.spark import SparkFindMatches

    labels = labels_from_truth(small, true_entities(small), PRIMARY_KEY, max_records=100)
    transform = FindMatches(primary_key=PRIMARY_KEY, enforce_provided_labels=True)
    transform.fit(small, labels)
    expected = transform.match(small)
    result = SparkFindMatches(transform).match(small_spark)
    frame, pairs = collect(result, expected, transform.primary_key)
    return Agreement(small, expected, frame, pairs, result.candidate_pairs, transform)
