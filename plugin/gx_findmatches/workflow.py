"""The Glue FindMatches loop over a store: create, generate labels, import, train, evaluate,
match, match incrementally. Every operation is a task run in the store.

This module only orchestrates: the engine does the matching, the store keeps the history,
and each task run is one transaction, so a failed run leaves nothing behind but its FAILED
record with the error (see :meth:`Store.task_run`).

The module functions at the end (:func:`stored_transform_settings`, :func:`stored_labels`,
:func:`trained_transform`) are how other layers (GX) read a stored transform without opening
the store themselves.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .engine.columns import plan_columns
from .engine.evaluation import QualityReport
from .engine.labels import RECOMMENDED_MAX_SET_SIZE, label_pairs
from .engine.persistence import matcher_from_dict, matcher_to_dict
from .engine.results import MatchResult
from .engine.settings import TRANSFORM_PARAMETERS, MatchSettings, transform_settings
from .engine.transform import FindMatches
from .engine.validation import check_table
from .errors import LabelError, NotTrainedError
from .io import read_table
from .sources import DataSource, is_database_url
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
        source = _absolute(source)  # the transform must find its data from any folder
        frame = source.read()
        check_table(frame, primary_key, chosen.partition_by)
        plan_columns(frame, primary_key, chosen.columns, chosen.partition_by)
        return self.store.create_transform(name, source.to_reference(), **chosen.transform_values())

    def settings(self, name: str) -> MatchSettings:
        """A stored transform's parameters (its record only: no model is loaded)."""
        return _settings(self.store.get_transform(name))

    def engine(self, name: str) -> FindMatches:
        """The latest trained model of a transform, or an unfitted one with its parameters."""
        settings = self.settings(name)
        latest = self.store.latest_model(name)
        if latest is None:
            return FindMatches.from_settings(settings)
        fitted = FindMatches.from_matcher(matcher_from_dict(latest[1]))
        # the stored match-time parameters (e.g. the trade-off) apply to the trained model;
        # the others were learnt with it
        return fitted.set_params(**settings.match_time_values())  # type: ignore[no-any-return]

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
            label_pairs(table, record.primary_key, keys, max_set_size=RECOMMENDED_MAX_SET_SIZE)

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
            fitted = FindMatches.from_settings(_settings(record)).fit(
                frame, labels if len(labels) else None
            )
            version = self.store.save_model(run, name, matcher_to_dict(fitted.matcher))
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
                    f"transform {name!r} has no labels yet; generate a labeling file "
                    f"(`Workflow.generate_labels`), label it and import it first "
                    f"(`Workflow.import_labels`)"
                )
            frame = self.data(name)
            report = FindMatches.from_settings(_settings(record)).evaluate(
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
        """The latest trained model.

        Raises:
            NotTrainedError: the transform was never trained (it is NOT_READY).
        """
        engine = self.engine(name)
        if not hasattr(engine, "fellegi_sunter_"):
            raise NotTrainedError(
                f"transform {name!r} is NOT_READY: it has no trained model yet; train it first "
                f"(`Workflow.train`)"
            )
        return engine


# ----------------------------------------------------------------------------- other layers
def stored_transform_settings(store: Store | str | None, name: str) -> MatchSettings:
    """A stored transform's parameters, read from its record (no model is loaded).

    Args:
        store: an open store, or a store URL (``None``: ``$GX_FINDMATCHES_STORE``, else
            ``sqlite:///findmatches.db``), opened and closed here.
        name: the transform.
    """
    with _opened(store) as opened:
        return Workflow(opened).settings(name)


def stored_labels(store: Store | str | None, name: str) -> pd.DataFrame:
    """Every label imported for a stored transform, as a Glue label table."""
    with _opened(store) as opened:
        return opened.labels(name)


def trained_transform(store: Store | str | None, name: str) -> FindMatches:
    """A stored transform's latest trained model, with its stored match-time parameters.

    Raises:
        NotTrainedError: the transform was never trained.
    """
    with _opened(store) as opened:
        return Workflow(opened).trained(name)


@contextmanager
def _opened(store: Store | str | None) -> Iterator[Store]:
    """The store itself, or one opened from a URL for the block and closed after it."""
    if isinstance(store, Store):
        yield store
        return
    with Store(store) as opened:
        yield opened


def _settings(record: TransformRecord) -> MatchSettings:
    return MatchSettings(**{p.name: getattr(record, p.name) for p in TRANSFORM_PARAMETERS})


def _absolute(source: DataSource) -> DataSource:
    """The source with a relative file path (or SQLite file in a URL) made absolute."""
    if not is_database_url(source.location):
        return DataSource(os.path.abspath(source.location), source.table)
    from sqlalchemy.engine import make_url

    url = make_url(source.location)
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return source
    if database.startswith("file:") or os.path.isabs(database):
        return source
    absolute = url.set(database=os.path.abspath(database))
    return DataSource(absolute.render_as_string(hide_password=False), source.table)


def _describe(source: DataSource | None) -> str | None:
    return source.describe() if source is not None else None
