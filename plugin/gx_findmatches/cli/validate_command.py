"""``validate``: run a GX suite as a checkpoint on a table, build Data Docs, exit on the result.

Exit codes follow pipelines' needs and GX's expectation ``severity``: 0 when no *critical*
expectation failed (a failed ``warning`` or ``info`` expectation prints WARN / INFO and keeps 0),
1 when a critical one failed or could not run, 2 on bad input (under ``--json`` too, as a JSON
object with an ``error`` field, so stdout stays parseable). Great Expectations is imported only
here: it is slow to import.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import DataFileError, FindMatchesError
from ..io import table_format
from ..sources import is_database_url
from .common import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, command, print_json

RESULT_FORMATS = ("BOOLEAN_ONLY", "BASIC", "SUMMARY", "COMPLETE")
MARKS = {"pass": "PASS", "critical": "FAIL", "warning": "WARN", "info": "INFO"}
# placeholders the command line fills, and the flag that fills each
FLAGS = dict(primary_key="--primary-key", labels_path="--labels")


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
    validate.add_argument(
        "--primary-key",
        help='the key column, for suites that leave it open ("${primary_key}", as the shipped '
        "suites do; their default is their example table's key); a suite that names its key "
        "keeps it",
    )
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
    validate.add_argument(
        "--result-format",
        choices=RESULT_FORMATS,
        default="SUMMARY",
        help="how much GX reports per expectation (default: SUMMARY; COMPLETE adds every "
        "unexpected value, BOOLEAN_ONLY only pass/fail)",
    )
    validate.add_argument("--json", action="store_true", help="print the result as JSON")
    validate.add_argument("--quiet", action="store_true", help="no progress on stderr")
    validate.set_defaults(run=_run_validate)


def _run_validate(args: argparse.Namespace) -> int:
    try:
        return _validate(args)
    except FindMatchesError as error:
        if not args.json:
            raise
        print(f"error: {error}", file=sys.stderr)
        print_json({"success": False, "error": str(error)})
        return EXIT_BAD_INPUT


def _validate(args: argparse.Namespace) -> int:
    from great_expectations.datasource.fluent.interfaces import TestConnectionError

    from ..checkpoints import run_suite_checkpoint, suite_from_file
    from ..engine.progress import progress_enabled

    if is_database_url(args.data):
        if not args.table:
            raise DataFileError(f"{_redacted(args.data)} is a database; name the table: --table")
    elif args.table:
        raise DataFileError(f"--table applies to a database URL, not to {args.data}; drop it")
    else:
        _check_table_file(args.data)
    suite_path = _suite_path(args.suite)
    overrides, parameters = _suite_values(args, suite_path)
    suite = suite_from_file(suite_path, overrides, parameters)
    if args.primary_key and "primary_key" not in parameters:
        _check_own_key(suite, args.primary_key, suite_path)
    try:
        outcome = run_suite_checkpoint(
            args.project_dir,
            args.data,
            suite,
            table=args.table,
            result_format=args.result_format,
            progress_bars=None if progress_enabled() else False,
        )
    except TestConnectionError as error:  # GX tests a SQL source and table before using it
        raise DataFileError(
            f"cannot read table {args.table!r} of {_redacted(args.data)} "
            f"({str(error).splitlines()[0]}); check the "
            f"URL, the credentials and --table"
        ) from error
    expectations = [
        {
            "type": e.type,
            "status": e.status,
            "success": e.success,
            "severity": e.severity,
            "observed_value": e.observed_value,
            "exception": e.exception,
            "kwargs": e.kwargs,
            "meta": e.meta,
            "result": e.result,
        }
        for e in outcome.expectations
    ]
    if args.json:
        print_json(
            {
                "success": outcome.success,
                "failed_severity": outcome.failed_severity,
                "result_format": args.result_format,
                "data_docs": str(outcome.data_docs_index),
                "expectations": expectations,
            }
        )
    else:
        _print_text(expectations)
        print(f"Data Docs: {outcome.data_docs_index}")
    return EXIT_FAILED if outcome.failed_severity == "critical" else EXIT_OK


def _suite_path(suite: str) -> Path:
    from ..shipped import shipped_file

    path = Path(suite)
    if path.is_file():
        return path
    if path.suffix == ".json" or len(path.parts) > 1:
        raise DataFileError(f"no suite file at {suite}; check the path, or name a shipped suite")
    return shipped_file("expectations", suite)


def _suite_values(
    args: argparse.Namespace, suite_path: Path
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The overrides and placeholder values the flags give this suite.

    ``--primary-key`` fills only a ``"${primary_key}"`` the suite leaves open; ``--labels``
    also replaces ``labels_path`` where an expectation names one (a label file is per run).
    """
    from ..checkpoints.suites import placeholders, read_suite
    from ..gx import SuiteError

    data = read_suite(suite_path)
    open_ = placeholders(data)
    overrides: dict[str, Any] = {}
    parameters: dict[str, Any] = {}
    if args.primary_key and "primary_key" in open_:
        parameters["primary_key"] = args.primary_key
    if args.labels:
        labels = Path(args.labels).resolve()
        if not labels.is_file():
            raise DataFileError(f"no label file at {args.labels}; check the path")
        overrides["labels_path"] = parameters["labels_path"] = str(labels)
    defaults = data.get("suite_parameters") or {}
    missing = sorted(open_ - set(parameters) - set(defaults))
    if missing:
        flags = [FLAGS[name] for name in missing if name in FLAGS]
        fix = (
            f"pass {' and '.join(flags)}"
            if len(flags) == len(missing)
            else 'give them defaults in the suite\'s "suite_parameters" (the command line '
            f"fills only {', '.join('${' + name + '}' for name in FLAGS)})"
        )
        raise SuiteError(
            f"suite {suite_path} leaves {', '.join('${' + n + '}' for n in missing)} open with "
            f"no default; {fix}"
        )
    return overrides, parameters


