"""Records identical on every compared column, collapsed in Spark as the engine collapses them.

The pandas engine folds each set of records with the same normalized value in every compared
column (and the same partition) into its first record in key order before blocking
(:mod:`..engine.identical`), and every record takes its representative's group at the end. A
Spark run that kept every record made other pairs and other groups whenever a table held such
copies (measured: 300 rows with 58 copies gave 44,850 pairs in Spark and 29,161 in pandas, and
different groups), and paid n² pairs for a block of copies. Here a record's stored prepared
fields (values and missing flags) and partition hash are hashed twice (96 bits: two different
records sharing both is about as likely as a bit flip), the smallest position of each hash is
the representative, and the rest of the run sees representatives only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..engine.columns import ColumnSpec
from ..engine.identical import folded_constraints
from .clustering import CONFIDENCE, GROUP, PositionConstraints
from .names import PART_HASH, POS
from .prepared import prepared_names

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

REP = "_gxfm_rep"
_COPIES = "_gxfm_copies"
_SIZE = "_gxfm_size"
_SIGNATURE = ("_gxfm_sig1", "_gxfm_sig2")


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
    records: DataFrame, specs: Sequence[ColumnSpec], rows: int
) -> CollapsedRecords | None:
    """Representatives of the prepared record table (``POS``, ``PART_HASH``, stored fields)
    of ``rows`` records; ``None`` when no two are copies (the usual case: nothing is joined)."""
    from pyspark.sql import functions as F

    fields = [F.col(PART_HASH), *(F.col(n) for n in prepared_names(list(enumerate(specs))))]
    signed = records.select(
        POS, F.xxhash64(*fields).alias(_SIGNATURE[0]), F.hash(*fields).alias(_SIGNATURE[1])
    )
    sets = (
        signed.groupBy(*_SIGNATURE)
        .agg(F.min(POS).alias(REP), F.count("*").alias(_COPIES))
        .localCheckpoint(eager=True)
    )
    representatives = sets.count()
    if representatives == rows:
        return None
    representative = (
        signed.join(sets, list(_SIGNATURE)).select(POS, REP, _COPIES).localCheckpoint(eager=True)
    )
    kept = sets.select(F.col(REP).alias(POS))
    reduced = records.join(kept, POS).localCheckpoint(eager=True)
    return CollapsedRecords(reduced, representative, representatives)
