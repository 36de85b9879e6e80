"""Checks at the boundary: input tables are validated once, with messages that name the
problem and the fix, before any work starts (parameters: :mod:`.settings`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ColumnError, EmptyTableError, InputError, PrimaryKeyError

OUTPUT_COLUMNS = ("match_id", "match_confidence_score")


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
        in_index = primary_key in [str(name) for name in frame.index.names]
        raise PrimaryKeyError(
            f"primary key column {primary_key!r} is not in the table (columns: "
            f"{[str(c) for c in frame.columns]}); "
            + (
                "it is the table's index: make it a column with frame.reset_index()"
                if in_index
                else "pass the name of the column that identifies each record, or add one "
                "(e.g. a row number)"
            )
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
    return _key_order(keys.reset_index(drop=True), primary_key)


def _key_order(keys: pd.Series, primary_key: str) -> np.ndarray:
    """Row positions in key order. Keys of several types (text ids from one source, numbers
    from another, as a union of two tables read with pandas gives) cannot be compared with
    each other, so they are ordered by their text, which the engine uses to name records
    anyway; two keys that read the same as text (``1`` and ``"1"``) would be one record."""
    try:
        return keys.sort_values(kind="stable").index.to_numpy()
    except TypeError:
        text = keys.astype(str)
    same = keys[text.duplicated(keep=False).to_numpy()]
    if len(same):
        types = sorted({type(v).__name__ for v in keys})
        raise PrimaryKeyError(
            f"primary key {primary_key!r} mixes value types ({', '.join(types)}) and "
            f"{len(same)} keys read the same as text, e.g. {same.head(4).tolist()}; give the "
            f"key one type and unique values (e.g. prefix each source's keys)"
        )
    return text.sort_values(kind="stable").index.to_numpy()


def check_trained_columns(
    frame: object, required: list[str], what: str = "this transform", table: str = "the table"
) -> None:
    """Refuse a table that lacks a column a fitted transform needs (key, compared, partition).

    A fitted transform matches any table with the columns it was trained on; other columns
    pass through untouched. Checked before any work, so a missing column is named rather than
    failing deep inside comparison.

    Raises:
        ColumnError: naming every missing column and the columns the transform needs.
    """
    if not isinstance(frame, pd.DataFrame):
        return  # check_table says what a table must be
    have = {str(c) for c in frame.columns}
    missing = [c for c in required if c not in have]
    if missing:
        raise ColumnError(
            f"{table} lacks column(s) {missing} that {what} was trained on (it needs "
            f"{required}); add the missing column(s) (renamed columns need their old names; "
            f"extra columns are kept as they are), or fit the transform again on this table's "
            f"columns"
        )


def partition_codes(frame: pd.DataFrame, partition_by: str | None) -> np.ndarray:
    """One integer per record naming its partition (all 0 without a partition column).

    A missing partition value is a partition of its own, so it never joins another value.
    """
    if partition_by is None:
        return np.zeros(len(frame), dtype="int64")
    codes, _ = pd.factorize(frame[partition_by], use_na_sentinel=False)
    return codes.astype("int64")
