"""ExpectTableFuzzyDuplicateRateToBeBetween: how many rows have a fuzzy duplicate."""

from __future__ import annotations

from typing import Any

from great_expectations.compatibility import pydantic
from great_expectations.render import RenderedTableContent

from ..details import cut
from ..params import MATCH_KEYS
from ..rendering import group_rows, table
from .matching_expectation import FindMatchesMatchingExpectation


class ExpectTableFuzzyDuplicateRateToBeBetween(FindMatchesMatchingExpectation):
    """Expect the share of rows that have at least one fuzzy duplicate to be in a range.

    A sudden rise in duplicates is the usual sign of a broken upstream load (a file read
    twice, a changed key) and a fall to zero of a broken matcher; FindMatches finds the
    duplicates that exact-key checks miss. Observed value: the rate (0-1). Details: rows,
    rows with duplicates, number of groups with duplicates, and the largest groups with their
    records and confidence (as many as ``result_format`` asks for).

    Args:
        min_value: lowest acceptable rate (inclusive); null for none.
        max_value: highest acceptable rate (inclusive); null for none.
        primary_key, columns, exclude_columns, precision_recall_tradeoff,
        accuracy_cost_tradeoff, partition_by, labels_path: the matching setup.
    """

    min_value: float | None = pydantic.Field(
        default=None, ge=0.0, le=1.0, description="Lowest acceptable duplicate rate (inclusive)."
    )
    max_value: float | None = pydantic.Field(
        default=None, ge=0.0, le=1.0, description="Highest acceptable duplicate rate (inclusive)."
    )

    metric_dependencies = ("findmatches.match_groups",)
    success_keys = (*MATCH_KEYS, "min_value", "max_value")
    args_keys = ("primary_key", "min_value", "max_value")

    def _validate(
        self,
        metrics: dict,
        runtime_configuration: dict | None = None,
        execution_engine: Any = None,
    ) -> dict[str, Any]:
        found = metrics["findmatches.match_groups"]
        rate = found["rate"]
        success = (self.min_value is None or rate >= self.min_value) and (
            self.max_value is None or rate <= self.max_value
        )
        details = {
            key: found[key]
            for key in ("rows", "rows_with_duplicates", "groups_with_duplicates", "largest_group")
        }
        details["columns"] = found["columns"]
        details["model_notes"] = found.get("model_notes", [])
        details["columns_set_aside"] = found.get("columns_set_aside", {})
        details["largest_groups"] = cut(found["groups"], self._limit(runtime_configuration))
        return self._outcome(success, rate, details)

    @classmethod
    def _sentence(cls, kwargs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        if low is not None and high is not None:
            template = "The share of rows with a fuzzy duplicate must be between $min_value and "
            template += "$max_value"
        elif low is not None:
            template = "The share of rows with a fuzzy duplicate must be at least $min_value"
        elif high is not None:
            template = "The share of rows with a fuzzy duplicate must be at most $max_value"
        else:
            template = "The share of rows with a fuzzy duplicate may be anything"
        clause, params = cls._matching_clause(kwargs)
        return template + clause + ".", {"min_value": low, "max_value": high, **params}

    @classmethod
    def _observed_text(cls, result: dict[str, Any]) -> str:
        rate = result.get("observed_value")
        details = result.get("details") or {}
        if rate is None:
            return "--"
        return (
            f"{rate:.2%} of rows ({details.get('rows_with_duplicates')} of {details.get('rows')})"
            f" in {details.get('groups_with_duplicates')} groups"
        )

    @classmethod
    def _tables(cls, result: dict[str, Any]) -> list[RenderedTableContent]:
        groups = result["details"].get("largest_groups") or []
        if not groups:
            return []
        header, rows = group_rows(result["details"], "largest_groups")
        return [table(f"Largest match groups (first {min(len(groups), 10)})", header, rows)]
