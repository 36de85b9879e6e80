"""Database failures in words: what went wrong, and what to do about it.

SQLAlchemy reports a wrong password, a refused port, a missing database, a SQLite path in a
missing folder and a full disk alike, as an ``OperationalError`` with the driver's text and a
link. People running a pipeline need the cause and the fix instead. :func:`describe_failure`
recognises the failures that come from the environment (the URL, the server, the file, the
disk, permissions) and returns ``None`` for anything else, which is a bug to report with its
traceback rather than a message to hide it behind.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)

from .connection import safe_url
from .errors import StoreError

#: An example of each URL the store is tested with, for messages.
URL_EXAMPLES = "sqlite:///findmatches.db or postgresql+psycopg://user:password@host:5432/database"

_POSTGRES_FIXES = (
    ("password authentication failed", "check the user name and password in the URL"),
    ("no password supplied", "put the password in the URL (user:password@host)"),
    ('role "', "check the user name in the URL"),
    ('database "', "create the database (createdb NAME) or correct its name in the URL"),
    ("connection refused", "check the host and port in the URL, and that the server runs"),
    ("failed to resolve host", "check the host name in the URL"),
    ("name or service not known", "check the host name in the URL"),
    ("timeout", "check the host and port in the URL, and that the server is reachable"),
    ("could not connect", "check the host and port in the URL, and that the server runs"),
    ("no route to host", "check the host in the URL, and the network"),
)
# PostgreSQL SQLSTATEs that mean the environment, not the program, is at fault
_READ_ONLY_STATES = {"25006", "42501"}  # read-only transaction, insufficient privilege
_DISK_FULL_STATES = {"53100"}


def describe_failure(error: BaseException, url: str | None = None) -> str | None:
    """``<what went wrong>; <how to fix it>`` for a failure caused by the environment, else
    ``None``.

    Args:
        error: what SQLAlchemy or the driver raised.
        url: the database URL, when known (shown without its password).
    """
    where = f"the database at {safe_url(url)}" if url else "the database"
    if isinstance(error, NoSuchModuleError):
        return f"{where}: unknown kind of database ({error}); use a URL such as {URL_EXAMPLES}"
    if isinstance(error, ArgumentError) and url is not None:
        return (
            f"{safe_url(url)!r} is not a database URL ({error}); use a URL such as {URL_EXAMPLES}"
        )
    if isinstance(error, ImportError):
        return (
            f"{where} needs the Python module {error.name!r}, which is not installed; install "
            f"the database's driver (PostgreSQL: pip install 'gx-findmatches[postgres]' with "
            f"a postgresql+psycopg:// URL)"
        )
    if not isinstance(error, DBAPIError) or isinstance(error, IntegrityError):
        return None
    reason = _reason(error)
    sqlite = getattr(error.orig, "sqlite_errorname", None)
    state = getattr(error.orig, "sqlstate", None)
    if sqlite == "SQLITE_CANTOPEN" and url is not None:
        return _cannot_open(url, reason)
    if sqlite == "SQLITE_NOTADB":
        return (
            f"{where} is not a SQLite database ({reason}): the file holds something else; "
            f"point at a new file or an existing gx-findmatches store"
        )
    if sqlite == "SQLITE_READONLY" or state in _READ_ONLY_STATES:
        return (
            f"{where} is read-only for this process ({reason}); make it writable (for SQLite, "
            f"the file and its folder), or use a store you can write to"
        )
    if sqlite == "SQLITE_FULL" or state in _DISK_FULL_STATES or "no space left" in reason:
        return f"the disk holding {where} is full ({reason}); free some space and run again"
    if sqlite == "SQLITE_BUSY":
        return (
            f"{where} stayed locked by another process longer than the busy timeout "
            f"({reason}); wait for the other run to finish and run again"
        )
    if sqlite == "SQLITE_CORRUPT":
        return f"{where} is damaged ({reason}); restore it from a backup"
    lowered = reason.lower()
    for pattern, fix in _POSTGRES_FIXES:
        if pattern in lowered:
            return f"cannot connect to {where} ({reason}); {fix}"
    if isinstance(error, OperationalError):
        return f"{where} failed ({reason}); check the URL and that the database is reachable"
    return None


@contextmanager
def database_errors(url: str) -> Iterator[None]:
    """Database failures the environment causes (unreachable server, read-only file, full
    disk) as a :class:`StoreError` that says why and what to do; anything else unchanged."""
    try:
        yield
    except (SQLAlchemyError, ImportError) as error:
        message = describe_failure(error, url)
        if message is None:
            raise
        raise StoreError(message) from error


def one_line(error: BaseException) -> str:
    """An error for a run's record or a log line: its cause in words when it is a database's
    (without naming which database), else its type and message; on one line."""
    described = describe_failure(error) if isinstance(error, Exception) else None
    return " ".join((described or f"{type(error).__name__}: {error}").split())


def _reason(error: DBAPIError) -> str:
    """The driver's own message on one line, without SQLAlchemy's link and SQL echo."""
    text = str(error.orig) if error.orig is not None else str(error)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith(("LINE ", "^", "(Background"))]
    return re.sub(r"\s+", " ", " / ".join(lines)) or type(error.orig).__name__


def _cannot_open(url: str, reason: str) -> str:
    """Why SQLite cannot open its file: a missing folder, a folder, or permissions."""
    path = sqlite_path(url)
    if path is None:
        return f"cannot open {safe_url(url)} ({reason}); check the path in the URL"
    if path.is_dir():
        return (
            f"the store path {path} is a folder, not a database file; name a file in it "
            f"(sqlite:///{path / 'findmatches.db'})"
        )
    if not path.parent.is_dir():
        return missing_folder(path)
    return (
        f"cannot open the store file {path} ({reason}); check that the file and its folder "
        f"are readable and writable"
    )


def missing_folder(path: Path) -> str:
    """The message for a SQLite store file in a folder that does not exist."""
    return (
        f"the folder of the store file {path} does not exist ({path.parent}); create it or "
        f"correct the path in the URL"
    )


def sqlite_path(url: str) -> Path | None:
    """The file a SQLite URL names, or ``None`` (not SQLite, in memory, or a ``file:`` URI)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:") or parsed.query.get("uri") == "true":
        return None
    return Path(database)
