"""The schema of a store database: recognise it, create it, check it, upgrade it.

A database remembers which schema wrote it (table ``schema_version``). A release refuses a
database from a *newer* release rather than guess at tables it does not know, and upgrades one
from an *older* release step by step, in one transaction, so an interrupted upgrade leaves the
old schema intact.

The store writes only to a database it recognises as its own: one with none of its tables
yet (it creates them), or one whose ``schema_version`` holds a version some release wrote
and whose tables have exactly the columns that version defines. A database that already has
a ``transforms`` table of someone else's, or a damaged ``schema_version``, is refused
untouched: creating the store's tables beside a foreign table of the same name, or
"migrating" from a version that never existed, would destroy data that is not ours.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import Connection, Engine, insert, inspect, select, text, update
from sqlalchemy.engine.reflection import ObjectKind

from .connection import safe_url
from .errors import SchemaVersionError, StoreError, StoreNotFoundError
from .records import TASK_RUN_STATUSES
from .schema import SCHEMA_VERSION, Base, SchemaVersion, status_check

#: ``MIGRATIONS[n]`` upgrades a version ``n`` database to version ``n + 1``.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {}

#: The table names of a store (``schema_version`` included).
STORE_TABLES: tuple[str, ...] = tuple(Base.metadata.tables)

# Any constant works: it only has to be the same in every process creating the schema.
_POSTGRES_LOCK_KEY = 0x67786D  # "gxm"


def ensure_schema(read: Engine, write: Engine, create: bool = True) -> int:
    """Create the tables of a new database or upgrade an old one; return the version.

    The common case (an up-to-date database) is reads only and takes no write lock, so opening
    a store never waits for another process's long write.

    Args:
        create: create the tables in a database that has none; when false, such a database
            raises :class:`StoreNotFoundError` and is left untouched.

    Raises:
        SchemaVersionError: the database is newer than this release.
        StoreNotFoundError: no store in the database and ``create`` is false.
        StoreError: the database is not a store (foreign tables of the same names, a damaged
            ``schema_version``, or tables whose columns differ).
    """
    url = safe_url(str(read.url))
    with read.connect() as connection:
        version = _version(connection, url)
        if version == SCHEMA_VERSION:
            return version
    if version is None and not create:
        raise StoreNotFoundError(
            f"there is no gx-findmatches store at {url} yet; create a transform first "
            f"(`Workflow.create_transform`), or point at an existing store"
        )
    _check_not_newer(version, url)
    with write.begin() as connection:
        if connection.dialect.name == "postgresql":
            # two processes creating the schema at once would collide on CREATE TABLE
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_LOCK_KEY}
            )
        version = _version(connection, url)  # again, under the lock: someone may have been first
        _check_not_newer(version, url)
        if version is None:
            Base.metadata.create_all(connection)
            connection.execute(insert(SchemaVersion).values(version=SCHEMA_VERSION))
        elif version < SCHEMA_VERSION:
            for step in range(version, SCHEMA_VERSION):
                MIGRATIONS[step](connection)
            connection.execute(update(SchemaVersion).values(version=SCHEMA_VERSION))
        _version(connection, url)  # checks the shape the creation or the upgrade left
    return SCHEMA_VERSION


def is_store_table(connection: Connection, table: str) -> bool:
    """Whether ``table`` is one of the store's own tables in a database holding a store.

    Names compare case-insensitively: SQLite treats ``TRANSFORMS`` as ``transforms``.
    """
    if table.lower() not in STORE_TABLES:
        return False
    names = {name.lower() for name in inspect(connection).get_table_names()}
    return SchemaVersion.__tablename__ in names


def refuse_store_table(connection: Connection, table: str, described: str) -> None:
    """Refuse to write a result table over one of a store's own tables.

    Raises:
        StoreError: ``table`` is a table of the store in the database ``connection`` reaches.
    """
    if is_store_table(connection, table):
        raise StoreError(
            f"{described} is a table of the gx-findmatches store in that database; writing a "
            f"result there would destroy the store: choose another table name"
        )


def _version(connection: Connection, url: str) -> int | None:
    """The store's schema version; ``None`` for a database with none of the store's tables.

    One look at the catalogue finds which of the store's names are taken and by which
    columns, so opening a store stays cheap.

    Raises:
        StoreError: the database has some of the store's table names but is not a store, its
            ``schema_version`` table does not hold one version a release wrote, or (at the
            current version) a store table lacks a column or has one more.
    """
    found = inspect(connection).get_multi_columns(
        filter_names=list(STORE_TABLES), kind=ObjectKind.ANY
    )
    tables = {table: {c["name"] for c in columns} for (_, table), columns in found.items()}
    if SchemaVersion.__tablename__ not in tables:
        if tables:
            raise StoreError(
                f"the database at {url} is not a gx-findmatches store, yet it has table(s) "
                f"{', '.join(sorted(tables))} that a store would use (and no schema_version "
                f"table): refusing to write into it; point the store at another database (a "
                f"new SQLite file, or an empty PostgreSQL database or schema)"
            )
        return None
    columns = tables[SchemaVersion.__tablename__]
    shaped = columns == {"version"}
    rows = list(connection.scalars(select(SchemaVersion.version))) if shaped else []
    if len(rows) != 1 or not isinstance(rows[0], int) or rows[0] < 1:
        held = f"the rows {rows}" if shaped else f"the columns {sorted(columns)}"
        raise StoreError(
            f"the database at {url} has a schema_version table with {held}, where a "
            f"gx-findmatches store has one row holding a version from 1 to {SCHEMA_VERSION}: "
            f"it is not a store, or its schema_version was altered; point the store at "
            f"another database, or restore the version the store was written with"
        )
    if rows[0] == SCHEMA_VERSION:
        _check_shape(tables, url)
    return int(rows[0])


def _check_shape(tables: dict[str, set[str]], url: str) -> None:
    """Refuse a database whose store tables lack columns this release writes, or have others.

    Raises:
        StoreError: naming the first table that differs.
    """
    for name, table in Base.metadata.tables.items():
        expected = {column.name for column in table.columns}
        have = tables.get(name, set())
        if have != expected:
            missing, extra = sorted(expected - have), sorted(have - expected)
            raise StoreError(
                f"the database at {url} is not a gx-findmatches store of schema version "
                f"{SCHEMA_VERSION}: its table {name!r} "
                + (f"lacks the column(s) {missing}" if missing else "")
                + (" and " if missing and extra else "")
                + (f"has unknown column(s) {extra}" if extra else "")
                + "; refusing to write into it: point the store at another database"
            )


def _check_not_newer(version: int | None, url: str) -> None:
    if version is not None and version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"the store at {url} has schema version {version}, but this release of "
            f"gx-findmatches only knows versions up to {SCHEMA_VERSION}; upgrade gx-findmatches "
            f"(pip install -U gx-findmatches) or open another database (`Store(url)`)"
        )


def _add_task_run_process(connection: Connection) -> None:
    """Version 1 to 2: task runs record the host and process id that run them."""
    connection.execute(text("ALTER TABLE task_runs ADD COLUMN host VARCHAR(255)"))
    connection.execute(text("ALTER TABLE task_runs ADD COLUMN pid INTEGER"))


MIGRATIONS[1] = _add_task_run_process


def _allow_cancelled_runs(connection: Connection) -> None:
    """Version 2 to 3: a task run may also be CANCELLING and CANCELLED.

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
            f"where version 2 has one; the database was altered by hand, restore a backup"
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

MIGRATIONS[2] = _allow_cancelled_runs
