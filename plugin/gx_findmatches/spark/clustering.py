"""Clustering in Spark: connected components distributed, each component clustered in pandas.

The engine's ``cluster`` already works component by component: its connected components over
strong edges (plus must-link labels) are independent subproblems, and everything it does inside
one (splitting oversized components, scoring all pairs, average linkage, local moves) reads
only that component's records and edges. So Spark finds the components, and a ``groupBy`` on
a hash of the component hands whole components, in buckets, with their strong edges and label
constraints, to the very same ``cluster`` function. A bucket holding several components gives
each the result it would get alone, because ``cluster`` splits its input into components
first. Records in no strong edge are singletons, with the confidence the engine gives
singletons: one minus their best candidate pair's probability.

Incremental matching passes each existing record's frozen group (``frozen``): the engine's
``cluster`` keeps a frozen group whole and never merges two, as long as it sees the whole
group, so every frozen group that a component touches is chained into that component.
Untouched frozen groups are clustered by nobody: their records come out as singletons here,
and the caller gives them their existing ``match_id`` and score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..engine.clustering import Constraints, cluster
from ..engine.columns import ColumnSpec
from .components import COMPONENT, NODE, connected_components
from .names import POS
from .prepared import prepared_columns, prepared_names
from .scoring import PROBABILITY, probability_function

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

GROUP = "_gxfm_group"
CONFIDENCE = "_gxfm_confidence"
FROZEN = "_gxfm_frozen"  # an existing record's group: the position of its smallest member
_BEST = "_gxfm_best"
_EDGE_COMPONENT = "_gxfm_edge_component"
_BUCKET = "_gxfm_bucket"
# Whole components are handed to ``cluster`` in buckets of about this many records: one call
# per component would pay Python and Arrow overhead thousands of times for two-record groups.
_BUCKET_RECORDS = 50_000


@dataclass(frozen=True)
class PositionConstraints:
    """Labelled pairs as record positions (``left < right``), the engine's ``Constraints``
    in a form that pickles small and filters fast per component."""

    must: np.ndarray  # shape (k, 2)
    cannot: np.ndarray  # shape (k, 2)

    @classmethod
    def none(cls) -> PositionConstraints:
        """No constraints."""
        empty = np.empty((0, 2), dtype="int64")
        return cls(empty, empty)

    def local(self, members: np.ndarray) -> Constraints:
        """The constraints between members of one component, as local positions."""

        def inside(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            keep = np.isin(pairs[:, 0], members) & np.isin(pairs[:, 1], members)
            kept = pairs[keep]
            return np.searchsorted(members, kept[:, 0]), np.searchsorted(members, kept[:, 1])

        must_left, must_right = inside(self.must)
        cannot_left, cannot_right = inside(self.cannot)
        return Constraints(must_left, must_right, cannot_left, cannot_right)


def cluster_components(
    scored: DataFrame,
    records: DataFrame,
    specs: Sequence[ColumnSpec],
    model: dict[str, Any],
    threshold: float,
    constraints: PositionConstraints,
    rows: int,
    frozen: DataFrame | None = None,
) -> DataFrame:
    """``(position, group, confidence)`` for every record; ``group`` is the position of the
    group's smallest member, as in the engine. ``rows`` (the table's size) bounds the records
    per bucket from above without another Spark job; ``frozen`` (incremental matching) is
    ``(position, FROZEN)`` for existing records, ``FROZEN`` their group's smallest position,
    which orders groups as the engine's codes do."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import DoubleType, LongType, StructField, StructType

    spark = records.sparkSession
    strong = scored.filter(F.col(PROBABILITY) >= threshold).localCheckpoint(eager=True)
    must = spark.createDataFrame(
        pd.DataFrame(constraints.must, columns=["left", "right"]).astype("int64"),
        "left long, right long",
    )
    links = strong.select("left", "right").unionByName(must)
    if frozen is not None:
        links = links.unionByName(_frozen_chains(links, frozen))
    component = connected_components(links)
    best = (
        scored.select(F.col("left").alias(POS), PROBABILITY)
        .unionByName(scored.select(F.col("right").alias(POS), PROBABILITY))
        .groupBy(POS)
        .agg(F.max(PROBABILITY).alias(_BEST))
    )
    indexed = list(enumerate(specs))
    members = (
        records.select(POS, *prepared_names(indexed))
        .join(component.withColumnRenamed(NODE, POS), POS)
        .join(best, POS, "left")
    )
    if frozen is not None:
        members = members.join(frozen, POS, "left")
    # Fresh column identities: both cogroup sides derive from ``component``, and Spark
    # refuses to group by a column it cannot tell apart from its twin.
    edge_component = component.select(
        F.col(NODE).alias("left"), F.col(COMPONENT).alias(_EDGE_COMPONENT)
    )
    edges = strong.join(edge_component, "left")

    def cluster_bucket(records_of: pd.DataFrame, edges_of: pd.DataFrame) -> pd.DataFrame:
        records_of = records_of.sort_values(POS, kind="stable").reset_index(drop=True)
        positions = records_of[POS].to_numpy(dtype="int64")
        columns = prepared_columns(records_of, indexed)
        probability = probability_function(model)
        result = cluster(
            len(positions),
            np.searchsorted(positions, edges_of["left"].to_numpy(dtype="int64")),
            np.searchsorted(positions, edges_of["right"].to_numpy(dtype="int64")),
            edges_of[PROBABILITY].to_numpy(dtype="float64"),
            threshold,
            score=lambda a, b: probability(columns, a, b),
            constraints=constraints.local(positions),
            frozen=(
                records_of[FROZEN].fillna(-1).to_numpy(dtype="int64")
                if FROZEN in records_of
                else None
            ),
        )
        confidence = result.confidence.copy()
        single = np.bincount(result.group, minlength=len(positions))[result.group] == 1
        best_of = records_of[_BEST].fillna(0.0).to_numpy(dtype="float64")
        confidence[single] = 1.0 - best_of[single]
        return pd.DataFrame(
            {POS: positions, GROUP: positions[result.group], CONFIDENCE: confidence}
        )

    schema = StructType(
        [
            StructField(POS, LongType(), False),
            StructField(GROUP, LongType(), False),
            StructField(CONFIDENCE, DoubleType(), False),
        ]
    )
    buckets = max(spark.sparkContext.defaultParallelism, -(-rows // _BUCKET_RECORDS))
    members = members.withColumn(_BUCKET, F.pmod(F.xxhash64(COMPONENT), F.lit(buckets)))
    edges = edges.withColumn(_BUCKET, F.pmod(F.xxhash64(_EDGE_COMPONENT), F.lit(buckets)))
    grouped = members.groupBy(_BUCKET).cogroup(edges.groupBy(_BUCKET))
    clustered = grouped.applyInPandas(cluster_bucket, schema)
    singles = (
        records.select(POS)
        .join(component.withColumnRenamed(NODE, POS), POS, "left_anti")
        .join(best, POS, "left")
        .select(
            POS,
            F.col(POS).alias(GROUP),
            (1.0 - F.coalesce(F.col(_BEST), F.lit(0.0))).alias(CONFIDENCE),
        )
    )
    return clustered.unionByName(singles)


def _frozen_chains(edges: DataFrame, frozen: DataFrame) -> DataFrame:
    """Edges from each touched frozen group's smallest member to its other members, so the
    group enters its component whole (the engine chains every group; an untouched one would
    form a component of its own, which keeps its id and score anyway)."""
    from pyspark.sql import functions as F

    nodes = edges.select(F.col("left").alias(POS)).unionByName(
        edges.select(F.col("right").alias(POS))
    )
    touched = frozen.join(nodes, POS, "left_semi").select(FROZEN).distinct()
    members = frozen.join(touched, FROZEN, "left_semi").filter(F.col(POS) != F.col(FROZEN))
    return members.select(F.col(FROZEN).alias("left"), F.col(POS).alias("right"))
