"""The store's tables, as typed SQLAlchemy 2.x ORM classes.

Portable across SQLite and PostgreSQL on purpose: JSON goes into text columns through
:class:`JSONText` (PostgreSQL's ``json`` type rejects the ``NaN`` a quality report can hold and
``jsonb`` reorders keys), times are stored in UTC, and every child table cascades from
``transforms`` in the database itself, so deleting a transform is one statement.

Bump :data:`SCHEMA_VERSION` whenever a table changes, and add the step that upgrades the
previous version to ``migrations.MIGRATIONS``.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from ..engine.settings import TRANSFORM_PARAMETERS
from . import records
from .records import TASK_RUN_STATUSES, TASK_RUN_TYPES, TRANSFORM_STATUSES

SCHEMA_VERSION = 3  # 2: task runs record host and pid; 3: runs may be CANCELLING, CANCELLED


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (what every timestamp column stores)."""
    return datetime.now(timezone.utc)


def as_utc(value: datetime) -> datetime:
    """A stored timestamp as aware UTC (SQLite hands timestamps back without a zone)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _json_default(value: Any) -> Any:
    # numpy scalars (row counts, metrics) know their Python value; anything else becomes text
    item = getattr(value, "item", None)
    return item() if callable(item) else str(value)


class JSONText(TypeDecorator[Any]):
    """JSON kept as text: exact round trips (key order, ``NaN``) on every database."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else json.dumps(value, default=_json_default)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def status_check(statuses: tuple[str, ...]) -> str:
    """The SQL of the task-run status constraint (migrations rewrite it when statuses grow)."""
    return _in("status", statuses)


_Timestamp = DateTime(timezone=True)


def _parent(column: str) -> ForeignKey:
    """A foreign key whose rows go when the parent row goes (deleting a transform is one
    statement, and no orphan can survive a crash half-way)."""
    return ForeignKey(column, ondelete="CASCADE")


class Base(DeclarativeBase):
    """Base of the store's tables."""


