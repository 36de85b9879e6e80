"""The matching parameters every FindMatches expectation shares, and how they reach the engine.

GX caches a metric by its name and value keyword arguments, so the one match a batch needs is
computed once only if every expectation hands the match metric the *same* parameters. Keeping
their names, defaults and conversion in this one place is what makes that true.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..engine.transform import FindMatches
from ..errors import ColumnError
from ..io import read_table

MATCH_RESULT = "findmatches.match_result"

# The value keys of ``findmatches.match_result``; every matching expectation has these fields.
MATCH_KEYS: tuple[str, ...] = (
    "primary_key",
    "columns",
    "exclude_columns",
    "precision_recall_tradeoff",
    "accuracy_cost_tradeoff",
    "partition_by",
    "labels_path",
    "transform_name",
    "store_url",
)

MATCH_DEFAULTS: dict[str, Any] = {
    "columns": None,
    "exclude_columns": None,
    "precision_recall_tradeoff": 0.5,
    "accuracy_cost_tradeoff": 0.5,
    "partition_by": None,
    "labels_path": None,
    "transform_name": None,
    "store_url": None,
}


@dataclass(frozen=True)
class MatchParameters:
    """One FindMatches configuration, as read from a metric's value keyword arguments.

    Attributes:
        primary_key: the column that identifies each record.
        columns: compared columns (``None`` = all but key, partition and excluded columns), a
            list of names, or a mapping name → kind.
        exclude_columns: batch columns never handed to the matcher (truth or label columns
            kept in the batch for checks, audit columns).
        precision_recall_tradeoff: the engine's match-probability threshold.
        accuracy_cost_tradeoff: how thorough the candidate search is.
        partition_by: a column no match group may span.
        labels_path: a Glue label file (CSV/TSV/Parquet); labels make the model supervised.
        transform_name: a trained transform in the gx-findmatches store: its model matches
            the batch as is (no refit; the matching fields above are then ignored but the key).
        store_url: the store holding ``transform_name`` (default: ``$GX_FINDMATCHES_STORE``,
            else ``sqlite:///findmatches.db``).
    """

    primary_key: str
    columns: list[str] | dict[str, str] | None = None
    exclude_columns: tuple[str, ...] = ()
    precision_recall_tradeoff: float = 0.5
    accuracy_cost_tradeoff: float = 0.5
    partition_by: str | None = None
    labels_path: str | None = None
    transform_name: str | None = None
    store_url: str | None = None

    @classmethod
    def from_kwargs(cls, kwargs: Mapping[str, Any]) -> MatchParameters:
        """Read the parameters from metric value kwargs (missing ones take their defaults)."""
        values = {key: kwargs.get(key, MATCH_DEFAULTS.get(key)) for key in MATCH_KEYS}
        columns = values["columns"]
        return cls(
            primary_key=str(values["primary_key"]),
            columns=dict(columns) if isinstance(columns, Mapping) else columns,
            exclude_columns=tuple(values["exclude_columns"] or ()),
            precision_recall_tradeoff=float(values["precision_recall_tradeoff"]),
            accuracy_cost_tradeoff=float(values["accuracy_cost_tradeoff"]),
            partition_by=values["partition_by"],
            labels_path=values["labels_path"],
            transform_name=values["transform_name"],
            store_url=values["store_url"],
        )

    @staticmethod
    def metric_kwargs(kwargs: Mapping[str, Any], **overrides: Any) -> dict[str, Any]:
        """Exactly the match keys out of a larger kwargs mapping, so dependent metrics name the
        same ``findmatches.match_result`` (same id, one computation)."""
        chosen = {key: kwargs.get(key, MATCH_DEFAULTS.get(key)) for key in MATCH_KEYS}
        chosen.update(overrides)
        return chosen

    def transform(self) -> FindMatches:
        """An unfitted engine transform with these parameters."""
        return FindMatches(
            primary_key=self.primary_key,
            columns=self.columns,
            precision_recall_tradeoff=self.precision_recall_tradeoff,
            accuracy_cost_tradeoff=self.accuracy_cost_tradeoff,
            partition_by=self.partition_by,
        )

    def matching_frame(
        self, frame: pd.DataFrame, also_exclude: tuple[str, ...] = ()
    ) -> pd.DataFrame:
        """The batch without the excluded columns, which the matcher must never see.

        Raises:
            ColumnError: an excluded column is not in the batch (most likely a typo, which
                would otherwise silently let a truth column into the model).
        """
        excluded = [*self.exclude_columns, *also_exclude]
        missing = [c for c in excluded if c not in frame.columns]
        if missing:
            raise ColumnError(
                f"exclude_columns names {missing}, which the batch does not have (columns: "
                f"{[str(c) for c in frame.columns]}); fix the names or drop them"
            )
        return frame.drop(columns=list(dict.fromkeys(excluded)))

    def labels(self) -> pd.DataFrame | None:
        """The Glue label table at ``labels_path``, or ``None`` when no labels are given."""
        return None if self.labels_path is None else read_table(self.labels_path)

    def estimator(self) -> FindMatches:
        """The transform to estimate quality with: the stored transform's settings when
        ``transform_name`` is set, else these parameters (unfitted either way)."""
        if self.transform_name is None:
            return self.transform()
        from ..store import Store
        from ..workflow import Workflow

        with Store(self.store_url) as store:
            engine = Workflow(store).engine(self.transform_name)
        return FindMatches(**engine.get_params())

    def stored_labels(self) -> pd.DataFrame | None:
        """The labels imported for ``transform_name`` (``None`` without one)."""
        if self.transform_name is None:
            return None
        from ..store import Store

        with Store(self.store_url) as store:
            return store.labels(self.transform_name)

    def fitted(self, frame: pd.DataFrame) -> FindMatches:
        """The stored transform's trained model when ``transform_name`` is set, else a
        transform fitted on ``frame`` (supervised when ``labels_path`` is set)."""
        if self.transform_name is not None:
            from ..store import Store
            from ..workflow import Workflow

            with Store(self.store_url) as store:
                return Workflow(store).trained(self.transform_name)
        return self.transform().fit(frame, self.labels())
