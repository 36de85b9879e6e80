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

from ..engine.settings import DEFAULTS, TRANSFORM_PARAMETERS, Columns, MatchSettings, parameter
from ..engine.transform import FindMatches
from ..errors import ColumnError
from ..io import read_table

MATCH_RESULT = "findmatches.match_result"

__all__ = [
    "DEFAULTS",
    "GX_DEFAULTS",
    "MATCH_DEFAULTS",
    "MATCH_KEYS",
    "MATCH_RESULT",
    "MatchParameters",
    "field_options",
]

#: The GX-only fields of the matching setup: how the batch reaches the matcher, where labels
#: or a stored transform come from. Glue's parameters come from ``engine.settings``.
GX_DEFAULTS: dict[str, Any] = {
    "exclude_columns": None,
    "labels_path": None,
    "transform_name": None,
    "store_url": None,
}

#: The value keys of ``findmatches.match_result``; every matching expectation has these fields.
MATCH_KEYS: tuple[str, ...] = (*(p.name for p in TRANSFORM_PARAMETERS), *GX_DEFAULTS)

MATCH_DEFAULTS: dict[str, Any] = {
    **{p.name: p.default for p in TRANSFORM_PARAMETERS if not p.required},
    **GX_DEFAULTS,
}


def field_options(name: str, **overrides: Any) -> dict[str, Any]:
    """The ``pydantic.Field`` arguments of a transform parameter: its declared default,
    bounds and help, so GX fields say what the engine, store and CLI say."""
    declared = parameter(name)
    options: dict[str, Any] = {"description": declared.describe()}
    if not declared.required:
        options["default"] = declared.default
    low, high = declared.bounds or (None, None)
    if low is not None:
        options["ge"] = low
    if high is not None:
        options["le"] = high
    return {**options, **overrides}


@dataclass(frozen=True)
class MatchParameters:
    """One FindMatches configuration, as read from a metric's value keyword arguments.

    Attributes:
        settings: Glue's parameters (see :class:`~..engine.settings.MatchSettings`).
        exclude_columns: batch columns never handed to the matcher (truth or label columns
            kept in the batch for checks, audit columns).
        labels_path: a Glue label file (CSV/TSV/Parquet); labels make the model supervised.
        transform_name: a trained transform in the gx-findmatches store: its model matches
            the batch as is (no refit; the settings are then ignored but the key).
        store_url: the store holding ``transform_name`` (default: ``$GX_FINDMATCHES_STORE``,
            else ``sqlite:///findmatches.db``).
    """

    settings: MatchSettings
    exclude_columns: tuple[str, ...] = ()
    labels_path: str | None = None
    transform_name: str | None = None
    store_url: str | None = None

    @property
    def primary_key(self) -> str:
        """The column that identifies each record."""
        return self.settings.primary_key

    @property
    def columns(self) -> Columns:
        """The compared columns (``None``: all but key, partition and excluded columns)."""
        return self.settings.columns

    @property
    def partition_by(self) -> str | None:
        """A column no match group may span."""
        return self.settings.partition_by

    @classmethod
    def from_kwargs(cls, kwargs: Mapping[str, Any]) -> MatchParameters:
        """Read the parameters from metric value kwargs (missing ones take their defaults).

        Raises:
            ParameterError: a parameter is out of its bounds.
        """
        values = {key: kwargs.get(key, MATCH_DEFAULTS.get(key)) for key in MATCH_KEYS}
        columns = values["columns"]
        settings = {p.name: values[p.name] for p in TRANSFORM_PARAMETERS}
        settings.update(
            primary_key=str(values["primary_key"]),
            columns=dict(columns) if isinstance(columns, Mapping) else columns,
        )
        return cls(
            settings=MatchSettings(**settings),
            exclude_columns=tuple(values["exclude_columns"] or ()),
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
        return FindMatches.from_settings(self.settings)

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
        ``transform_name`` is set (its record only, no model), else these parameters
        (unfitted either way)."""
        if self.transform_name is None:
            return self.transform()
        from ..stored import stored_transform_settings  # the store is imported only if used

        return FindMatches.from_settings(
            stored_transform_settings(self.store_url, self.transform_name)
        )

    def stored_labels(self) -> pd.DataFrame | None:
        """The labels imported for ``transform_name`` (``None`` without one)."""
        if self.transform_name is None:
            return None
        from ..stored import stored_labels

        return stored_labels(self.store_url, self.transform_name)

    def fitted(self, frame: pd.DataFrame) -> FindMatches:
        """The stored transform's trained model when ``transform_name`` is set, else a
        transform fitted on ``frame`` (supervised when ``labels_path`` is set)."""
        if self.transform_name is not None:
            from ..stored import trained_transform

            return trained_transform(self.store_url, self.transform_name)
        return self.transform().fit(frame, self.labels())
