"""``match --engine spark``: the same model, matching distributed by Spark.

Fitting stays on this machine (it learns small things from a sample, see
``SparkFindMatches.fit``); the fitted model goes to Spark as its model file, exactly as a
``spark-submit`` of :mod:`gx_findmatches.spark.job` would take it. So the three match modes
work: a one-shot fit (``--data --primary-key``), a stored transform (``--transform``) and a
model file (``--model``). The output is a Parquet folder written by Spark.

``match-incremental --engine spark`` runs the same job with ``--existing``: a stored
transform's model or a model file, new records against an earlier output.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..errors import ParameterError
from ..sources import DataSource, is_database_url
from .common import EXIT_OK, given_settings, print_json
from .match_modes import Mode


def engine_arguments(parser: argparse.ArgumentParser, output: str) -> None:
    """``--engine`` and ``--master``, for every command that runs on either engine."""
    parser.add_argument(
        "--engine",
        choices=("pandas", "spark"),
        default="pandas",
        help="pandas (one machine) or spark: the same model, matching distributed by Spark "
        f"(needs the spark extra and Java; {output})",
    )
    parser.add_argument(
        "--master", help="Spark master URL with --engine spark (default: local mode, every core)"
    )


def run_spark_match(args: argparse.Namespace, mode: Mode) -> int:
    """Fit (or find) the model, then run the Spark job; print what it did."""
    _check_paths(args.out, ("--data", args.data), database_output=bool(args.out_table))
    from ..spark.job import run

    with tempfile.TemporaryDirectory(prefix="gx-findmatches-spark-") as folder:
        model, data = _model_and_data(args, mode, Path(folder) / "model.json")
        summary = run(model, data, args.out, master=args.master, replace=args.replace_output)
    return _report(args, summary)


def run_spark_incremental(args: argparse.Namespace) -> int:
    """``match-incremental --engine spark``: the job with ``--existing``; a stored
    transform's model goes to it as a model file, as for ``match --transform``."""
    _check_paths(args.out, ("--existing", args.existing), ("--new", args.new))
    from ..spark.job import run

    with tempfile.TemporaryDirectory(prefix="gx-findmatches-spark-") as folder:
        model = args.model
        if model is None:
            from .common import workflow

            model = workflow(args).export_model(args.name, Path(folder) / "model.json")[1]
        summary = run(
            str(model),
            args.new,
            args.out,
            master=args.master,
            replace=args.replace_output,
            existing=args.existing,
        )
    return _report(args, summary)


def _check_paths(
    out: str | None, *inputs: tuple[str, str | None], database_output: bool = False
) -> None:
    """Spark reads and writes files and folders: refuse database URLs before any work."""
    if not out or is_database_url(out) or database_output:
        raise ParameterError(
            "--engine spark writes a Parquet folder: give --out FOLDER (database outputs are "
            "for the pandas engine)"
        )
    for flag, path in inputs:
        if path and is_database_url(path):
            table = ", or run the shipped job with --table for a Spark catalog table"
            table = "" if flag == "--existing" else f"{table} (docs/spark.md)"
            raise ParameterError(
                f"--engine spark reads files or folders (Parquet or CSV); give {flag} PATH{table}"
            )


def _report(args: argparse.Namespace, summary: Any) -> int:
    from ..spark.job import describe

    if args.json:
        print_json(asdict(summary))
    else:
        print(describe(summary))
    return EXIT_OK


def _model_and_data(args: argparse.Namespace, mode: Mode, scratch: Path) -> tuple[str, str]:
    if mode == "model":
        changes = given_settings(args)  # match-time parameters for this run, as pandas does
        if not changes:
            return str(args.model), str(args.data)
        from ..engine.transform import FindMatches

        changed = FindMatches.load(args.model).set_params(**changes)
        return str(changed.save(scratch)), str(args.data)
    if mode == "stored":
        from .common import workflow

        flow = workflow(args)
        _, path = flow.export_model(args.transform, scratch)
        data = (
            args.data
            or DataSource.from_reference(
                flow.store.get_transform(args.transform).data_source
            ).location
        )
        return str(path), str(data)
    from ..engine.settings import MatchSettings
    from ..engine.transform import FindMatches
    from ..io import read_table
    from .common import settings_from_args

    transform = FindMatches.from_settings(MatchSettings(**settings_from_args(args)))
    labels = read_table(args.labels) if args.labels else None
    transform.fit(DataSource(args.data).read(), labels)
    saved = transform.save(args.save_model or scratch)
    return str(saved), str(args.data)
