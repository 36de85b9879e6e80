"""Candidate pairs in Spark: the pandas engine's blocking plan, applied with shuffles.

Blocking keys are computed per record in Python workers with the engine's own normalization
(``prepare_column``) and key functions (``KEY_FUNCTIONS``), so a record's keys are exactly
the ones the pandas engine would code; they travel hashed (see ``hashed_entries``). Then:

* every key pass groups records by (pass, partition, key), and each group of two or more
  records yields all its pairs ``left < right`` (the engine's ``pairs_within_groups``,
  run on buckets of whole groups);
* the sorted-neighbourhood pass ranks records by (joined name string, position), as the
  engine's stable sort does, and joins each record to the next ``window - 1`` ranks, keeping
  pairs within one partition;
* the union is made distinct, and the engine's caps apply: no single pass (checked per
  bucket before its pairs are made) and no union may exceed ``max_candidate_pairs``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..engine.blocking import (
    BlockingPlan,
    check_pair_limit,
    distinct_keys,
    key_columns,
    key_source,
    pairs_within_groups,
)
from ..engine.columns import ColumnSpec
from ..engine.comparison import PreparedColumn
from .frames import with_rank
from .names import PART_HASH, POS
from .prepared import prepared_columns, prepared_names

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

_NEIGHBOURHOOD = "_gxfm_nb"
_RANK = "_gxfm_rank"
_PASS = "_gxfm_pass"
_H1 = "_gxfm_h1"
_H2 = "_gxfm_h2"
_BUCKET = "_gxfm_bucket"
# Key entries per bucket handed to one pandas call (about 30 MB of positions and hashes).
_BUCKET_ENTRIES = 1_000_000
_HASH_KEYS = ("gx-findmatches-1", "gx-findmatches-2")  # 16 characters each, as pandas wants


def single_key(column: PreparedColumn, rule: str) -> tuple[np.ndarray, np.ndarray]:
    """One key rule over a column: per record two independent 64-bit hashes of the key
    (shape ``(n, 2)``), and whether there is a key at all (as ``key_codes`` decides)."""
    keyed, index = distinct_keys(column, rule)
    hashes = np.column_stack([pd.util.hash_array(keyed, hash_key=k) for k in _HASH_KEYS])
    return hashes[index], (keyed != "")[index]


def hashed_entries(
    columns: dict[str, PreparedColumn],
    keys: Sequence[tuple[tuple[str, str], ...]],
    positions: np.ndarray,
    partitions: np.ndarray,
) -> pd.DataFrame:
    """Long format ``(position, pass, h1, h2)``: one row per record and pass with a key.

    A compound key is present when all its parts are (as ``combine_codes`` decides); it
    travels as two independent 64-bit hashes of (pass, partition hash, part hashes), since
    keys only ever block within one pass and one partition. Grouping by two longs is several
    times cheaper than by a string per pass and record, and with 128 bits two different keys
    sharing a hash pair is about as likely as a cosmic-ray bit flip. Single keys are hashed
    once per distinct value and shared by every pass that uses them, as in ``KeyCodes``.
    """
    singles: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
    frames = []
    for index, key in enumerate(keys):
        for part in key:
            if part not in singles:
                singles[part] = single_key(*key_source(columns, part[0], part[1]))
        present = np.logical_and.reduce([singles[part][1] for part in key])
        rows = np.flatnonzero(present)
        hashed = []
        for k, hash_key in enumerate(_HASH_KEYS):
            parts = {f"p{j}": singles[part][0][rows, k] for j, part in enumerate(key)}
            table = pd.DataFrame({"pass": np.full(len(rows), index), "part": partitions[rows]})
            table = table.assign(**parts)
            hashed.append(pd.util.hash_pandas_object(table, index=False, hash_key=hash_key))
        frames.append(
            pd.DataFrame(
                {
                    POS: positions[rows],
                    _PASS: np.full(len(rows), index, dtype="int32"),
                    _H1: hashed[0].to_numpy().view("int64"),
                    _H2: hashed[1].to_numpy().view("int64"),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def neighbourhood_key(columns: dict[str, PreparedColumn], names: Sequence[str]) -> np.ndarray:
    """The joined name string of the sorted-neighbourhood pass; None where every name is
    missing (the engine leaves those records out of the pass)."""
    chosen = [columns[name] for name in names if name in columns]
    joined = np.array(
        [" ".join(parts) for parts in zip(*(c.values for c in chosen), strict=True)],
        dtype=object,
    )
    joined[np.logical_and.reduce([c.missing for c in chosen])] = None
    return joined


def block_entries(records: DataFrame, specs: Sequence[ColumnSpec], plan: BlockingPlan) -> DataFrame:
    """``(position, pass, h1, h2)`` for every record and key pass it has a key in."""
    from pyspark.sql.types import IntegerType, LongType, StructField, StructType

    needed = {real for key in plan.keys for column, _ in key for real in key_columns(column)}
    used = [(i, spec) for i, spec in enumerate(specs) if spec.name in needed]
    keys = plan.keys

    def compute(batches: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            columns = {c.spec.name: c for c in prepared_columns(batch, used)}
            yield hashed_entries(columns, keys, batch[POS].to_numpy(), batch[PART_HASH].to_numpy())

    schema = StructType(
        [
            StructField(POS, LongType(), False),
            StructField(_PASS, IntegerType(), False),
            StructField(_H1, LongType(), False),
            StructField(_H2, LongType(), False),
        ]
    )
    # The partition travels as Spark's hash of it (all missing values alike, as
    # partition_codes has it), so Python never sees partition values of arbitrary Spark types.
    columns = [POS, PART_HASH, *prepared_names(used)]
    return records.select(*columns).mapInPandas(compute, schema)


def bucket_pairs(entries: pd.DataFrame, max_pairs: int) -> pd.DataFrame:
    """Every pair of positions sharing a key in a bucket of whole key groups, ``left < right``,
    without repeats.

    A pass whose groups in this bucket alone hold more than ``max_pairs`` pairs makes no pairs
    at all: the bucket returns the marker row ``(-1, -1)`` instead, which the driver turns into
    ``CandidatePairLimitError`` (the engine checks each pass before making its pairs too).
    """
    codes = entries.groupby([_H1, _H2], sort=False).ngroup().to_numpy()
    counts = np.bincount(codes).astype("int64")
    passes = np.zeros(len(counts), dtype="int64")
    passes[codes] = entries[_PASS].to_numpy()
    per_pass = np.bincount(passes, weights=counts * (counts - 1) // 2)
    if len(per_pass) and per_pass.max() > max_pairs:
        return pd.DataFrame({"left": [-1], "right": [-1]}, dtype="int64")
    a, b = pairs_within_groups(np.where(counts[codes] > 1, codes, -1))
    positions = entries[POS].to_numpy(dtype="int64")
    left, right = positions[a], positions[b]
    pairs = pd.DataFrame({"left": np.minimum(left, right), "right": np.maximum(left, right)})
    return pairs.drop_duplicates(ignore_index=True)


def neighbourhood_entries(
    records: DataFrame, specs: Sequence[ColumnSpec], plan: BlockingPlan
) -> DataFrame:
    """``(position, partition, neighbourhood key)`` for records with any name present."""
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    used = [(i, spec) for i, spec in enumerate(specs) if spec.name in plan.neighbourhood_columns]
    names = plan.neighbourhood_columns

    def compute(batches: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            columns = {c.spec.name: c for c in prepared_columns(batch, used)}
            yield pd.DataFrame(
                {POS: batch[POS].to_numpy(), _NEIGHBOURHOOD: neighbourhood_key(columns, names)}
            )

    schema = StructType(
        [StructField(POS, LongType(), False), StructField(_NEIGHBOURHOOD, StringType(), True)]
    )
    keyed = records.select(POS, *prepared_names(used)).mapInPandas(compute, schema)
    valid = keyed.filter(keyed[_NEIGHBOURHOOD].isNotNull())
    return valid.join(records.select(POS, PART_HASH), POS)


def candidate_pairs(
    records: DataFrame,
    specs: Sequence[ColumnSpec],
    plan: BlockingPlan,
    max_pairs: int,
    rows: int,
) -> DataFrame:
    """Distinct candidate pairs ``(left, right)`` of positions, ``left < right``.

    Key entries are spread over buckets by hash, each bucket holding whole key groups, and
    each bucket's pairs are made in one pandas call (``bucket_pairs``): grouping millions of
    entries in Spark with ``collect_list`` was five times slower. ``rows`` sizes the buckets.

    Raises:
        CandidatePairLimitError: one pass, or the union, would exceed ``max_pairs``.
    """
    from pyspark.sql import functions as F

    spark = records.sparkSession
    pairs = []
    if plan.keys:
        entries = block_entries(records, specs, plan)
        estimate = rows * len(plan.keys)
        buckets = max(spark.sparkContext.defaultParallelism, -(-estimate // _BUCKET_ENTRIES))
        bucketed = entries.withColumn(_BUCKET, F.pmod(F.col(_H1), F.lit(buckets)))
        pairs.append(
            bucketed.groupBy(_BUCKET).applyInPandas(
                lambda frame: bucket_pairs(frame, max_pairs), "left long, right long"
            )
        )
    if plan.window >= 2 and plan.neighbourhood_columns:
        valid = neighbourhood_entries(records, specs, plan)
        pairs.append(_neighbourhood_pairs(valid, plan.window))
    if not pairs:
        return spark.createDataFrame([], "left long, right long")
    union = pairs[0]
    for more in pairs[1:]:
        union = union.unionByName(more)
    distinct = union.distinct().localCheckpoint(eager=True)
    if distinct.filter(F.col("left") < 0).limit(1).count():
        check_pair_limit(max_pairs + 1, max_pairs, plan)
    check_pair_limit(distinct.count(), max_pairs, plan)
    return distinct


def _neighbourhood_pairs(valid: DataFrame, window: int) -> DataFrame:
    """Pairs of records within ``window`` places in (neighbourhood key, position) order,
    within one partition; the engine ranks across partitions, then drops crossing pairs."""
    from pyspark.sql import functions as F

    ranked = with_rank(valid, [F.col(_NEIGHBOURHOOD), F.col(POS)], _RANK)
    ranked = ranked.select(POS, PART_HASH, _RANK)
    ahead = ranked.select(
        F.col(POS).alias("a_pos"),
        F.col(PART_HASH).alias("a_part"),
        F.explode(F.sequence(F.col(_RANK) + 1, F.col(_RANK) + window - 1)).alias(_RANK),
    )
    joined = ahead.join(ranked, _RANK).filter(F.col("a_part") == F.col(PART_HASH))
    return joined.select(
        F.least("a_pos", POS).alias("left"), F.greatest("a_pos", POS).alias("right")
    )
