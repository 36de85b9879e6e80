"""Data sources: files (CSV, TSV, Parquet) and SQL tables reached through SQLAlchemy URLs.

A source is a *location* (a file path, or a database URL such as ``sqlite:///crm.db`` or
``postgresql+psycopg://user@host/db``) and, for databases, a *table*. Table names are checked
against the database's own catalogue and read through SQLAlchemy's ``Table`` reflection:
a name is never pasted into SQL text, so a hostile name cannot inject anything.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DataFileError
from .io import read_table, write_table

if TYPE_CHECKING:  # SQLAlchemy and pandas are imported only when used: they are slow to load
    import pandas as pd
    import sqlalchemy as sa


def is_database_url(location: str) -> bool:
    """Whether a location is a SQLAlchemy URL rather than a file path."""
    return "://" in location


@dataclass(frozen=True)
class DataSource:
    """Where a table lives: a file, or a table in a database."""

    location: str
    table: str | None = None

    def absolute(self) -> DataSource:
        """This source with a relative file path (or SQLite file in a URL) made absolute, so a
        stored transform finds its data from any folder."""
        if not is_database_url(self.location):
            return DataSource(os.path.abspath(self.location), self.table)
        from sqlalchemy.engine import make_url

        url = make_url(self.location)
        database = url.database
        if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
            return self
        if database.startswith("file:") or os.path.isabs(database):
            return self
        absolute = url.set(database=os.path.abspath(database))
        return DataSource(absolute.render_as_string(hide_password=False), self.table)

    def __post_init__(self) -> None:
        if is_database_url(self.location) and not self.table:
            raise DataFileError(
                f"{self.describe()} is a database; name the table too "
                f"(`DataSource(location, table)`)"
            )

    def describe(self) -> str:
        """The source for messages, without any password in the URL."""
        if not is_database_url(self.location):
            return self.location
        from sqlalchemy.engine import make_url

        safe = make_url(self.location).render_as_string(hide_password=True)
        return f"{safe} table {self.table!r}" if self.table else safe

    def to_reference(self) -> str:
        """A string that :meth:`from_reference` reads back (stored with transforms)."""
        return json.dumps({"location": self.location, "table": self.table})

    @classmethod
    def from_reference(cls, reference: str) -> DataSource:
        """Read a reference written by :meth:`to_reference` (or a bare file path)."""
        if reference.startswith("{"):
            data = json.loads(reference)
            return cls(data["location"], data.get("table"))
        return cls(reference)

    def read(self) -> pd.DataFrame:
        """The whole table as a DataFrame."""
        if not is_database_url(self.location):
            return read_table(self.location)
        import pandas as pd
        import sqlalchemy as sa

        engine = _engine(self.location)
        try:
            table = _reflect(engine, self.table or "", self.describe())
            with engine.connect() as connection:
                return pd.read_sql(sa.select(table), connection)
        finally:
            engine.dispose()

    def write(self, frame: pd.DataFrame, replace: bool = False) -> None:
        """Write a result table atomically: a file via rename, a SQL table in one transaction.

        Raises:
            DataFileError: the SQL table exists and ``replace`` is not set.
            StoreError: the table is one of a gx-findmatches store's own tables.
        """
        if not is_database_url(self.location):
            write_table(frame, Path(self.location))
            return
        import sqlalchemy as sa

        from .store.migrations import refuse_store_table

        engine = _engine(self.location)
        try:
            with engine.connect() as connection:  # never over a gx-findmatches store's tables
                refuse_store_table(connection, self.table or "", self.describe())
            exists = sa.inspect(engine).has_table(self.table or "")
            if exists and not replace:
                raise DataFileError(
                    f"{self.describe()} already exists; choose another table or replace it "
                    f"(`DataSource.write(frame, replace=True)`)"
                )
            with engine.begin() as connection:
                frame.to_sql(self.table or "", connection, if_exists="replace", index=False)
        finally:
            engine.dispose()


def _engine(url: str) -> sa.Engine:
    import sqlalchemy as sa

    try:
        return sa.create_engine(url)
    except (sa.exc.ArgumentError, ImportError) as error:
        raise DataFileError(
            f"cannot open database URL {url!r} ({error}); use a SQLAlchemy URL such as "
            f"sqlite:///path.db or postgresql+psycopg://user:pass@host/db"
        ) from error


def _reflect(engine: sa.Engine, name: str, described: str) -> sa.Table:
    import sqlalchemy as sa

    try:
        known = sa.inspect(engine).get_table_names()
    except sa.exc.SQLAlchemyError as error:
        raise DataFileError(f"cannot reach {described} ({error}); check the URL") from error
    if name not in known:
        raise DataFileError(
            f"no table {name!r} in the database (tables: {known}); check the table name"
        )
    return sa.Table(name, sa.MetaData(), autoload_with=engine)
