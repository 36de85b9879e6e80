"""Persistence of transforms, labels, models and task runs in one SQL database.

Use it through :class:`Store`; every other module here is private. SQLAlchemy is imported only
by this package, so the engine stays light::

    from gx_findmatches.store import Store
    store = Store("sqlite:///findmatches.db")
    with store.task_run("customers", "IMPORT_LABELS", {"source": "labels.csv"}) as run:
        store.import_labels(run, "customers", labels, "customer_id", "labels.csv")
"""

from __future__ import annotations

from .errors import (
    ModelNotFoundError,
    SchemaVersionError,
    StoreError,
    StoreNotFoundError,
    TaskRunCancelledError,
    TaskRunNotFoundError,
    TransformExistsError,
    TransformNotFoundError,
)
from .records import (
    ENDED_STATUSES,
    TASK_RUN_STATUSES,
    TASK_RUN_TYPES,
    EvaluationRecord,
    RunHandle,
    TaskRunRecord,
    TaskRunStatus,
    TaskRunType,
    TransformRecord,
    TransformStatus,
)
from .schema import SCHEMA_VERSION
from .store import DEFAULT_URL, STORE_VARIABLE, Store

__all__ = [
    "DEFAULT_URL",
    "ENDED_STATUSES",
    "SCHEMA_VERSION",
    "STORE_VARIABLE",
    "TASK_RUN_STATUSES",
    "TASK_RUN_TYPES",
    "EvaluationRecord",
    "ModelNotFoundError",
    "RunHandle",
    "SchemaVersionError",
    "Store",
    "StoreError",
    "StoreNotFoundError",
    "TaskRunCancelledError",
    "TaskRunNotFoundError",
    "TaskRunRecord",
    "TaskRunStatus",
    "TaskRunType",
    "TransformExistsError",
    "TransformNotFoundError",
    "TransformRecord",
    "TransformStatus",
]
