"""Bad input at the command line: exit code 2, one ``error: `` line on stderr naming the
problem, nothing on stdout, and no file written (the library errors behind these messages:
tests/engine/test_bad_input.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from gx_findmatches.cli import main
from gx_findmatches.datasets.febrl import PRIMARY_KEY

KEY = PRIMARY_KEY


@pytest.fixture(scope="module")
def small(febrl3: pd.DataFrame) -> pd.DataFrame:
    """300 real FEBRL3 records: enough to fit in well under a second."""
    return febrl3.head(300).reset_index(drop=True).copy()


def _labels(small: pd.DataFrame, rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    """A Glue label table from (labeling_set_id, label, row number in ``small``)."""
    parts = [small.iloc[[row]].assign(labeling_set_id=s, label=label) for s, label, row in rows]
    table = pd.concat(parts, ignore_index=True)
    return table[["labeling_set_id", "label", *small.columns]]


@pytest.fixture
def data_csv(small: pd.DataFrame, tmp_path: Path) -> Path:
    path = tmp_path / "data.csv"
    small.to_csv(path, index=False)
    return path


def _run_cli(
    argv: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path, *words: str
) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.startswith("error: ") or "\nerror: " in captured.err
    error_line = next(line for line in captured.err.splitlines() if line.startswith("error: "))
    for word in words:
        assert word.lower() in error_line.lower(), f"{word!r} not in {error_line!r}"
    assert captured.out == ""
    after = sorted(p.name for p in tmp_path.iterdir())
    assert after == before, f"files written on failure: {set(after) - set(before)}"


def test_cli_missing_data_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run_cli(
        [
            "match",
            "--data",
            str(tmp_path / "absent.csv"),
            "--primary-key",
            KEY,
            "--out",
            str(tmp_path / "out.csv"),
        ],
        capsys,
        tmp_path,
        "no file",
        "absent.csv",
    )


def test_cli_unknown_data_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], small: pd.DataFrame
) -> None:
    source = tmp_path / "data.xlsx"
    source.write_bytes(b"PK\x03\x04 not really a workbook")
    _run_cli(
        ["match", "--data", str(source), "--primary-key", KEY, "--out", str(tmp_path / "out.csv")],
        capsys,
        tmp_path,
        "unknown table format",
        "'.xlsx'",
    )


def test_cli_unknown_output_format(
    data_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run_cli(
        [
            "match",
            "--data",
            str(data_csv),
            "--primary-key",
            KEY,
            "--out",
            str(tmp_path / "out.xlsx"),
        ],
        capsys,
        tmp_path,
        "unknown table format",
        "'.xlsx'",
    )


def test_cli_duplicate_key(
    small: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = small.copy()
    frame.loc[10, KEY] = frame.loc[2, KEY]
    source = tmp_path / "data.csv"
    frame.to_csv(source, index=False)
    _run_cli(
        [
            "match",
            "--data",
            str(source),
            "--primary-key",
            KEY,
            "--out",
            str(tmp_path / "out.parquet"),
        ],
        capsys,
        tmp_path,
        "duplicate",
        str(frame.loc[2, KEY]),
    )


def test_cli_label_file_without_label_column(
    small: pd.DataFrame, data_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = _labels(small, [("s1", "A", 0), ("s1", "B", 1)]).drop(columns="label")
    label_path = tmp_path / "labels.csv"
    labels.to_csv(label_path, index=False)
    _run_cli(
        [
            "match",
            "--data",
            str(data_csv),
            "--primary-key",
            KEY,
            "--labels",
            str(label_path),
            "--out",
            str(tmp_path / "out.csv"),
            "--save-model",
            str(tmp_path / "model.json"),
        ],
        capsys,
        tmp_path,
        "lacks column",
        "'label'",
    )


def test_cli_label_file_not_a_table(
    data_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    label_path = tmp_path / "labels.parquet"
    label_path.write_bytes(b"definitely not parquet")
    _run_cli(
        [
            "match",
            "--data",
            str(data_csv),
            "--primary-key",
            KEY,
            "--labels",
            str(label_path),
            "--out",
            str(tmp_path / "out.csv"),
        ],
        capsys,
        tmp_path,
        "cannot read",
        "labels.parquet",
    )


def test_cli_evaluate_with_malformed_labels(
    small: pd.DataFrame, data_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = _labels(small, [("s1", "A", 0), ("s1", "A", 1), ("s2", "A", 0), ("s2", "B", 1)])
    label_path = tmp_path / "labels.tsv"
    labels.to_csv(label_path, sep="\t", index=False)
    _run_cli(
        [
            "evaluate",
            "--data",
            str(data_csv),
            "--primary-key",
            KEY,
            "--labels",
            str(label_path),
            "--json",
        ],
        capsys,
        tmp_path,
        "contradict",
    )


def test_cli_out_of_range_tradeoff(
    data_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run_cli(
        [
            "match",
            "--data",
            str(data_csv),
            "--primary-key",
            KEY,
            "--precision-recall-tradeoff",
            "1.5",
            "--out",
            str(tmp_path / "out.csv"),
        ],
        capsys,
        tmp_path,
        "precision_recall_tradeoff",
        "between 0 and 1",
    )
