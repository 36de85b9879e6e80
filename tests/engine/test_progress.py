"""Progress bars in library use: never shown unless a caller scopes them on
(the command line does: tests/cli/test_progress_bars.py)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from gx_findmatches import FindMatches
from gx_findmatches.datasets.febrl import PRIMARY_KEY
from gx_findmatches.engine.progress import progress_enabled, show_progress, track


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
