"""What a matching run returns: the output table, the scored pairs and a summary.

The GX layer and the store consume these objects, so one run's result can feed every
expectation of a suite without recomputation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class MatchSummary:
    """One screen's worth of facts about a run."""

    rows: int
    candidate_pairs: int
    matched_pairs: int
    match_groups: int
    groups_with_duplicates: int
    records_in_duplicate_groups: int
    largest_group: int
    model: str
    seconds: dict[str, float] = field(default_factory=dict)
    skipped_pairs: int = 0  # incremental runs: candidate pairs between two existing records
    # records identical on every compared column to an earlier one, matched through it
    collapsed_records: int = 0
    # what training noticed and corrected (a session left out, a bounded prior, ...)
    notes: list[str] = field(default_factory=list)

    @property
    def total_seconds(self) -> float:
        """Wall time of all steps."""
        return float(sum(self.seconds.values()))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = asdict(self)
        data["total_seconds"] = self.total_seconds
        return data


@dataclass(frozen=True)
class MatchResult:
    """The output of :meth:`FindMatches.match`.

    Attributes:
        frame: every input row exactly once, in input order, input columns unchanged, plus
            ``match_id`` (the smallest primary key of the record's group) and
            ``match_confidence_score`` (the group's confidence, in [0, 1]).
        pairs: scored candidate pairs: ``left_key``, ``right_key``, ``probability``, and
            ``same_group`` (whether clustering put them together).
        summary: counts and timings.
    """

    frame: pd.DataFrame
    pairs: pd.DataFrame
    summary: MatchSummary

    def groups(self, min_size: int = 2) -> pd.DataFrame:
        """Rows of groups with at least ``min_size`` records, largest groups first."""
        sizes = self.frame.groupby("match_id")["match_id"].transform("size")
        chosen = self.frame[sizes >= min_size].assign(_size=sizes[sizes >= min_size])
        return chosen.sort_values(["_size", "match_id"], ascending=[False, True]).drop(
            columns="_size"
        )
