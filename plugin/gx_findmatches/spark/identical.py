"""Records identical on every compared column, collapsed in Spark as the engine collapses them.

The pandas engine folds each set of records with the same normalized value in every compared
column (and the same partition) into its first record in key order before blocking
(:mod:`..engine.identical`), and every record takes its representative's group at the end. A
Spark run that kept every record made other pairs and other groups whenever a table held such
copies (measured: 300 rows with 58 copies gave 44,850 pairs in Spark and 29,161 in pandas, and
different groups), and paid n² pairs for a block of copies. Here a record's stored prepared
fields (values and missing flags) and partition hash are hashed twice (96 bits: two different
records sharing both is about as likely as a bit flip), the smallest position of each hash is
the representative, and the rest of the run sees representatives only. As in the engine
(:func:`..engine.identical.keep_matching_copies`), copies with a missing compared value are
folded only when the model scores two of them as a match; the others stay apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine.columns import ColumnSpec
from ..engine.identical import folded_constraints
from .clustering import CONFIDENCE, GROUP, PositionConstraints
from .names import PART_HASH, POS
from .prepared import missing_names, prepared_names
from .scoring import PROBABILITY, score_pairs

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

REP = "_gxfm_rep"
_COPIES = "_gxfm_copies"
_SIZE = "_gxfm_size"
_SIGNATURE = ("_gxfm_sig1", "_gxfm_sig2")
_APART = "_gxfm_apart"  # a record's own position when its copies are not one entity, else -1


@dataclass(frozen=True)
class CollapsedRecords:
    """The representatives' prepared records, and each record's representative.

    Attributes:
        records: the prepared record table restricted to representatives.
        representative: ``(position, REP, copies)`` for every record; ``copies`` counts the
            records of its set.
        rows: how many representatives there are.
    """

    records: DataFrame
    representative: DataFrame
    rows: int

    def constraints(self, full: PositionConstraints) -> PositionConstraints | None:
        """Label constraints on representatives; ``None`` when labels keep two copies apart
        or say both ways of two copies (then nothing is collapsed): the engine's
        :func:`..engine.identical.folded_constraints` decides."""
        wanted = np.unique(np.r_[full.must.ravel(), full.cannot.ravel()])
        if len(wanted) == 0:
            return full
        from pyspark.sql import functions as F

        found = (
            self.representative.filter(F.col(POS).isin([int(p) for p in wanted]))
            .select(POS, REP)
            .collect()
        )
        rep = {int(r[POS]): int(r[REP]) for r in found}
        reps = np.array([rep[int(p)] for p in wanted], dtype="int64")  # aligned with wanted
        must = reps[np.searchsorted(wanted, full.must)]
        cannot = reps[np.searchsorted(wanted, full.cannot)]
        folded = folded_constraints(must[:, 0], must[:, 1], cannot[:, 0], cannot[:, 1])
        if folded is None:
            return None
        return PositionConstraints(
            np.column_stack([folded.must_left, folded.must_right]).astype("int64"),
            np.column_stack([folded.cannot_left, folded.cannot_right]).astype("int64"),
        )

    def expand(self, assigned: DataFrame) -> DataFrame:
        """``(position, group, confidence)`` for every record from the representatives':
        each record takes its representative's group and confidence, and a representative
        alone in its group but with copies gets confidence 1.0 (its records are the same on
        everything compared), as in the engine."""
        from pyspark.sql import functions as F

        sizes = assigned.groupBy(GROUP).agg(F.count("*").alias(_SIZE))
        placed = assigned.join(sizes, GROUP).select(F.col(POS).alias(REP), GROUP, CONFIDENCE, _SIZE)
        return self.representative.join(placed, REP).select(
            POS,
            GROUP,
            F.when((F.col(_SIZE) == 1) & (F.col(_COPIES) > 1), F.lit(1.0))
            .otherwise(F.col(CONFIDENCE))
            .alias(CONFIDENCE),
        )


def collapse_records(
    records: DataFrame,
    specs: Sequence[ColumnSpec],
    rows: int,
    model: dict[str, Any],
    threshold: float,
) -> CollapsedRecords | None:
    """Representatives of the prepared record table (``POS``, ``PART_HASH``, stored fields)
    of ``rows`` records; ``None`` when no two are copies (the usual case: nothing is joined).
    Copies with a gap are folded only where ``model`` scores two of them at or above
    ``threshold``."""
    from pyspark.sql import functions as F

    indexed = list(enumerate(specs))
    fields = [F.col(PART_HASH), *(F.col(n) for n in prepared_names(indexed))]
    signed = records.select(
        POS, F.xxhash64(*fields).alias(_SIGNATURE[0]), F.hash(*fields).alias(_SIGNATURE[1])
    )
    sets = _sets(signed, list(_SIGNATURE))
    representatives = sets.count()
    if representatives == rows:
        return None
    gap = F.lit(False)
    for name in missing_names(indexed):
        gap = gap | F.coalesce(F.col(name), F.lit(False))
    with_gaps = (
        sets.filter(F.col(_COPIES) > 1)
        .select(F.col(REP).alias(POS))
        .join(records.filter(gap).select(POS), POS)
    )
    pairs = with_gaps.select(F.col(POS).alias("left"), F.col(POS).alias("right"))
    apart = (
        score_pairs(pairs, records, specs, model)
        .filter((F.col(PROBABILITY) < threshold) | F.isnan(PROBABILITY))  # as the engine
        .select(F.col("left").alias(REP), F.lit(True).alias(_APART))
        .localCheckpoint(eager=True)
    )
    if apart.isEmpty():  # every set of copies is one entity: the first grouping stands
        return _collapsed(records, signed, sets, list(_SIGNATURE), representatives)
    split = (
        signed.join(sets.select(*_SIGNATURE, REP), list(_SIGNATURE))
        .join(apart, REP, "left")
        .select(
            POS, *_SIGNATURE, F.when(F.col(_APART), F.col(POS)).otherwise(F.lit(-1)).alias(_APART)
        )
        .localCheckpoint(eager=True)
    )
    keys = [*_SIGNATURE, _APART]
    sets = _sets(split, keys)
    representatives = sets.count()
    if representatives == rows:
        return None
    return _collapsed(records, split, sets, keys, representatives)


def _sets(signed: DataFrame, keys: list[str]) -> DataFrame:
    """One row per set of records sharing ``keys``: its representative (smallest position)
    and how many records it holds."""
    from pyspark.sql import functions as F

    return (
        signed.groupBy(*keys)
        .agg(F.min(POS).alias(REP), F.count("*").alias(_COPIES))
        .localCheckpoint(eager=True)
    )


def _collapsed(
    records: DataFrame, signed: DataFrame, sets: DataFrame, keys: list[str], representatives: int
) -> CollapsedRecords:
    """The representatives' records and each record's representative, from the sets (of
    which there are ``representatives``)."""
    from pyspark.sql import functions as F

    representative = signed.join(sets, keys).select(POS, REP, _COPIES).localCheckpoint(eager=True)
    kept = sets.select(F.col(REP).alias(POS))
    reduced = records.join(kept, POS).localCheckpoint(eager=True)
    return CollapsedRecords(reduced, representative, representatives)
