"""``match --engine spark``: the same model, matching distributed by Spark.

Fitting stays on this machine (it learns small things from a sample, see
``SparkFindMatches.fit``); the fitted model goes to Spark as its model file, exactly as a
``spark-submit`` of :mod:`gx_findmatches.spark.job` would take it. So the three match modes
work: a one-shot fit (``--data --primary-key``), a stored transform (``--transform``) and a
model file (``--model``). The output is a Parquet folder written by Spark.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import asdict
from pathlib import Path

from ..errors import ParameterError
from ..sources import DataSource, is_database_url
from .common import EXIT_OK, print_json
from .match_modes import Mode


def run_spark_match(args: argparse.Namespace, mode: Mode) -> int:
    """Fit (or find) the model, then run the Spark job; print what it did."""
    if not args.out or is_database_url(args.out) or args.out_table:
        raise ParameterError(
            "--engine spark writes a Parquet folder: give --out FOLDER (database outputs are "
            "for the pandas engine)"
        )
    if args.data and is_database_url(args.data):
        raise ParameterError(
            "--engine spark reads files or folders (Parquet or CSV); give --data PATH, or "
            "run the shipped job with --table for a Spark catalog table (docs/spark.md)"
        )
    from ..spark.job import describe, run

    with tempfile.TemporaryDirectory(prefix="gx-findmatches-spark-") as folder:
        model, data = _model_and_data(args, mode, Path(folder) / "model.json")
        summary = run(model, data, args.out, master=args.master, replace=args.replace_output)
    if args.json:
        print_json(asdict(summary))
    else:
        print(describe(summary))
    return EXIT_OK


def _model_and_data(args: argparse.Namespace, mode: Mode, scratch: Path) -> tuple[str, str]:
    if mode == "model":
        return str(args.model), str(args.data)
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
