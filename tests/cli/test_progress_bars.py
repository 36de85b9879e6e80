"""Progress bars on the command line: shown when asked or on a terminal, never under ``--json``
(whose stdout and stderr stay machine-readable). Library use: tests/engine/test_progress.py."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from gx_findmatches.cli import main
from gx_findmatches.datasets.febrl import PRIMARY_KEY

BARS = ("blocking passes", "comparing columns")


@pytest.fixture(scope="module")
def data_file(febrl3: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("progress") / "people.csv"
    febrl3.head(800).to_csv(path, index=False)
    return path


def _match(data_file: Path, tmp_path: Path, *extra: str) -> int:
    out = tmp_path / "out.csv"
    args = ["match", "--data", str(data_file), "--primary-key", PRIMARY_KEY, "--out", str(out)]
    return main([*extra[:2], *args, *extra[2:]])


def test_bars_show_on_the_command_line_when_asked(
    data_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _match(data_file, tmp_path, "--progress", "always") == 0
    err = capsys.readouterr().err
    for bar in BARS:
        assert bar in err
    assert "it/s" in err or "s/it" in err


def test_auto_shows_no_bars_when_stderr_is_not_a_terminal(
    data_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _match(data_file, tmp_path) == 0  # pytest's captured stderr is not a terminal
    err = capsys.readouterr().err
    assert "blocking ..." in err  # the step log is still there
    assert not any(bar in err for bar in BARS)


def test_json_output_is_never_mixed_with_bars(
    data_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _match(data_file, tmp_path, "--progress", "always", "--json") == 0
    captured = capsys.readouterr()
    assert not any(bar in captured.err for bar in BARS)
    assert captured.out.lstrip().startswith("{")
