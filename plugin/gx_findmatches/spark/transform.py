"""``SparkFindMatches``: a fitted ``FindMatches`` transform applied to a PySpark DataFrame.

The model is the pandas engine's, unchanged: the same JSON model file, the same blocking plan,
comparison, probabilities and clustering code. Spark only distributes the work (blocking keys
and joins, pair scoring, connected components, per-component clustering), so on the same data
both engines give the same groups.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..engine.matcher import Matcher
from ..engine.persistence import matcher_to_dict
from ..engine.timing import Timer
from ..engine.transform import FindMatches
from ..errors import InputError, LabelError
from .blocking import candidate_pairs
from .clustering import CONFIDENCE, GROUP, PositionConstraints, cluster_components
from .frames import check_spark_table, record_table, user_column
from .identical import collapse_records
from .incremental import EarlierRun, combine
from .names import KEY, PART, POS
from .scoring import PROBABILITY, score_pairs

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

logger = logging.getLogger(__name__)

DEFAULT_FIT_ROWS = 200_000
# Up to this many records the prepared record table (tens of MB) is broadcast to the scoring
# tasks rather than joined to the pair table, which is ten or more times longer, by shuffles.
_BROADCAST_ROWS = 200_000


@dataclass(frozen=True)
class SparkMatchResult:
    """The output of :meth:`SparkFindMatches.match` and :meth:`~SparkFindMatches.match_incremental`.

    Attributes:
        frame: every input row exactly once, input columns unchanged, plus ``match_id`` (the
            smallest primary key of the record's group) and ``match_confidence_score``. Spark
            frames have no row order; sort by the primary key if you need one.
        pairs: scored candidate pairs: ``left_key``, ``right_key``, ``probability`` and
            ``same_group``, as in the pandas engine's ``MatchResult.pairs``.
        rows: number of input rows.
        candidate_pairs: number of distinct candidate pairs (scored pairs).
        seconds: wall time per step (Spark work is forced at each step's end).
        skipped_pairs: incremental runs: candidate pairs between two existing records,
            never scored.
    """

    frame: DataFrame
    pairs: DataFrame
    rows: int
    candidate_pairs: int
    seconds: dict[str, float] = field(default_factory=dict)
    skipped_pairs: int = 0


class SparkFindMatches:
    """Run a fitted :class:`~gx_findmatches.FindMatches` transform on Spark.

    Args:
        transform: a fitted transform, or the path of a model file written by
            ``FindMatches.save`` (the same file the pandas engine reads).

    Example:
        >>> spark_fm = SparkFindMatches("model.json")
        >>> result = spark_fm.match(spark.read.parquet("customers/"))
        >>> result.frame.write.parquet("matched/")
    """

    def __init__(self, transform: FindMatches | str | Path) -> None:
        if not isinstance(transform, FindMatches):
            transform = FindMatches.load(transform)
        self.matcher = transform.matcher  # checks that it is fitted
        self.transform = transform

    @classmethod
    def fit(
        cls,
        df: DataFrame,
        transform: FindMatches,
        labels: pd.DataFrame | None = None,
        max_rows: int = DEFAULT_FIT_ROWS,
        seed: int = 0,
    ) -> SparkFindMatches:
        """Fit ``transform`` (unfitted, with its parameters set) on the driver, on a sample.

        Fitting learns small things, column kinds, a blocking plan, m/u tables and a linear
        classifier, which a few hundred thousand rows pin down as well as a billion; and it
        needs labelled records next to their data. So the pandas engine fits on at most
        ``max_rows`` rows collected to the driver (every row when the table is smaller),
        always including the labelled records, and the fitted model then runs on all rows.
        """

        require_dataframe(df)
        primary_key = transform.primary_key
        total = df.count()
        chosen = df
        if total > max_rows:
            chosen = df.sample(fraction=max_rows / total, seed=seed)
            if labels is not None and primary_key in labels.columns:
                keys = pd.unique(labels[primary_key].dropna()).tolist()
                labelled = df.filter(user_column(primary_key).isin(keys))
                chosen = chosen.unionByName(labelled).dropDuplicates([primary_key])
        sample = chosen.toPandas()
        logger.info("fitting on %d of %d rows collected to the driver", len(sample), total)
        return cls(transform.fit(sample, labels))

    def save(self, path: str | Path) -> Path:
        """Write the model file (``FindMatches.save``); either engine can load it."""
        return self.transform.save(path)

    def match(self, df: DataFrame) -> SparkMatchResult:
        """Find match groups in a Spark table (see :class:`SparkMatchResult`).

        Raises:
            PrimaryKeyError, ColumnError, EmptyTableError, InputError: the table is unusable.
            CandidatePairLimitError: blocking would exceed ``max_candidate_pairs``.
            LabelError: ``enforce_provided_labels`` and a labelled match crosses partitions.
        """
        require_dataframe(df)
        return self._match(df)

    def match_incremental(self, existing: DataFrame, new: DataFrame) -> SparkMatchResult:
        """Match new records against an already matched table (Glue's FindIncrementalMatches),
        as ``FindMatches.match_incremental`` does (see :mod:`.incremental`).

        ``existing`` is an earlier output (it carries ``match_id`` and
        ``match_confidence_score``), ``new`` has its other columns. Existing ``match_id``
        values and scores never change; new records join existing groups or form new ones;
        only pairs with a new record are scored (``skipped_pairs`` counts the others).

        Raises:
            InputError: ``existing`` is not an earlier output.
            ColumnError: the two tables' columns differ, or a trained column is missing.
            PrimaryKeyError: new records reuse existing keys (or as :meth:`match`).
        """
        require_dataframe(existing)
        require_dataframe(new)
        combined, earlier = combine(self.transform.matcher, existing, new)
        return self._match(combined, earlier)

    def _match(self, df: DataFrame, earlier: EarlierRun | None = None) -> SparkMatchResult:
        """Validate, number, block, score and cluster ``df``; with ``earlier``, only pairs
        with a new record are scored and existing groups are frozen."""
        fm = self.transform.matcher  # the current match-time parameters, checked
        settings = fm.settings
        from pyspark.sql import functions as F

        specs = fm.column_plan.compared
        model = matcher_to_dict(fm)
        timer = Timer()
        with timer("prepare"):
            rows = check_spark_table(df, settings.primary_key, settings.partition_by, specs)
            tables = record_table(df, settings.primary_key, settings.partition_by, specs)
            records = tables.prepared
            placed = None if earlier is None else earlier.place(tables.keys)
            constraints = self._constraints(fm, tables.keys)
            # As the engine: copies fold into one representative, except in incremental runs
            # (existing groups are fixed) and where labels keep two copies apart.
            collapsed = (
                None
                if placed is not None
                else collapse_records(records, specs, rows, model, fm.threshold)
            )
            reduced = None if collapsed is None else collapsed.constraints(constraints)
            if collapsed is None or reduced is None:
                collapsed = None
            else:
                records, constraints = collapsed.records, reduced
            work_rows = rows if collapsed is None else collapsed.rows
        with timer("blocking"):
            pairs = candidate_pairs(
                records, specs, fm.blocking_plan, settings.max_candidate_pairs, work_rows
            )
            count = pairs.count()
            skipped = 0
            if placed is not None:
                pairs = placed.restrict(pairs)
                scored_pairs = pairs.count()
                skipped, count = count - scored_pairs, scored_pairs
        with timer("scoring"):
            broadcast = work_rows <= _BROADCAST_ROWS
            scored = score_pairs(pairs, records, specs, model, broadcast).localCheckpoint(True)
        with timer("clustering"):
            assigned = cluster_components(
                scored,
                records,
                specs,
                model,
                fm.threshold,
                constraints,
                work_rows,
                frozen=None if placed is None else placed.frozen,
            )
            if collapsed is not None:
                assigned = collapsed.expand(assigned)
            assigned = assigned.localCheckpoint(eager=True)
        keys = tables.keys.select(POS, KEY)
        named = assigned.join(
            keys.select(F.col(POS).alias(GROUP), F.col(KEY).alias("match_id")), GROUP
        ).join(keys, POS)
        if placed is not None:
            named = placed.carry_over(named)
        output = named.select(
            F.col(KEY).alias(settings.primary_key),
            "match_id",
            F.col(CONFIDENCE).alias("match_confidence_score"),
        )
        columns = [user_column(c) for c in df.columns]
        frame = df.join(output, settings.primary_key).select(
            *columns, "match_id", "match_confidence_score"
        )
        pair_frame = _pair_frame(scored, keys, assigned.select(POS, GROUP))
        logger.info("matched %d rows on Spark: %d candidate pairs", rows, count)
        return SparkMatchResult(frame, pair_frame, rows, count, timer.seconds, skipped)

    def transform_frame(self, df: DataFrame) -> DataFrame:
        """The input plus ``match_id`` and ``match_confidence_score`` (see :meth:`match`)."""
        return self.match(df).frame

    def _constraints(self, fm: Matcher, keys: DataFrame) -> PositionConstraints:
        """Labelled pairs as positions, as ``Matcher.constraints`` builds them."""
        from pyspark.sql import functions as F

        if not fm.settings.enforce_provided_labels or fm.labels.empty:
            return PositionConstraints.none()
        wanted = pd.unique(pd.concat([fm.labels["left_key"], fm.labels["right_key"]]))
        found = (
            keys.select(F.col(KEY).cast("string").alias("key"), POS, PART)
            .filter(F.col("key").isin([str(k) for k in wanted]))
            .collect()
        )
        position = {r["key"]: int(r[POS]) for r in found}
        partition: dict[str, Any] = {r["key"]: r[PART] for r in found}
        labels = fm.labels[
            fm.labels["left_key"].isin(position) & fm.labels["right_key"].isin(position)
        ]
        must: list[tuple[int, int]] = []
        cannot: list[tuple[int, int]] = []
        for left_key, right_key, is_match in labels.itertuples(index=False):
            a, b = position[left_key], position[right_key]
            pair = (min(a, b), max(a, b))
            if not is_match:
                cannot.append(pair)
                continue
            if not _same_partition(partition[left_key], partition[right_key]):
                raise LabelError(
                    f"labels say records {left_key!r} and {right_key!r} match, but they lie "
                    f"in different '{fm.settings.partition_by}' partitions, which no group "
                    f"may cross; fix the label or drop partition_by"
                )
            must.append(pair)
        return PositionConstraints(_pairs(must), _pairs(cannot))


def _pair_frame(scored: DataFrame, keys: DataFrame, groups: DataFrame) -> DataFrame:
    """Scored pairs by primary key, and whether clustering put them in one group."""
    from pyspark.sql import functions as F

    return (
        scored.join(keys.select(F.col(POS).alias("left"), F.col(KEY).alias("left_key")), "left")
        .join(keys.select(F.col(POS).alias("right"), F.col(KEY).alias("right_key")), "right")
        .join(groups.select(F.col(POS).alias("left"), F.col(GROUP).alias("lg")), "left")
        .join(groups.select(F.col(POS).alias("right"), F.col(GROUP).alias("rg")), "right")
        .select(
            "left_key",
            "right_key",
            PROBABILITY,
            (F.col("lg") == F.col("rg")).alias("same_group"),
        )
    )


def _same_partition(a: object, b: object) -> bool:
    """Partition values compare as ``partition_codes`` does: all missing values are alike."""
    if pd.isna(a) or pd.isna(b):  # type: ignore[call-overload]
        return bool(pd.isna(a) and pd.isna(b))  # type: ignore[call-overload]
    return a == b


def _pairs(pairs: list[tuple[int, int]]) -> np.ndarray:
    if not pairs:
        return np.empty((0, 2), dtype="int64")
    return np.array(pairs, dtype="int64").reshape(-1, 2)


def require_dataframe(df: object) -> None:
    """Spark matching needs a Spark DataFrame; say so plainly when handed something else."""
    from pyspark.sql import DataFrame

    if not isinstance(df, DataFrame):
        raise InputError(
            f"expected a pyspark.sql.DataFrame, got {type(df).__name__}; for pandas frames use "
            f"FindMatches.match, or spark.createDataFrame(frame) first (with "
            f"spark.sql.execution.arrow.pyspark.enabled, so that NaN stays null)"
        )
