"""Compared columns normalized once per record, stored in the record table as plain columns.

The engine normalizes each column once (``prepare_column``) and every later step reuses the
result. Normalizing again in every Spark task that sees a record (a record meets dozens of
pairs) cost most of the scoring time, so the record table carries each compared column's
``PreparedColumn`` fields instead: the normalized value, the missing flag and, for text and
dates, the alternate form. Workers rebuild ``PreparedColumn`` objects from them, distinct
forms included, so the engine's comparison takes the same path as on a pandas table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..engine.columns import ColumnSpec
from ..engine.comparison import PreparedColumn, prepare_column
from .names import POS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame
    from pyspark.sql.types import StructField

IndexedSpecs = Sequence[tuple[int, ColumnSpec]]


def raw_column(index: int) -> str:
    """Internal name of the ``index``-th compared column as the user gave it."""
    return f"_gxfm_c{index}"


def _value(index: int) -> str:
    return f"_gxfm_v{index}"


def _missing(index: int) -> str:
    return f"_gxfm_m{index}"


def _alternate(index: int) -> str:
    return f"_gxfm_a{index}"


def _has_alternate(spec: ColumnSpec) -> bool:
    return spec.kind in ("text", "date")


def prepared_names(specs: IndexedSpecs, prefix: str = "") -> list[str]:
    """The stored columns of the given compared columns (optionally prefixed)."""
    names = []
    for index, spec in specs:
        names += [_value(index), _missing(index)]
        if _has_alternate(spec):
            names.append(_alternate(index))
    return [prefix + name for name in names]


def missing_names(specs: IndexedSpecs) -> list[str]:
    """The stored missing flags of the given compared columns."""
    return [_missing(index) for index, _ in specs]


def prepared_fields(specs: IndexedSpecs) -> list[StructField]:
    """Spark fields of :func:`prepared_names`: numbers stay doubles, the rest are strings."""
    from pyspark.sql.types import BooleanType, DoubleType, StringType, StructField

    fields = []
    for index, spec in specs:
        kind = DoubleType() if spec.kind == "number" else StringType()
        fields += [StructField(_value(index), kind), StructField(_missing(index), BooleanType())]
        if _has_alternate(spec):
            fields.append(StructField(_alternate(index), StringType()))
    return fields


def prepare_batch(batch: pd.DataFrame, specs: IndexedSpecs) -> dict[str, np.ndarray]:
    """The stored fields of a batch of raw records."""
    out: dict[str, np.ndarray] = {}
    for index, spec in specs:
        column = prepare_column(spec, batch[raw_column(index)].reset_index(drop=True))
        out[_value(index)] = column.values
        out[_missing(index)] = column.missing
        if column.alternate is not None:
            out[_alternate(index)] = column.alternate
    return out


def prepared_columns(
    batch: pd.DataFrame, specs: IndexedSpecs, prefixes: Sequence[str] = ("",)
) -> list[PreparedColumn]:
    """``PreparedColumn`` objects from stored fields; with several prefixes (``l``, ``r``) the
    records of each prefix are stacked, so pair ``k`` is rows ``k`` and ``k + len(batch)``."""

    def stacked(name: str, dtype: str) -> np.ndarray:
        return np.concatenate([batch[p + name].to_numpy(dtype=dtype) for p in prefixes])

    columns = []
    for index, spec in specs:
        missing = stacked(_missing(index), "bool")
        if spec.kind == "number":
            columns.append(PreparedColumn(spec, stacked(_value(index), "float64"), missing))
            continue
        values = stacked(_value(index), "object")
        alternate = stacked(_alternate(index), "object") if _has_alternate(spec) else None
        columns.append(with_forms(PreparedColumn(spec, values, missing, alternate)))
    return columns


def with_forms(column: PreparedColumn) -> PreparedColumn:
    """A string column with its distinct forms, as ``prepare_column`` builds them, so the
    engine compares through forms (each distinct value pair scored once) here too."""
    codes, forms = pd.factorize(pd.Series(column.values, dtype=object))
    codes = np.where(column.missing, -1, codes).astype("int32")
    alternate_forms = None
    if column.alternate is not None:
        alternate_forms = np.full(len(forms), "", dtype=object)
        present = codes >= 0
        alternate_forms[codes[present]] = column.alternate[present]
    return PreparedColumn(
        column.spec,
        column.values,
        column.missing,
        column.alternate,
        codes,
        np.asarray(forms, dtype=object),
        alternate_forms,
    )


def prepare_records(ordered: DataFrame, specs: Sequence[ColumnSpec], carried: str) -> DataFrame:
    """``ordered`` (position, ``carried``, raw compared columns) with the raw columns replaced
    by their stored fields, normalized in Python workers."""
    from pyspark.sql.types import LongType, StructField, StructType

    indexed = list(enumerate(specs))

    def compute(batches: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            fields = {POS: batch[POS].to_numpy(), carried: batch[carried].to_numpy()}
            yield pd.DataFrame({**fields, **prepare_batch(batch, indexed)})

    schema = StructType(
        [
            StructField(POS, LongType(), False),
            StructField(carried, LongType(), False),
            *prepared_fields(indexed),
        ]
    )
    return ordered.mapInPandas(compute, schema)
