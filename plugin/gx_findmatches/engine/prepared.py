"""A validated input table, sorted by primary key and normalized once for every later step."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .columns import ColumnSpec, read_columns
from .comparison import (
    PairFeatures,
    PreparedColumn,
    compare_levels,
    compare_pairs,
    prepare_column,
)
from .swapped_columns import SwappedPair, swapped_positions
from .swapped_comparison import apply_swaps
from .validation import check_table, check_trained_columns, partition_codes


@dataclass(frozen=True)
class PreparedTable:
    """The table as the engine sees it.

    Attributes:
        order: positions of the input rows in primary-key order; position ``i`` of every
            engine array is input row ``order[i]``.
        keys: primary key values in primary-key order.
        columns: the compared columns, normalized.
        partition: partition code per record (all 0 without ``partition_by``).
        swapped: column pairs compared straight or crossed, whichever agrees better
            (see :mod:`.swapped_columns`).
    """

    order: np.ndarray
    keys: pd.Series
    columns: tuple[PreparedColumn, ...]
    partition: np.ndarray
    swapped: tuple[SwappedPair, ...] = ()

    def __len__(self) -> int:
        return len(self.order)

    def compare(self, left: np.ndarray, right: np.ndarray) -> PairFeatures:
        """Similarities and levels of the given pairs on every compared column."""
        features = compare_pairs(self.columns, left, right)
        apply_swaps(self.columns, self.swapped, left, right, features.levels, features.similarities)
        return features

    def levels(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Agreement levels only (no similarities): the cheap form the models consume."""
        return apply_swaps(
            self.columns, self.swapped, left, right, compare_levels(self.columns, left, right)
        )

    def restore_order(self, values: np.ndarray) -> np.ndarray:
        """Put per-record values computed in key order back into input row order."""
        out = np.empty_like(values)
        out[self.order] = values
        return out


def prepare_table(
    frame: pd.DataFrame,
    primary_key: str,
    partition_by: str | None,
    specs: Sequence[ColumnSpec],
    order: np.ndarray | None = None,
    swapped: Sequence[tuple[str, str]] = (),
) -> PreparedTable:
    """Normalize the compared columns of an (already validated) table in key order;
    ``swapped`` names the column pairs compared straight or crossed."""
    if order is None:
        order = check_table(frame, primary_key, partition_by)
    check_trained_columns(frame, read_columns(specs))
    ordered = frame.iloc[order]
    columns = tuple(prepare_column(spec, ordered[spec.column]) for spec in specs)
    return PreparedTable(
        order=order,
        keys=ordered[primary_key].reset_index(drop=True),
        columns=columns,
        partition=partition_codes(ordered, partition_by),
        swapped=swapped_positions([spec.name for spec in specs], swapped),
    )
