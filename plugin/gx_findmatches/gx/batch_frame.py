"""The whole batch as a pandas DataFrame, whatever execution engine holds it.

FindMatches compares records with each other, so it needs every row at once; there is no
per-row or SQL-aggregate form of it. For SQL batches we therefore read the batch's selectable
through the engine's own connection (the same way GX's ``table.head`` metric does with
``fetch_all``) and hand the frame to the pandas engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
from great_expectations.compatibility.sqlalchemy import sqlalchemy as sa
from great_expectations.compatibility.sqlalchemy_and_pandas import pandas_read_sql
from great_expectations.core.metric_domain_types import MetricDomainTypes

if TYPE_CHECKING:
    from great_expectations.execution_engine import (
        PandasExecutionEngine,
        SqlAlchemyExecutionEngine,
    )


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
    query = sa.select(sa.text("*")).select_from(selectable)
    with execution_engine.get_connection() as connection:
        frame = pandas_read_sql(sql=query, con=connection)
    assert isinstance(frame, pd.DataFrame)  # no chunksize given, so never an iterator
    return frame
