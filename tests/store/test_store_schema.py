"""The schema version row, refusing newer databases, migrating older ones; SQLite setup."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest
from gx_findmatches.store import (
    SCHEMA_VERSION,
    SchemaVersionError,
    Store,
    StoreError,
    StoreNotFoundError,
    migrations,
)
from sqlalchemy import Connection, create_engine, inspect, text


def _execute(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(sql))
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def test_schema_version_row_is_created(store: Store, store_url: str) -> None:
    assert _execute(store_url, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    Store(store_url).close()  # opening again neither adds a row nor fails
    assert _execute(store_url, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]


def test_newer_database_is_refused_untouched(store: Store, store_url: str) -> None:
    store.create_transform("people", "a.csv", "id")
    _execute(store_url, f"UPDATE schema_version SET version = {SCHEMA_VERSION + 1}")
    with pytest.raises(SchemaVersionError, match=f"schema version {SCHEMA_VERSION + 1}"):
        Store(store_url)
    assert _execute(store_url, "SELECT name FROM transforms") == [("people",)]
    assert _execute(store_url, "SELECT version FROM schema_version") == [(SCHEMA_VERSION + 1,)]


def test_older_database_is_migrated(
    store: Store, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps: list[int] = []

    def upgrade(connection: Connection) -> None:
        steps.append(SCHEMA_VERSION - 1)
        connection.execute(text("CREATE TABLE migrated (x INTEGER)"))

    monkeypatch.setitem(migrations.MIGRATIONS, SCHEMA_VERSION - 1, upgrade)
    _execute(store_url, f"UPDATE schema_version SET version = {SCHEMA_VERSION - 1}")
    Store(store_url).close()
    assert steps == [SCHEMA_VERSION - 1]
    assert _execute(store_url, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    assert _execute(store_url, "SELECT COUNT(*) FROM migrated") == [(0,)]


def test_failed_migration_leaves_the_old_schema(
    store: Store, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def upgrade(connection: Connection) -> None:
        connection.execute(text("CREATE TABLE half_done (x INTEGER)"))
        raise RuntimeError("migration bug")

    monkeypatch.setitem(migrations.MIGRATIONS, SCHEMA_VERSION - 1, upgrade)
    _execute(store_url, f"UPDATE schema_version SET version = {SCHEMA_VERSION - 1}")
    with pytest.raises(RuntimeError, match="migration bug"):
        Store(store_url)
    assert _execute(store_url, "SELECT version FROM schema_version") == [(SCHEMA_VERSION - 1,)]
    with pytest.raises(Exception, match="half_done"):
        _execute(store_url, "SELECT COUNT(*) FROM half_done")


def test_default_url_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GX_FINDMATCHES_STORE", raising=False)
    with Store() as store:
        assert store.url == "sqlite:///findmatches.db"
    assert (tmp_path / "findmatches.db").exists()
    monkeypatch.setenv("GX_FINDMATCHES_STORE", f"sqlite:///{tmp_path / 'env.db'}")
    with Store() as store:
        store.create_transform("people", "a.csv", "id")
    assert (tmp_path / "env.db").exists()


def test_sqlite_is_set_up_for_several_processes(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 's.db'}", busy_timeout=12.5)
    with store, store._read.connect() as connection:  # the store's own connections
        pragma = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        }
    assert pragma == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 12500}


def test_repr_hides_the_password() -> None:
    store = Store.__new__(Store)
    store.url = "postgresql+psycopg://user:secret@db/findmatches"
    assert "secret" not in repr(store)


def test_a_store_dropped_without_close_closes_its_connections(store_url: str) -> None:
    # an open PostgreSQL connection left to the garbage collector warns (an error here)
    Store(store_url).create_transform("people", "a.csv", "id")
    gc.collect()
    with Store(store_url) as store:
        assert [t.name for t in store.list_transforms()] == ["people"]


# ---- a database that is not the store's own is refused untouched (issue 10, item 2) ----------
def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_a_foreign_database_with_a_transforms_table_is_refused_untouched(store_url: str) -> None:
    # measured before: the store created its other tables and a schema_version beside the
    # foreign table, then crashed on its first query
    _execute(store_url, "CREATE TABLE transforms (id INTEGER, title TEXT)")
    _execute(store_url, "INSERT INTO transforms VALUES (1, 'not ours')")
    with pytest.raises(
        StoreError, match=r"not a gx-findmatches store.*transforms.*another database"
    ):
        Store(store_url)
    assert _tables(store_url) == {"transforms"}
    assert _execute(store_url, "SELECT * FROM transforms") == [(1, "not ours")]


def test_a_database_with_other_tables_only_gets_a_store(store_url: str) -> None:
    _execute(store_url, "CREATE TABLE customers (id INTEGER)")
    with Store(store_url) as store:
        store.create_transform("people", "a.csv", "id")
    assert {"customers", "transforms", "schema_version"} <= _tables(store_url)


@pytest.mark.parametrize(
    "rows",
    [[0], [-3], [], [1, 2]],
    ids=["version-0", "negative", "no-row", "two-rows"],
)
def test_a_schema_version_no_release_wrote_is_refused(
    store: Store, store_url: str, rows: list[int]
) -> None:
    # measured before: version 0 raised KeyError: 0 from the migration table
    _execute(store_url, "DELETE FROM schema_version")
    for version in rows:
        _execute(store_url, f"INSERT INTO schema_version VALUES ({version})")
    with pytest.raises(StoreError, match=r"schema_version table with the rows .*point the store"):
        Store(store_url)
    assert sorted(
        v for (v,) in _execute(store_url, "SELECT version FROM schema_version")
    ) == sorted(rows)


def test_store_tables_of_another_shape_are_refused(store: Store, store_url: str) -> None:
    _execute(store_url, "ALTER TABLE labels ADD COLUMN note TEXT")
    with pytest.raises(StoreError, match=r"table 'labels' has unknown column\(s\) \['note'\]"):
        Store(store_url)


def test_a_version_1_store_is_migrated_to_record_run_processes(
    store: Store, store_url: str
) -> None:
    store.create_transform("people", "a.csv", "id")
    with store.task_run("people", "TRAINING", {}):
        pass
    for column in ("host", "pid"):  # what a version 1 store looks like
        _execute(store_url, f"ALTER TABLE task_runs DROP COLUMN {column}")
    _execute(store_url, "UPDATE schema_version SET version = 1")
    _execute(store_url, "UPDATE task_runs SET status = 'RUNNING'")  # left by a version 1 run
    with Store(store_url) as upgraded:
        [run] = upgraded.runs("people")
        assert (run.status, run.host, run.pid) == ("RUNNING", None, None)  # cannot be judged
        with upgraded.task_run("people", "TRAINING", {}):
            pass
        assert upgraded.runs("people")[0].pid == os.getpid()
    assert _execute(store_url, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]


def test_opening_without_create_leaves_no_trace(tmp_path: Path, store_url: str) -> None:
    missing = tmp_path / "nothing-here.db"
    with pytest.raises(StoreNotFoundError, match="no store"):
        Store(f"sqlite:///{missing}", create=False)
    assert not missing.exists()
    with Store(store_url) as store:  # an existing store opens as usual
        store.create_transform("people", "a.csv", "id")
    with Store(store_url, create=False) as store:
        assert [t.name for t in store.list_transforms()] == ["people"]


def test_opening_an_empty_postgres_database_without_create_creates_nothing(
    postgres_url: str,
) -> None:
    with pytest.raises(StoreNotFoundError, match="no gx-findmatches store"):
        Store(postgres_url, create=False)
    assert _tables(postgres_url) == set()
