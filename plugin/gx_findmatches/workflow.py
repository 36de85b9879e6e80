"""The Glue FindMatches loop over a store: create, generate labels, import, train, evaluate,
match, match incrementally. Every operation is a task run in the store.

This module only orchestrates: the engine does the matching, the store keeps the history,
and each task run is one transaction, so a failed run leaves nothing behind but its FAILED
record with the error (see :meth:`Store.task_run`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .engine.columns import plan_columns
from .engine.evaluation import QualityReport
from .engine.labels import RECOMMENDED_MAX_SET_SIZE, label_pairs
from .engine.persistence import transform_from_dict, transform_to_dict
from .engine.results import MatchResult
from .engine.transform import FindMatches
from .engine.validation import check_table
from .errors import LabelError
from .io import read_table
from .sources import DataSource
from .store import Store, TransformRecord


@dataclass(frozen=True)
class TrainingOutcome:
    """What a training run produced."""

    version: int
    model: str
    labelled_records: int


class Workflow:
    """The FindMatches task runs of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # ------------------------------------------------------------------------- transforms
    def create_transform(
        self,
        name: str,
        source: DataSource,
        primary_key: str,
        columns: Sequence[str] | Mapping[str, str] | None = None,
        precision_recall_tradeoff: float = 0.5,
        accuracy_cost_tradeoff: float = 0.5,
        enforce_provided_labels: bool = False,
        partition_by: str | None = None,
    ) -> TransformRecord:
        """Register a transform on a data source after checking its parameters and columns."""
        engine = FindMatches(
            primary_key=primary_key,
            columns=columns,
            precision_recall_tradeoff=precision_recall_tradeoff,
            accuracy_cost_tradeoff=accuracy_cost_tradeoff,
            enforce_provided_labels=enforce_provided_labels,
            partition_by=partition_by,
        )
        engine._check_params()
        frame = source.read()
        check_table(frame, primary_key, partition_by)
        plan_columns(frame, primary_key, columns, partition_by)
        return self.store.create_transform(
            name,
            source.to_reference(),
            primary_key,
            columns=dict(columns)
            if isinstance(columns, Mapping)
            else (list(columns) if columns is not None else None),
            precision_recall_tradeoff=precision_recall_tradeoff,
            accuracy_cost_tradeoff=accuracy_cost_tradeoff,
            enforce_provided_labels=enforce_provided_labels,
            partition_by=partition_by,
        )

    def engine(self, name: str) -> FindMatches:
        """The latest trained model of a transform, or an unfitted one with its parameters."""
        record = self.store.get_transform(name)
        latest = self.store.latest_model(name)
        if latest is not None:
            fitted = transform_from_dict(latest[1])
            # parameters edited since training (e.g. the trade-off) apply at match time
            return fitted.set_params(**_params(record))  # type: ignore[no-any-return]
        return FindMatches(**_params(record))

    def data(self, name: str) -> pd.DataFrame:
        """The transform's data source, read now."""
        return DataSource.from_reference(self.store.get_transform(name).data_source).read()

    # ------------------------------------------------------------------------- labels
    def generate_labels(
        self, name: str, n_sets: int = 10, set_size: int = 10, strategy: str = "active"
    ) -> pd.DataFrame:
        """A labeling file of records not labelled yet (LABELING_SET_GENERATION)."""
        parameters = {"n_sets": n_sets, "set_size": set_size, "strategy": strategy}
        with self.store.task_run(name, "LABELING_SET_GENERATION", parameters) as run:
            frame = self.data(name)
            sheet = self.engine(name).labeling_sets(
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
        with self.store.task_run(
            name, "IMPORT_LABELS", {"source": source, "replace": replace}
        ) as run:
            frame = self.data(name)
            keys = frame[record.primary_key]
            label_pairs(
                table, record.primary_key, keys, max_set_size=RECOMMENDED_MAX_SET_SIZE, data=frame
            )
            merged = (
                table
                if replace
                else _merge_labels(self.store.labels(name), table, record.primary_key)
            )
            label_pairs(merged, record.primary_key, keys, max_set_size=RECOMMENDED_MAX_SET_SIZE)
            count = self.store.import_labels(
                run,
                name,
                table.drop(columns=[c for c in table.columns if c == "suggested_label"]),
                record.primary_key,
                source,
                replace=replace,
            )
            run.row_counts.update(labels=count)
        return count

    def export_labels(self, name: str) -> pd.DataFrame:
        """All stored labels in the Glue format (EXPORT_LABELS)."""
        with self.store.task_run(name, "EXPORT_LABELS", {}) as run:
            labels = self.store.labels(name)
            run.row_counts.update(labels=len(labels))
        return labels

    # ------------------------------------------------------------------------- models
    def train(self, name: str) -> TrainingOutcome:
        """Fit on the data with every stored label (unsupervised without any) (TRAINING)."""
        record = self.store.get_transform(name)
        with self.store.task_run(name, "TRAINING", {}) as run:
            frame = self.data(name)
            labels = self.store.labels(name)
            fitted = FindMatches(**_params(record)).fit(frame, labels if len(labels) else None)
            version = self.store.save_model(run, name, transform_to_dict(fitted))
            run.row_counts.update(rows=len(frame), labels=len(labels))
        labelled = int(labels[record.primary_key].nunique()) if len(labels) else 0
        return TrainingOutcome(version, fitted.model_kind_, labelled)

    def evaluate(self, name: str, n_splits: int = 5) -> QualityReport:
        """Cross-validated quality from the stored labels, kept per run (EVALUATION)."""
        record = self.store.get_transform(name)
        with self.store.task_run(name, "EVALUATION", {"n_splits": n_splits}) as run:
            labels = self.store.labels(name)
            if labels.empty:
                raise LabelError(
                    f"transform {name!r} has no labels yet; generate a labeling "
                    f"file, label it and import it first"
                )
            frame = self.data(name)
            report = FindMatches(**_params(record)).evaluate(frame, labels, n_splits=n_splits)
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
        self, name: str, output: DataSource | None = None, replace_output: bool = False
    ) -> MatchResult:
        """Run the trained transform over its data source (FIND_MATCHES)."""
        with self.store.task_run(name, "FIND_MATCHES", {"output": _describe(output)}) as run:
            engine = self.trained(name)
            result = engine.match(self.data(name))
            if output is not None:
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
        with self.store.task_run(name, "FIND_INCREMENTAL_MATCHES", parameters) as run:
            result = self.trained(name).match_incremental(existing.read(), new.read())
            if output is not None:
                output.write(result.frame, replace=replace_output)
            run.row_counts.update(
                rows=result.summary.rows,
                compared_pairs=result.summary.candidate_pairs,
                skipped_pairs=result.summary.skipped_pairs,
            )
        return result

    def trained(self, name: str) -> FindMatches:
        """The latest trained model; refuses a transform that was never trained."""
        engine = self.engine(name)
        if not hasattr(engine, "fellegi_sunter_"):
            raise LabelError(
                f"transform {name!r} is NOT_READY: train it first (gx-findmatches train {name})"
            )
        return engine


def _params(record: TransformRecord) -> dict[str, Any]:
    return {
        "primary_key": record.primary_key,
        "columns": record.columns,
        "precision_recall_tradeoff": record.precision_recall_tradeoff,
        "accuracy_cost_tradeoff": record.accuracy_cost_tradeoff,
        "enforce_provided_labels": record.enforce_provided_labels,
        "partition_by": record.partition_by,
    }


def _merge_labels(stored: pd.DataFrame, new: pd.DataFrame, primary_key: str) -> pd.DataFrame:
    """Stored labels with the new rows replacing same (set, record) rows, as the store merges."""
    if stored.empty:
        return new
    key = ["labeling_set_id", primary_key]
    stored_ids = stored[key].astype(str).agg("\x1f".join, axis=1)
    new_ids = new[key].astype(str).agg("\x1f".join, axis=1)
    kept = stored[~stored_ids.isin(set(new_ids))]
    return pd.concat([kept, new], ignore_index=True)


def _describe(source: DataSource | None) -> str | None:
    return source.describe() if source is not None else None
