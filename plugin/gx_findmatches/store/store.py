"""The store: transforms, labels, models, task runs and their quality, in one SQL database.

Any SQLAlchemy URL works; SQLite (the default, one file) and PostgreSQL are tested, including
several processes writing at once. Every change of a task run happens inside
:meth:`Store.task_run`, whose work commits in one transaction together with the run's
SUCCEEDED status, so a run that fails, or is interrupted, leaves nothing behind but its FAILED
record. A run asked to stop (:meth:`Store.cancel_run`, from any process) is CANCELLING until it
reaches its next step, then CANCELLED, with nothing it did kept either.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..engine.settings import TRANSFORM_PARAMETERS, transform_settings
from . import records
from .artifacts import StoreArtifacts
from .base import DEFAULT_URL, STORE_VARIABLE, work_session
from .errors import (
    StoreError,
    TaskRunCancelledError,
    TransformExistsError,
)
from .failures import database_errors, one_line
from .labels import merge_labels, read_labels, write_labels
from .names import check_name
from .records import (
    ENDED_STATUSES,
    TASK_RUN_TYPES,
    TRANSFORM_STATUSES,
    RunHandle,
    TaskRunRecord,
    TransformRecord,
)
from .runs import fail_runs, finish_run, stale_runs, start_run
from .schema import Label, TaskRun, Transform, utcnow

if TYPE_CHECKING:  # pandas is imported where labels are read or written
    import pandas as pd

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_URL", "STORE_VARIABLE", "Store"]


class Store(StoreArtifacts):
    """A FindMatches store over one SQL database.

    Opening a store also marks FAILED the runs of this host left RUNNING by a process that
    is gone (killed by ``kill -9``, the out-of-memory killer, a reboot).

    Args:
        url: a SQLAlchemy URL; default ``$GX_FINDMATCHES_STORE``, else
            ``sqlite:///findmatches.db`` in the working directory.
        busy_timeout: seconds a SQLite writer waits for another process to finish writing
            before its run fails.
        create: create the store's tables in a database that has none (and, for SQLite, the
            file); when false such a database raises :class:`StoreNotFoundError` untouched,
            which is what commands that only read want.

    Raises:
        StoreError: the database cannot be reached or opened (the message says why and how
            to fix it), or it is not a gx-findmatches store (foreign tables of the same
            names, a damaged schema version).
        StoreNotFoundError: ``create`` is false and there is no store yet.
        SchemaVersionError: the database was written by a newer gx-findmatches.
    """

    # ------------------------------------------------------------------------- transforms
    def create_transform(
        self, name: str, data_source: str, primary_key: str, **settings: Any
    ) -> TransformRecord:
        """Register a transform (NOT_READY until a model is saved).

        Args:
            name: the transform's name, unique in the store.
            data_source: where its data lives (``DataSource.to_reference()``).
            primary_key: the column that identifies each record.
            settings: the other parameters a transform keeps (``columns``,
                ``precision_recall_tradeoff``, ...: ``engine.settings.TRANSFORM_PARAMETERS``);
                unset ones take their declared defaults.

        Raises:
            ParameterError: an unknown parameter, or a value out of its bounds.
            TransformExistsError: the name is taken.
            StoreError: the name is empty, longer than 255 characters, or holds control or
                invisible characters.
        """
        check_name(name)
        values = transform_settings(primary_key, **settings).transform_values()
        now = utcnow()
        transform = Transform(
            name=name,
            data_source=data_source,
            **values,
            status="NOT_READY",
            created_at=now,
            updated_at=now,
        )
        try:
            with self._writing() as session:
                if session.scalar(select(Transform.id).where(Transform.name == name)):
                    raise _exists(name)
                session.add(transform)
                session.flush()
                return transform.to_record()
        except IntegrityError as error:  # created by another process since the check
            raise _exists(name) from error

    def get_transform(self, name: str) -> TransformRecord:
        """The transform called ``name``.

        Raises:
            TransformNotFoundError: no such transform (the message lists the known ones).
        """
        with self._reading() as session:
            return self._transform(session, name).to_record()

    def list_transforms(self) -> list[TransformRecord]:
        """Every transform, by name."""
        with self._reading() as session:
            found = session.scalars(select(Transform).order_by(Transform.name))
            return [t.to_record() for t in found]

    def delete_transform(self, name: str) -> None:
        """Delete a transform with all its labels, models, runs and evaluations."""
        with self._writing() as session:
            transform = self._transform(session, name)
            session.execute(delete(Transform).where(Transform.id == transform.id))

    def set_status(self, name: str, status: records.TransformStatus) -> TransformRecord:
        """Set a transform's status (``NOT_READY`` or ``READY``)."""
        if status not in TRANSFORM_STATUSES:
            raise StoreError(f"status {status!r} is not one of {list(TRANSFORM_STATUSES)}")
        with self._writing() as session:
            transform = self._transform(session, name)
            transform.status, transform.updated_at = status, utcnow()
            session.flush()
            return transform.to_record()

    def update_transform(
        self, name: str, *, status: records.TransformStatus | None = None, **settings: Any
    ) -> TransformRecord:
        """Change some of a transform's parameters (and its status, when given).

        The other parameters stay as they are; the result is checked as a whole, as
        :meth:`create_transform` checks a new transform.

        Raises:
            ParameterError: an unknown parameter, or a value out of its bounds.
            StoreError: an unknown status.
        """
        if status is not None and status not in TRANSFORM_STATUSES:
            raise StoreError(f"status {status!r} is not one of {list(TRANSFORM_STATUSES)}")
        with self._writing() as session:
            transform = self._transform(session, name, lock=True)
            current = transform.to_record()
            values = {p: getattr(current, p) for p in _PARAMETER_NAMES}
            values.update(settings)
            checked = transform_settings(**values).transform_values()
            for key, value in checked.items():
                setattr(transform, key, value)
            if status is not None:
                transform.status = status
            transform.updated_at = utcnow()
            session.flush()
            return transform.to_record()

    # ------------------------------------------------------------------------- task runs
    @contextmanager
    def task_run(
        self, name: str, run_type: records.TaskRunType, parameters: Mapping[str, Any]
    ) -> Iterator[RunHandle]:
        """Record one task run around the work it does.

        The RUNNING record is committed first, so a run in progress is visible. Writes made
        through the yielded handle's ``session`` (and the store methods taking a handle) commit
        together with the SUCCEEDED status on normal exit. On any exception, including
        ``KeyboardInterrupt``, they are rolled back, the run is marked FAILED with the error,
        and the exception propagates.

        Do the work first and write last: from its first write until the run ends, the work
        holds the transform's write lock (on SQLite, the whole database's), so other writers
        wait. For the same reason, do not call store methods that write on their own
        (``create_transform``, ``set_status``, ``delete_transform``) inside the block.

        Args:
            name: the transform the run works on.
            run_type: one of :data:`records.TASK_RUN_TYPES`.
            parameters: what the run was asked to do (stored as JSON).

        Raises:
            TransformNotFoundError: no such transform (nothing is recorded).
        """
        if run_type not in TASK_RUN_TYPES:
            raise StoreError(f"task run type {run_type!r} is not one of {list(TASK_RUN_TYPES)}")
        run_id = str(uuid.uuid4())
        with self._writing() as session:
            transform = self._transform(session, name)
            session.add(start_run(run_id, transform.id, run_type, parameters))
        work = Session(self._write, expire_on_commit=False)
        handle = RunHandle(id=run_id, transform=name, type=run_type, session=work)
        try:
            yield handle
            handle.active = False
            with database_errors(self.url):
                work.execute(finish_run(run_id, "SUCCEEDED", row_counts=dict(handle.row_counts)))
                work.commit()
        except BaseException as error:
            handle.active = False
            self._fail(work, run_id, handle.row_counts, error)
            raise
        finally:
            handle.active = False
            work.close()

    def _fail(
        self, work: Session, run_id: str, row_counts: dict[str, Any], error: BaseException
    ) -> None:
        try:
            work.rollback()
        except Exception as failure:  # the connection may be gone: the database rolls back
            logger.warning("rolling back task run %s failed: %s", run_id, one_line(failure))
        # the error may come from another database than the store's (an output): no URL
        message = one_line(error) if str(error) else type(error).__name__
        status = "CANCELLED" if isinstance(error, TaskRunCancelledError) else "FAILED"
        try:
            with self._writing() as session:
                session.execute(finish_run(run_id, status, row_counts or None, message))
        except Exception as failure:  # keep the run's own error the one that propagates
            logger.warning("marking task run %s FAILED failed: %s", run_id, one_line(failure))

    def opened(self) -> None:
        self.fail_stale_runs()

    def fail_stale_runs(self) -> list[str]:
        """Mark FAILED the RUNNING runs of this host whose process is gone; return their ids.

        Called when the store opens. Runs of other hosts are left alone (a process id means
        nothing there), and so are runs recorded before schema version 2 (no process id). A
        store it cannot write to (read-only) keeps them RUNNING, with a warning.
        """
        with self._reading() as session:
            stale = stale_runs(session)
        if not stale:
            return []
        try:
            with self._writing() as session:
                fail_runs(session, stale)
        except StoreError as error:
            logger.warning("cannot mark %d interrupted run(s) FAILED: %s", len(stale), error)
            return []
        logger.warning(
            "marked %d interrupted run(s) FAILED (their process is gone): %s",
            len(stale),
            ", ".join(stale),
        )
        return list(stale)

    def get_run(self, run_id: str) -> TaskRunRecord:
        """One task run, by its id or a unique beginning of it (at least 8 characters).

        Raises:
            TaskRunNotFoundError: no run has that id, or several begin with it.
        """
        with self._reading() as session:
            run, transform = self._run(session, run_id)
            return run.to_record(transform)

    def cancel_run(self, run_id: str) -> TaskRunRecord:
        """Ask a running task run to stop; return it, now CANCELLING.

        The process running it (this one or any other) looks between its steps
        (:meth:`check_cancelled`); at the next one it stops, rolls back what it did and is
        recorded CANCELLED. A run that finishes its last step before it looks ends SUCCEEDED.
        Cancelling a run already CANCELLING changes nothing.

        Raises:
            TaskRunNotFoundError: no run has that id.
            StoreError: the run has already ended (SUCCEEDED, FAILED or CANCELLED).
        """
        with self._writing() as session:
            run, transform = self._run(session, run_id)
            if run.status == "RUNNING":
                run.status = "CANCELLING"
                session.flush()
            elif run.status in ENDED_STATUSES:
                raise StoreError(
                    f"task run {run.id} ({run.type} of transform {transform!r}) has already "
                    f"ended {run.status}; only a RUNNING run can be cancelled"
                )
            return run.to_record(transform)

    def check_cancelled(self, handle: RunHandle, step: str) -> None:
        """Stop the run here if it was asked to (:meth:`cancel_run`).

        Call it between the steps of a run's work: a quick read of the run's status.

        Raises:
            TaskRunCancelledError: the run is CANCELLING; raised inside :meth:`task_run`'s
                block, it ends the run CANCELLED with nothing it did kept.
        """
        with self._reading() as session:
            status = session.scalar(select(TaskRun.status).where(TaskRun.id == handle.id))
        if status == "CANCELLING":
            raise TaskRunCancelledError(
                f"task run {handle.id} ({handle.type} of transform {handle.transform!r}) was "
                f"cancelled; it stopped before its step {step!r} and kept nothing; run it "
                f"again to redo it"
            )

    def runs(self, name: str | None = None, limit: int = 50) -> list[TaskRunRecord]:
        """The latest task runs, newest first, of one transform or of all."""
        with self._reading() as session:
            query = select(TaskRun, Transform.name).join(Transform)
            if name is not None:
                query = query.where(TaskRun.transform_id == self._transform(session, name).id)
            query = query.order_by(TaskRun.started_at.desc(), TaskRun.id.desc()).limit(limit)
            return [run.to_record(transform) for run, transform in session.execute(query)]

    # ------------------------------------------------------------------------- labels
    def import_labels(
        self,
        handle: RunHandle,
        name: str,
        labels: pd.DataFrame,
        primary_key: str,
        source: str,
        replace: bool = False,
        check: Callable[[pd.DataFrame], object] | None = None,
    ) -> int:
        """Store every row of a Glue label table; return how many rows were stored.

        Merging (the default) replaces stored rows with the same labeling set and primary key
        value and keeps the rest; ``replace=True`` first deletes all the transform's labels.

        ``check`` is called with the labels as they will stand after the import (the stored
        ones merged with ``labels``, or ``labels`` alone when replacing) *after* the
        transform's write lock is taken, so no other import can land between the check and
        the write: two imports that contradict each other cannot both be stored. It refuses
        by raising (``engine.labels.label_pairs`` is the usual check).

        Raises:
            StoreError: the table is empty, lacks ``labeling_set_id``, ``label`` or the key,
                or holds an id or label that is too long or has control characters.
        """
        session = work_session(handle, name)
        transform = self._transform(session, name, lock=True)
        if check is not None:
            stored = read_labels(session, transform.id, transform.primary_key)
            check(labels if replace else merge_labels(stored, labels, primary_key))
        return write_labels(session, transform.id, handle.id, labels, primary_key, source, replace)

    def labels(self, name: str) -> pd.DataFrame:
        """Every stored label as a Glue label table, exactly as imported.

        Columns are ``labeling_set_id``, ``label``, then the data columns in their imported
        order; values are strings, or ``None`` where the imported cell was empty.
        """
        with self._reading() as session:
            transform = self._transform(session, name)
            return read_labels(session, transform.id, transform.primary_key)

    def labelled_keys(self, name: str) -> set[str]:
        """The primary key values of every labelled record."""
        with self._reading() as session:
            transform = self._transform(session, name)
            keys = session.scalars(
                select(Label.primary_key_value).where(Label.transform_id == transform.id)
            )
            return set(keys)


_PARAMETER_NAMES = tuple(p.name for p in TRANSFORM_PARAMETERS)


def _exists(name: str) -> TransformExistsError:
    return TransformExistsError(
        f"a transform named {name!r} already exists; choose another name or delete it first "
        f"(`Store.delete_transform`)"
    )
