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
    # Four columns leave doubtful pairs for the trade-off to decide (with all ten, FEBRL's
    # pairs lie near 0 or 1 and every threshold gives the same groups).
    columns = ["given_name", "surname", "date_of_birth", "suburb"]
    fitted = FindMatches(primary_key=PRIMARY_KEY, columns=columns).fit(small)
    model = fitted.save(tmp_path / "model.json")
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
    """``match --model FILE --enforce-provided-labels --engine spark`` ran with the file's own
    setting (match-time flags were silently ignored); the pandas engine applies it. The labels
    say two records of one family do not match: only an enforced run keeps them apart, whatever
    the model thinks (a threshold flag cannot show this on FEBRL, whose pairs lie near 0 or 1)."""
    data = tmp_path / "small.parquet"
    small.to_parquet(data, index=False)
    family = small[small[PRIMARY_KEY].str.match(r"rec-10-")][PRIMARY_KEY].tolist()
    assert len(family) >= 2
    labelled = small[small[PRIMARY_KEY].isin(family[:2])].assign(labeling_set_id="s1")
    labelled.insert(1, "label", ["A", "B"])  # a non-match, against the model
    model = (
        FindMatches(primary_key=PRIMARY_KEY)
        .fit(small, labelled[["labeling_set_id", "label", *small.columns]])
        .save(tmp_path / "model.json")
    )
    common = ["match", "--model", str(model), "--data", str(data), "--quiet"]
    enforced = ["--enforce-provided-labels"]
    assert main([*common, "--out", str(tmp_path / "default.csv")]) == 0
    assert main([*common, *enforced, "--out", str(tmp_path / "enforced.csv")]) == 0
    assert main([*common, *enforced, "--engine", "spark", "--out", str(tmp_path / "spark")]) == 0
    by_pandas = _groups(pd.read_csv(tmp_path / "enforced.csv", dtype=str))
    by_spark = _groups(pd.read_parquet(tmp_path / "spark"))
    pd.testing.assert_series_equal(by_spark, by_pandas)
    assert by_spark[family[0]] != by_spark[family[1]]  # the label held on Spark
    default = _groups(pd.read_csv(tmp_path / "default.csv", dtype=str))
    assert default[family[0]] == default[family[1]]  # and only because the flag was given
