"""``validate``: run a GX suite as a checkpoint on a table, build Data Docs, exit on the result.

Exit codes follow pipelines' needs: 0 every expectation passed, 1 some failed (or raised),
2 bad input. Great Expectations is imported only here: it is slow to import.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..io import table_format
from ..sources import is_database_url
from .common import EXIT_FAILED, EXIT_OK, command, print_json


def register(commands: Any) -> None:
    """Add the command to the top-level parser."""
    validate = command(
        commands,
        "validate",
        "run a GX suite on a table as a checkpoint and build Data Docs",
        "gx-findmatches validate --data people.csv --primary-key rec_id --suite febrl_people",
    )
    validate.add_argument("--data", required=True, help="a .csv/.tsv/.parquet path or a DB URL")
    validate.add_argument("--table", help="table name when --data is a database URL")
    validate.add_argument("--primary-key", required=True, help="column identifying each record")
    validate.add_argument(
        "--suite",
        required=True,
        help="a GX suite JSON file, or the name of a shipped suite (febrl_people, "
        "pima_label_boundary, labeling_sets)",
    )
    validate.add_argument(
        "--labels", help="Glue-format label file for expectations that estimate quality"
    )
    validate.add_argument(
        "--project-dir", default=".", help="folder of the file-backed GX project (default: .)"
    )
    validate.add_argument("--json", action="store_true", help="print the result as JSON")
    validate.add_argument("--quiet", action="store_true", help="no progress on stderr")
    validate.set_defaults(run=_run_validate)


def _run_validate(args: argparse.Namespace) -> int:
    from ..checkpoints import run_suite_checkpoint
    from ..errors import DataFileError
    from ..shipped import shipped_file

    if not is_database_url(args.data):
        table_format(args.data)
        if not Path(args.data).is_file():
            raise DataFileError(f"no file at {args.data}; check the path")
    suite = Path(args.suite)
    if not suite.is_file():
        if suite.suffix == ".json" or len(suite.parts) > 1:
            raise DataFileError(
                f"no suite file at {args.suite}; check the path, or name a shipped suite"
            )
        suite = shipped_file("expectations", args.suite)
    overrides: dict[str, Any] = {"primary_key": args.primary_key}
    parameters: dict[str, Any] = {"primary_key": args.primary_key}
    if args.labels:
        overrides["labels_path"] = str(Path(args.labels).resolve())
        parameters["labels_path"] = overrides["labels_path"]
    outcome = run_suite_checkpoint(
        args.project_dir,
        args.data,
        suite,
        table=args.table,
        overrides=overrides,
        parameters=parameters,
    )
    expectations = [
        {
            "type": e.type,
            "success": e.success,
            "observed_value": e.observed_value,
            **({"exception": e.exception} if e.exception else {}),
        }
        for e in outcome.expectations
    ]
    if args.json:
        print_json(
            {
                "success": outcome.success,
                "data_docs": str(outcome.data_docs_index),
                "expectations": expectations,
            }
        )
    else:
        for item in expectations:
            mark = "PASS" if item["success"] else "FAIL"
            print(f"{mark}  {item['type']:<58} observed {item['observed_value']}")
        passed = sum(item["success"] for item in expectations)
        print(f"\n{passed} of {len(expectations)} expectations passed")
        print(f"Data Docs: {outcome.data_docs_index}")
    return EXIT_OK if outcome.success else EXIT_FAILED
