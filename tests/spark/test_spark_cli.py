"""Spark from the command line: ``match --engine spark`` and the shipped ``spark-submit`` job.

The Spark engine must give the groups the pandas engine gives, on the same file, through the
command line a user types (issue 11: "match --engine spark gives the same groups as the
pandas engine on FEBRL3 in CI").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from gx_findmatches import FindMatches
from gx_findmatches.cli import main
from gx_findmatches.datasets.febrl import PRIMARY_KEY
from gx_findmatches.spark import job

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _groups(frame: pd.DataFrame) -> pd.Series:
    return frame.set_index(PRIMARY_KEY)["match_id"].astype(str).sort_index()


def test_match_engine_spark_gives_the_pandas_groups_on_febrl3(
    spark: Any, febrl3: pd.DataFrame, tmp_path: Path
) -> None:
    data = tmp_path / "febrl3.csv"
    febrl3.to_csv(data, index=False)
    pandas_out, spark_out = tmp_path / "pandas.csv", tmp_path / "spark-out"
    common = ["--data", str(data), "--primary-key", PRIMARY_KEY, "--quiet"]
    assert main(["match", *common, "--out", str(pandas_out)]) == 0
    assert main(["match", *common, "--engine", "spark", "--out", str(spark_out)]) == 0
    by_pandas = _groups(pd.read_csv(pandas_out, dtype=str))
    by_spark = _groups(pd.read_parquet(spark_out))
    assert len(by_spark) == len(febrl3)  # every input row exactly once
    pd.testing.assert_series_equal(by_spark, by_pandas)
    assert by_spark.nunique() < len(febrl3)  # it did find duplicates


def test_the_job_runs_a_model_file_and_refuses_to_overwrite(
    spark: Any, small: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, out = tmp_path / "small.parquet", tmp_path / "matched"
    small.to_parquet(data, index=False)
    model = FindMatches(primary_key=PRIMARY_KEY).fit(small).save(tmp_path / "model.json")
    argv = ["--model", str(model), "--data", str(data), "--out", str(out)]
    assert job.main(argv) == 0
    assert "matched 1,500 rows on Spark" in capsys.readouterr().out
    written = pd.read_parquet(out)
    assert sorted(written[PRIMARY_KEY]) == sorted(small[PRIMARY_KEY])
    assert job.main(argv) == 2  # the output exists: an error naming the fix, not a traceback
    assert "--replace-output" in capsys.readouterr().err


def test_spark_flags_that_do_not_apply_are_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "t.csv"
    data.write_text("id,name\n1,a\n2,b\n")
    out = str(tmp_path / "m.csv")
    argv = ["match", "--data", str(data), "--primary-key", "id", "--out", out]
    assert main([*argv, "--master", "local"]) == 2
    assert "--master applies only with --engine spark" in capsys.readouterr().err
    db = f"sqlite:///{tmp_path / 'out.db'}"
    code = main(
        ["match", "--data", str(data), "--primary-key", "id", "--engine", "spark", "--out", db]
    )
    assert code == 2
    assert "Parquet folder" in capsys.readouterr().err


def test_match_time_flags_apply_to_a_model_file_on_spark(
    spark: Any, small: pd.DataFrame, tmp_path: Path
) -> None:
    """``match --model FILE --precision-recall-tradeoff X --engine spark`` ran with the file's
    own trade-off (the flag was silently ignored); the pandas engine applies it."""
    data = tmp_path / "small.parquet"
    small.to_parquet(data, index=False)
    model = FindMatches(primary_key=PRIMARY_KEY).fit(small).save(tmp_path / "model.json")
    common = ["match", "--model", str(model), "--data", str(data), "--quiet"]
    loose = ["--precision-recall-tradeoff", "0.0"]
    assert main([*common, "--out", str(tmp_path / "default.csv")]) == 0
    assert main([*common, *loose, "--out", str(tmp_path / "loose.csv")]) == 0
    assert main([*common, *loose, "--engine", "spark", "--out", str(tmp_path / "spark")]) == 0
    by_pandas = _groups(pd.read_csv(tmp_path / "loose.csv", dtype=str))
    by_spark = _groups(pd.read_parquet(tmp_path / "spark"))
    pd.testing.assert_series_equal(by_spark, by_pandas)
    default = _groups(pd.read_csv(tmp_path / "default.csv", dtype=str))
    assert not by_pandas.equals(default)  # the flag changes the groups
