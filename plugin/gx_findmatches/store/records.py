"""What the store hands out: plain frozen dataclasses, never ORM objects.

ORM objects are bound to a session and lazy-load on attribute access, so they break as soon as
the session closes and tempt callers into writing through them. Records are snapshots: safe to
keep, compare, pass between threads and serialise with ``dataclasses.asdict``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy.orm import Session

from ..engine.settings import TRANSFORM_PARAMETERS, MatchSettings

__all__ = [
    "ENDED_STATUSES",
    "TASK_RUN_STATUSES",
    "TASK_RUN_TYPES",
    "TRANSFORM_STATUSES",
    "Columns",
    "EvaluationRecord",
    "RunHandle",
    "TaskRunRecord",
    "TaskRunStatus",
    "TaskRunType",
    "TransformRecord",
    "TransformStatus",
]

TransformStatus = Literal["NOT_READY", "READY"]
#: CANCELLING: asked to stop (``Store.cancel_run``), it stops at its next step, then CANCELLED
TaskRunStatus = Literal["RUNNING", "CANCELLING", "SUCCEEDED", "FAILED", "CANCELLED"]
TaskRunType = Literal[
    "LABELING_SET_GENERATION",
    "IMPORT_LABELS",
    "EXPORT_LABELS",
    "TRAINING",
    "EVALUATION",
    "FIND_MATCHES",
    "FIND_INCREMENTAL_MATCHES",
]
TASK_RUN_TYPES: tuple[str, ...] = get_args(TaskRunType)
TASK_RUN_STATUSES: tuple[str, ...] = get_args(TaskRunStatus)
#: The statuses of a run that has ended: nothing changes it any more.
ENDED_STATUSES: tuple[str, ...] = ("SUCCEEDED", "FAILED", "CANCELLED")
TRANSFORM_STATUSES: tuple[str, ...] = get_args(TransformStatus)

#: Transform columns as the engine takes them: names, or names mapped to a comparison type.
Columns = list[str] | dict[str, str] | None


@dataclass(frozen=True)
class TransformRecord:
    """A transform's definition: where its data lives and how it matches."""

    id: int
    name: str
    data_source: str
    primary_key: str
    columns: Columns
    precision_recall_tradeoff: float
    accuracy_cost_tradeoff: float
    enforce_provided_labels: bool
    partition_by: str | None
    status: TransformStatus
    created_at: datetime
    updated_at: datetime

    def settings(self) -> MatchSettings:
        """The transform's parameters as the engine takes them."""
        return MatchSettings(**{p.name: getattr(self, p.name) for p in TRANSFORM_PARAMETERS})


@dataclass(frozen=True)
class TaskRunRecord:
    """One task run: what ran, on which transform, how it ended."""

    id: str
    transform: str
    type: TaskRunType
    status: TaskRunStatus
    started_at: datetime
    ended_at: datetime | None
    parameters: dict[str, Any]
    row_counts: dict[str, Any] | None
    error_message: str | None
    host: str | None = None  # where the run ran, and its process id (None before version 2)
    pid: int | None = None


@dataclass(frozen=True)
class EvaluationRecord:
    """The quality an evaluation run measured: one point in the history across label rounds."""

    id: int
    task_run_id: str
    transform: str
    model_version: int | None
    metrics: dict[str, Any]
    label_count: int
    created_at: datetime


@dataclass
class RunHandle:
    """The open work of one task run, yielded by :meth:`Store.task_run`.

    Everything written through :attr:`session` commits together with the run's SUCCEEDED
    status, or is rolled back if the run fails. Fill :attr:`row_counts` with what the run
    processed; it is stored with the run when it ends.
    """

    id: str
    transform: str
    type: TaskRunType
    session: Session
    row_counts: dict[str, Any] = field(default_factory=dict)
    active: bool = True
