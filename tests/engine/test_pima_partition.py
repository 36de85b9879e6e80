"""The Glue tutorial's table: with ``Outcome`` as the partition, no group crosses it.

Pima has no duplicates of its own; the demo's table re-enters 30 patients with the other
``Outcome``: without the partition those copies join their originals across the outcome.
"""

from __future__ import annotations

from gx_findmatches import FindMatches
from gx_findmatches.datasets.pima import LABEL_COLUMN, PRIMARY_KEY, load_pima_with_reentries


def crossing_groups(partition_by: str | None) -> int:
    table = load_pima_with_reentries()
    matched = FindMatches(primary_key=PRIMARY_KEY, partition_by=partition_by).fit_transform(table)
    assert len(matched) == len(table) == 562
    return int((matched.groupby("match_id")[LABEL_COLUMN].nunique() > 1).sum())


def test_partition_keeps_every_group_inside_one_outcome() -> None:
    assert crossing_groups(LABEL_COLUMN) == 0


def test_without_the_partition_the_copies_cross_the_outcome() -> None:
    # Shows the partition is doing the work: the same data, unpartitioned, mixes outcomes.
    assert crossing_groups(None) >= 25
