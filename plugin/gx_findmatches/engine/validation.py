"""Checks at the boundary: parameters and input tables are validated once, with messages
that name the problem and the fix, before any work starts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import ColumnError, EmptyTableError, InputError, ParameterError, PrimaryKeyError

OUTPUT_COLUMNS = ("match_id", "match_confidence_score")


def check_tradeoff(name: str, value: object) -> float:
    """A trade-off must be a number in [0, 1], as in Glue."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise ParameterError(f"{name} must be a number between 0 and 1, got {value!r}")
    if not 0.0 <= float(value) <= 1.0:
        raise ParameterError(f"{name} must be between 0 and 1 (0.5 = no preference), got {value}")
    return float(value)


def check_positive_int(name: str, value: object) -> int:
    """Caps and sizes must be positive integers."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or int(value) < 1:
        raise ParameterError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_table(frame: object, primary_key: str, partition_by: str | None) -> np.ndarray:
    """Validate an input table and return the row positions that sort it by primary key.

    Sorting makes every later step independent of the input's row order, so identical records
    always get identical match ids.

    Raises:
        InputError: not a DataFrame, or it already has output columns.
        EmptyTableError: no rows.
        PrimaryKeyError: the key column is missing or has null or duplicate values.
        ColumnError: the partition column is missing.
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"expected a pandas DataFrame, got {type(frame).__name__}; read files "
            f"with gx_findmatches.read_table"
        )
    if primary_key not in frame.columns:
        raise PrimaryKeyError(
            f"primary key column {primary_key!r} is not in the table (columns: "
            f"{[str(c) for c in frame.columns]}); pass the name of the column that identifies "
            f"each record, or add one (e.g. a row number)"
        )
    if len(frame) == 0:
        raise EmptyTableError(
            "the table has no rows; there is nothing to match. Check the "
            "input path or the query that produced the table"
        )
    keys = frame[primary_key]
    null = keys.isna()
    if null.any():
        rows = np.flatnonzero(null.to_numpy())[:5].tolist()
        raise PrimaryKeyError(
            f"primary key {primary_key!r} is null in {int(null.sum())} row(s) (row numbers "
            f"{rows}); every record needs a key: fill them or drop those rows"
        )
    duplicated = keys[keys.duplicated(keep=False)]
    if len(duplicated):
        examples = pd.unique(duplicated)[:5].tolist()
        raise PrimaryKeyError(
            f"primary key {primary_key!r} has {duplicated.nunique()} duplicated value(s), e.g. "
            f"{examples}; a primary key must be unique: deduplicate exact copies first or "
            f"choose another key column"
        )
    if partition_by is not None and partition_by not in frame.columns:
        raise ColumnError(
            f"partition column {partition_by!r} is not in the table (columns: "
            f"{[str(c) for c in frame.columns]}); fix partition_by or leave it unset"
        )
    clashes = [c for c in OUTPUT_COLUMNS if c in frame.columns]
    if clashes:
        raise InputError(
            f"the table already has output column(s) {clashes}; drop or rename "
            f"them (they look like the result of an earlier run)"
        )
    return keys.reset_index(drop=True).sort_values(kind="stable").index.to_numpy()


def check_fitted_columns(frame: pd.DataFrame, compared: Sequence[str]) -> None:
    """A table matched by a fitted transform must hold every column it compares.

    A table that lost a column since training (or a transform loaded from a file fitted on
    other data) would otherwise fail deep inside comparison with a bare ``KeyError``.

    Raises:
        ColumnError: names the missing columns, the table's columns and the fix.
    """
    missing = [name for name in compared if name not in frame.columns]
    if missing:
        raise ColumnError(
            f"the table lacks column(s) {missing}, which this transform was fitted to compare "
            f"(it compares {list(compared)}; the table has {[str(c) for c in frame.columns]}); "
            f"add the missing column(s) to the table (renamed columns need their old names), "
            f"or fit the transform again on the table as it is now"
        )


def partition_codes(frame: pd.DataFrame, partition_by: str | None) -> np.ndarray:
    """One integer per record naming its partition (all 0 without a partition column).

    A missing partition value is a partition of its own, so it never joins another value.
    """
    if partition_by is None:
        return np.zeros(len(frame), dtype="int64")
    codes, _ = pd.factorize(frame[partition_by], use_na_sentinel=False)
    return codes.astype("int64")
