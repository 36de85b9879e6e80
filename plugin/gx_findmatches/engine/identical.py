"""Records identical on every compared column: one representative, one group.

Identical records are certain matches, and there can be thousands of them (a default row, a
re-imported batch): blocking would pair them all (n² pairs) and clustering would meet one huge
component. Measured before this: 301 identical rows came out as 301 groups of one, and 5,000
identical rows among 5,299 passed a "duplicate rate <= 0.05" expectation. So before blocking,
each set of records with the same normalized value in every compared column (and the same
partition) is collapsed to its first record; the engine works on representatives, and every
record takes its representative's group at the end. A set that forms a group on its own gets
confidence 1.0: its records are the same on everything compared.

Only copies the model would match are collapsed (:func:`keep_matching_copies`): records that
are "identical" because all they hold is a common value (a city, a cuisine) are not the same
entity, and the model, scoring two of them, says so (measured on a public two-source
restaurant table: 119 records holding only the name "american" were one group at confidence
1.0; 50 generated people known only by their state, a few groups). Such copies are blocked
one by one: a plan with a key on their one value pairs them all (k copies, k²/2 pairs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .blocking import combine_codes
from .clustering import Clusters, Constraints
from .prepared import PreparedTable


@dataclass(frozen=True)
class Collapsed:
    """A prepared table reduced to one representative per set of identical records.

    Attributes:
        table: the representatives, in key order (each is the first record of its set).
        representatives: each representative's position in the full table.
        representative_of: each full-table record's position among the representatives.
    """

    table: PreparedTable
    representatives: np.ndarray
    representative_of: np.ndarray

    @property
    def collapsed_records(self) -> int:
        """How many records were folded into a representative."""
        return len(self.representative_of) - len(self.representatives)

    @property
    def copies(self) -> np.ndarray:
        """How many records each representative stands for."""
        return np.bincount(self.representative_of, minlength=len(self.representatives))

    def constraints(self, full: Constraints) -> Constraints | None:
        """Label constraints on representatives; ``None`` when a label says two identical
        records do not match, or labels on copies collide (then the table is not collapsed)."""
        of = self.representative_of
        return folded_constraints(
            of[full.must_left], of[full.must_right], of[full.cannot_left], of[full.cannot_right]
        )

    def expand(self, clusters: Clusters) -> Clusters:
        """Groups of the full table from groups of the representatives."""
        group = self.representatives[clusters.group][self.representative_of]
        confidence = clusters.confidence[self.representative_of]
        sizes = np.bincount(clusters.group, minlength=len(self.representatives))
        alone_with_copies = (sizes[clusters.group] == 1) & (self.copies > 1)
        confidence = np.where(alone_with_copies[self.representative_of], 1.0, confidence)
        return Clusters(group, confidence)

    def full_positions(self, positions: np.ndarray) -> np.ndarray:
        """Full-table positions of representatives given by their reduced positions."""
        return self.representatives[positions]


def folded_constraints(
    must_left: np.ndarray,
    must_right: np.ndarray,
    cannot_left: np.ndarray,
    cannot_right: np.ndarray,
) -> Constraints | None:
    """Labelled pairs given as their records' representatives, as constraints between
    representatives; ``None`` when a label says two copies do not match, or copies are
    labelled both ways (then nothing may be collapsed). Both backends decide with this."""
    if (cannot_left == cannot_right).any():
        return None
    distinct = must_left != must_right
    must = (
        np.minimum(must_left, must_right)[distinct],
        np.maximum(must_left, must_right)[distinct],
    )
    cannot = (np.minimum(cannot_left, cannot_right), np.maximum(cannot_left, cannot_right))
    # labelled pairs are few (hundreds), and Spark positions are too large to encode as a*n+b
    if _pair_set(*must) & _pair_set(*cannot):
        return None  # copies of one record labelled both ways: keep every record
    return Constraints(*must, *cannot)


def _pair_set(left: np.ndarray, right: np.ndarray) -> set[tuple[int, int]]:
    return set(zip(left.tolist(), right.tolist(), strict=True))


def collapse_identical(table: PreparedTable) -> Collapsed:
    """Collapse records that are identical on every compared column and the partition."""
    parts = [table.partition.astype("int64")]
    for column in table.columns:
        if column.codes is not None:
            parts.append(column.codes.astype("int64") + 1)  # missing (-1) is a value here
        else:
            codes, _ = pd.factorize(pd.Series(column.values), use_na_sentinel=False)
            parts.append(codes.astype("int64"))
    signature, _ = pd.factorize(combine_codes(*parts))
    return _by_signature(table, signature)


def keep_matching_copies(
    collapsed: Collapsed,
    table: PreparedTable,
    self_probability: Callable[[np.ndarray], np.ndarray],
    threshold: float,
) -> Collapsed:
    """``collapsed`` without the sets of copies that are not one entity.

    Copies complete on every compared column are one entity; copies with a gap are when the
    model scores two of them (``self_probability`` of the records at these full-table
    positions against themselves) at or above ``threshold``. A set that fails keeps its
    records apart, to be blocked, scored and clustered like any others.
    """
    copies = np.bincount(collapsed.representative_of, minlength=len(collapsed.representatives))
    sets = np.flatnonzero(copies > 1)
    gaps = np.zeros(len(sets), dtype=bool)
    for column in table.columns:
        gaps |= column.missing[collapsed.representatives[sets]]
    if not gaps.any():
        return collapsed
    probability = self_probability(collapsed.representatives[sets[gaps]])
    apart = sets[gaps][~(probability >= threshold)]  # NaN: apart, as clustering would leave it
    if len(apart) == 0:
        return collapsed
    of = collapsed.representative_of
    alone = np.isin(of, apart)
    signature, _ = pd.factorize(np.where(alone, -1 - np.arange(len(of)), of))
    return _by_signature(table, signature)


def _by_signature(table: PreparedTable, signature: np.ndarray) -> Collapsed:
    """Each set of records sharing a signature (numbered in order of appearance, as
    ``pd.factorize`` numbers) folded into its first record."""
    representatives = np.flatnonzero(np.r_[True, np.diff(np.maximum.accumulate(signature)) > 0])
    if len(representatives) == len(table):
        return Collapsed(table, np.arange(len(table)), np.arange(len(table)))
    return Collapsed(_take(table, representatives), representatives, signature)


def _take(table: PreparedTable, rows: np.ndarray) -> PreparedTable:
    columns = tuple(
        replace(
            column,
            values=column.values[rows],
            missing=column.missing[rows],
            alternate=None if column.alternate is None else column.alternate[rows],
            codes=None if column.codes is None else column.codes[rows],
        )
        for column in table.columns
    )
    return PreparedTable(
        order=table.order[rows],
        keys=table.keys.iloc[rows].reset_index(drop=True),
        columns=columns,
        partition=table.partition[rows],
        swapped=table.swapped,
    )
