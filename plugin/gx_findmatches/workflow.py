"""The Glue FindMatches loop over a store: create, update, generate labels, import, train,
evaluate, match, match incrementally, export the model. Every operation on data is a task run
in the store.

This module only orchestrates: the engine does the matching, the store keeps the history,
and each task run is one transaction, so a failed run leaves nothing behind but its FAILED
record with the error (see :meth:`Store.task_run`). Between its steps (the engine's
``prepare``, ``blocking``, models, scoring, clustering, and the workflow's own) a run looks
whether it was cancelled (:meth:`Store.cancel_run`, from any process) and, if so, stops there
and is recorded CANCELLED.

A transform's model is learnt with its training parameters (``training`` in
:mod:`.engine.settings`: key, columns, partition, accuracy-cost trade-off). Once
:meth:`Workflow.update_transform` changes one of them, the stored model is stale: the
transform is NOT_READY until it is trained again (a new model version). The match-time
parameters (precision-recall trade-off, enforcing labels) apply to the next match at once.
Other layers (GX) read stored transforms through :mod:`.stored`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .engine.columns import plan_columns
from .engine.evaluation import QualityReport
from .engine.labels import RECOMMENDED_MAX_SET_SIZE, label_pairs, refuse_label_column_clash
from .engine.persistence import matcher_from_dict, matcher_to_dict
from .engine.progress import on_step
from .engine.results import MatchResult
from .engine.settings import (
    TRAINING_PARAMETERS,
    MatchSettings,
    training_changes,
    transform_settings,
)
from .engine.transform import FindMatches
from .engine.validation import check_table, check_trained_columns
from .errors import LabelError, NotTrainedError, ParameterError
from .io import read_table
from .sources import DataSource
from .store import RunHandle, Store, TaskRunType, TransformRecord


@dataclass(frozen=True)
class TrainingOutcome:
    """What a training run produced."""

    version: int
    model: str
    labelled_records: int


@dataclass(frozen=True)
class TransformUpdate:
    """What :meth:`Workflow.update_transform` changed.

    Attributes:
        transform: the transform as it now is.
        changed: each changed parameter, as ``(before, after)``.
        model_version: the latest trained model, if any.
        needs_training: the transform has no model trained with its current training
            parameters (it is NOT_READY): train it to match again.
    """

    transform: TransformRecord
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    model_version: int | None = None
    needs_training: bool = False


class Workflow:
    """The FindMatches task runs of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # ------------------------------------------------------------------------- transforms
    def create_transform(
        self, name: str, source: DataSource, primary_key: str, **settings: Any
    ) -> TransformRecord:
        """Register a transform on a data source after checking its parameters and columns.

        Args:
            name: the transform's name, unique in the store.
            source: where its data lives.
            primary_key: the column that identifies each record.
            settings: the other parameters a transform keeps (``columns``,
                ``precision_recall_tradeoff``, ``accuracy_cost_tradeoff``,
                ``enforce_provided_labels``, ``partition_by``; see
                :class:`~.engine.settings.MatchSettings`); unset ones take their defaults.

        Raises:
            ParameterError: an unknown parameter or a value out of its bounds (checked before
                the data is read).
        """
        chosen = transform_settings(primary_key, **settings)
        source = source.absolute()  # the transform must find its data from any folder
        frame = source.read()
        check_table(frame, primary_key, chosen.partition_by)
        plan_columns(frame, primary_key, chosen.columns, chosen.partition_by)
        return self.store.create_transform(name, source.to_reference(), **chosen.transform_values())

    def update_transform(self, name: str, **settings: Any) -> TransformUpdate:
        """Change some parameters of a transform (Glue's UpdateMLTransform).

        A changed training parameter (key, columns, partition, accuracy-cost trade-off) makes
        the stored model stale: the transform is NOT_READY until :meth:`train` makes a new
        model version (setting the parameter back makes the model current again). Match-time
        parameters (precision-recall trade-off, enforcing labels) apply to the next match. A
        new key, column list or partition column is checked against the data, as at creation.

        Args:
            name: the transform.
            settings: the parameters to change (those of :meth:`create_transform`); the others
                stay as they are.

        Raises:
            ParameterError: an unknown parameter or a value out of its bounds (checked before
                the data is read), or a new primary key while labels are stored (they are kept
                by key value).
        """
        record = self.store.get_transform(name)
        before = record.settings().transform_values()
        chosen = transform_settings(**{**before, **settings})
        after = chosen.transform_values()
        changed = {k: (before[k], after[k]) for k in after if after[k] != before[k]}
        latest = self.store.latest_model(name)
        version = latest[0] if latest is not None else None
        stale = latest is None or bool(
            training_changes(matcher_from_dict(latest[1]).settings, chosen)
        )
        if not changed:
            return TransformUpdate(record, {}, version, stale)
        if "primary_key" in changed and self.store.labelled_keys(name):
            raise ParameterError(
                f"transform {name!r} has labels, stored by their {before['primary_key']!r} "
                f"values, which a new primary key would leave meaningless; keep the key, or "
                f"create a new transform (`Workflow.create_transform`) and label it"
            )
        if {"primary_key", "columns", "partition_by"} & changed.keys():
            frame = self.data(name)
            check_table(frame, chosen.primary_key, chosen.partition_by)
            plan_columns(frame, chosen.primary_key, chosen.columns, chosen.partition_by)
        updated = self.store.update_transform(
            name, status="NOT_READY" if stale else "READY", **{k: after[k] for k in changed}
        )
        return TransformUpdate(updated, changed, version, stale)

    def settings(self, name: str) -> MatchSettings:
        """A stored transform's parameters (its record only: no model is loaded)."""
        return self.store.get_transform(name).settings()

    def estimator(self, name: str) -> FindMatches:
        """The latest trained model of a transform, or an unfitted one with its parameters
        (before the first training, or when the model is stale)."""
        settings = self.settings(name)
        latest = self.store.latest_model(name)
        fitted = None if latest is None else FindMatches.from_matcher(matcher_from_dict(latest[1]))
        if fitted is None or training_changes(fitted.get_settings(), settings):
            return FindMatches.from_settings(settings)
        # the stored match-time parameters (e.g. the trade-off) apply to the trained model;
        # the others were learnt with it
        return fitted.set_params(**settings.match_time_values())  # type: ignore[no-any-return]

    def data(self, name: str) -> pd.DataFrame:
        """The transform's data source, read now."""
        return self._source(name).read()

    # ------------------------------------------------------------------------- labels
    def generate_labels(
        self, name: str, n_sets: int = 10, set_size: int = 10, strategy: str = "active"
    ) -> pd.DataFrame:
        """A labeling file of records not labelled yet (LABELING_SET_GENERATION)."""
        parameters = {"n_sets": n_sets, "set_size": set_size, "strategy": strategy}
        with self._run(name, "LABELING_SET_GENERATION", parameters) as run:
            frame = self.data(name)
            sheet = self.estimator(name).labeling_sets(
                frame,
                n_sets=n_sets,
                set_size=set_size,
                exclude_keys=sorted(self.store.labelled_keys(name)),
                strategy=strategy,
            )
            run.row_counts.update(records=len(sheet), sets=int(sheet["labeling_set_id"].nunique()))
        return sheet

    def import_labels(self, name: str, labels: pd.DataFrame | str, replace: bool = False) -> int:
        """Validate and store labels (IMPORT_LABELS); nothing is stored if any row is invalid."""
        source = labels if isinstance(labels, str) else "(data frame)"
        table = read_table(labels) if isinstance(labels, str) else labels
        record = self.store.get_transform(name)
        with self._run(name, "IMPORT_LABELS", {"source": source, "replace": replace}) as run:
            frame = self.data(name)
            refuse_label_column_clash(frame.columns)
            keys = frame[record.primary_key]
            label_pairs(
                table, record.primary_key, keys, max_set_size=RECOMMENDED_MAX_SET_SIZE, data=frame
            )

            def check(merged: pd.DataFrame) -> None:
                try:
                    label_pairs(merged, record.primary_key, keys, RECOMMENDED_MAX_SET_SIZE)
                except LabelError as error:
                    raise LabelError(f"with the labels already stored: {error}") from error

            # the store runs the check under the transform's write lock, so a concurrent
            # import is seen, never raced
            count = self.store.import_labels(
                run,
                name,
                table.drop(columns=[c for c in table.columns if c == "suggested_label"]),
                record.primary_key,
                source,
                replace=replace,
                check=None if replace else check,
            )
            run.row_counts.update(labels=count)
        return count

    def export_labels(self, name: str) -> pd.DataFrame:
        """All stored labels in the Glue format (EXPORT_LABELS)."""
        with self._run(name, "EXPORT_LABELS", {}) as run:
            labels = self.store.labels(name)
            run.row_counts.update(labels=len(labels))
        return labels

    # ------------------------------------------------------------------------- models
    def train(self, name: str) -> TrainingOutcome:
        """Fit on the data with every stored label (unsupervised without any) (TRAINING)."""
        record = self.store.get_transform(name)
        trained_with = {k: getattr(record, k) for k in TRAINING_PARAMETERS}
        with self._run(name, "TRAINING", {}) as run:
            frame = self.data(name)
            labels = self.store.labels(name)
            fitted = FindMatches.from_settings(record.settings()).fit(
                frame, labels if len(labels) else None
            )
            self.store.check_cancelled(run, "save the model")
            model = matcher_to_dict(fitted.matcher)
            version = self.store.save_model(run, name, model, trained_with=trained_with)
            run.row_counts.update(rows=len(frame), labels=len(labels))
        labelled = int(labels[record.primary_key].nunique()) if len(labels) else 0
        return TrainingOutcome(version, fitted.model_kind_, labelled)

    def evaluate(self, name: str, n_splits: int = 5) -> QualityReport:
        """Cross-validated quality from the stored labels, kept per run (EVALUATION)."""
        record = self.store.get_transform(name)
        with self._run(name, "EVALUATION", {"n_splits": n_splits}) as run:
            labels = self.store.labels(name)
            if labels.empty:
                raise LabelError(
                    f"transform {name!r} has no labels yet; generate a labeling file "
                    f"(`Workflow.generate_labels`), label it and import it first "
                    f"(`Workflow.import_labels`)"
                )
            frame = self.data(name)
            report = FindMatches.from_settings(record.settings()).evaluate(
                frame, labels, n_splits=n_splits
            )
            latest = self.store.latest_model(name)
            self.store.save_evaluation(
                run,
                name,
                latest[0] if latest else None,
                report.to_dict(),
                int(labels[record.primary_key].nunique()),
            )
            run.row_counts.update(labelled_pairs=report.labelled_pairs)
        return report

    # ------------------------------------------------------------------------- matching
    def match(
        self,
        name: str,
        output: DataSource | None = None,
        replace_output: bool = False,
        data: DataSource | None = None,
    ) -> MatchResult:
        """Run the trained transform over its data source, or over another table with the
        columns it was trained on (FIND_MATCHES).

        Args:
            name: the transform.
            output: where to write the result (not written when ``None``).
            replace_output: replace an existing output table.
            data: another table to match (extra columns pass through); default the
                transform's own data source.

        Raises:
            NotTrainedError: no model, or a stale one (see :meth:`update_transform`).
            ColumnError: ``data`` lacks a column the model was trained on (all are named).
        """
        parameters: dict[str, Any] = {"output": _describe(output)}
        if data is not None:
            parameters["data"] = data.describe()
        with self._run(name, "FIND_MATCHES", parameters) as run:
            fitted = self.trained(name)
            source = data if data is not None else self._source(name)
            frame = source.read()
            what = f"transform {name!r}"
            check_trained_columns(frame, fitted.trained_columns_, what, source.describe())
            result = fitted.match(frame)
            if output is not None:
                self.store.check_cancelled(run, "write the output")
                output.write(result.frame, replace=replace_output)
            run.row_counts.update(
                rows=result.summary.rows,
                candidate_pairs=result.summary.candidate_pairs,
                groups_with_duplicates=result.summary.groups_with_duplicates,
            )
        return result

    def match_incremental(
        self,
        name: str,
        existing: DataSource,
        new: DataSource,
        output: DataSource | None = None,
        replace_output: bool = False,
    ) -> MatchResult:
        """Match new records against an already matched table (FIND_INCREMENTAL_MATCHES)."""
        parameters = {
            "existing": existing.describe(),
            "new": new.describe(),
            "output": _describe(output),
        }
        with self._run(name, "FIND_INCREMENTAL_MATCHES", parameters) as run:
            result = self.trained(name).match_incremental(existing.read(), new.read())
            if output is not None:
                self.store.check_cancelled(run, "write the output")
                output.write(result.frame, replace=replace_output)
            run.row_counts.update(
                rows=result.summary.rows,
                compared_pairs=result.summary.candidate_pairs,
                skipped_pairs=result.summary.skipped_pairs,
            )
        return result

    def trained(self, name: str) -> FindMatches:
        """The latest trained model, with the transform's match-time parameters.

        Raises:
            NotTrainedError: the transform was never trained, or was updated since (it is
                NOT_READY).
        """
        return self._trained(name)[1]

    def export_model(self, name: str, path: str | Path) -> tuple[int, Path]:
        """Write the model :meth:`match` would use to a JSON file, as ``FindMatches.save``
        does (``FindMatches.load`` reads it back); return its version and the path.

        Raises:
            NotTrainedError: the transform was never trained, or was updated since.
        """
        version, fitted = self._trained(name)
        return version, fitted.save(path)

    def _trained(self, name: str) -> tuple[int, FindMatches]:
        settings = self.settings(name)
        latest = self.store.latest_model(name)
        if latest is None:
            raise NotTrainedError(
                f"transform {name!r} is NOT_READY: it has no trained model yet; train it first "
                f"(`Workflow.train`)"
            )
        fitted = FindMatches.from_matcher(matcher_from_dict(latest[1]))
        stale = training_changes(fitted.get_settings(), settings)
        if stale:
            was = ", ".join(f"{k}={old!r}" for k, (old, _) in stale.items())
            now = ", ".join(f"{k}={new!r}" for k, (_, new) in stale.items())
            raise NotTrainedError(
                f"transform {name!r} is NOT_READY: its model (version {latest[0]}) was trained "
                f"with {was}, but the transform now has {now} (`Workflow.update_transform`); "
                f"train it again (`Workflow.train`)"
            )
        return latest[0], fitted.set_params(**settings.match_time_values())

    def _source(self, name: str) -> DataSource:
        return DataSource.from_reference(self.store.get_transform(name).data_source)

    @contextmanager
    def _run(
        self, name: str, run_type: TaskRunType, parameters: Mapping[str, Any]
    ) -> Iterator[RunHandle]:
        """A task run whose engine steps each first look whether it was cancelled."""
        with (
            self.store.task_run(name, run_type, parameters) as run,
            on_step(lambda step: self.store.check_cancelled(run, step)),
        ):
            yield run


def _describe(source: DataSource | None) -> str | None:
    return source.describe() if source is not None else None
