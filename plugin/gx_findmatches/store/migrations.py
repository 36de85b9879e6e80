"""The schema version of a store database: create it, check it, upgrade it.

A database remembers which schema wrote it (table ``schema_version``). A release refuses a
database from a *newer* release rather than guess at tables it does not know, and upgrades one
from an *older* release step by step, in one transaction, so an interrupted upgrade leaves the
old schema intact.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import Connection, Engine, func, insert, inspect, select, text, update

from .connection import safe_url
from .errors import SchemaVersionError, StoreError
from .records import TASK_RUN_STATUSES
from .schema import SCHEMA_VERSION, Base, SchemaVersion, status_check

#: ``MIGRATIONS[n]`` upgrades a version ``n`` database to version ``n + 1``.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {}

# Any constant works: it only has to be the same in every process creating the schema.
_POSTGRES_LOCK_KEY = 0x67786D  # "gxm"


def ensure_schema(read: Engine, write: Engine) -> int:
    """Create the tables of a new database or upgrade an old one; return the version.

    The common case (an up-to-date database) is one read and takes no write lock, so opening a
    store never waits for another process's long write.

    Raises:
        SchemaVersionError: the database is newer than this release.
    """
    with read.connect() as connection:
        version = _version(connection)
    if version == SCHEMA_VERSION:
        return version
    _check_not_newer(version, str(read.url))
    with write.begin() as connection:
        if connection.dialect.name == "postgresql":
            # two processes creating the schema at once would collide on CREATE TABLE
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_LOCK_KEY}
            )
        version = _version(connection)  # again, under the lock: someone may have been first
        _check_not_newer(version, str(read.url))
        if version is None:
            Base.metadata.create_all(connection)
            connection.execute(insert(SchemaVersion).values(version=SCHEMA_VERSION))
        elif version < SCHEMA_VERSION:
            for step in range(version, SCHEMA_VERSION):
                MIGRATIONS[step](connection)
            connection.execute(update(SchemaVersion).values(version=SCHEMA_VERSION))
    return SCHEMA_VERSION


def _version(connection: Connection) -> int | None:
    if not inspect(connection).has_table(SchemaVersion.__tablename__):
        return None
    return connection.scalar(select(func.max(SchemaVersion.version)))


def _check_not_newer(version: int | None, url: str) -> None:
    if version is not None and version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"the store at {safe_url(url)} has schema version {version}, but this release of "
            f"gx-findmatches only knows versions up to {SCHEMA_VERSION}; upgrade gx-findmatches "
            f"(pip install -U gx-findmatches) or open another database (`Store(url)`)"
        )


def _allow_cancelled_runs(connection: Connection) -> None:
    """Version 1 to 2: a task run may also be CANCELLING and CANCELLED.

    Only the CHECK constraint on ``task_runs.status`` changes, to a superset of the values it
    allowed, so every stored row stays valid. PostgreSQL swaps the constraint. SQLite cannot
    alter a constraint, and rebuilding ``task_runs`` would fire the ``ON DELETE CASCADE`` of
    every table referencing it (foreign keys cannot be switched off inside the migration's
    transaction), so the table definition in ``sqlite_master`` is edited in place, the
    procedure SQLite documents for loosening a CHECK constraint (it changes nothing on disk).
    """
    check = status_check(TASK_RUN_STATUSES)
    if connection.dialect.name != "sqlite":
        connection.execute(text("ALTER TABLE task_runs DROP CONSTRAINT task_run_status"))
        connection.execute(
            text(f"ALTER TABLE task_runs ADD CONSTRAINT task_run_status CHECK ({check})")
        )
        return
    table = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'task_runs'"
    sql = connection.exec_driver_sql(table).scalar_one()
    rewritten, count = _SQLITE_STATUS_CHECK.subn(lambda found: f"{found.group(1)}{check})", sql)
    if count != 1:
        raise StoreError(
            f"cannot upgrade the store: its task_runs table has {count} status constraints "
            f"where version 1 has one; the database was altered by hand, restore a backup"
        )
    version = connection.exec_driver_sql("PRAGMA schema_version").scalar_one()
    connection.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        connection.execute(
            text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'task_runs'"),
            {"sql": rewritten},
        )
        # a new schema cookie makes every connection (this one too) re-read the definition
        connection.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        connection.exec_driver_sql("PRAGMA writable_schema = OFF")


_SQLITE_STATUS_CHECK = re.compile(r"(CONSTRAINT task_run_status CHECK \()status IN \([^)]*\)\)")

MIGRATIONS[1] = _allow_cancelled_runs
