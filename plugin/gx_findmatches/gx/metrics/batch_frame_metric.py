"""Base of metrics computed from the whole batch as a pandas frame, on pandas, SQL and Spark."""

from __future__ import annotations

from typing import Any

import pandas as pd
from great_expectations.execution_engine import (
    PandasExecutionEngine,
    SparkDFExecutionEngine,
    SqlAlchemyExecutionEngine,
)
from great_expectations.expectations.metrics.metric_provider import metric_value
from great_expectations.expectations.metrics.table_metric_provider import TableMetricProvider

from ..batch_frame import pandas_batch_frame, spark_batch_frame, sql_batch_frame


class BatchFrameMetric(TableMetricProvider):
    """A table metric whose value is ``_from_frame(batch, value_kwargs)``.

    Subclasses set ``metric_name`` and ``value_keys`` and implement ``_from_frame``; the
    per-engine methods below are inherited, so each subclass registers for pandas, SQL and
    Spark (GX registers whatever ``@metric_value`` methods a provider class has, inherited or
    not). Without a ``metric_name`` this class itself registers nothing.

    FindMatches compares records with each other, so every engine hands over the *whole*
    batch: SQL rows are read through the engine's connection and a Spark DataFrame is collected
    to the driver (through Arrow). ``SparkDFExecutionEngine`` is imported from GX, which
    defines it whether or not pyspark is installed, so this module never needs pyspark.
    """

    @classmethod
    def _from_frame(cls, frame: pd.DataFrame, value_kwargs: dict[str, Any]) -> Any:
        raise NotImplementedError(f"{cls.__name__} must implement _from_frame")

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(
        cls,
        execution_engine: PandasExecutionEngine,
        metric_domain_kwargs: dict,
        metric_value_kwargs: dict,
        metrics: dict[str, Any],
        runtime_configuration: dict,
    ) -> Any:
        frame = pandas_batch_frame(execution_engine, metric_domain_kwargs)
        return cls._from_frame(frame, dict(metric_value_kwargs))

    @metric_value(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(
        cls,
        execution_engine: SqlAlchemyExecutionEngine,
        metric_domain_kwargs: dict,
        metric_value_kwargs: dict,
        metrics: dict[str, Any],
        runtime_configuration: dict,
    ) -> Any:
        frame = sql_batch_frame(execution_engine, metric_domain_kwargs)
        return cls._from_frame(frame, dict(metric_value_kwargs))

    @metric_value(engine=SparkDFExecutionEngine)
    def _spark(
        cls,
        execution_engine: SparkDFExecutionEngine,
        metric_domain_kwargs: dict,
        metric_value_kwargs: dict,
        metrics: dict[str, Any],
        runtime_configuration: dict,
    ) -> Any:
        frame = spark_batch_frame(execution_engine, metric_domain_kwargs)
        return cls._from_frame(frame, dict(metric_value_kwargs))
