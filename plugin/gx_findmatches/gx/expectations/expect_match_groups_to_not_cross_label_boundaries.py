"""ExpectMatchGroupsToNotCrossLabelBoundaries: no match group spans two values of a column."""

from __future__ import annotations

from typing import Any

from great_expectations.compatibility import pydantic
from great_expectations.expectations.model_field_types import MostlyField
from great_expectations.render import RenderedTableContent

from ..details import cut
from ..params import MATCH_KEYS
from ..rendering import group_rows, table
from .matching_expectation import FindMatchesMatchingExpectation

METRIC = "findmatches.label_boundary_crossings"


class ExpectMatchGroupsToNotCrossLabelBoundaries(FindMatchesMatchingExpectation):
    """Expect no match group to hold records with different values of ``label_column``.

    Glue's label boundary (``partition_by``) forbids groups across a column; this checks
    whether the matcher *needs* that fence, or whether a column that should agree within an
    entity (a tenant, a country, a true entity id) is being crossed. The match is therefore
    read without ``partition_by``, which would hide every crossing. Missing label values never
    count as a crossing.

    Observed value: the number of crossing groups. Success: at least ``mostly`` of the groups
    with duplicates stay within one label value. Details: the crossing groups, with their
    label counts and records.

    Args:
        label_column: the column no group should span.
        mostly: the share of duplicate groups that must not cross (default 1: none may).
    """

    label_column: str = pydantic.Field(description="The column no match group should span.")
    mostly: MostlyField = 1.0

    metric_dependencies = (METRIC,)
    success_keys = (*MATCH_KEYS, "label_column", "mostly")
    args_keys = ("primary_key", "label_column")

    def _validate(
        self,
        metrics: dict,
        runtime_configuration: dict | None = None,
        execution_engine: Any = None,
    ) -> dict[str, Any]:
        found = metrics[METRIC]
        groups, crossing = found["groups_with_duplicates"], found["crossing_groups"]
        share = (groups - crossing) / groups if groups else 1.0
        details = {
            "groups_with_duplicates": groups,
            "crossing_groups": crossing,
            "share_not_crossing": share,
            "columns": found["columns"],
            "columns_set_aside": found.get("columns_set_aside", {}),
            "crossing": cut(found["groups"], self._limit(runtime_configuration)),
        }
        return self._outcome(self._reaches(share, self.mostly), crossing, details)

    @classmethod
    def _sentence(cls, kwargs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        template = "No fuzzy match group may hold records with different values of $label_column"
        mostly, mostly_params = cls._mostly_clause(kwargs)
        template += mostly
        params: dict[str, Any] = {"label_column": kwargs.get("label_column"), **mostly_params}
        clause, match_params = cls._matching_clause({**kwargs, "partition_by": None})
        return template + clause + ", matched without partition.", {**params, **match_params}

    @classmethod
    def _observed_text(cls, result: dict[str, Any]) -> str:
        details = result.get("details") or {}
        if "crossing_groups" not in details:
            return "--"
        return f"{details['crossing_groups']} of {details['groups_with_duplicates']} groups cross"

    @classmethod
    def _tables(cls, result: dict[str, Any]) -> list[RenderedTableContent]:
        if not result["details"].get("crossing"):
            return []
        header, rows = group_rows(result["details"], "crossing", extra="labels")
        return [table("Match groups crossing the label boundary", header, rows)]
