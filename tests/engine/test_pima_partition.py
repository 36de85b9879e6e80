"""The Glue tutorial's table: with ``Outcome`` as the partition, no group crosses it."""

from __future__ import annotations

from gx_findmatches import FindMatches
from gx_findmatches.datasets.pima import LABEL_COLUMN, PRIMARY_KEY, load_pima


def crossing_groups(partition_by: str | None) -> int:
    pima = load_pima()
    matched = FindMatches(primary_key=PRIMARY_KEY, partition_by=partition_by).fit_transform(pima)
    assert len(matched) == len(pima) == 532
    return int((matched.groupby("match_id")[LABEL_COLUMN].nunique() > 1).sum())


def test_partition_keeps_every_group_inside_one_outcome() -> None:
    assert crossing_groups(LABEL_COLUMN) == 0


def test_without_the_partition_some_group_crosses_the_outcome() -> None:
    # Shows the partition is doing the work: the same data, unpartitioned, mixes outcomes.
    assert crossing_groups(None) >= 1
