"""The Spark backend on smaller tables: partitions, fitting on the driver, and bad input.

Every bad input raises the package's own error, with the message the pandas engine gives for
the same problem, before any expensive Spark work starts.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from gx_findmatches import (
    CandidatePairLimitError,
    ColumnError,
    EmptyTableError,
    FindMatches,
    InputError,
    ModelFileError,
    NotFittedError,
    PrimaryKeyError,
)
from gx_findmatches.datasets.febrl import PRIMARY_KEY, labels_from_truth, true_entities
from gx_findmatches.engine.persistence import matcher_to_dict

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def small_model(small: pd.DataFrame) -> FindMatches:
    return FindMatches(primary_key=PRIMARY_KEY).fit(small)


def spark_matcher(transform: FindMatches | str | Path) -> Any:
    from gx_findmatches.spark import SparkFindMatches

    return SparkFindMatches(transform)


# ------------------------------------------------------------------------------ partitions
@pytest.mark.slow
def test_partition_column_is_respected_and_groups_agree(
    small: pd.DataFrame, small_spark: Any
) -> None:
    unpartitioned = FindMatches(primary_key=PRIMARY_KEY).fit(small).match(small).frame
    crossing = unpartitioned.groupby("match_id")["state"].nunique(dropna=False) > 1
    assert crossing.any(), "without partition_by some groups span states (else no test)"

    transform = FindMatches(primary_key=PRIMARY_KEY, partition_by="state").fit(small)
    expected = transform.match(small).frame
    result = spark_matcher(transform).match(small_spark)
    frame = result.frame.toPandas().set_index(PRIMARY_KEY).loc[expected[PRIMARY_KEY]]
    assert len(frame) == len(small)
    assert (frame.groupby("match_id")["state"].nunique(dropna=False) == 1).all()
    assert (frame["match_id"].to_numpy() == expected["match_id"].to_numpy()).all()
    np.testing.assert_allclose(
        frame["match_confidence_score"].to_numpy(),
        expected["match_confidence_score"].to_numpy(),
        atol=1e-12,
    )
    pairs = result.pairs.toPandas()
    state = small.set_index(PRIMARY_KEY)["state"]
    left, right = state.loc[pairs["left_key"]].to_numpy(), state.loc[pairs["right_key"]].to_numpy()
    assert ((left == right) | (pd.isna(left) & pd.isna(right))).all()


# ------------------------------------------------------------------------------ fitting
def test_fit_on_a_small_table_uses_every_row_as_the_pandas_engine_does(
    small: pd.DataFrame, small_spark: Any, small_model: FindMatches
) -> None:
    from gx_findmatches.spark import SparkFindMatches

    fitted = SparkFindMatches.fit(small_spark, FindMatches(primary_key=PRIMARY_KEY))
    assert matcher_to_dict(fitted.transform.matcher) == matcher_to_dict(small_model.matcher)


def test_fit_on_a_sample_keeps_the_labelled_records(small: pd.DataFrame, small_spark: Any) -> None:
    from gx_findmatches.spark import SparkFindMatches

    labels = labels_from_truth(small, true_entities(small), PRIMARY_KEY, max_records=60)
    fitted = SparkFindMatches.fit(
        small_spark, FindMatches(primary_key=PRIMARY_KEY), labels, max_rows=300
    )
    assert fitted.transform.model_kind_ == "supervised"
    labelled = set(fitted.transform.labels_["left_key"]) | set(
        fitted.transform.labels_["right_key"]
    )
    assert labelled == set(labels[PRIMARY_KEY])


# ------------------------------------------------------------------------------ bad input
def test_a_missing_primary_key_column_is_named(small_spark: Any, small_model: FindMatches) -> None:
    with pytest.raises(PrimaryKeyError, match="'rec_id' is not in the table"):
        spark_matcher(small_model).match(small_spark.drop(PRIMARY_KEY))


def test_duplicate_primary_keys_are_reported(small_spark: Any, small_model: FindMatches) -> None:
    doubled = small_spark.unionByName(small_spark.limit(2))
    with pytest.raises(PrimaryKeyError, match="2 duplicated value"):
        spark_matcher(small_model).match(doubled)


def test_null_primary_keys_are_reported(
    spark: Any, small: pd.DataFrame, small_model: FindMatches
) -> None:
    frame = small.iloc[:50].copy()
    frame.loc[frame.index[:3], PRIMARY_KEY] = None
    with pytest.raises(PrimaryKeyError, match="null in 3 row"):
        spark_matcher(small_model).match(spark.createDataFrame(frame))


def test_a_compared_column_missing_from_the_table_is_named(
    small_spark: Any, small_model: FindMatches
) -> None:
    with pytest.raises(ColumnError, match=r"compares column\(s\) \['surname'\]"):
        spark_matcher(small_model).match(small_spark.drop("surname"))


def test_a_missing_partition_column_is_named(small_spark: Any, small_model: FindMatches) -> None:
    transform = copy.deepcopy(small_model).set_params(partition_by="region")
    with pytest.raises(ColumnError, match="partition column 'region'"):
        spark_matcher(transform).match(small_spark)


def test_output_columns_already_present_are_refused(
    small_spark: Any, small_model: FindMatches
) -> None:
    from pyspark.sql import functions as F

    with pytest.raises(InputError, match="already has output column"):
        spark_matcher(small_model).match(small_spark.withColumn("match_id", F.lit("x")))


def test_an_empty_table_is_refused(small_spark: Any, small_model: FindMatches) -> None:
    with pytest.raises(EmptyTableError, match="no rows"):
        spark_matcher(small_model).match(small_spark.limit(0))


@pytest.mark.slow
def test_a_one_record_table_is_its_own_group(
    spark: Any, small: pd.DataFrame, small_model: FindMatches
) -> None:
    result = spark_matcher(small_model).match(spark.createDataFrame(small.iloc[:1]))
    frame = result.frame.toPandas()
    assert result.candidate_pairs == 0
    assert frame[[PRIMARY_KEY, "match_id", "match_confidence_score"]].values.tolist() == [
        [small[PRIMARY_KEY].iloc[0], small[PRIMARY_KEY].iloc[0], 1.0]
    ]


def test_a_pandas_frame_is_pointed_to_the_pandas_engine(
    small: pd.DataFrame, small_model: FindMatches
) -> None:
    with pytest.raises(InputError, match=r"FindMatches\.match"):
        spark_matcher(small_model).match(small)


def test_an_unfitted_transform_or_missing_model_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotFittedError):
        spark_matcher(FindMatches(primary_key=PRIMARY_KEY))
    with pytest.raises(ModelFileError, match="no transform file"):
        spark_matcher(tmp_path / "absent.json")


def test_the_candidate_pair_cap_applies(small_spark: Any, small_model: FindMatches) -> None:
    transform = copy.deepcopy(small_model).set_params(max_candidate_pairs=500)
    with pytest.raises(CandidatePairLimitError, match="more than 500 candidate pairs"):
        spark_matcher(transform).match(small_spark)


# ------------------------------------------------------------------------------ optional extra
def test_the_package_imports_without_pyspark_and_names_the_extra_when_used() -> None:
    code = (
        "import sys; sys.modules['pyspark'] = None\n"
        "import gx_findmatches, gx_findmatches.spark\n"
        "try:\n"
        "    from gx_findmatches.spark import SparkFindMatches\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert 'pip install "gx-findmatches[spark]"' in result.stdout


# ------------------------------------------------------------------------------ typed columns
@pytest.mark.slow
def test_integer_keys_numbers_dates_and_awkward_names_give_the_pandas_engines_groups(
    spark: Any, small: pd.DataFrame
) -> None:
    """Integer keys (numeric order, not text order), whole numbers with gaps (floats), a number
    column with fractions and real dates survive the trip through Spark and Arrow: positions,
    number keys, digit forms and date forms match. Column
    names with a dot or a space are names, not nested-field paths."""
    rng = np.random.default_rng(0)
    key = "record id"
    typed = pd.DataFrame(
        {
            key: rng.permutation(len(small)) * 7 + 3,  # key order differs from row order
            "given_name": small["given_name"].to_numpy(),
            "sur.name": small["surname"].to_numpy(),
            "postcode": pd.to_numeric(small["postcode"], errors="coerce").to_numpy(),
            "score": pd.to_numeric(small["postcode"], errors="coerce").to_numpy() / 7.0,
            "born": pd.to_datetime(small["date_of_birth"], format="%Y%m%d", errors="coerce"),
        }
    )
    # Spark does not collapse identical records yet (docs/spark.md): compare on distinct rows
    typed = typed.drop_duplicates(subset=[c for c in typed.columns if c != key])
    transform = FindMatches(primary_key=key).fit(typed)
    # whole numbers read as their digits, as a text reader gives them; fractions stay numbers
    assert transform.column_plan_.kinds()["postcode"] == "code"
    assert transform.column_plan_.kinds()["score"] == "number"
    assert transform.column_plan_.kinds()["born"] == "date"
    expected = transform.match(typed).frame.set_index(key)
    frame = spark_matcher(transform).match(spark.createDataFrame(typed)).frame.toPandas()
    assert list(frame.columns) == [*typed.columns, "match_id", "match_confidence_score"]
    frame = frame.set_index(key).loc[expected.index]
    assert (frame["match_id"].to_numpy() == expected["match_id"].to_numpy()).all()
    assert (expected["match_id"] != expected.index).any()
