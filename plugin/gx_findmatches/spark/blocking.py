"""Candidate pairs in Spark: the pandas engine's blocking plan, applied with joins.

Blocking keys are computed per record in Python workers with the engine's own normalization
(``prepare_column``) and key functions (``_KEY_FUNCTIONS``), so a record's key strings are
exactly the ones the pandas engine would code. Then:

* every key pass is a self-join on (pass, key, partition) keeping ``left < right``;
* the sorted-neighbourhood pass ranks records by (joined name string, position), as the
  engine's stable sort does, and joins each record to the next ``window - 1`` ranks, keeping
  pairs within one partition;
* the union is made distinct, and the engine's caps apply: no single pass and no union may
  exceed ``max_candidate_pairs``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..engine.blocking import _KEY_FUNCTIONS, BlockingPlan, _check_limit
from ..engine.columns import ColumnSpec
from ..engine.comparison import PreparedColumn, prepare_column
from .frames import PART, POS, compared_column, with_rank

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

_NEIGHBOURHOOD = "_gxfm_nb"
_RANK = "_gxfm_rank"
_PASS = "_gxfm_pass"
_BLOCK = "_gxfm_block"


def _pass_column(index: int) -> str:
    return f"_gxfm_k{index}"


def key_text(column: PreparedColumn) -> np.ndarray:
    """The text a column's blocking keys are computed from (as ``key_codes`` builds it)."""
    if column.spec.kind == "number":
        rounded = np.round(column.values.astype(float), 6).astype(str)
        return np.where(column.missing, "", rounded).astype(object)
    return column.values


def single_key(column: PreparedColumn, transform: str) -> tuple[np.ndarray, np.ndarray]:
    """One key transform over a column: per record the key, length-prefixed (so that
    concatenated parts decode one way only), and whether there is a key at all."""
    text = key_text(column)
    codes, uniques = pd.factorize(pd.Series(text, dtype=object))
    function = _KEY_FUNCTIONS[transform]
    keyed = [function(str(u)) for u in uniques]
    encoded = np.array([*(f"{len(k)}:{k}" for k in keyed), ""], dtype=object)[codes]
    present = np.array([*(k != "" for k in keyed), False], dtype=bool)[codes]
    return encoded, present & ~column.missing


def compound_keys(
    columns: dict[str, PreparedColumn], keys: Sequence[tuple[tuple[str, str], ...]]
) -> list[np.ndarray]:
    """Each compound key as one string per record, None when any part is missing (as
    ``combine_codes`` gives -1); single keys are computed once and shared, as in ``KeyCodes``."""
    singles: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
    out = []
    for key in keys:
        for part in key:
            if part not in singles:
                singles[part] = single_key(columns[part[0]], part[1])
        encoded, present = singles[key[0]]
        for part in key[1:]:
            encoded = encoded + singles[part][0]
            present = present & singles[part][1]
        out.append(np.where(present, encoded, None))
    return out


def neighbourhood_key(columns: dict[str, PreparedColumn], names: Sequence[str]) -> np.ndarray:
    """The joined name string of the sorted-neighbourhood pass; None where every name is
    missing (the engine leaves those records out of the pass)."""
    chosen = [columns[name] for name in names if name in columns]
    joined = np.array(
        [" ".join(parts) for parts in zip(*(c.values for c in chosen), strict=True)],
        dtype=object,
    )
    valid = ~np.logical_and.reduce([c.missing for c in chosen])
    return np.where(valid, joined, None)