class SchemaVersion(Base):
    """One row: the schema version of the database, checked before anything else."""

    __tablename__ = "schema_version"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class Transform(Base):
    """A named transform: its data source and matching parameters.

    The parameter columns are those of ``engine.settings.TRANSFORM_PARAMETERS``, written out
    rather than generated: a new column needs a new schema version and its migration, which a
    generated one would skip (``tests/test_settings_layers.py`` checks the two agree).
    """

    __tablename__ = "transforms"
    __table_args__ = (CheckConstraint(_in("status", TRANSFORM_STATUSES), name="transform_status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    data_source: Mapped[str] = mapped_column(Text)
    primary_key: Mapped[str] = mapped_column(Text)
    columns: Mapped[Any] = mapped_column(JSONText, nullable=True)
    precision_recall_tradeoff: Mapped[float] = mapped_column(Float)
    accuracy_cost_tradeoff: Mapped[float] = mapped_column(Float)
    enforce_provided_labels: Mapped[bool] = mapped_column(Boolean)
    partition_by: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="NOT_READY")
    created_at: Mapped[datetime] = mapped_column(_Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(_Timestamp, default=utcnow)

    def to_record(self) -> records.TransformRecord:
        """A detached snapshot of this row."""
        return records.TransformRecord(
            id=self.id,
            name=self.name,
            data_source=self.data_source,
            **{p.name: getattr(self, p.name) for p in TRANSFORM_PARAMETERS},
            status=cast(records.TransformStatus, self.status),
            created_at=as_utc(self.created_at),
            updated_at=as_utc(self.updated_at),
        )


class TaskRun(Base):
    """One task run; RUNNING rows are committed before the work starts."""

    __tablename__ = "task_runs"
    __table_args__ = (
        CheckConstraint(status_check(TASK_RUN_STATUSES), name="task_run_status"),
        CheckConstraint(_in("type", TASK_RUN_TYPES), name="task_run_type"),
        Index("ix_task_runs_transform_started", "transform_id", "started_at"),
        Index("ix_task_runs_started", "started_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    transform_id: Mapped[int] = mapped_column(_parent("transforms.id"))
    type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(_Timestamp)
    ended_at: Mapped[datetime | None] = mapped_column(_Timestamp, nullable=True)
    parameters: Mapped[Any] = mapped_column(JSONText)
    row_counts: Mapped[Any] = mapped_column(JSONText, nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    # the process running the run (schema version 2): a RUNNING run whose process is gone
    # from this host was killed, and the next store opened on the host marks it FAILED
    host: Mapped[str | None] = mapped_column(String(255), nullable=True)
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)

    def to_record(self, transform: str) -> records.TaskRunRecord:
        """A detached snapshot of this row; ``transform`` is the transform's name."""
        return records.TaskRunRecord(
            id=self.id,
            transform=transform,
            type=cast(records.TaskRunType, self.type),
            status=cast(records.TaskRunStatus, self.status),
            started_at=as_utc(self.started_at),
            ended_at=None if self.ended_at is None else as_utc(self.ended_at),
            parameters=self.parameters,
            row_counts=self.row_counts,
            error_message=self.error_message,
            host=self.host,
            pid=self.pid,
        )


class LabelImport(Base):
    """One import of labels; ``columns`` keeps the imported table's column order."""

    __tablename__ = "label_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transform_id: Mapped[int] = mapped_column(_parent("transforms.id"), index=True)
    task_run_id: Mapped[str] = mapped_column(_parent("task_runs.id"))
    source: Mapped[str] = mapped_column(Text)
    replaced: Mapped[bool] = mapped_column(Boolean)
    row_count: Mapped[int] = mapped_column(Integer)
    columns: Mapped[list[str]] = mapped_column(JSONText)
    created_at: Mapped[datetime] = mapped_column(_Timestamp, default=utcnow)


class Label(Base):
    """One labelled record: its set, its label, and its whole row as text."""

    __tablename__ = "labels"
    __table_args__ = (
        Index(
            "ix_labels_transform_set_key", "transform_id", "labeling_set_id", "primary_key_value"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transform_id: Mapped[int] = mapped_column(_parent("transforms.id"))
    import_id: Mapped[int] = mapped_column(_parent("label_imports.id"), index=True)
    labeling_set_id: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(Text)
    primary_key_value: Mapped[str] = mapped_column(Text)
    record: Mapped[dict[str, str | None]] = mapped_column(JSONText)


class Model(Base):
    """A trained model: the engine's transform dictionary, opaque to the store."""

    __tablename__ = "models"
    __table_args__ = (UniqueConstraint("transform_id", "version", name="uq_models_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transform_id: Mapped[int] = mapped_column(_parent("transforms.id"))
    version: Mapped[int] = mapped_column(Integer)
    task_run_id: Mapped[str] = mapped_column(_parent("task_runs.id"))
    model: Mapped[Any] = mapped_column(JSONText)
    created_at: Mapped[datetime] = mapped_column(_Timestamp, default=utcnow)


class EvaluationMetrics(Base):
    """The quality report of one evaluation run."""

    __tablename__ = "evaluation_metrics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_run_id: Mapped[str] = mapped_column(_parent("task_runs.id"), unique=True)
    transform_id: Mapped[int] = mapped_column(_parent("transforms.id"), index=True)
    model_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    metrics: Mapped[Any] = mapped_column(JSONText)
    label_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(_Timestamp, default=utcnow)

    def to_record(self, transform: str) -> records.EvaluationRecord:
        """A detached snapshot of this row; ``transform`` is the transform's name."""
        return records.EvaluationRecord(
            id=self.id,
            task_run_id=self.task_run_id,
            transform=transform,
            model_version=self.model_version,
            metrics=self.metrics,
            label_count=self.label_count,
            created_at=as_utc(self.created_at),
        )
