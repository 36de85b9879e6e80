"""ExpectColumnValuesToBeConsistentWithinMatchGroups: duplicates agree on a column."""

from __future__ import annotations

from typing import Any

from great_expectations.compatibility import pydantic
from great_expectations.expectations.model_field_types import MostlyField
from great_expectations.render import RenderedTableContent

from ..details import cut
from ..params import MATCH_KEYS
from ..rendering import group_rows, table
from .matching_expectation import FindMatchesMatchingExpectation

METRIC = "findmatches.group_consistency"


class ExpectColumnValuesToBeConsistentWithinMatchGroups(FindMatchesMatchingExpectation):
    """Expect the records of each match group to share one value of ``column``.

    Records of one entity should agree on what does not change (a date of birth, a customer
    segment, a master-data id). Disagreement means either conflicting master data to be
    reconciled or false matches; either way someone should look. Missing values are unknown
    and never make a group inconsistent.

    Observed value: the number of inconsistent groups. Success: at least ``mostly`` of the
    groups with duplicates are consistent. Details: the inconsistent groups, with their value
    counts and records.

    Args:
        column: the column the records of a group must agree on.
        mostly: the share of duplicate groups that must be consistent (default 1).
    """

    column: str = pydantic.Field(description="The column the records of a group must agree on.")
    mostly: MostlyField = 1.0

    metric_dependencies = (METRIC,)
    success_keys = (*MATCH_KEYS, "column", "mostly")
    args_keys = ("primary_key", "column")

    def _validate(
        self,
        metrics: dict,
        runtime_configuration: dict | None = None,
        execution_engine: Any = None,
    ) -> dict[str, Any]:
        found = metrics[METRIC]
        groups, inconsistent = found["groups_with_duplicates"], found["inconsistent_groups"]
        share = (groups - inconsistent) / groups if groups else 1.0
        details = {
            "groups_with_duplicates": groups,
            "inconsistent_groups": inconsistent,
            "share_consistent": share,
            "columns": found["columns"],
            "columns_set_aside": found.get("columns_set_aside", {}),
            "inconsistent": cut(found["groups"], self._limit(runtime_configuration)),
        }
        return self._outcome(self._reaches(share, self.mostly), inconsistent, details)

    @classmethod
    def _sentence(cls, kwargs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        template = "The records of each fuzzy match group must share one value of $column"
        mostly, mostly_params = cls._mostly_clause(kwargs)
        template += mostly
        params: dict[str, Any] = {"column": kwargs.get("column"), **mostly_params}
        clause, match_params = cls._matching_clause(kwargs)
        return template + clause + ".", {**params, **match_params}

    @classmethod
    def _observed_text(cls, result: dict[str, Any]) -> str:
        details = result.get("details") or {}
        if "inconsistent_groups" not in details:
            return "--"
        return (
            f"{details['inconsistent_groups']} of {details['groups_with_duplicates']} groups "
            f"inconsistent"
        )

    @classmethod
    def _tables(cls, result: dict[str, Any]) -> list[RenderedTableContent]:
        if not result["details"].get("inconsistent"):
            return []
        header, rows = group_rows(result["details"], "inconsistent", extra="values")
        return [table("Inconsistent match groups", header, rows)]
