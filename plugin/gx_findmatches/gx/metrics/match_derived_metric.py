"""Base of metrics read off the batch's ``findmatches.match_result`` (never re-matching)."""

from __future__ import annotations

from typing import Any, ClassVar

from great_expectations.execution_engine import (
    PandasExecutionEngine,
    SparkDFExecutionEngine,
    SqlAlchemyExecutionEngine,
)
from great_expectations.expectations.metrics.metric_provider import metric_value
from great_expectations.expectations.metrics.table_metric_provider import TableMetricProvider
from great_expectations.validator.metric_configuration import MetricConfiguration

from ..matched_batch import MatchedBatch
from ..params import MATCH_DEFAULTS, MATCH_KEYS, MATCH_RESULT, MatchParameters


class MatchDerivedMetric(TableMetricProvider):
    """A table metric computed from the shared match of the batch.

    Subclasses set ``metric_name`` and ``value_keys`` (the match keys plus their own) and
    implement ``_from_match``. The dependency on ``findmatches.match_result`` is declared with
    the match keys only, so it has the same metric id for every dependent metric, and GX
    computes it once. The per-engine methods only read that result (a pandas-side
    :class:`MatchedBatch` whatever the engine), so they are the same on pandas, SQL and Spark;
    they exist because GX looks providers up per engine class.
    """

    value_keys: tuple[str, ...] = MATCH_KEYS
    # GX declares this an instance variable but reads it from the class (a ClassVar)
    default_kwarg_values: ClassVar[dict[str, Any]] = dict(MATCH_DEFAULTS)  # type: ignore[misc]

    @classmethod
    def _match_kwargs(cls, value_kwargs: dict[str, Any]) -> dict[str, Any]:
        """The match parameters this metric reads the match with (hook for overrides)."""
        return MatchParameters.metric_kwargs(value_kwargs)

    @classmethod
    def _from_match(cls, matched: MatchedBatch, value_kwargs: dict[str, Any]) -> Any:
        raise NotImplementedError(f"{cls.__name__} must implement _from_match")

    @classmethod
    def _value(cls, matched: MatchedBatch, value_kwargs: dict[str, Any]) -> Any:
        """The metric's value; a dict also says which columns the match set aside."""
        value = cls._from_match(matched, value_kwargs)
        if isinstance(value, dict):
            value["columns_set_aside"] = dict(matched.set_aside)
        return value

    @classmethod
    def _get_evaluation_dependencies(
        cls,
        metric: MetricConfiguration,
        configuration: Any = None,
        execution_engine: Any = None,
        runtime_configuration: dict | None = None,
    ) -> dict[str, MetricConfiguration]:
        dependencies: dict[str, MetricConfiguration] = super()._get_evaluation_dependencies(
            metric=metric,
            configuration=configuration,
            execution_engine=execution_engine,
            runtime_configuration=runtime_configuration,
        )
        dependencies[MATCH_RESULT] = MetricConfiguration(
            metric_name=MATCH_RESULT,
            metric_domain_kwargs=metric.metric_domain_kwargs,
            metric_value_kwargs=cls._match_kwargs(dict(metric.metric_value_kwargs)),
        )
        return dependencies

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(
        cls,
        execution_engine: PandasExecutionEngine,
        metric_domain_kwargs: dict,
        metric_value_kwargs: dict,
        metrics: dict[str, Any],
        runtime_configuration: dict,
    ) -> Any:
        return cls._value(metrics[MATCH_RESULT], dict(metric_value_kwargs))

    @metric_value(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(
        cls,
        execution_engine: SqlAlchemyExecutionEngine,
        metric_domain_kwargs: dict,
        metric_value_kwargs: dict,
        metrics: dict[str, Any],
        runtime_configuration: dict,
    ) -> Any:
        return cls._value(metrics[MATCH_RESULT], dict(metric_value_kwargs))

    @metric_value(engine=SparkDFExecutionEngine)
    def _spark(
        cls,
        execution_engine: SparkDFExecutionEngine,
        metric_domain_kwargs: dict,
        metric_value_kwargs: dict,
        metrics: dict[str, Any],
        runtime_configuration: dict,
    ) -> Any:
        return cls._value(metrics[MATCH_RESULT], dict(metric_value_kwargs))
