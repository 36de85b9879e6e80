"""Incremental matching on Spark: new records against an earlier output, ids kept.

The pandas engine's ``match_incremental`` (Glue's FindIncrementalMatches), distributed, with its
rules: existing ``match_id`` values never change; new records join an existing group (taking
its id) or form new groups (named by their smallest primary key); existing scores are kept;
candidate pairs between two existing records are never scored (``skipped_pairs``). The same
checks refuse the same inputs with the same messages (``incremental_columns``,
``refuse_reused_keys``).

Existing and new records are matched as one table, as the engine does, so positions, blocking
and clustering are the full run's; what differs is that pairs between two existing records are
dropped before scoring (:meth:`PlacedRun.restrict`) and that each existing record carries its
group into clustering (:attr:`PlacedRun.frozen`), where the engine's ``cluster`` keeps every
existing group whole and never merges two of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from ..engine.incremental import incremental_columns, refuse_reused_keys
from ..engine.matcher import Matcher
from ..engine.validation import check_trained_columns
from ..errors import InputError
from .clustering import CONFIDENCE, FROZEN, GROUP
from .frames import user_column
from .names import KEY, POS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

_OLD = "_gxfm_old"
_ID = "_gxfm_existing_id"
_KEPT = "_gxfm_kept"
_GIVEN = "_gxfm_given"
_INHERITED = "_gxfm_inherited"
_LEFT_NEW = "_gxfm_left_new"
_RIGHT_NEW = "_gxfm_right_new"
# Up to this many new records their positions (8 bytes each) are broadcast to the pair filter.
_BROADCAST_NEW = 1_000_000


@dataclass(frozen=True)
class EarlierRun:
    """The existing records of an incremental run, by primary key.

    Attributes:
        records: ``KEY``, the existing ``match_id`` and ``match_confidence_score`` as given.
    """

    records: DataFrame

    def place(self, keys: DataFrame) -> PlacedRun:
        """The existing records at their positions in the numbered table (``POS``, ``KEY``).

        Raises:
            InputError: an existing ``match_id`` cannot be read as the primary key's type.
        """
        from pyspark.sql import functions as F

        key_type = keys.schema[KEY].dataType
        given = self.records.schema[_ID].dataType
        typed = f"try_cast({_ID} AS {key_type.simpleString()})"
        cast = F.col(_ID) if given == key_type else F.expr(typed)
        status = (
            keys.select(POS, KEY)
            .join(self.records.withColumn(_OLD, F.lit(True)), KEY, "left")
            .select(
                POS,
                F.coalesce(F.col(_OLD), F.lit(False)).alias(_OLD),
                cast.alias(_ID),
                F.expr(f"try_cast({_KEPT} AS DOUBLE)").alias(_KEPT),
                F.col(_ID).isNotNull().alias(_GIVEN),
            )
            .localCheckpoint(eager=True)
        )
        if given != key_type:
            unreadable = status.filter(F.col(_GIVEN) & F.col(_ID).isNull()).count()
            if unreadable:
                raise InputError(
                    f"{unreadable} existing match_id value(s) cannot be read as the primary "
                    f"key's type ({key_type.simpleString()}); a match_id is the key of a group's "
                    f"first record: pass the earlier output as it was written"
                )
        old = status.filter(F.col(_OLD) & F.col(_ID).isNotNull()).select(POS, _ID)
        codes = old.groupBy(_ID).agg(F.min(POS).alias(FROZEN))
        frozen = old.join(codes, _ID).select(POS, FROZEN).localCheckpoint(eager=True)
        return PlacedRun(status.drop(_GIVEN), frozen)


@dataclass(frozen=True)
class PlacedRun:
    """The existing records at their positions.

    Attributes:
        status: per position, whether the record existed (``_OLD``), its id and score.
        frozen: ``(POS, FROZEN)`` for existing records with an id: the position of the
            smallest member of their existing group, which numbers groups in the order the
            engine's codes follow (``cluster_components``' ``frozen``).
    """

    status: DataFrame
    frozen: DataFrame

    def restrict(self, pairs: DataFrame) -> DataFrame:
        """The candidate pairs with at least one new record (the only ones scored), stored."""
        from pyspark.sql import functions as F

        new = self.status.filter(~F.col(_OLD)).select(POS).localCheckpoint(eager=True)
        left = new.select(F.col(POS).alias("left"), F.lit(True).alias(_LEFT_NEW))
        right = new.select(F.col(POS).alias("right"), F.lit(True).alias(_RIGHT_NEW))
        if new.count() <= _BROADCAST_NEW:
            left, right = F.broadcast(left), F.broadcast(right)
        flagged = pairs.join(left, "left", "left").join(right, "right", "left")
        kept = flagged.filter(F.col(_LEFT_NEW).isNotNull() | F.col(_RIGHT_NEW).isNotNull())
        return kept.select("left", "right").localCheckpoint(eager=True)

    def carry_over(self, named: DataFrame) -> DataFrame:
        """Named groups (``POS``, ``GROUP``, ``KEY``, ``match_id``, ``CONFIDENCE``) with the
        engine's incremental rules: a group holding existing records takes their id, and
        existing records keep their score."""
        from pyspark.sql import functions as F

        joined = named.join(self.status, POS)
        inherited = (
            joined.filter(F.col(_ID).isNotNull()).groupBy(GROUP).agg(F.min(_ID).alias(_INHERITED))
        )
        return joined.join(inherited, GROUP, "left").select(
            POS,
            GROUP,
            KEY,
            F.coalesce(F.col(_INHERITED), F.col("match_id")).alias("match_id"),
            F.when(F.col(_OLD), F.col(_KEPT)).otherwise(F.col(CONFIDENCE)).alias(CONFIDENCE),
        )


def combine(matcher: Matcher, existing: DataFrame, new: DataFrame) -> tuple[DataFrame, EarlierRun]:
    """Check an incremental run's inputs as the pandas engine does; return existing and new
    records as one table (the existing table's column order) and the earlier run.

    Raises:
        ColumnError: the new records lack a trained column, or the two tables' columns differ.
        InputError: the existing table is not an earlier output.
        PrimaryKeyError: new records reuse existing keys.
    """
    check_trained_columns(
        pd.DataFrame(columns=list(new.columns)),
        matcher.trained_columns,
        table="the table of new records",
    )
    data_columns = [str(c) for c in incremental_columns(existing.columns, new.columns)]
    key = matcher.settings.primary_key
    reused = (
        new.select(user_column(key).alias(KEY))
        .join(existing.select(user_column(key).alias(KEY)), KEY, "left_semi")
        .distinct()
    )
    count = reused.count()
    refuse_reused_keys(count, [r[KEY] for r in reused.limit(5).collect()] if count else [])
    columns = [user_column(c) for c in data_columns]
    combined = existing.select(*columns).unionByName(new.select(*columns))
    records = existing.select(
        user_column(key).alias(KEY),
        user_column("match_id").alias(_ID),
        user_column("match_confidence_score").alias(_KEPT),
    )
    return combined, EarlierRun(records)
