"""``findmatches.quality_report``: FindMatches' cross-validated quality estimate on the batch."""

from __future__ import annotations

from typing import Any, ClassVar

import pandas as pd

from ...engine.columns import plan_columns
from ...engine.labels import labels_from_truth
from ...errors import LabelError
from ..details import plain
from ..params import MATCH_DEFAULTS, MATCH_KEYS, MatchParameters
from .batch_frame_metric import BatchFrameMetric

_SORT_COLUMNS = 2


class FindMatchesQualityReport(BatchFrameMetric):
    """``FindMatches.evaluate`` on the batch: a ``QualityReport`` as a dict.

    Labels come from ``labels_path`` (a Glue label file) or, with ``label_column`` (a column
    of true entity ids kept in the batch), are drawn from the truth the way a careful person
    would label: ``labeled_records`` records in sets of similar records, ordered by
    ``label_sort_by`` (default: the first two compared columns). The label column itself is
    never compared. The value adds ``labels_source``.
    """

    metric_name = "findmatches.quality_report"
    value_keys = (*MATCH_KEYS, "label_column", "labeled_records", "label_sort_by")
    # GX declares this an instance variable but reads it from the class (a ClassVar)
    default_kwarg_values: ClassVar[dict[str, Any]] = {  # type: ignore[misc]
        **MATCH_DEFAULTS,
        "labeled_records": 200,
        "label_column": None,
        "label_sort_by": None,
    }

    @classmethod
    def _from_frame(cls, frame: pd.DataFrame, value_kwargs: dict[str, Any]) -> dict[str, Any]:
        parameters = MatchParameters.from_kwargs(value_kwargs)
        label_column = value_kwargs.get("label_column")
        data = parameters.matching_frame(
            frame.reset_index(drop=True), also_exclude=(label_column,) if label_column else ()
        )
        labels: pd.DataFrame | None
        if label_column is not None:
            labels = _labels_from_column(
                data, frame[label_column].reset_index(drop=True), parameters, value_kwargs
            )
            source = f"drawn from column {label_column!r}"
        elif parameters.labels_path is not None:
            labels = parameters.labels()
            source = f"file {parameters.labels_path}"
        elif parameters.transform_name is not None:
            labels = parameters.stored_labels()
            source = f"labels stored for transform {parameters.transform_name!r}"
        else:
            labels = None
        if labels is None or labels.empty:
            raise LabelError(
                "estimating match quality needs labels: set labels_path (a Glue label file), "
                "label_column (a column of true entity ids in the batch), or transform_name "
                "(a transform with imported labels)"
            )
        estimator = parameters.estimator()
        report = estimator.evaluate(data, labels).to_dict()
        report["labels_source"] = source
        plan = plan_columns(data, estimator.primary_key, estimator.columns, estimator.partition_by)
        report["columns_set_aside"] = dict(plan.excluded)
        return plain(report)


def _labels_from_column(
    data: pd.DataFrame,
    entities: pd.Series,
    parameters: MatchParameters,
    value_kwargs: dict[str, Any],
) -> pd.DataFrame:
    """A Glue label table answered from a truth column."""
    sort_by = value_kwargs.get("label_sort_by")
    if not sort_by:
        key, partition = parameters.primary_key, parameters.partition_by
        plan = plan_columns(data, key, parameters.columns, partition)
        sort_by = [spec.name for spec in plan.compared[:_SORT_COLUMNS]]
    return labels_from_truth(
        data,
        entities,
        parameters.primary_key,
        max_records=int(value_kwargs.get("labeled_records") or 200),
        sort_by=tuple(sort_by),
    )
