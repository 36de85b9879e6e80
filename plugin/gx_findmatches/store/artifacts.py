"""What task runs produce and keep in the store: model versions and quality evaluations."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import func, select

from .base import StoreBase, work_session
from .errors import (
    ModelNotFoundError,
    StoreError,
)
from .records import (
    EvaluationRecord,
    RunHandle,
)
from .schema import EvaluationMetrics, Model, utcnow

logger = logging.getLogger(__name__)


class StoreArtifacts(StoreBase):
    """Models and evaluations of a store (see :class:`~.store.Store`)."""

    # ------------------------------------------------------------------------- models
    def save_model(
        self,
        handle: RunHandle,
        name: str,
        model: dict[str, Any],
        trained_with: Mapping[str, Any] | None = None,
    ) -> int:
        """Store a trained model as the transform's next version and mark it READY.

        Args:
            trained_with: the transform parameters the model was trained with (those a model
                learns with: ``training`` in ``engine.settings``); checked under the
                transform's write lock against the stored ones.

        Raises:
            StoreError: ``trained_with`` differs from the stored parameters: the transform
                was updated while the model trained (nothing is saved; train again).
        """
        session = work_session(handle, name)
        transform = self._transform(session, name, lock=True)
        if trained_with is not None:
            stored = transform.to_record()
            changed = sorted(k for k, v in trained_with.items() if getattr(stored, k) != v)
            if changed:
                raise StoreError(
                    f"transform {name!r} was updated while it trained ({', '.join(changed)} "
                    f"changed); the model would be stale, so it was not saved: train it again "
                    f"(`Workflow.train`)"
                )
        latest = session.scalar(
            select(func.max(Model.version)).where(Model.transform_id == transform.id)
        )
        version = (latest or 0) + 1
        now = utcnow()
        session.add(
            Model(
                transform_id=transform.id,
                version=version,
                task_run_id=handle.id,
                model=model,
                created_at=now,
            )
        )
        transform.status, transform.updated_at = "READY", now
        session.flush()
        return version

    def latest_model(self, name: str) -> tuple[int, dict[str, Any]] | None:
        """The newest model as ``(version, model)``, or ``None`` before the first training."""
        with self._reading() as session:
            transform = self._transform(session, name)
            found = session.execute(
                select(Model.version, Model.model)
                .where(Model.transform_id == transform.id)
                .order_by(Model.version.desc())
                .limit(1)
            ).first()
            return None if found is None else (found.version, found.model)

    def model(self, name: str, version: int) -> dict[str, Any]:
        """One model version.

        Raises:
            ModelNotFoundError: the transform has no such version (the message lists them).
        """
        with self._reading() as session:
            transform = self._transform(session, name)
            found = session.scalar(
                select(Model.model).where(
                    Model.transform_id == transform.id, Model.version == version
                )
            )
            if found is not None:
                return cast(dict[str, Any], found)
            versions = list(
                session.scalars(select(Model.version).where(Model.transform_id == transform.id))
            )
        raise ModelNotFoundError(
            f"transform {name!r} has no model version {version}; "
            + (
                f"its versions are {sorted(versions)}"
                if versions
                else "train it first (`Workflow.train`)"
            )
        )

    # ------------------------------------------------------------------------- evaluations
    def save_evaluation(
        self,
        handle: RunHandle,
        name: str,
        model_version: int | None,
        metrics: dict[str, Any],
        label_count: int,
    ) -> EvaluationRecord:
        """Keep an evaluation run's quality report (``QualityReport.to_dict()``)."""
        session = work_session(handle, name)
        transform = self._transform(session, name, lock=True)
        evaluation = EvaluationMetrics(
            task_run_id=handle.id,
            transform_id=transform.id,
            model_version=model_version,
            metrics=metrics,
            label_count=int(label_count),
            created_at=utcnow(),
        )
        session.add(evaluation)
        session.flush()
        return evaluation.to_record(name)

    def evaluations(self, name: str) -> list[EvaluationRecord]:
        """Every evaluation of a transform, oldest first: its quality across label rounds."""
        with self._reading() as session:
            transform = self._transform(session, name)
            found = session.scalars(
                select(EvaluationMetrics)
                .where(EvaluationMetrics.transform_id == transform.id)
                .order_by(EvaluationMetrics.created_at, EvaluationMetrics.id)
            )
            return [e.to_record(name) for e in found]
