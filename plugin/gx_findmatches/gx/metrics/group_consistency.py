"""``findmatches.group_consistency``: match groups whose records disagree on a column."""

from __future__ import annotations

from typing import Any

from ..details import group_entries, plain
from ..matched_batch import MATCH_ID, MatchedBatch
from ..params import MATCH_KEYS
from .match_derived_metric import MatchDerivedMetric


class FindMatchesGroupConsistency(MatchDerivedMetric):
    """Duplicate groups whose records hold more than one value of ``column``.

    Missing values are unknown, not different: a group of ``"nsw"`` and a missing state is
    consistent. Value: ``groups_with_duplicates``, ``inconsistent_groups`` and ``groups``
    (the inconsistent ones, largest first, each with ``values``: value → record count).
    """

    metric_name = "findmatches.group_consistency"
    value_keys = (*MATCH_KEYS, "column")

    @classmethod
    def _from_match(cls, matched: MatchedBatch, value_kwargs: dict[str, Any]) -> dict[str, Any]:
        column = value_kwargs["column"]
        inconsistent = matched.groups_disagreeing_on(column, "column")
        return {
            "groups_with_duplicates": int((matched.group_sizes() >= 2).sum()),
            "inconsistent_groups": int(inconsistent[MATCH_ID].nunique()),
            "columns": [str(c) for c in matched.data.columns],
            "groups": group_entries(
                inconsistent, values=lambda rows: plain(rows[column].value_counts().to_dict())
            ),
        }
