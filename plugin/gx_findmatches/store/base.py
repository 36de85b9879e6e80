"""The plumbing every store operation stands on: opening the database (and refusing one that
is not a store), the read and write sessions, and looking up a transform or a task run.

:class:`~.store.Store` builds on it (transforms, task runs, labels), through
:class:`~.artifacts.StoreArtifacts` (models and evaluations): one class in three files.
"""

from __future__ import annotations

import logging
import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typing_extensions import Self

from .connection import connect, safe_url
from .errors import (
    StoreError,
    StoreNotFoundError,
    TaskRunNotFoundError,
    TransformNotFoundError,
)
from .failures import database_errors, missing_folder, sqlite_path
from .migrations import ensure_schema
from .records import (
    RunHandle,
)
from .schema import TaskRun, Transform

logger = logging.getLogger(__name__)


STORE_VARIABLE = "GX_FINDMATCHES_STORE"
DEFAULT_URL = "sqlite:///findmatches.db"


class StoreBase:
    """Connections, sessions and lookups of a store (see :class:`~.store.Store`)."""

    def __init__(
        self, url: str | None = None, *, busy_timeout: float = 30.0, create: bool = True
    ) -> None:
        self.url = url or os.environ.get(STORE_VARIABLE) or DEFAULT_URL
        path = sqlite_path(self.url)
        if not create and path is not None and not path.exists():
            if not path.parent.is_dir():  # a mistyped path rather than no store yet
                raise StoreError(missing_folder(path))
            raise StoreNotFoundError(
                f"there is no store at {safe_url(self.url)} (no file {path}); create a "
                f"transform first (`Workflow.create_transform`), or point at an existing store"
            )
        with database_errors(self.url):
            self._read, self._write = connect(self.url, busy_timeout)
        # a store dropped without close() still closes its connections, rather than leaving
        # them to the garbage collector (which warns about, and may not close, open sockets)
        self._finalizer = weakref.finalize(self, _dispose, self._read, self._write)
        try:
            with database_errors(self.url):
                ensure_schema(self._read, self._write, create=create)
            self.opened()
        except BaseException:
            self.close()
            raise

    def opened(self) -> None:
        """Called once the schema is checked, before the store is handed out (the store
        marks interrupted runs FAILED here)."""

    def __repr__(self) -> str:
        return f"Store({safe_url(self.url)!r})"

    def close(self) -> None:
        """Close every pooled connection (the store can still be used; it reconnects)."""
        _dispose(self._read, self._write)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        with database_errors(self.url), Session(self._read) as session, session.begin():
            yield session

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        with (
            database_errors(self.url),
            Session(self._write, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    def _run(self, session: Session, run_id: str) -> tuple[TaskRun, str]:
        """A run by id, or by a unique beginning of its id, with its transform's name."""
        text = run_id.strip().lower()
        query = select(TaskRun, Transform.name).join(Transform)
        if len(text) >= _MIN_ID_PREFIX and set(text) <= _ID_CHARACTERS:
            query = query.where(TaskRun.id.startswith(text, autoescape=True))
        else:
            query = query.where(TaskRun.id == run_id)
        found = session.execute(query.limit(2)).all()
        if len(found) == 1:
            return found[0][0], found[0][1]
        raise TaskRunNotFoundError(
            f"no task run {run_id!r} in the store at {safe_url(self.url)}"
            + (" (several runs begin with it)" if found else "")
            + "; give its whole id or at least its first 8 characters, as listed with the "
            "runs (`Store.runs`)"
        )

    def _transform(self, session: Session, name: str, lock: bool = False) -> Transform:
        query = select(Transform).where(Transform.name == name)
        # FOR NO KEY UPDATE serialises the writers of one transform on PostgreSQL yet lets
        # other runs insert rows that reference it; SQLite ignores it (BEGIN IMMEDIATE already
        # serialises every writer)
        found = session.scalar(query.with_for_update(key_share=True) if lock else query)
        if found is not None:
            return found
        known = list(session.scalars(select(Transform.name).order_by(Transform.name)))
        raise TransformNotFoundError(
            f"no transform named {name!r} in the store at {safe_url(self.url)}; "
            + (f"known transforms: {', '.join(known)}" if known else "it has no transforms yet")
            + " (create one: `Workflow.create_transform`)"
        )


def _dispose(*engines: Engine) -> None:
    for engine in engines:
        engine.dispose()


def work_session(handle: RunHandle, name: str) -> Session:
    """The session of a task run that is still open and belongs to transform ``name``."""
    if not handle.active:
        raise StoreError(f"task run {handle.id} has ended; write inside its `with` block")
    if handle.transform != name:
        raise StoreError(
            f"task run {handle.id} belongs to transform {handle.transform!r}, not {name!r}"
        )
    return handle.session


_MIN_ID_PREFIX = 8
_ID_CHARACTERS = set("0123456789abcdef-")
