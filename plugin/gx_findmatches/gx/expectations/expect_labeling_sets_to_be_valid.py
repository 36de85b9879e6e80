"""ExpectLabelingSetsToBeValid: the batch is a usable Glue label table."""

from __future__ import annotations

from typing import Any

from great_expectations.compatibility import pydantic
from great_expectations.render import RenderedTableContent

from ..rendering import table
from .rendered_expectation import FindMatchesRenderedExpectation

METRIC = "findmatches.labeling_set_problems"


class ExpectLabelingSetsToBeValid(FindMatchesRenderedExpectation):
    """Expect the batch, a Glue FindMatches label table, to be usable for training.

    Labels are hand-made and break in ways that silently poison a model: a record with two
    labels in one set, sets that contradict each other, one-record sets, keys that are not in
    the data, sets too large to label well. The engine's own label validation runs on the
    batch, plus set-size bounds. Observed value: the number of labeling sets. Details: every
    problem found, and pair counts.

    Args:
        primary_key: the data's primary key column, present in the label table.
        data_path: optional data file whose primary keys every label row must name.
        min_set_size, max_set_size: bounds on the distinct records of a set (Glue: 2 to 50).
    """

    primary_key: str = pydantic.Field(description="The data's primary key column.")
    data_path: str | None = pydantic.Field(
        default=None, description="Data file (CSV/TSV/Parquet) whose keys the labels must name."
    )
    min_set_size: int = pydantic.Field(
        default=2, ge=2, description="Fewest distinct records a labeling set may have."
    )
    max_set_size: int = pydantic.Field(
        default=50, ge=2, description="Most distinct records a labeling set may have."
    )

    metric_dependencies = (METRIC,)
    success_keys = ("primary_key", "data_path", "min_set_size", "max_set_size")
    args_keys = ("primary_key", "data_path")

    def _validate(
        self,
        metrics: dict,
        runtime_configuration: dict | None = None,
        execution_engine: Any = None,
    ) -> dict[str, Any]:
        found = dict(metrics[METRIC])
        found.pop("set_sizes", None)
        return self._outcome(not found["problems"], found["sets"], found)

    @classmethod
    def _sentence(cls, kwargs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        template = (
            "Must be a valid Glue FindMatches label table keyed by $primary_key, with "
            "$min_set_size to $max_set_size records per labeling set"
        )
        params = {
            "primary_key": kwargs.get("primary_key"),
            "min_set_size": kwargs.get("min_set_size", 2),
            "max_set_size": kwargs.get("max_set_size", 50),
        }
        if kwargs.get("data_path"):
            template += ", naming only records of $data_path"
            params["data_path"] = kwargs["data_path"]
        return template + ".", params

    @classmethod
    def _observed_text(cls, result: dict[str, Any]) -> str:
        details = result.get("details") or {}
        if "sets" not in details:
            return "--"
        problems = len(details.get("problems") or [])
        return f"{details['sets']} labeling sets, {problems} problem(s)"

    @classmethod
    def _tables(cls, result: dict[str, Any]) -> list[RenderedTableContent]:
        details = result["details"]
        summary = [
            [name, details.get(name)]
            for name in (
                "sets",
                "rows",
                "records",
                "pairs",
                "matching_pairs",
                "smallest_set",
                "largest_set",
            )
        ]
        tables = [table("Label table", ["", "count"], summary)]
        if details.get("problems"):
            tables.append(table("Problems", ["problem"], [[p] for p in details["problems"]]))
        return tables
