"""``findmatches.label_boundary_crossings``: match groups that span two values of a column."""

from __future__ import annotations

from typing import Any

from ..details import group_entries, plain
from ..matched_batch import MATCH_ID, MatchedBatch
from ..params import MATCH_KEYS, MatchParameters
from .match_derived_metric import MatchDerivedMetric


class FindMatchesLabelBoundaryCrossings(MatchDerivedMetric):
    """Duplicate groups whose records carry more than one value of ``label_column``.

    The match is read *without* ``partition_by``: partitioning by the label column would make
    crossings impossible by construction and the check vacuous. With ``partition_by`` unset
    (the usual suite) this is the same match every other expectation reads.

    Value: ``groups_with_duplicates``, ``crossing_groups`` and ``groups`` (the crossing ones,
    largest first, each with ``labels``: label value → record count). Missing label values
    are not a label of their own and never make a crossing.
    """

    metric_name = "findmatches.label_boundary_crossings"
    value_keys = (*MATCH_KEYS, "label_column")

    @classmethod
    def _match_kwargs(cls, value_kwargs: dict[str, Any]) -> dict[str, Any]:
        return MatchParameters.metric_kwargs(value_kwargs, partition_by=None)

    @classmethod
    def _from_match(cls, matched: MatchedBatch, value_kwargs: dict[str, Any]) -> dict[str, Any]:
        label = value_kwargs["label_column"]
        crossing = matched.groups_disagreeing_on(label, "label_column")
        return {
            "groups_with_duplicates": int((matched.group_sizes() >= 2).sum()),
            "crossing_groups": int(crossing[MATCH_ID].nunique()),
            "columns": [str(c) for c in matched.data.columns],
            "groups": group_entries(
                crossing, labels=lambda rows: plain(rows[label].value_counts().to_dict())
            ),
        }
