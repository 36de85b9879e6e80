"""ExpectMatchQualityMetricToBeBetween: FindMatches' estimated quality is good enough."""

from __future__ import annotations

from typing import Any, Literal, get_args

from great_expectations.compatibility import pydantic
from great_expectations.render import RenderedTableContent

from ..params import MATCH_KEYS
from ..rendering import by_weight, table
from .matching_expectation import FindMatchesMatchingExpectation

METRIC = "findmatches.quality_report"
QualityName = Literal[
    "group_f1",
    "group_precision",
    "group_recall",
    "area_under_pr_curve",
    "precision",
    "recall",
    "f1",
    "end_to_end_recall",
]
# Shown beside a checkable estimate in the Data Docs table: its interval, and the pairwise
# figures Glue's console prints with F1.
_SHOWN_WITH = {"group_f1": ("group_f1_low", "group_f1_high"), "f1": ("max_f1", "blocking_recall")}
_ESTIMATES = tuple(
    shown for name in get_args(QualityName) for shown in (name, *_SHOWN_WITH.get(name, ()))
)


class ExpectMatchQualityMetricToBeBetween(FindMatchesMatchingExpectation):
    """Expect a cross-validated FindMatches quality estimate to lie in a range.

    Glue's "estimate quality" as a gate: the estimate is held out by labeling set
    (``FindMatches.evaluate``), so it says how well the configured matcher would do on this
    batch. Labels come from ``labels_path`` or are drawn from ``label_column``, a column of
    true entity ids (never compared). ``end_to_end_recall`` also counts the true matches the
    candidate search never proposes, which Glue does not report.

    ``group_f1`` (and ``group_precision``, ``group_recall``) judge the final match groups over
    the whole table, as the run delivers them; the pairwise figures judge the classifier on
    the labelled pairs only, which active learning picks among the doubtful ones (measured:
    pairwise F1 0.95 where the groups' true F1 was 0.003). Where the labels are too few for a
    group estimate, the expectation fails and says so rather than pass on no evidence.

    Observed value: the chosen estimate. Details: every estimate (the group F1 with its 90 %
    interval), the group estimate's status, the confusion matrix and the column importances.

    Args:
        metric: which estimate to check.
        min_value, max_value: the acceptable range (inclusive).
        label_column: a batch column of true entity ids to draw labels from (instead of
            ``labels_path``).
        labeled_records: how many records labels are drawn for (with ``label_column``).
        label_sort_by: columns that order records into labeling sets of similar records
            (default: the first two compared columns).
    """

    metric: QualityName = pydantic.Field(description="The quality estimate to check.")
    min_value: float | None = pydantic.Field(
        default=None, ge=0.0, le=1.0, description="Lowest acceptable estimate (inclusive)."
    )
    max_value: float | None = pydantic.Field(
        default=None, ge=0.0, le=1.0, description="Highest acceptable estimate (inclusive)."
    )
    label_column: str | None = pydantic.Field(
        default=None, description="A batch column of true entity ids to draw labels from."
    )
    labeled_records: int = pydantic.Field(
        default=200, ge=4, description="How many records labels are drawn for (label_column)."
    )
    label_sort_by: list[str] | None = pydantic.Field(
        default=None, description="Columns ordering records into labeling sets (label_column)."
    )

    metric_dependencies = (METRIC,)
    success_keys = (
        *MATCH_KEYS,
        "metric",
        "min_value",
        "max_value",
        "label_column",
        "labeled_records",
        "label_sort_by",
    )
    args_keys = ("primary_key", "metric", "min_value", "max_value")

    @pydantic.root_validator(skip_on_failure=True)
    def _one_label_source(cls, values: dict[str, Any]) -> dict[str, Any]:
        """Quality is estimated from labels: a file, a truth column, or a stored transform's."""
        has_file, has_column = values.get("labels_path"), values.get("label_column")
        stored = values.get("transform_name")
        if (has_file and has_column) or not (has_file or has_column or stored):
            raise ValueError(
                "give exactly one source of labels: labels_path (a Glue label file), "
                "label_column (a batch column of true entity ids), or transform_name (the "
                "labels stored for a transform)"
            )
        return values

    def _validate(
        self,
        metrics: dict,
        runtime_configuration: dict | None = None,
        execution_engine: Any = None,
    ) -> dict[str, Any]:
        report = metrics[METRIC]
        value = report[self.metric]
        details = {"metric": self.metric, **report}
        if value is None:  # a group estimate the labels cannot support: no evidence, no pass
            details["group_estimate_status"] = report["end_to_end"]["status"]
            return self._outcome(False, None, details)
        success = (self.min_value is None or value >= self.min_value) and (
            self.max_value is None or value <= self.max_value
        )
        return self._outcome(success, value, details)

    @classmethod
    def _sentence(cls, kwargs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        template = "The cross-validated match $metric"
        if low is not None and high is not None:
            template += " must be between $min_value and $max_value"
        elif low is not None:
            template += " must be at least $min_value"
        elif high is not None:
            template += " must be at most $max_value"
        else:
            template += " may be anything"
        source = kwargs.get("label_column")
        params: dict[str, Any] = {"metric": kwargs.get("metric"), "min_value": low}
        params["max_value"] = high
        if source:
            template += ", labels drawn from $label_column"
            params["label_column"] = source
        elif kwargs.get("transform_name") and not kwargs.get("labels_path"):
            template += ", from the labels stored for $transform_name"
            params["transform_name"] = kwargs["transform_name"]
        clause, match_params = cls._matching_clause(kwargs)
        return template + clause + ".", {**params, **match_params}

    @classmethod
    def _observed_text(cls, result: dict[str, Any]) -> str:
        value = result.get("observed_value")
        details = result.get("details") or {}
        if value is None:
            return str(details.get("group_estimate_status") or "--")
        text = f"{details.get('metric', 'estimate')}: {value:.4g}"
        low, high = details.get("group_f1_low"), details.get("group_f1_high")
        if details.get("metric") == "group_f1" and low is not None and high is not None:
            text += f" [{low:.4g}, {high:.4g}]"
        return text

    @classmethod
    def _tables(cls, result: dict[str, Any]) -> list[RenderedTableContent]:
        details = result["details"]
        matrix = details.get("confusion_matrix") or {}
        estimates = [[name, details[name]] for name in _ESTIMATES if name in details]
        status = (details.get("end_to_end") or {}).get("status")
        if status is not None:
            estimates.append(["group estimate", status])
        estimates += [
            [name, details[name]]
            for name in ("labelled_pairs", "labelled_matches", "labeling_sets", "labels_source")
            if name in details
        ]
        return [
            table("Quality estimates", ["estimate", "value"], estimates),
            table(
                "Confusion matrix (labelled pairs, held out)",
                ["", "predicted match", "predicted no match"],
                [
                    ["labelled match", matrix.get("true_positives"), matrix.get("false_negatives")],
                    [
                        "labelled no match",
                        matrix.get("false_positives"),
                        matrix.get("true_negatives"),
                    ],
                ],
            ),
            table(
                "Column importances",
                ["column", "share"],
                by_weight(details.get("column_importances")),
            ),
        ]
