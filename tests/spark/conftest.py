"""Spark runs shared by the Spark backend tests: each FEBRL3 run happens once per session.

A Spark run of 5,000 rows costs seconds of local-mode job overhead, so the tests that only
read a run's output share these fixtures, collected to pandas once.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from gx_findmatches import FindMatches, MatchResult


@dataclass(frozen=True)
class Agreement:
    """One table matched by both engines with the same model, Spark output collected."""

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
) -> Agreement:
    """FEBRL3 on Spark with the model *file* the pandas engine wrote."""
    from gx_findmatches.spark import SparkFindMatches

    spark_fm = SparkFindMatches(unsupervised_model_file)
    result = spark_fm.match(febrl3_spark)
    frame, pairs = collect(result, febrl3_unsupervised_result, febrl3_unsupervised.primary_key)
    return Agreement(
        febrl3_unsupervised_result, frame, pairs, result.candidate_pairs, spark_fm.transform
    )


@pytest.fixture(scope="session")
def supervised_agreement(
    febrl3_supervised: FindMatches, febrl3: pd.DataFrame, febrl3_spark: Any
) -> Agreement:
    """FEBRL3 with the supervised model, labels enforced (must-link / cannot-link)."""
    from gx_findmatches.spark import SparkFindMatches

    transform = copy.deepcopy(febrl3_supervised).set_params(enforce_provided_labels=True)
    expected = transform.match(febrl3)
    result = SparkFindMatches(transform).match(febrl3_spark)
    frame, pairs = collect(result, expected, transform.primary_key)
    return Agreement(expected, frame, pairs, result.candidate_pairs, transform)
