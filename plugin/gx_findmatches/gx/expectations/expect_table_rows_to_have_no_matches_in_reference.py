"""ExpectTableRowsToHaveNoMatchesInReference: new rows are not already on file."""

from __future__ import annotations

from typing import Any

from great_expectations.compatibility import pydantic
from great_expectations.expectations.model_field_types import MostlyField
from great_expectations.render import RenderedTableContent

from ..details import cut
from ..params import MATCH_KEYS
from ..rendering import record_columns, table
from .matching_expectation import FindMatchesMatchingExpectation

METRIC = "findmatches.reference_matches"
_SHOWN = 25


class ExpectTableRowsToHaveNoMatchesInReference(FindMatchesMatchingExpectation):
    """Expect the batch's rows not to fuzzily match any record of a reference table.

    For loads of "new" customers, suppliers or patients: a new row that is the same entity as
    a record already on file (spelt differently) should be merged, not inserted. The batch and
    the reference (CSV/TSV/Parquet at ``reference_path``, e.g. an earlier FindMatches output)
    are matched as one table; a batch row matches when its group holds a reference record. A
    batch row whose primary key is already in the reference counts as matching.

    Observed value: the number of batch rows that match a reference record. Success: at least
    ``mostly`` of the batch rows match none. Details: the matching rows, with the reference
    keys they matched.

    Args:
        reference_path: the reference table's file.
        mostly: the share of batch rows that must match no reference record (default 1).
    """

    reference_path: str = pydantic.Field(description="CSV/TSV/Parquet file of reference records.")
    mostly: MostlyField = 1.0

    metric_dependencies = (METRIC,)
    success_keys = (*MATCH_KEYS, "reference_path", "mostly")
    args_keys = ("primary_key", "reference_path")

    def _validate(
        self,
        metrics: dict,
        runtime_configuration: dict | None = None,
        execution_engine: Any = None,
    ) -> dict[str, Any]:
        found = metrics[METRIC]
        rows, matching = found["rows"], found["matching_rows"]
        share = (rows - matching) / rows if rows else 1.0
        details = {
            "rows": rows,
            "reference_rows": found["reference_rows"],
            "matching_rows": matching,
            "same_key_rows": found["same_key_rows"],
            "share_not_matching": share,
            "columns": found["columns"],
            "columns_set_aside": found.get("columns_set_aside", {}),
            "matches": cut(found["matches"], self._limit(runtime_configuration)),
        }
        return self._outcome(self._reaches(share, self.mostly), matching, details)

    @classmethod
    def _sentence(cls, kwargs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        template = "No row may fuzzily match a record of the reference $reference_path"
        mostly = kwargs.get("mostly", 1.0)
        params: dict[str, Any] = {"reference_path": kwargs.get("reference_path")}
        if mostly is not None and mostly < 1.0:
            template = "At least $mostly_pct % of rows must match no record of the reference "
            template += "$reference_path"
            params["mostly_pct"] = f"{mostly * 100:.4g}"
        clause, match_params = cls._matching_clause(kwargs)
        return template + clause + ".", {**params, **match_params}

    @classmethod
    def _observed_text(cls, result: dict[str, Any]) -> str:
        details = result.get("details") or {}
        if "matching_rows" not in details:
            return "--"
        return f"{details['matching_rows']} of {details['rows']} rows match the reference"

    @classmethod
    def _tables(cls, result: dict[str, Any]) -> list[RenderedTableContent]:
        matches = (result["details"].get("matches") or [])[:_SHOWN]
        if not matches:
            return []
        columns = record_columns(result["details"], [m["record"] for m in matches])
        rows = [
            [m["key"], m["reference_keys"], m["confidence"], *(m["record"].get(c) for c in columns)]
            for m in matches
        ]
        header = ["key", "reference keys", "confidence", *columns]
        return [table(f"Rows matching reference records (first {len(rows)})", header, rows)]
