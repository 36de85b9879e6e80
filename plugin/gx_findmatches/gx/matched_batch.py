"""What ``findmatches.match_result`` hands to the metrics that depend on it.

Dependent metrics need both the engine's output and the batch as GX read it: the batch keeps
the columns the matcher never saw (label and truth columns), which is exactly what most checks
compare against the match groups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..engine.results import MatchResult
from ..engine.transform import FindMatches
from .params import MatchParameters

MATCH_ID = "match_id"
CONFIDENCE = "match_confidence_score"


@dataclass(frozen=True)
class MatchedBatch:
    """One batch and its FindMatches result.

    Attributes:
        data: every row of the batch, all columns, in batch order.
        result: the engine's result on ``data`` minus the excluded columns (same row order).
        parameters: the matching parameters the result was computed with.
        set_aside: columns the match did not compare, and why (see
            :func:`columns_set_aside`); every matching expectation reports them.
    """

    data: pd.DataFrame
    result: MatchResult
    parameters: MatchParameters
    set_aside: Mapping[str, str] = field(default_factory=dict)

    def labelled(self) -> pd.DataFrame:
        """The batch with ``match_id`` and ``match_confidence_score`` added, by position (the
        engine keeps the input's row order)."""
        frame = self.data.reset_index(drop=True).copy()
        frame[MATCH_ID] = self.result.frame[MATCH_ID].to_numpy()
        frame[CONFIDENCE] = self.result.frame[CONFIDENCE].to_numpy()
        return frame

    def duplicate_groups(self) -> pd.DataFrame:
        """Rows of groups with at least two records, largest groups first, then by id."""
        frame = self.labelled()
        sizes = frame.groupby(MATCH_ID, sort=False)[MATCH_ID].transform("size")
        chosen = frame[sizes >= 2].assign(_size=sizes[sizes >= 2])
        key = self.parameters.primary_key
        chosen = chosen.sort_values(["_size", MATCH_ID, key], ascending=[False, True, True])
        return chosen.drop(columns="_size")

    def group_sizes(self) -> np.ndarray:
        """The size of every match group (singletons included)."""
        return self.result.frame.groupby(MATCH_ID, sort=False).size().to_numpy()

    def groups_disagreeing_on(self, column: str, role: str) -> pd.DataFrame:
        """Rows of duplicate groups whose records hold more than one value of ``column``.

        Raises:
            ColumnError: ``column`` (named by the expectation's field ``role``) is not a
                column of the batch.
        """
        from ..errors import ColumnError

        groups = self.duplicate_groups()
        if column not in groups.columns:
            raise ColumnError(
                f"{role} {column!r} is not a column of the batch; name one of "
                f"{[str(c) for c in self.data.columns]}"
            )
        distinct = groups.groupby(MATCH_ID, sort=False)[column].transform("nunique")
        return groups[distinct > 1]


def columns_set_aside(transform: FindMatches, data: pd.DataFrame) -> dict[str, str]:
    """Columns of ``data`` the fitted ``transform`` does not compare, and why.

    A batch whose optional column happens to be empty (no e-mail given on any row today)
    must still be matched, and the result must say what was not compared: the transform's own
    exclusions (an entirely null, constant or identifier column when it was fitted), and
    compared columns that are entirely null in this batch (a stored transform trained on data
    that had them), which then count as missing on every record.
    """
    aside = dict(transform.column_plan_.excluded)
    for spec in transform.column_plan_.compared:
        if spec.column in data.columns and data[spec.column].isna().all():
            aside[spec.name] = "entirely null in this batch: missing on every record"
    return aside
