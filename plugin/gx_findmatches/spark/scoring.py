"""Scoring candidate pairs in Spark with the pandas engine's comparison and fitted model.

Each pair row carries both records' raw compared values; a Python worker normalizes them with
``prepare_column``, compares them with ``compare_pairs`` and turns the agreement levels into a
probability with the transform rebuilt from its model file (``transform_from_dict``). Column
normalization depends only on each value, never on table-wide statistics, so a pair gets the
same levels, hence the same probability, as in the pandas engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..engine.columns import ColumnSpec
from ..engine.comparison import PreparedColumn, compare_pairs, prepare_column
from ..engine.persistence import transform_from_dict
from .frames import POS, compared_column

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

PROBABILITY = "probability"


def probability_function(
    model: dict[str, Any],
) -> Callable[[Sequence[PreparedColumn], np.ndarray, np.ndarray], np.ndarray]:
    """A scorer of position pairs over prepared columns, from a transform's model dictionary.

    Called once per Python task, so the transform is rebuilt once per task, not per pair.
    """
    transform = transform_from_dict(model)

    def probability(
        columns: Sequence[PreparedColumn], left: np.ndarray, right: np.ndarray
    ) -> np.ndarray:
        if len(left) == 0:
            return np.empty(0, dtype="float64")
        levels = compare_pairs(columns, left, right).levels
        return np.asarray(transform._probability_of_levels(levels), dtype="float64")

    return probability


def prepare_pairs(
    batch: pd.DataFrame, specs: Sequence[ColumnSpec]
) -> tuple[list[PreparedColumn], np.ndarray, np.ndarray]:
    """Prepared columns over the left records then the right records of a batch of pairs,
    and the position arrays that pair row ``k`` with row ``k + len(batch)``."""
    count = len(batch)
    columns = [
        prepare_column(
            spec,
            pd.concat(
                [batch[f"l{compared_column(i)}"], batch[f"r{compared_column(i)}"]],
                ignore_index=True,
            ),
        )
        for i, spec in enumerate(specs)
    ]
    left = np.arange(count, dtype="int64")
    return columns, left, left + count


def score_pairs(
    pairs: DataFrame, records: DataFrame, specs: Sequence[ColumnSpec], model: dict[str, Any]
) -> DataFrame:
    """``(left, right, probability)`` for every candidate pair."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import DoubleType, LongType, StructField, StructType

    values = [compared_column(i) for i in range(len(specs))]
    left_side = records.select(F.col(POS).alias("left"), *(F.col(v).alias(f"l{v}") for v in values))
    right_side = records.select(
        F.col(POS).alias("right"), *(F.col(v).alias(f"r{v}") for v in values)
    )
    joined = pairs.join(left_side, "left").join(right_side, "right")

    def score(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        probability = probability_function(model)
        for batch in batches:
            columns, left, right = prepare_pairs(batch, specs)
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
