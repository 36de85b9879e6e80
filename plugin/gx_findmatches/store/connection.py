"""Engines for a store URL, with SQLite set up for several processes at once.

SQLite needs three things to be a safe shared store: WAL (readers never block the writer and
the writer never blocks readers), a busy timeout (a second writer waits instead of failing at
once with "database is locked"), and write transactions that take the write lock *up front*
(``BEGIN IMMEDIATE``). Without the last, two processes can both read under a shared lock and
then deadlock trying to upgrade it, and SQLite fails one of them at once, timeout or not.
Reads keep a plain deferred ``BEGIN`` so they never queue behind a writer.

PostgreSQL needs nothing at connect time; the store serialises writers per transform with
``SELECT ... FOR UPDATE`` on the transform row, and reads run at REPEATABLE READ so a read of
several tables sees one snapshot.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

# "scheme://user:password@": what is left of a password in a URL SQLAlchemy cannot parse
_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^\s/]*@")

# Execution option that marks connections of the write engine; read by the ``begin`` hook.
_WRITE = "gx_findmatches_write"


def connect(url: str, busy_timeout: float) -> tuple[Engine, Engine]:
    """A (read, write) pair of engines over one connection pool.

    Args:
        url: any SQLAlchemy URL.
        busy_timeout: seconds a SQLite writer waits for another process's write lock.
    """
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, busy_timeout)
        return engine, engine.execution_options(**{_WRITE: True})
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="REPEATABLE READ"), engine
    return engine, engine


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages and ``repr``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # unparsable: hide anything between "user:" and "@" all the same
        return _PASSWORD.sub(r"\1***@", url)


def _configure_sqlite(engine: Engine, busy_timeout: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # take transaction control from pysqlite, which would BEGIN lazily (and deferred)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")  # durable enough under WAL
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
