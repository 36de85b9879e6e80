"""Base of every gx-findmatches expectation: result shape and legacy Data Docs renderers.

GX registers a renderer under each expectation type that has it in ``dir(cls)``, and calls it
as a classmethod of the concrete class, so the three legacy renderers below serve every
subclass; subclasses fill in three hooks: the sentence, the observed value and the tables.
"""

from __future__ import annotations

from abc import ABC
from typing import Any

from great_expectations.expectations.expectation import BatchExpectation
from great_expectations.render import (
    LegacyDiagnosticRendererType,
    LegacyRendererType,
    RenderedStringTemplateContent,
    RenderedTableContent,
)
from great_expectations.render.renderer.renderer import renderer
from great_expectations.render.renderer_configuration import RendererConfiguration

from ..details import limit_of
from ..rendering import kwargs_of, result_of, sentence


class FindMatchesRenderedExpectation(BatchExpectation, ABC):
    """A batch expectation whose result is ``observed_value`` plus ``details``.

    Abstract (``_validate`` is left to subclasses), so GX does not register it as a type.
    """

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
        template, params = cls._sentence(kwargs_of(configuration, result))
        return sentence(template, params, runtime_configuration)

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
    ) -> list[RenderedTableContent] | None:
        found = result_of(result)
        if not found.get("details"):
            return None
        return cls._tables(found) or None
