"""Base of the expectations that run FindMatches on the batch: the shared matching fields.

Every field here is also a value key of ``findmatches.match_result``; GX passes a metric only
the kwargs named in the expectation's ``success_keys``, so subclasses list
``params.MATCH_KEYS`` there. Equal values across a suite mean one metric id, and one engine
run per batch.
"""

from __future__ import annotations

from abc import ABC
from typing import Any

from great_expectations.compatibility import pydantic

from ...errors import ParameterError
from ..params import DEFAULTS, field_options
from .rendered_expectation import FindMatchesRenderedExpectation


def settings_field(name: str, **overrides: Any) -> Any:
    """A pydantic field for a transform parameter: default, bounds and description as
    ``engine.settings`` declares them (see :func:`..params.field_options`)."""
    return pydantic.Field(**field_options(name, **overrides))


EXCLUDE_COLUMNS = (
    "Batch columns the matcher never sees, e.g. truth or label columns kept for checks; "
    "they are never compared either."
)
LABELS_PATH = "A Glue label file (CSV/TSV/Parquet); labels make the model supervised."


class FindMatchesMatchingExpectation(FindMatchesRenderedExpectation, ABC):
    """An expectation over the FindMatches match groups of the batch.

    Glue's parameters (``primary_key`` ... ``partition_by``) take their defaults, bounds and
    descriptions from ``engine.settings``; the others are GX's own (``params.GX_DEFAULTS``).
    """

    primary_key: str = settings_field("primary_key")
    columns: list[str] | dict[str, str] | None = settings_field("columns")
    precision_recall_tradeoff: float = settings_field("precision_recall_tradeoff")
    accuracy_cost_tradeoff: float = settings_field("accuracy_cost_tradeoff")
    enforce_provided_labels: bool = settings_field("enforce_provided_labels")
    partition_by: str | None = settings_field("partition_by")
    exclude_columns: list[str] | None = pydantic.Field(default=None, description=EXCLUDE_COLUMNS)
    labels_path: str | None = pydantic.Field(default=None, description=LABELS_PATH)
    transform_name: str | None = pydantic.Field(
        default=None,
        description="A trained transform in the gx-findmatches store whose model matches the "
        "batch (no refit); the other matching fields but primary_key are then ignored.",
    )
    store_url: str | None = pydantic.Field(
        default=None,
        description="SQLAlchemy URL of the store holding transform_name (default: "
        "$GX_FINDMATCHES_STORE, else sqlite:///findmatches.db).",
    )

    @pydantic.validator("exclude_columns")
    def _canonical_exclusions(cls, value: list[str] | None) -> list[str] | None:
        """Sorted and without repeats: the order means nothing, and equal lists keep the
        match metric's id equal across expectations (one engine run)."""
        return None if value is None else sorted(dict.fromkeys(value))

    @staticmethod
    def _reaches(share: float, mostly: float | dict[str, Any]) -> bool:
        """Whether ``share`` reaches ``mostly``.

        ``mostly`` is typed ``float | dict`` because it may be a suite parameter
        (``{"$PARAMETER": name}``); GX substitutes the number before ``_validate`` runs, so a
        dict here is a parameter the run never supplied.
        """
        if isinstance(mostly, dict):
            raise ParameterError(
                f"mostly is the suite parameter {mostly} with no value: pass it in the run's "
                f"suite parameters, or set mostly to a number between 0 and 1"
            )
        return share >= mostly

    @staticmethod
    def _mostly_clause(kwargs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """ ", in at least N % of groups" when ``mostly`` is below 1, else nothing."""
        mostly = kwargs.get("mostly", 1.0)
        if mostly is None or mostly >= 1.0:
            return "", {}
        return ", in at least $mostly_pct % of groups", {"mostly_pct": f"{mostly * 100:.4g}"}

    @classmethod
    def _matching_clause(cls, kwargs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The sentence's tail naming the matching setup."""
        if kwargs.get("transform_name"):
            return (
                " (FindMatches with the trained transform $transform_name on key $primary_key)",
                {
                    "transform_name": kwargs["transform_name"],
                    "primary_key": kwargs.get("primary_key"),
                },
            )
        template = (
            " (FindMatches on key $primary_key, precision/recall trade-off "
            "$precision_recall_tradeoff"
        )
        params = {
            "primary_key": kwargs.get("primary_key"),
            "precision_recall_tradeoff": kwargs.get(
                "precision_recall_tradeoff", DEFAULTS["precision_recall_tradeoff"]
            ),
        }
        if kwargs.get("partition_by"):
            template += ", partitioned by $partition_by"
            params["partition_by"] = kwargs["partition_by"]
        if kwargs.get("labels_path"):
            template += ", supervised by labels $labels_path"
            params["labels_path"] = kwargs["labels_path"]
            if kwargs.get("enforce_provided_labels"):
                template += ", which the groups must agree with"
        return template + ")", params