def record_keys(records: DataFrame, specs: Sequence[ColumnSpec], plan: BlockingPlan) -> DataFrame:
    """Per record: position, partition, one key column per pass and the neighbourhood key."""
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    needed = {column for key in plan.keys for column, _ in key}
    window = bool(plan.window and plan.neighbourhood_columns)
    if window:
        needed |= set(plan.neighbourhood_columns)
    used = [(i, spec) for i, spec in enumerate(specs) if spec.name in needed]
    keys, names = plan.keys, plan.neighbourhood_columns

    def compute(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            columns = {
                spec.name: prepare_column(spec, batch[compared_column(i)].reset_index(drop=True))
                for i, spec in used
            }
            out = {POS: batch[POS].to_numpy()}
            for index, values in enumerate(compound_keys(columns, keys)):
                out[_pass_column(index)] = values
            if window:
                out[_NEIGHBOURHOOD] = neighbourhood_key(columns, names)
            yield pd.DataFrame(out)

    fields = [StructField(POS, LongType(), False)]
    fields += [StructField(_pass_column(i), StringType(), True) for i in range(len(keys))]
    if window:
        fields.append(StructField(_NEIGHBOURHOOD, StringType(), True))
    columns = [POS, *(compared_column(i) for i, _ in used)]
    keyed = records.select(*columns).mapInPandas(compute, StructType(fields))
    return keyed.join(records.select(POS, PART), POS)


def candidate_pairs(
    records: DataFrame, specs: Sequence[ColumnSpec], plan: BlockingPlan, max_pairs: int
) -> DataFrame:
    """Distinct candidate pairs ``(left, right)`` of positions, ``left < right``.

    Raises:
        CandidatePairLimitError: one pass, or the union, would exceed ``max_pairs``.
    """
    from pyspark.sql import functions as F

    keyed = record_keys(records, specs, plan).localCheckpoint(eager=True)
    pairs = []
    if plan.keys:
        entries = keyed.select(
            POS,
            PART,
            F.explode(
                F.array(
                    *(
                        F.struct(F.lit(i).alias(_PASS), F.col(_pass_column(i)).alias(_BLOCK))
                        for i in range(len(plan.keys))
                    )
                )
            ).alias("entry"),
        ).select(
            POS, PART, F.col(f"entry.{_PASS}").alias(_PASS), F.col(f"entry.{_BLOCK}").alias(_BLOCK)
        )
        entries = entries.filter(F.col(_BLOCK).isNotNull())
        _check_pass_sizes(entries, plan, max_pairs)
        a, b = entries.alias("a"), entries.alias("b")
        pairs.append(
            a.join(
                b,
                (F.col(f"a.{_PASS}") == F.col(f"b.{_PASS}"))
                & (F.col(f"a.{_BLOCK}") == F.col(f"b.{_BLOCK}"))
                & F.col(f"a.{PART}").eqNullSafe(F.col(f"b.{PART}"))
                & (F.col(f"a.{POS}") < F.col(f"b.{POS}")),
            ).select(F.col(f"a.{POS}").alias("left"), F.col(f"b.{POS}").alias("right"))
        )
    if plan.window and plan.neighbourhood_columns:
        pairs.append(_neighbourhood_pairs(keyed, plan.window))
    if not pairs:
        return records.sparkSession.createDataFrame([], "left long, right long")
    union = pairs[0]
    for more in pairs[1:]:
        union = union.unionByName(more)
    distinct = union.distinct().localCheckpoint(eager=True)
    _check_limit(distinct.count(), max_pairs, plan)
    return distinct


def _check_pass_sizes(entries: DataFrame, plan: BlockingPlan, max_pairs: int) -> None:
    """Raise before joining when one pass alone would exceed the cap (the engine's first
    check), so a bad plan fails fast instead of filling the cluster's disks."""
    from pyspark.sql import functions as F

    sizes = entries.groupBy(_PASS, _BLOCK, PART).count()
    per_pass = sizes.groupBy(_PASS).agg(
        F.sum(F.col("count") * (F.col("count") - 1) / 2).alias("pairs")
    )
    largest = per_pass.agg(F.max("pairs")).first()[0]
    _check_limit(int(largest or 0), max_pairs, plan)


def _neighbourhood_pairs(keyed: DataFrame, window: int) -> DataFrame:
    """Pairs of records within ``window`` places in (neighbourhood key, position) order,
    within one partition; the engine ranks across partitions, then drops crossing pairs."""
    from pyspark.sql import functions as F

    valid = keyed.filter(F.col(_NEIGHBOURHOOD).isNotNull()).select(POS, PART, _NEIGHBOURHOOD)
    ranked = with_rank(valid, [F.col(_NEIGHBOURHOOD), F.col(POS)], _RANK).select(POS, PART, _RANK)
    ahead = ranked.select(
        F.col(POS).alias("a_pos"),
        F.col(PART).alias("a_part"),
        F.explode(F.sequence(F.col(_RANK) + 1, F.col(_RANK) + window - 1)).alias(_RANK),
    )
    joined = ahead.join(ranked, _RANK).filter(F.col("a_part").eqNullSafe(F.col(PART)))
    return joined.select(
        F.least("a_pos", POS).alias("left"), F.greatest("a_pos", POS).alias("right")
    )
