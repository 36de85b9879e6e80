"""The schema version row, refusing newer databases, migrating older ones; SQLite setup."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from gx_findmatches.store import SCHEMA_VERSION, SchemaVersionError, Store, migrations
from sqlalchemy import Connection, create_engine, text


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
