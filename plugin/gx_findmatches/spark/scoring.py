"""Scoring candidate pairs in Spark with the pandas engine's comparison and fitted model.

Each pair row carries both records' prepared compared columns (normalized once per record
with ``prepare_column``, see :mod:`.prepared`); a Python worker compares them with
``compare_pairs`` and turns the agreement levels into a probability with the transform rebuilt
from its model file (``matcher_from_dict``). Column normalization depends only on each
value, never on table-wide statistics (term frequencies come from the model file), so a pair
gets the same levels and adjustments, hence the same probability, as in the pandas engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..engine.columns import ColumnSpec
from ..engine.comparison import PreparedColumn, compare_pairs
from ..engine.persistence import matcher_from_dict
from ..engine.swapped_columns import swapped_positions
from ..engine.swapped_comparison import apply_swaps
from ..engine.term_frequency import summed_adjustment
from .names import POS
from .prepared import prepared_columns, prepared_names

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

PROBABILITY = "probability"


def probability_function(
    model: dict[str, Any],
) -> Callable[[Sequence[PreparedColumn], np.ndarray, np.ndarray], np.ndarray]:
    """A scorer of position pairs over prepared columns, from a model dictionary.

    Called once per Python task, so the model is rebuilt once per task, not per pair.
    """
    matcher = matcher_from_dict(model)
    names = [spec.name for spec in matcher.column_plan.compared]
    swapped = swapped_positions(names, matcher.column_plan.swapped)

    def probability(
        columns: Sequence[PreparedColumn], left: np.ndarray, right: np.ndarray
    ) -> np.ndarray:
        if len(left) == 0:
            return np.empty(0, dtype="float64")
        levels = compare_pairs(columns, left, right).levels
        apply_swaps(columns, swapped, left, right, levels)
        adjustment = summed_adjustment(columns, matcher.frequencies, left, right)
        return matcher.probability_of_levels(levels, adjustment)

    return probability


def score_pairs(
    pairs: DataFrame,
    records: DataFrame,
    specs: Sequence[ColumnSpec],
    model: dict[str, Any],
    broadcast: bool = False,
) -> DataFrame:
    """``(left, right, probability)`` for every candidate pair.

    Args:
        broadcast: ship the record table to every task instead of shuffling the (much
            larger) pair table twice; for record tables that fit in executor memory.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import DoubleType, LongType, StructField, StructType

    indexed = list(enumerate(specs))
    names = prepared_names(indexed)
    left_side = records.select(F.col(POS).alias("left"), *(F.col(n).alias(f"l{n}") for n in names))
    right_side = records.select(
        F.col(POS).alias("right"), *(F.col(n).alias(f"r{n}") for n in names)
    )
    if broadcast:
        left_side, right_side = F.broadcast(left_side), F.broadcast(right_side)
    joined = pairs.join(left_side, "left").join(right_side, "right")

    def score(batches: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        probability = probability_function(model)
        for batch in batches:
            columns = prepared_columns(batch, indexed, ("l", "r"))
            left = np.arange(len(batch), dtype="int64")
            right = left + len(batch)
            yield pd.DataFrame(
                {
                    "left": batch["left"].to_numpy(),
                    "right": batch["right"].to_numpy(),
                    PROBABILITY: probability(columns, left, right),
                }
            )

    schema = StructType(
        [
            StructField("left", LongType(), False),
            StructField("right", LongType(), False),
            StructField(PROBABILITY, DoubleType(), False),
        ]
    )
    return joined.mapInPandas(score, schema)
