"""The one place where the command line turns a failure into ``error: <what>; <fix>``.

A command fails in expected ways that are no bug of ours: bad input (our own errors), an
unreachable or read-only database (SQLAlchemy's), a full disk or a missing folder (the
operating system's), a malformed suite (pydantic's, Great Expectations'). Each becomes one
line on stderr and exit code 2. Anything else is a bug and keeps its traceback, so it can be
reported. Stopping (Ctrl-C, SIGTERM) unwinds like an error, so the run in progress is marked
FAILED and temporary files are removed, and ends with one line too.

Libraries are looked up in ``sys.modules`` rather than imported: an error can only come from
a library that is loaded, and importing SQLAlchemy or GX to recognise an ``OSError`` would
slow every failing command down.
"""

from __future__ import annotations

import contextlib
import errno
import re
import signal
import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any

from ..errors import FindMatchesError

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for Ctrl-C

# "scheme://user:password@": a password in any URL a message quotes
_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^\s/]*@")

_OS_FIXES = {
    errno.ENOSPC: "the disk is full: free some space and run again",
    errno.EDQUOT: "the disk quota is used up: free some space and run again",
    errno.EACCES: "permission denied: make it writable (or readable), or choose another path",
    errno.EPERM: "not permitted: make it writable, or choose another path",
    errno.EROFS: "the file system is read-only: choose a path on a writable disk",
    errno.ENOENT: "no such file or folder: check the path",
    errno.EISDIR: "that is a folder: name a file",
    errno.ENOTDIR: "part of the path is a file, not a folder: check the path",
    errno.ENAMETOOLONG: "the path is too long: choose a shorter one",
    errno.EMFILE: "too many open files: raise the limit (ulimit -n) and run again",
}


class Stopped(BaseException):
    """The process was asked to stop by a signal (SIGTERM, SIGHUP).

    A ``BaseException``, like ``KeyboardInterrupt``, so no ``except Exception`` on the way up
    swallows it, while every ``finally`` and the store's task run see it go past.
    """

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"stopped by {signal.Signals(signum).name}")


@contextlib.contextmanager
def stopping_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`Stopped` while the command runs."""

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise Stopped(signum)

    names = ("SIGTERM", "SIGHUP")
    signums = [getattr(signal, name) for name in names if hasattr(signal, name)]
    try:
        previous = {signum: signal.signal(signum, stop) for signum in signums}
    except ValueError:  # not the main thread (the CLI called from a worker): leave them
        yield
        return
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def stopped_message(stop: BaseException) -> tuple[str, int]:
    """The one line and the exit code for Ctrl-C or a stopping signal."""
    if isinstance(stop, Stopped):
        what, code = f"stopped by {signal.Signals(stop.signum).name}", 128 + stop.signum
    else:
        what, code = "interrupted (Ctrl-C)", EXIT_INTERRUPTED
    return (
        f"{what}; a run in progress was recorded as FAILED and no output was half-written: "
        f"run the command again",
        code,
    )


def describe(error: BaseException) -> str | None:
    """``<what>; <fix>`` for an expected failure, ``None`` for a bug (keep its traceback)."""
    if isinstance(error, FindMatchesError):
        return str(error)
    database = _database(error)
    if database is not None:
        return database
    if isinstance(error, OSError):
        return _os_error(error)
    validation = _validation(error)
    if validation is not None:
        return validation
    gx = sys.modules.get("great_expectations.exceptions")
    if gx is not None and isinstance(error, gx.GreatExpectationsError):
        return (
            f"Great Expectations refused: {error}; check the suite, checkpoint or data "
            f"source the message names"
        )
    if isinstance(error, ModuleNotFoundError) and not (error.name or "").startswith(
        "gx_findmatches"
    ):
        return (
            f"the Python module {error.name!r} is not installed; install the package that "
            f"provides it"
        )
    return None


def hide_passwords(text: str) -> str:
    """``text`` with the password of every URL in it replaced by ``***``."""
    return _PASSWORD.sub(r"\1***@", text)


def _database(error: BaseException) -> str | None:
    exc = sys.modules.get("sqlalchemy.exc")
    if exc is None or not isinstance(error, exc.SQLAlchemyError):
        return None
    from ..store.failures import describe_failure

    return describe_failure(error)


def _os_error(error: OSError) -> str:
    where = " -> ".join(str(f) for f in (error.filename, error.filename2) if f is not None)
    fix = _OS_FIXES.get(error.errno or 0, "check the path, its permissions and free space")
    reason = error.strerror or str(error)
    return f"{where + ': ' if where else ''}{reason}; {fix}"


def _validation(error: BaseException) -> str | None:
    """A pydantic validation error (v2, or the v1 API GX uses) as its field errors."""
    for module in ("pydantic", "pydantic.v1"):
        pydantic = sys.modules.get(module)
        if pydantic is not None and isinstance(error, pydantic.ValidationError):
            problems: list[Any] = error.errors()  # type: ignore[attr-defined]
            shown = "; ".join(
                f"{'.'.join(str(p) for p in problem.get('loc', ())) or '(value)'}: "
                f"{problem.get('msg', '')}"
                for problem in problems[:5]
            )
            more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
            title = getattr(error, "title", None) or getattr(
                getattr(error, "model", None), "__name__", "the configuration"
            )
            return f"invalid {title}: {shown}{more}; correct the field(s) named"
    return None
