"""A FindMatches job for ``spark-submit``: a model file on a table, on a cluster.

The same job runs three ways:

- on a cluster, the file given to ``spark-submit`` (its path: ``python -c "import
  gx_findmatches.spark.job as j; print(j.__file__)"``)::

      spark-submit --master yarn job.py --model model.json --data s3://bucket/people/ \\
          --out s3://bucket/matched/

- on one machine, ``python -m gx_findmatches.spark.job --model model.json --data people.parquet
  --out matched/`` (Spark in local mode on every core);
- from the command line, ``gx-findmatches match --engine spark ...`` (and ``match-incremental
  ... --engine spark``), which calls :func:`run`.

The model file is the one ``FindMatches.save`` / ``match --save-model`` / ``transform
export-model`` writes: fitting stays on one machine (see ``SparkFindMatches.fit``), matching
scales out. ``--data`` is read by Spark (a Parquet or CSV file or folder, or a catalog table with
``--table``); the output is written by Spark as Parquet (a folder), input columns unchanged plus
``match_id`` and ``match_confidence_score``.

With ``--existing PATH`` (an earlier output, Parquet or CSV) the job is Glue's
FindIncrementalMatches: ``--data`` holds the new records, existing ``match_id`` values never
change, and only pairs with a new record are compared (``SparkFindMatches.match_incremental``);
the output holds existing and new records.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

LOCAL_MASTER = "local[*]"


@dataclass(frozen=True)
class JobSummary:
    """What a job did: rows read, candidate pairs, groups, where the output went."""

    rows: int
    candidate_pairs: int
    match_groups: int
    output: str
    seconds: dict[str, float]
    skipped_pairs: int | None = None  # incremental runs: existing-existing pairs not compared


def session(master: str | None = None, app_name: str = "gx-findmatches") -> SparkSession:
    """The active Spark session, or a new one (``master``, default local mode on every core).

    Workers must run the driver's interpreter, which has gx-findmatches installed. A new
    session converts pandas frames through Arrow: without it, ``spark.createDataFrame`` writes
    a ``NaN`` in a text column as the text ``"nan"``, which the matcher compares as a value
    (on a 1,395-record FEBRL3 slice: 3,722 extra candidate pairs and 41 records grouped
    differently from the pandas engine on the same frame).
    """
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder.appName(app_name)
    if master or not os.environ.get("SPARK_HOME_SUBMITTED"):
        builder = builder.master(master or LOCAL_MASTER)
    return (
        builder.config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )


def read_input(spark: SparkSession, data: str, table: str | None = None) -> DataFrame:
    """A Spark table: a catalog table, or a Parquet or CSV file or folder (CSV: header row,
    every column as text, as the pandas engine reads CSV)."""
    from ..errors import DataFileError

    if table:
        return spark.table(table)
    lowered = data.lower().rstrip("/")
    if lowered.endswith((".csv", ".tsv")):
        separator = "\t" if lowered.endswith(".tsv") else ","
        return spark.read.csv(data, header=True, sep=separator, inferSchema=False)
    if lowered.endswith(".parquet") or os.path.isdir(data) or "://" in data:
        return spark.read.parquet(data)
    raise DataFileError(
        f"cannot tell how to read {data!r} on Spark; give a .parquet or .csv file or folder, "
        f"or a catalog table with --table"
    )


def run(
    model: str,
    data: str,
    out: str,
    table: str | None = None,
    master: str | None = None,
    replace: bool = False,
    existing: str | None = None,
) -> JobSummary:
    """Match ``data`` with the model file ``model`` on Spark and write Parquet to ``out``.

    With ``existing`` (an earlier output, Parquet or CSV), ``data`` is new records matched
    against it incrementally (``SparkFindMatches.match_incremental``).

    Raises:
        ModelFileError: the model file is missing or invalid.
        DataFileError: ``out`` exists and ``replace`` is false, or ``data`` cannot be read.
        InputError: the table is unusable (see ``SparkFindMatches.match`` and
            ``match_incremental``).
    """
    from ..errors import DataFileError
    from .transform import SparkFindMatches

    matcher = SparkFindMatches(model)  # read and check the model before starting Spark work
    for name, read in (("--data", data), ("--existing", existing)):
        if read and "://" not in out and os.path.abspath(read) == os.path.abspath(out):
            raise DataFileError(
                f"--out {out} is also {name}: writing would destroy what is read; choose "
                f"another --out"
            )
    if os.path.exists(out) and not replace:
        raise DataFileError(
            f"{out} already exists; choose another --out or pass --replace-output to overwrite it"
        )
    spark = session(master)
    records = read_input(spark, data, table)
    if existing is None:
        result = matcher.match(records)
    else:
        result = matcher.match_incremental(read_input(spark, existing), records)
    result.frame.write.mode("overwrite" if replace else "errorifexists").parquet(out)
    groups = spark.read.parquet(out).select("match_id").distinct().count()
    skipped = None if existing is None else result.skipped_pairs
    return JobSummary(result.rows, result.candidate_pairs, groups, out, result.seconds, skipped)


def parser() -> argparse.ArgumentParser:
    """The job's arguments (also what ``spark-submit job.py --help`` prints)."""
    job = argparse.ArgumentParser(
        prog="gx_findmatches.spark.job",
        description="Run a saved FindMatches model on a table with Spark (or on new records "
        "against an earlier output, with --existing); write Parquet.",
    )
    job.add_argument("--model", required=True, help="model file (FindMatches.save)")
    job.add_argument("--data", help="Parquet or CSV file or folder to match")
    job.add_argument("--table", help="a Spark catalog table to match instead of --data")
    job.add_argument(
        "--existing",
        help="an earlier output (Parquet or CSV): match --data / --table as new records "
        "against it; existing match_ids never change",
    )
    job.add_argument("--out", required=True, help="output folder (Parquet)")
    job.add_argument("--master", help="Spark master URL (default: local mode on every core)")
    job.add_argument("--replace-output", action="store_true", help="overwrite --out")
    return job


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for ``spark-submit`` and ``python -m``; exit 0, or 2 with ``error:``."""
    from ..errors import FindMatchesError

    args = parser().parse_args(argv)
    if not args.data and not args.table:
        print("error: give --data (a file or folder) or --table (a catalog table)", file=sys.stderr)
        return 2
    try:
        summary = run(
            args.model,
            args.data or "",
            args.out,
            args.table,
            args.master,
            args.replace_output,
            args.existing,
        )
    except FindMatchesError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(_describe(summary))
    return 0


def _describe(summary: JobSummary) -> str:
    skipped = ""
    if summary.skipped_pairs is not None:
        skipped = f" (skipped {summary.skipped_pairs:,} existing-existing pairs)"
    return (
        f"matched {summary.rows:,} rows on Spark: {summary.candidate_pairs:,} candidate pairs"
        f"{skipped}, {summary.match_groups:,} groups; wrote {summary.output}"
    )


def describe(summary: JobSummary) -> str:
    """One line for people: rows, pairs, groups, output."""
    return _describe(summary)


if __name__ == "__main__":  # spark-submit job.py ... / python -m gx_findmatches.spark.job
    sys.exit(main())


__all__: list[Any] = ["JobSummary", "main", "parser", "read_input", "run", "session"]
