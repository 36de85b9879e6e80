"""Base of every gx-findmatches expectation: result shape and legacy Data Docs renderers.

GX registers a renderer under each expectation type that has it in ``dir(cls)``, and calls it
as a classmethod of the concrete class, so the three legacy renderers below serve every
subclass; subclasses fill in three hooks: the sentence, the observed value and the tables.
Under the sentence, a "Figures" table (pass or fail, the observed value, the counts behind it)
leads the subclass's tables: GX puts the observed value in the page's right-hand column, which
a wide table of records can push out of view.

Like GX's table-level expectations (``expect_table_row_count_to_be_between``), every
expectation takes a ``row_condition``: it is part of the metric *domain*, so each engine
applies it before our metrics see the batch, and FindMatches runs on the chosen rows only.
"""

from __future__ import annotations

from abc import ABC
from typing import Any, ClassVar

from great_expectations.expectations.expectation import BatchExpectation
from great_expectations.expectations.model_field_types import ConditionParser
from great_expectations.expectations.row_conditions import RowConditionType
from great_expectations.render import (
    CollapseContent,
    LegacyDiagnosticRendererType,
    LegacyRendererType,
    RenderedStringTemplateContent,
    RenderedTableContent,
)
from great_expectations.render.renderer.renderer import renderer
from great_expectations.render.renderer_configuration import RendererConfiguration

from ..details import limit_of
from ..rendering import condition_clause, figures, kwargs_of, result_of, sentence


class FindMatchesRenderedExpectation(BatchExpectation, ABC):
    """A batch expectation whose result is ``observed_value`` plus ``details``.

    Abstract (``_validate`` is left to subclasses), so GX does not register it as a type.
    """

    row_condition: RowConditionType = None
    condition_parser: ConditionParser | None = None

    domain_keys: ClassVar[tuple[str, ...]] = ("batch_id", "row_condition", "condition_parser")

    # ------------------------------------------------------------------ hooks for subclasses
    @classmethod
    def _sentence(cls, kwargs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The prescriptive sentence template and its parameters."""
        return "$expectation_type", {"expectation_type": cls.expectation_type}

    @classmethod
    def _observed_text(cls, result: dict[str, Any]) -> str:
        """The observed value as shown in Data Docs."""
        value = result.get("observed_value")
        if value is None:
            return "--"
        return f"{value:.4g}" if isinstance(value, float) else str(value)

    @classmethod
    def _tables(cls, result: dict[str, Any]) -> list[RenderedTableContent]:
        """Tables of the result's details shown under the sentence."""
        return []

    # ------------------------------------------------------------------ result building
    @staticmethod
    def _outcome(success: bool, observed: Any, details: dict[str, Any]) -> dict[str, Any]:
        result = {"observed_value": observed, "details": details}
        return {"success": bool(success), "result": result}

    @staticmethod
    def _limit(runtime_configuration: dict | None) -> int | None:
        return limit_of(runtime_configuration)

    # ------------------------------------------------------------------ renderers
    @classmethod
    def _prescriptive_template(cls, renderer_configuration: RendererConfiguration) -> Any:
        """The same sentence for GX's atomic renderers (``Expectation.render``, GX Cloud)."""
        template, params = cls._sentence(dict(renderer_configuration.kwargs))
        for name, value in params.items():
            if value is not None:
                renderer_configuration.add_param(name=name, value=value)
        renderer_configuration.template_str = template
        return renderer_configuration

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(
        cls,
        configuration: Any = None,
        result: Any = None,
        runtime_configuration: dict | None = None,
        **kwargs: Any,
    ) -> list[RenderedStringTemplateContent]:
        kwargs = kwargs_of(configuration, result)
        template, params = cls._sentence(kwargs)
        prefix, condition = condition_clause(kwargs)
        return sentence(prefix + template, {**params, **condition}, runtime_configuration)

    @classmethod
    @renderer(renderer_type=LegacyDiagnosticRendererType.OBSERVED_VALUE)
    def _diagnostic_observed_value_renderer(
        cls,
        configuration: Any = None,
        result: Any = None,
        runtime_configuration: dict | None = None,
        **kwargs: Any,
    ) -> str:
        return cls._observed_text(result_of(result))

    @classmethod
    @renderer(renderer_type=LegacyDiagnosticRendererType.UNEXPECTED_TABLE)
    def _diagnostic_unexpected_table_renderer(
        cls,
        configuration: Any = None,
        result: Any = None,
        runtime_configuration: dict | None = None,
        **kwargs: Any,
    ) -> list[RenderedTableContent | CollapseContent] | None:
        found = result_of(result)
        if not found.get("details"):
            return None
        lead = figures(bool(result.success), cls._observed_text(found), found["details"])
        return [lead, *cls._tables(found)]
