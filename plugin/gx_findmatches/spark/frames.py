"""The record table every Spark step works on: validated, renamed and numbered once.

The pandas engine numbers records by their position in primary-key order, and three of its
decisions depend on that numbering: pairs are stored ``left < right``, the sorted-neighbourhood
pass breaks ties by position, and a group is named after its smallest member. Numbering Spark
records in the same order (a position that increases with the key) makes all three come out
identical, so the Spark backend can reuse the engine's code unchanged on any subset of records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..engine.columns import ColumnSpec, read_columns
from ..engine.validation import OUTPUT_COLUMNS
from ..errors import ColumnError, EmptyTableError, InputError, PrimaryKeyError
from .names import KEY, PART, PART_HASH, PID, POS
from .prepared import prepare_records, raw_column

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame


def user_column(name: str) -> Column:
    """A user's column by its exact name: dots or spaces in it are not nested-field syntax."""
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")


def check_spark_table(
    df: DataFrame,
    primary_key: str,
    partition_by: str | None,
    compared: Sequence[ColumnSpec],
) -> int:
    """Validate a Spark table as ``check_table`` validates a pandas one; returns its row count.

    Schema checks cost nothing; the key checks need one aggregation job over the table.

    Raises:
        PrimaryKeyError: the key column is missing or has null or duplicate values.
        ColumnError: the partition column or a compared column is missing.
        InputError: the table already has output columns.
        EmptyTableError: no rows.
    """
    from pyspark.sql import functions as F

    names = list(df.columns)
    if primary_key not in names:
        raise PrimaryKeyError(
            f"primary key column {primary_key!r} is not in the table (columns: {names}); pass "
            f"the name of the column that identifies each record, or add one (e.g. a row number)"
        )
    if partition_by is not None and partition_by not in names:
        raise ColumnError(
            f"partition column {partition_by!r} is not in the table (columns: {names}); fix "
            f"partition_by or leave it unset"
        )
    missing = [column for column in read_columns(compared) if column not in names]
    if missing:
        raise ColumnError(
            f"the model compares column(s) {missing}, which are not in the table (columns: "
            f"{names}); match a table with the columns the model was fitted on"
        )
    clashes = [c for c in OUTPUT_COLUMNS if c in names]
    if clashes:
        raise InputError(
            f"the table already has output column(s) {clashes}; drop or rename "
            f"them (they look like the result of an earlier run)"
        )
    row = df.agg(
        F.count(F.lit(1)).alias("rows"),
        F.count(user_column(primary_key)).alias("keys"),
        F.countDistinct(user_column(primary_key)).alias("distinct"),
    ).collect()[0]
    rows, keys, distinct = (int(row["rows"]), int(row["keys"]), int(row["distinct"]))
    if rows == 0:
        raise EmptyTableError(
            "the table has no rows; there is nothing to match. Check the "
            "input path or the query that produced the table"
        )
    if keys < rows:
        raise PrimaryKeyError(
            f"primary key {primary_key!r} is null in {rows - keys} row(s); every record needs "
            f"a key: fill them or drop those rows"
        )
    if distinct < keys:
        counts = df.groupBy(user_column(primary_key)).count()
        examples = [r[0] for r in counts.filter(F.col("count") > 1).limit(5).collect()]
        raise PrimaryKeyError(
            f"primary key {primary_key!r} has {keys - distinct} duplicated value(s), e.g. "
            f"{examples}; a primary key must be unique: deduplicate exact copies first or "
            f"choose another key column"
        )
    return rows


@dataclass(frozen=True)
class RecordTables:
    """The record table in two stored parts that share ``POS``, so no step joins them.

    Attributes:
        keys: position, primary key and partition value, as the user's types.
        prepared: position, partition hash and the prepared compared columns.
    """

    keys: DataFrame
    prepared: DataFrame


def record_table(
    df: DataFrame,
    primary_key: str,
    partition_by: str | None,
    compared: Sequence[ColumnSpec],
) -> RecordTables:
    """Position, key, partition (and its hash) and the prepared compared columns, stored.

    Positions need only follow key order (they need not be consecutive), so a sort and
    ``monotonically_increasing_id`` give them in one pass. The tables are checkpointed: every
    later step reads them several times, and positions must never be computed twice.
    """
    from pyspark.sql import functions as F

    part = user_column(partition_by) if partition_by is not None else F.lit(0)
    raw = [raw_column(i) for i in range(len(compared))]
    selected = df.select(
        user_column(primary_key).alias(KEY),
        part.alias(PART),
        *(user_column(spec.column).alias(name) for spec, name in zip(compared, raw, strict=True)),
    )
    ordered = selected.orderBy(KEY).withColumn(POS, F.monotonically_increasing_id())
    ordered = ordered.localCheckpoint(eager=True)
    hashed = ordered.select(POS, F.xxhash64(PART).alias(PART_HASH), *raw)
    prepared = prepare_records(hashed, compared, PART_HASH).localCheckpoint(eager=True)
    return RecordTables(ordered.select(POS, KEY, PART), prepared)


def with_rank(df: DataFrame, order: Sequence[Column], name: str) -> DataFrame:
    """``df`` plus ``name``: each row's 0-based rank in ``order`` (which must be total).

    A global ``row_number`` window would pull every row into one task; instead rows are
    range-sorted, numbered within each sorted partition, and shifted by the row counts of the
    partitions before it (a handful of numbers collected to the driver).
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    ordered = df.orderBy(*order).withColumn(PID, F.spark_partition_id()).localCheckpoint(True)
    counts = sorted((r[PID], r["count"]) for r in ordered.groupBy(PID).count().collect())
    offsets, total = {}, 0
    for pid, count in counts:
        offsets[pid] = total
        total += int(count)
    if not offsets:
        return ordered.withColumn(name, F.lit(0).cast("long")).drop(PID)
    shift = F.create_map(*(F.lit(v) for item in offsets.items() for v in item))
    within = F.row_number().over(Window.partitionBy(PID).orderBy(*order)) - 1
    return ordered.withColumn(name, (within + shift[F.col(PID)]).cast("long")).drop(PID)
