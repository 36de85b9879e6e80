"""``findmatches.match_groups``: how many rows have fuzzy duplicates, and the groups."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..details import group_entries
from ..matched_batch import MatchedBatch
from .match_derived_metric import MatchDerivedMetric


class FindMatchesMatchGroups(MatchDerivedMetric):
    """The batch's match groups with at least two records, largest first.

    Value: ``rows``, ``rows_with_duplicates``, ``rate`` (their share), ``match_groups``,
    ``groups_with_duplicates``, ``largest_group``, ``size_counts`` (group size → number of
    groups, duplicate groups only), ``groups`` (id, size, confidence and records of each) and
    ``model_notes`` (what training noticed and corrected, e.g. a training session left out).
    """

    metric_name = "findmatches.match_groups"

    @classmethod
    def _from_match(cls, matched: MatchedBatch, value_kwargs: dict[str, Any]) -> dict[str, Any]:
        rows = len(matched.data)
        groups = matched.duplicate_groups()
        sizes = matched.group_sizes()
        duplicate_sizes = sizes[sizes >= 2]
        values, counts = np.unique(duplicate_sizes, return_counts=True)
        return {
            "rows": rows,
            "rows_with_duplicates": len(groups),
            "rate": len(groups) / rows if rows else 0.0,
            "match_groups": len(sizes),
            "groups_with_duplicates": len(duplicate_sizes),
            "largest_group": int(sizes.max()) if len(sizes) else 0,
            "size_counts": {int(v): int(c) for v, c in zip(values, counts, strict=True)},
            "columns": [str(c) for c in matched.data.columns],
            "groups": group_entries(groups),
            "model_notes": list(matched.result.summary.notes),
        }