def _check_own_key(suite: Any, primary_key: str, suite_path: Path) -> None:
    """``--primary-key`` given for a suite that names its key itself: only the same key is
    consistent; anything else would be silently ignored."""
    from ..gx import SuiteError

    own = sorted(
        {
            str(e.configuration.kwargs["primary_key"])
            for e in suite.expectations
            if e.configuration.kwargs.get("primary_key") is not None
        }
    )
    if own == [primary_key]:
        return
    named = f"names its own key ({', '.join(own)})" if own else "has no primary key to set"
    raise SuiteError(
        f"suite {suite_path} {named}, so --primary-key {primary_key} would not apply: it fills "
        f'only a key the suite leaves open ("${{primary_key}}"); drop --primary-key, or write '
        f'"${{primary_key}}" in the suite where the key goes'
    )


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _check_table_file(path: str) -> None:
    """A data file that exists, is readable and has rows: GX would otherwise raise a pandas
    traceback (no columns) or validate nothing and pass (no rows)."""
    suffix = table_format(path)
    source = Path(path)
    if not source.is_file():
        raise DataFileError(f"no file at {path}; check the path")
    if source.stat().st_size == 0:
        raise DataFileError(f"{path} is empty (no header, no rows); validate a table with rows")
    if _row_count(source, suffix) == 0:
        raise DataFileError(f"{path} has columns but no rows; validate a table with rows")


def _row_count(source: Path, suffix: str) -> int:
    """0 if the table has no rows, else a positive number (at most 1 for CSV/TSV)."""
    import pandas as pd
    import pyarrow.parquet as pq

    try:
        if suffix == ".parquet":
            return int(pq.read_metadata(source).num_rows)
        sep = "\t" if suffix == ".tsv" else ","
        return len(pd.read_csv(source, sep=sep, nrows=1, dtype=str, encoding="utf-8"))
    except pd.errors.EmptyDataError:
        return 0
    except (ValueError, OSError, UnicodeDecodeError, pq.lib.ArrowException) as error:
        raise DataFileError(
            f"cannot read {source} as {suffix[1:]} ({error}); check that the file is a valid, "
            f"UTF-8 {suffix[1:]} file"
        ) from error


def _print_text(expectations: list[dict[str, Any]]) -> None:
    """A line per expectation (mark, type, kwargs), then what it saw or why it could not run,
    then its ``meta``; a count of passes, warnings and failures at the end."""
    for item in expectations:
        print(f"{MARKS[item['status']]}  {item['type']}  {_kwargs_text(item['kwargs'])}")
        if item["exception"]:
            print(f"      could not run: {item['exception']}")
        else:
            observed = _observed(item["result"])
            if observed is not None:
                print(f"      observed: {observed}")
        for key, value in item["meta"].items():
            print(f"      {key}: {value}")
    counts = {status: 0 for status in MARKS}
    for item in expectations:
        counts[item["status"]] += 1
    parts = [f"{counts['pass']} of {len(expectations)} expectations passed"]
    parts += [
        f"{counts[status]} {label}"
        for status, label in (
            ("critical", "failed"),
            ("warning", "failed as warnings"),
            ("info", "failed as info"),
        )
        if counts[status]
    ]
    print(f"\n{', '.join(parts)}")


def _kwargs_text(kwargs: Mapping[str, Any]) -> str:
    return " ".join(f"{key}={value}" for key, value in kwargs.items())


def _observed(result: Mapping[str, Any]) -> str | None:
    if result.get("observed_value") is not None:
        return str(result["observed_value"])
    if "unexpected_count" in result:
        return f"{result['unexpected_count']} unexpected of {result.get('element_count')} values"
    return None
