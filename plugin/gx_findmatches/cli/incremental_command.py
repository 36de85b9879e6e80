"""``match-incremental``: new records against an already matched table (FindIncrementalMatches).

Two ways to name the model, as ``match`` has: a stored transform (``NAME``, a task run in the
store, as Glue records one) or a model file (``--model FILE``, no store). Two engines: pandas,
or Spark (``--engine spark``), which runs the shipped job with ``--existing`` and writes a
Parquet folder.
"""

from __future__ import annotations

import argparse

from ..errors import ParameterError
from ..io import check_table_output
from ..sources import DataSource, is_database_url
from .common import EXIT_OK, print_json
from .spark_match import engine_arguments, run_spark_incremental


def arguments(parser: argparse.ArgumentParser) -> None:
    """The command's options (its optional ``NAME``, the store and ``--json`` come from the
    workflow commands' common arguments)."""
    parser.add_argument(
        "--existing", required=True, help="an earlier match output (it has match_id)"
    )
    parser.add_argument("--new", required=True, help="the new records (the same columns)")
    parser.add_argument("--out", required=True, help="output path (a Parquet folder on Spark)")
    parser.add_argument(
        "--model",
        help="a model file (from --save-model or `transform export-model`) instead of a "
        "stored transform NAME: no store, no task run",
    )
    parser.add_argument(
        "--replace-output",
        action="store_true",
        help="replace an existing output (a database table; on Spark, the output folder)",
    )
    engine_arguments(parser, "--out is then a Parquet folder")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Match the new records; print how many pairs were compared and skipped."""
    if args.name and args.model:
        raise ParameterError("give a stored transform NAME or --model FILE, not both")
    if not args.name and not args.model:
        raise ParameterError(
            "name the model: a stored transform NAME, or a model file with --model FILE"
        )
    if args.engine == "spark":
        return run_spark_incremental(args)
    if args.master:
        raise ParameterError("--master applies only with --engine spark; add --engine spark")
    if not is_database_url(args.out):
        check_table_output(args.out, "--out")  # before the work
    existing, new, out = DataSource(args.existing), DataSource(args.new), DataSource(args.out)
    if args.model:
        from ..engine.transform import FindMatches

        fitted = FindMatches.load(args.model)
        result = fitted.match_incremental(existing.read(), new.read())
        out.write(result.frame, replace=args.replace_output)
    else:
        from .common import workflow

        result = workflow(args).match_incremental(
            args.name, existing, new, out, replace_output=args.replace_output
        )
    s = result.summary
    if args.json:
        print_json(s.to_dict())
    else:
        print(
            f"matched {s.rows:,} rows; compared {s.candidate_pairs:,} pairs, "
            f"skipped {s.skipped_pairs:,} existing-existing pairs"
        )
    return EXIT_OK
