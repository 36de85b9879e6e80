"""Progress bars: on the command line when asked or on a terminal, never in library use or
under ``--json`` (whose stdout and stderr stay machine-readable)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from gx_findmatches import FindMatches
from gx_findmatches.cli import main
from gx_findmatches.datasets.febrl import PRIMARY_KEY
from gx_findmatches.engine.progress import progress_enabled, show_progress, track

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


def test_library_calls_print_nothing(
    febrl3: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = febrl3.head(800)
    FindMatches(primary_key=PRIMARY_KEY).fit(sample).match(sample)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert not progress_enabled()


def test_show_progress_is_scoped_and_leaves_items_unchanged() -> None:
    stream = io.StringIO()
    with show_progress(stream=stream):
        assert progress_enabled()
        assert list(track(range(5), "counting")) == [0, 1, 2, 3, 4]
    assert not progress_enabled()
    assert "counting" in stream.getvalue()
    assert list(track(range(3), "silent")) == [0, 1, 2]
    assert "silent" not in stream.getvalue()
