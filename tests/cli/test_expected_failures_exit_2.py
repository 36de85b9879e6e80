"""The command line's one mapping of failures: every expected failure becomes one line
``error: <what>; <fix>`` with exit code 2, a bug keeps its traceback, no password is shown.

The failures are real ones (a real full SQLite database, real pydantic and GX errors); only
the command that raises them is replaced, so each kind reaches ``main`` the way it would.
"""

from __future__ import annotations

import argparse
import errno
from collections.abc import Callable
from pathlib import Path

import pydantic
import pytest
import sqlalchemy as sa
from gx_findmatches.cli import failures, main
from gx_findmatches.errors import LabelError


def _full_sqlite(tmp_path: Path) -> BaseException:
    """What SQLAlchemy raises when SQLite runs out of room (a page cap stands in for a disk)."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'full.db'}")
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x TEXT)")
        with engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA max_page_count = 3")
            connection.exec_driver_sql("INSERT INTO t VALUES (?)", ("x" * 100_000,))
    except sa.exc.OperationalError as error:
        return error
    finally:
        engine.dispose()
    raise AssertionError("SQLite accepted the row")


class _Model(pydantic.BaseModel):
    folds: int


def _pydantic_error() -> BaseException:
    try:
        _Model(folds="many")  # type: ignore[arg-type]
    except pydantic.ValidationError as error:
        return error
    raise AssertionError("pydantic accepted it")


def _gx_error() -> BaseException:
    import great_expectations.exceptions as gx_exceptions

    return gx_exceptions.InvalidExpectationConfigurationError("column 'x' is not a string")


@pytest.fixture
def failing(monkeypatch: pytest.MonkeyPatch) -> Callable[[BaseException], tuple[int, str]]:
    """Run ``runs`` with its command raising ``error``; returns exit code and stderr."""
    from gx_findmatches.cli import run_commands

    def run(error: BaseException, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
        def raising(_args: argparse.Namespace) -> int:
            raise error

        monkeypatch.setattr(run_commands, "_runs", raising)
        code = main(["runs"])
        return code, capsys.readouterr().err

    return run  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("make", "phrase"),
    [
        (lambda _: LabelError("labels contradict; fix one"), "labels contradict; fix one"),
        (
            lambda _: OSError(errno.ENOSPC, "No space left on device", "/data/out.csv"),
            "/data/out.csv: No space left on device; the disk is full",
        ),
        (
            lambda _: PermissionError(errno.EACCES, "Permission denied", "/etc/x.csv"),
            "Permission denied; permission denied: make it writable",
        ),
        (_full_sqlite, "is full"),
        (lambda _: _pydantic_error(), "invalid _Model: folds: Input should be a valid integer"),
        (lambda _: _gx_error(), "Great Expectations refused: column 'x' is not a string"),
        (
            lambda _: sa.exc.ArgumentError("bad"),
            None,  # outside opening a store an ArgumentError is ours to fix: a bug
        ),
    ],
    ids=["ours", "disk-full", "permission", "sqlite-full", "pydantic", "gx", "sqlalchemy-bug"],
)
def test_expected_failures_are_one_line_exit_2(
    make: Callable[[Path], BaseException],
    phrase: str | None,
    tmp_path: Path,
    failing: Callable[..., tuple[int, str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    error = make(tmp_path)
    if phrase is None:
        with pytest.raises(type(error)):
            failing(error, capsys)
        return
    code, err = failing(error, capsys)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err
    assert phrase in err


def test_a_bug_keeps_its_traceback(
    failing: Callable[..., tuple[int, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(KeyError):
        failing(KeyError(0), capsys)


def test_interrupts_are_one_line(
    failing: Callable[..., tuple[int, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = failing(KeyboardInterrupt(), capsys)
    assert (code, err.splitlines()[0][:20]) == (130, "interrupted (Ctrl-C)")
    code, err = failing(failures.Stopped(15), capsys)
    assert (code, err.splitlines()[0][:17]) == (143, "stopped by SIGTER")


def test_no_password_in_any_error_line(
    failing: Callable[..., tuple[int, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql+psycopg://reporting:s3cr3t@db.example:5432/crm"
    _, err = failing(LabelError(f"cannot read {url} or {url.replace('s3cr3t', 'x@y')}"), capsys)
    assert "s3cr3t" not in err and "x@y" not in err
    assert err.count("reporting:***@db.example") == 2
