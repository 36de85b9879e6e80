"""The command line, run in-process through ``gx_findmatches.cli.main`` on real FEBRL data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from gx_findmatches import FindMatches, read_table
from gx_findmatches.cli import main
from gx_findmatches.datasets.febrl import PRIMARY_KEY

OUTPUT_COLUMNS = ["match_id", "match_confidence_score"]
EVALUATE_KEYS = {
    "area_under_pr_curve",
    "precision",
    "recall",
    "f1",
    "confusion_matrix",
    "column_importances",
    "end_to_end_recall",
}


@pytest.fixture(scope="module")
def data_file(
    febrl3: pd.DataFrame, febrl3_truth: pd.Series, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """All records of the first 250 FEBRL3 people (about 600 rows), shuffled, as CSV."""
    keep = febrl3_truth.astype(int) < 250
    path = tmp_path_factory.mktemp("cli") / "people.csv"
    febrl3[keep].sample(frac=1.0, random_state=1).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def expected(data_file: Path) -> pd.DataFrame:
    """The same run through the Python API."""
    frame = read_table(data_file)
    return FindMatches(primary_key=PRIMARY_KEY).fit(frame).transform(frame)


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Cell values with every missing value as None (parquet reads nulls back as None, CSV as
    NaN; both mean missing)."""
    cells = frame.astype(object)
    return cells.where(cells.notna(), None)


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet"])
def test_match_writes_every_format(
    data_file: Path,
    expected: pd.DataFrame,
    tmp_path: Path,
    suffix: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / f"matched{suffix}"
    model = tmp_path / "model.json"
    code = main(
        [
            "match",
            "--data",
            str(data_file),
            "--primary-key",
            PRIMARY_KEY,
            "--out",
            str(out),
            "--save-model",
            str(model),
            "--quiet",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    source = read_table(data_file)
    written = read_table(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([out.name, model.name])
    # every row once, in input order, input columns unchanged, plus the two output columns
    assert list(written.columns) == [*source.columns, *OUTPUT_COLUMNS]
    assert len(written) == len(source)
    assert written[PRIMARY_KEY].is_unique
    pd.testing.assert_frame_equal(_cells(written[list(source.columns)]), _cells(source))
    # the same groups as the API
    assert written["match_id"].astype(str).tolist() == expected["match_id"].astype(str).tolist()
    scores = written["match_confidence_score"].astype(float).to_numpy()
    np.testing.assert_allclose(scores, expected["match_confidence_score"].astype(float), rtol=1e-9)
    assert np.all((scores >= 0) & (scores <= 1))
    assert written["match_id"].isin(source[PRIMARY_KEY]).all()
    assert written["match_id"].nunique() < len(written)  # duplicates were found
    # the human summary goes to stdout and the model can be reloaded
    assert f"rows:                 {len(source):,}" in captured.out
    assert FindMatches.load(model).model_kind_ == "unsupervised"


def test_match_json_summary(
    data_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "matched.parquet"
    code = main(
        [
            "match",
            "--data",
            str(data_file),
            "--primary-key",
            PRIMARY_KEY,
            "--out",
            str(out),
            "--json",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    lines = captured.out.strip().splitlines()
    assert len(lines) == 1
    summary = json.loads(lines[0])
    written = read_table(out)
    assert summary["rows"] == len(written)
    assert summary["output"] == str(out)
    assert summary["model"] == "unsupervised"
    assert summary["match_groups"] == written["match_id"].nunique()
    assert summary["groups_with_duplicates"] == int((written["match_id"].value_counts() > 1).sum())


def test_evaluate_json(
    febrl3: pd.DataFrame,
    febrl3_labels: pd.DataFrame,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = tmp_path / "febrl3.csv"
    labels = tmp_path / "labels.tsv"
    febrl3.to_csv(data, index=False)
    febrl3_labels.to_csv(labels, sep="\t", index=False)
    code = main(
        [
            "evaluate",
            "--data",
            str(data),
            "--primary-key",
            PRIMARY_KEY,
            "--labels",
            str(labels),
            "--json",
            "--folds",
            "4",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    lines = captured.out.strip().splitlines()
    assert len(lines) == 1, "--json prints exactly one JSON object"
    report = json.loads(lines[0])
    assert isinstance(report, dict)
    assert set(report) >= EVALUATE_KEYS
    print(
        f"\n[evaluate] FEBRL3, 200 labelled records: "
        f"{ {k: report[k] for k in sorted(EVALUATE_KEYS - {'column_importances'})} }"
    )
    for key in ("area_under_pr_curve", "precision", "recall", "f1", "end_to_end_recall"):
        assert 0.0 <= report[key] <= 1.0, key
    assert report["f1"] > 0.9
    # a labelled match counts end to end only if blocking proposes it AND the model finds it
    assert report["end_to_end_recall"] <= min(report["recall"], report["blocking_recall"]) + 1e-12
    matrix = report["confusion_matrix"]
    assert set(matrix) == {"true_positives", "false_positives", "true_negatives", "false_negatives"}
    assert sum(matrix.values()) == report["labelled_pairs"] > 0
    assert matrix["true_positives"] + matrix["false_negatives"] == report["labelled_matches"]
    assert report["folds"] == 4
    importances = report["column_importances"]
    assert set(importances) <= set(febrl3.columns) - {PRIMARY_KEY}
    assert all(v >= 0 for v in importances.values())
    assert sum(importances.values()) == pytest.approx(1.0)
    assert list(importances.values()) == sorted(importances.values(), reverse=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["febrl3.csv", "labels.tsv"]


# ------------------------------------------------------- outputs checked before any work
def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def test_out_equal_to_data_is_refused_and_the_input_kept(
    data_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "people.csv"
    copy.write_bytes(data_file.read_bytes())
    before = copy.read_bytes()
    code, err = _run(
        capsys, "match", "--data", str(copy), "--primary-key", PRIMARY_KEY, "--out", str(copy)
    )
    assert code == 2
    assert "--out and --data name the same file" in err
    assert copy.read_bytes() == before


def test_save_model_on_the_output_path_is_refused_before_the_run(
    data_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "matched.csv"
    code, err = _run(
        capsys,
        "match",
        "--data",
        str(data_file),
        "--primary-key",
        PRIMARY_KEY,
        "--out",
        str(out),
        "--save-model",
        str(out),
    )
    assert code == 2 and "--save-model and --out name the same file" in err
    assert not out.exists()  # refused before any work: nothing written


def test_save_model_in_a_missing_folder_is_refused_before_the_run(
    data_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "matched.csv"
    model = tmp_path / "no" / "such" / "model.json"
    code, err = _run(
        capsys,
        "match",
        "--data",
        str(data_file),
        "--primary-key",
        PRIMARY_KEY,
        "--out",
        str(out),
        "--save-model",
        str(model),
    )
    assert code == 2 and "does not exist" in err and str(model.parent) in err
    assert not out.exists()


@pytest.mark.parametrize("folds", ["0", "1"])
def test_evaluate_with_fewer_than_two_folds_names_the_fix(
    data_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], folds: str
) -> None:
    labels = tmp_path / "labels.csv"
    frame = read_table(data_file)
    frame.head(20).assign(labeling_set_id=["a"] * 10 + ["b"] * 10, label="A").to_csv(
        labels, index=False
    )
    code, err = _run(
        capsys,
        "evaluate",
        "--data",
        str(data_file),
        "--primary-key",
        PRIMARY_KEY,
        "--labels",
        str(labels),
        "--folds",
        folds,
    )
    assert code == 2 and "at least 2" in err and "Traceback" not in err
