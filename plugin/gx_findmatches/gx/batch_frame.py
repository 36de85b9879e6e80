"""The whole batch as a pandas DataFrame, whatever execution engine holds it.

FindMatches compares records with each other, so it needs every row at once; there is no
per-row or SQL-aggregate form of it. For SQL batches we therefore read the batch's selectable
through the engine's own connection (the same way GX's ``table.head`` metric does with
``fetch_all``) and hand the frame to the pandas engine. Spark batches are collected to the
driver the same way, through Arrow: the batch must fit in the driver's memory (the distributed
engine in ``gx_findmatches.spark`` is the way past that).

Nothing here imports pyspark: a Spark batch arrives as a DataFrame object and only its own
methods are called, so this module (and the whole GX layer) imports without the spark extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
from great_expectations.compatibility.sqlalchemy import sqlalchemy as sa
from great_expectations.compatibility.sqlalchemy_and_pandas import pandas_read_sql
from great_expectations.core.metric_domain_types import MetricDomainTypes

if TYPE_CHECKING:
    import pyarrow as pa
    from great_expectations.execution_engine import (
        PandasExecutionEngine,
        SparkDFExecutionEngine,
        SqlAlchemyExecutionEngine,
    )

ARROW_ENABLED = "spark.sql.execution.arrow.pyspark.enabled"


def pandas_batch_frame(
    execution_engine: PandasExecutionEngine, domain_kwargs: dict[str, Any]
) -> pd.DataFrame:
    """The pandas batch of a table domain (row conditions applied by GX)."""
    frame, _, _ = execution_engine.get_compute_domain(
        domain_kwargs, domain_type=MetricDomainTypes.TABLE
    )
    return frame


def sql_batch_frame(
    execution_engine: SqlAlchemyExecutionEngine, domain_kwargs: dict[str, Any]
) -> pd.DataFrame:
    """Every row of a SQL batch, read into pandas through the engine's connection."""
    selectable, _, _ = execution_engine.get_compute_domain(
        domain_kwargs, domain_type=MetricDomainTypes.TABLE
    )
    query = sa.select(sa.text("*")).select_from(_from_clause(selectable))
    with execution_engine.get_connection() as connection:
        frame = pandas_read_sql(sql=query, con=connection)
    assert isinstance(frame, pd.DataFrame)  # no chunksize given, so never an iterator
    return frame


def _from_clause(selectable: sa.Selectable) -> sa.FromClause:
    """The batch as something to select from: a table or subquery as it is, a SELECT (a batch
    with a row condition) as a subquery, as GX does before it adds a condition."""
    if isinstance(selectable, sa.FromClause):
        return selectable
    if isinstance(selectable, sa.SelectBase):
        return selectable.subquery()
    raise TypeError(f"a SQL batch is a table, subquery or SELECT, not {type(selectable)!r}")


def spark_batch_frame(
    execution_engine: SparkDFExecutionEngine, domain_kwargs: dict[str, Any]
) -> pd.DataFrame:
    """Every row of a Spark batch (row conditions applied by GX), collected to the driver.

    FindMatches needs the whole batch at once, so this is a ``collect``: the batch must fit in
    the driver's memory. It travels as Arrow record batches, never row by row.
    """
    data, _, _ = execution_engine.get_compute_domain(
        domain_kwargs, domain_type=MetricDomainTypes.TABLE
    )
    return spark_to_pandas(data)


def spark_to_pandas(data: Any) -> pd.DataFrame:
    """A Spark DataFrame as pandas, converted through Arrow.

    ``toPandas`` uses Arrow only when the session enables it (``spark.sql.execution.arrow.
    pyspark.enabled``, off by default) and otherwise pickles every row, which is orders of
    magnitude slower. So with Arrow off we call ``toArrow`` (pyspark >= 4.0) and convert the
    way ``toPandas`` does: dates as ``datetime.date``, timestamps as naive local times of the
    session time zone. pyspark 3.5 without Arrow enabled falls back to plain ``toPandas``.
    """
    session = data.sparkSession
    if str(session.conf.get(ARROW_ENABLED, "false")).lower() == "true" or not hasattr(
        data, "toArrow"
    ):
        frame = data.toPandas()
    else:
        time_zone = str(session.conf.get("spark.sql.session.timeZone"))
        frame = _arrow_to_pandas(data.toArrow(), time_zone)
    assert isinstance(frame, pd.DataFrame)
    return frame


def _arrow_to_pandas(table: pa.Table, time_zone: str) -> pd.DataFrame:
    """``toPandas``'s conversion of an Arrow table: Spark timestamps come as UTC instants."""
    frame = table.to_pandas(date_as_object=True, coerce_temporal_nanoseconds=True)
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            frame[column] = values.dt.tz_convert(time_zone).dt.tz_localize(None)
    return frame
