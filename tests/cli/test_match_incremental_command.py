"""``match-incremental`` with a model file (no store), and its flags: a flag that does not
apply is an error naming the fix, never ignored. (The Spark engine's runs are in
``tests/spark/test_spark_incremental.py``.)"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from gx_findmatches import FindMatches
from gx_findmatches.cli import main
from gx_findmatches.datasets.febrl import PRIMARY_KEY
from gx_findmatches.io import read_table


@pytest.fixture(scope="module")
def files(febrl3: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A model fitted on 400 FEBRL3 rows; the first 300 matched (``existing.csv``), 100 new."""
    folder = tmp_path_factory.mktemp("incremental_cli")
    rows = febrl3.iloc[:400].reset_index(drop=True)
    model = FindMatches(primary_key=PRIMARY_KEY).fit(rows)
    paths = {
        "model": model.save(folder / "model.json"),
        "existing": folder / "existing.csv",
        "new": folder / "new.csv",
    }
    model.transform(rows.iloc[:300]).to_csv(paths["existing"], index=False)
    rows.iloc[300:].to_csv(paths["new"], index=False)
    return paths


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_model_file_matches_new_records_without_a_store(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "matched.csv"
    code, printed, err = _run(
        capsys,
        "match-incremental",
        "--model",
        str(files["model"]),
        "--existing",
        str(files["existing"]),
        "--new",
        str(files["new"]),
        "--out",
        str(out),
        "--json",
        "--store",
        f"sqlite:///{tmp_path / 'never.db'}",
    )
    assert code == 0, err
    expected = FindMatches.load(files["model"]).match_incremental(
        read_table(files["existing"]), read_table(files["new"])
    )
    summary = json.loads(printed)
    assert summary["skipped_pairs"] == expected.summary.skipped_pairs > 0
    written = read_table(out)
    assert written["match_id"].tolist() == expected.frame["match_id"].tolist()
    assert not (tmp_path / "never.db").exists()  # no store: none was created


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["people", "--model", "m.json"], "give a stored transform NAME or --model FILE, not both"),
        ([], "name the model: a stored transform NAME, or a model file with --model FILE"),
        (["people", "--master", "local"], "--master applies only with --engine spark"),
        (["people", "--engine", "spark", "--out", "sqlite:///o.db"], "writes a Parquet folder"),
        (
            ["people", "--engine", "spark", "--existing", "sqlite:///e.db"],
            "give --existing PATH",
        ),
    ],
)
def test_flags_that_do_not_apply_are_errors(
    extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["match-incremental", "--existing", "e.csv", "--new", "n.csv", "--out", "o/"]
    code, _, err = _run(capsys, *argv, *extra)
    assert code == 2
    assert err.startswith("error: ") and message in err
