"""Time the Spark backend against the pandas engine on one synthetic person table.

The transform is fitted once with the pandas engine and saved; both engines then load that
same model file and match the same table in the same process: pandas on the frame, Spark
(``--master``, ``local[2]`` by default) on the table read back from parquet, writing its output
to parquet, as a Spark job would. Printed per engine: wall time, candidate pairs, pairwise
precision/recall/F1 against the truth; then the agreement between the two engines over the
union of their candidate pairs, and Spark's step timings.

    python benchmarks/bench_spark.py --rows 100000
    python benchmarks/bench_spark.py --rows 20000 --shuffle-partitions 4

Not part of the test gate: figures go to docs/spark.md by hand, with machine and date.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd


def session(master: str, shuffle_partitions: int, driver_memory: str) -> Any:
    """A SparkSession whose Python workers run this interpreter."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(master)
        .appName("gx-findmatches-bench-spark")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.default.parallelism", str(shuffle_partitions))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", driver_memory)
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def same_group_agreement(
    key: str, pandas_frame: pd.DataFrame, spark_frame: pd.DataFrame, pairs: list[pd.DataFrame]
) -> float:
    """Share of the union of both engines' candidate pairs on which they agree whether the
    two records share a group."""
    union = pd.concat([p[["left_key", "right_key"]] for p in pairs]).drop_duplicates()
    ours = pandas_frame.set_index(key)["match_id"]
    theirs = spark_frame.set_index(key)["match_id"]
    same_pandas = ours.loc[union["left_key"]].to_numpy() == ours.loc[union["right_key"]].to_numpy()
    same_spark = (
        theirs.loc[union["left_key"]].to_numpy() == theirs.loc[union["right_key"]].to_numpy()
    )
    return float((same_pandas == same_spark).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="synthetic table size")
    parser.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    parser.add_argument("--shuffle-partitions", type=int, default=8)
    parser.add_argument("--driver-memory", default="4g")
    args = parser.parse_args()

    from gx_findmatches import FindMatches, pairwise_quality
    from gx_findmatches.spark import SparkFindMatches
    from synthetic import make_person_table

    print(
        f"machine: {platform.platform()}, {multiprocessing.cpu_count()} cores, "
        f"python {platform.python_version()}, master {args.master}, "
        f"{args.shuffle_partitions} shuffle partitions"
    )
    frame = make_person_table(args.rows, seed=0)
    truth = frame.pop("entity_id")
    key = "person_id"
    truth_by_key = pd.Series(truth.to_numpy(), index=frame[key].to_numpy())
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        start = time.perf_counter()
        FindMatches(primary_key=key).fit(frame).save(folder / "model.json")
        print(f"pandas fit: {time.perf_counter() - start:.2f} s")

        start = time.perf_counter()
        result = FindMatches.load(folder / "model.json").match(frame)
        pandas_seconds = time.perf_counter() - start
        pandas_quality = pairwise_quality(result.frame["match_id"], truth)

        spark = session(args.master, args.shuffle_partitions, args.driver_memory)
        frame.to_parquet(folder / "input.parquet", index=False)
        start = time.perf_counter()
        table = spark.read.parquet(str(folder / "input.parquet"))
        spark_result = SparkFindMatches(folder / "model.json").match(table)
        spark_result.frame.write.parquet(str(folder / "output.parquet"))
        spark_seconds = time.perf_counter() - start
        spark_frame = pd.read_parquet(folder / "output.parquet")
        spark_pairs = spark_result.pairs.toPandas()
        spark_quality = pairwise_quality(
            spark_frame["match_id"], truth_by_key.loc[spark_frame[key]].reset_index(drop=True)
        )
        spark.stop()

    print(
        f"{'engine':<10}{'rows':>9}{'seconds':>9}{'rows/s':>10}{'pairs':>12}{'P':>8}{'R':>8}{'F1':>8}"
    )
    for name, seconds, pairs, quality in (
        ("pandas", pandas_seconds, result.summary.candidate_pairs, pandas_quality),
        ("spark", spark_seconds, spark_result.candidate_pairs, spark_quality),
    ):
        print(
            f"{name:<10}{args.rows:>9,}{seconds:>9.2f}{args.rows / seconds:>10,.0f}{pairs:>12,}"
            f"{quality.precision:>8.4f}{quality.recall:>8.4f}{quality.f1:>8.4f}"
        )
    agreement = same_group_agreement(key, result.frame, spark_frame, [result.pairs, spark_pairs])
    equal_ids = (
        result.frame.set_index(key)["match_id"].loc[spark_frame[key]].to_numpy()
        == spark_frame["match_id"].to_numpy()
    ).mean()
    print(f"same-group agreement over the union of candidate pairs: {agreement:.6f}")
    print(f"rows with the same match_id in both engines: {equal_ids:.6f}")
    print(f"spark rows out: {len(spark_frame):,} (unique keys: {spark_frame[key].is_unique})")
    print(f"pandas steps: {result.summary.seconds}")
    print(f"spark steps: {spark_result.seconds}")


if __name__ == "__main__":
    main()
