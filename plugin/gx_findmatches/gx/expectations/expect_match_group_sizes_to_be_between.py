"""ExpectMatchGroupSizesToBeBetween: every group of duplicates has a plausible size."""

from __future__ import annotations

from typing import Any

from great_expectations.compatibility import pydantic
from great_expectations.render import RenderedTableContent

from ..details import cut
from ..params import MATCH_KEYS
from ..rendering import group_rows, table
from .matching_expectation import FindMatchesMatchingExpectation

METRIC = "findmatches.match_groups"


class ExpectMatchGroupSizesToBeBetween(FindMatchesMatchingExpectation):
    """Expect every match group with duplicates to have between min and max records.

    Over-merging (one giant group chaining unrelated records through near matches) is the
    typical failure of fuzzy matching and hides behind healthy duplicate rates; a size cap
    catches it. Singletons (records without duplicates) are not groups of duplicates and are
    not checked. Observed value: the largest group size. Details: group-size counts and the
    offending groups with their records.

    Args:
        min_value: smallest acceptable size of a group with duplicates (inclusive, >= 2).
        max_value: largest acceptable group size (inclusive).
    """

    min_value: int | None = pydantic.Field(
        default=None, ge=2, description="Smallest acceptable size of a group with duplicates."
    )
    max_value: int | None = pydantic.Field(
        default=None, ge=1, description="Largest acceptable match-group size (inclusive)."
    )

    metric_dependencies = (METRIC,)
    success_keys = (*MATCH_KEYS, "min_value", "max_value")
    args_keys = ("primary_key", "min_value", "max_value")

    def _validate(
        self,
        metrics: dict,
        runtime_configuration: dict | None = None,
        execution_engine: Any = None,
    ) -> dict[str, Any]:
        found = metrics[METRIC]
        low = self.min_value if self.min_value is not None else 0
        high = self.max_value if self.max_value is not None else float("inf")
        sizes = {int(size): count for size, count in found["size_counts"].items()}
        offending = sum(count for size, count in sizes.items() if not low <= size <= high)
        groups = [g for g in found["groups"] if not low <= g["size"] <= high]
        details = {
            "groups_with_duplicates": found["groups_with_duplicates"],
            "size_counts": {str(size): count for size, count in sorted(sizes.items())},
            "offending_groups": offending,
            "columns": found["columns"],
            "columns_set_aside": found.get("columns_set_aside", {}),
            "offending": cut(groups, self._limit(runtime_configuration)),
        }
        return self._outcome(offending == 0, found["largest_group"], details)

    @classmethod
    def _sentence(cls, kwargs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        if low is not None and high is not None:
            template = "Every fuzzy match group with duplicates must have between $min_value and "
            template += "$max_value records"
        elif high is not None:
            template = "No fuzzy match group may have more than $max_value records"
        elif low is not None:
            template = "Every fuzzy match group with duplicates must have at least $min_value "
            template += "records"
        else:
            template = "Fuzzy match groups may have any size"
        clause, params = cls._matching_clause(kwargs)
        return template + clause + ".", {"min_value": low, "max_value": high, **params}

    @classmethod
    def _observed_text(cls, result: dict[str, Any]) -> str:
        largest = result.get("observed_value")
        details = result.get("details") or {}
        if largest is None:
            return "--"
        return f"largest group: {largest} records ({details.get('offending_groups', 0)} offending)"

    @classmethod
    def _tables(cls, result: dict[str, Any]) -> list[RenderedTableContent]:
        details = result["details"]
        tables = [
            table(
                "Groups with duplicates by size",
                ["size", "groups"],
                list((details.get("size_counts") or {}).items()),
            )
        ]
        if details.get("offending"):
            header, rows = group_rows(details, "offending")
            tables.append(table("Groups outside the size range", header, rows))
        return tables
