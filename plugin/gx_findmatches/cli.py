"""The ``gx-findmatches`` command line: a thin shell over the public API.

Exit codes: 0 success, 2 bad input or parameters (any ``FindMatchesError``; the message names
the problem and the fix, and no output file is written). Progress goes to stderr, results to
stdout, so ``--json`` output can be piped.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .engine.transform import FindMatches
from .errors import FindMatchesError
from .io import read_table, table_format, write_table

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    _configure_logging(quiet=getattr(args, "json", False) or getattr(args, "quiet", False))
    try:
        return int(args.run(args))
    except FindMatchesError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gx-findmatches",
        description="Find fuzzy duplicates the way AWS Glue FindMatches does, locally.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    match = _command(
        commands,
        "match",
        "find match groups in a table",
        "gx-findmatches match --data customers.csv --primary-key id --out matched.parquet",
    )
    _data_arguments(match)
    match.add_argument(
        "--labels",
        help="Glue-format label file (.csv/.tsv/.parquet); "
        "without it the model trains unsupervised",
    )
    match.add_argument(
        "--enforce-provided-labels",
        action="store_true",
        help="force the output to agree with the labels",
    )
    match.add_argument("--out", required=True, help="output table (.csv, .tsv or .parquet)")
    match.add_argument("--save-model", help="also write the fitted transform as JSON")
    match.add_argument("--json", action="store_true", help="print the summary as JSON")
    match.set_defaults(run=_run_match)

    evaluate = _command(
        commands,
        "evaluate",
        "estimate match quality from labels",
        "gx-findmatches evaluate --data customers.csv --primary-key id --labels labels.csv --json",
    )
    _data_arguments(evaluate)
    evaluate.add_argument("--labels", required=True, help="Glue-format label file")
    evaluate.add_argument("--folds", type=int, default=5, help="cross-validation folds")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.set_defaults(run=_run_evaluate)

    demo = _command(
        commands,
        "demo",
        "run the engine end to end on bundled FEBRL data",
        "gx-findmatches demo --out demo-output",
    )
    demo.add_argument("--out", default="demo-output", help="folder for the demo's files")
    demo.add_argument("--json", action="store_true", help="print the results as JSON")
    demo.set_defaults(run=_run_demo)
    return parser


def _command(commands: Any, name: str, summary: str, example: str) -> argparse.ArgumentParser:
    return commands.add_parser(
        name,
        help=summary,
        description=f"{summary[0].upper()}{summary[1:]}.",
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _data_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="input table (.csv, .tsv or .parquet)")
    parser.add_argument("--primary-key", required=True, help="column identifying each record")
    parser.add_argument("--columns", help="comma-separated columns to compare (default: all)")
    parser.add_argument("--partition-by", help="column no match group may cross")
    parser.add_argument(
        "--precision-recall-tradeoff",
        type=float,
        default=0.5,
        help="0..1; toward 1 fewer false matches (default 0.5)",
    )
    parser.add_argument(
        "--accuracy-cost-tradeoff",
        type=float,
        default=0.5,
        help="0..1; toward 1 a more thorough search (default 0.5)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def _transform(args: argparse.Namespace) -> FindMatches:
    columns = [c.strip() for c in args.columns.split(",")] if args.columns else None
    return FindMatches(
        primary_key=args.primary_key,
        columns=columns,
        precision_recall_tradeoff=args.precision_recall_tradeoff,
        accuracy_cost_tradeoff=args.accuracy_cost_tradeoff,
        enforce_provided_labels=getattr(args, "enforce_provided_labels", False),
        partition_by=args.partition_by,
    )


def _run_match(args: argparse.Namespace) -> int:
    table_format(args.out)  # refuse an unknown output format before any work
    started = time.perf_counter()
    frame = read_table(args.data)
    labels = read_table(args.labels) if args.labels else None
    transform = _transform(args).fit(frame, labels)
    result = transform.match(frame)
    write_table(result.frame, args.out)
    if args.save_model:
        transform.save(args.save_model)
    summary = {
        **result.summary.to_dict(),
        "wall_seconds": round(time.perf_counter() - started, 3),
        "output": str(args.out),
    }
    if args.json:
        print(json.dumps(summary))
    else:
        s = result.summary
        print(f"rows:                 {s.rows:,}")
        print(f"model:                {s.model}")
        print(f"candidate pairs:      {s.candidate_pairs:,}")
        print(
            f"match groups:         {s.match_groups:,} "
            f"({s.groups_with_duplicates:,} with duplicates, "
            f"{s.records_in_duplicate_groups:,} records in them, largest {s.largest_group})"
        )
        print(f"time:                 {summary['wall_seconds']:.2f} s")
        print(f"output:               {args.out}")
    return EXIT_OK


def _run_evaluate(args: argparse.Namespace) -> int:
    frame = read_table(args.data)
    labels = read_table(args.labels)
    report = _transform(args).evaluate(frame, labels, n_splits=args.folds).to_dict()
    if args.json:
        print(json.dumps(report))
        return EXIT_OK
    for key in (
        "area_under_pr_curve",
        "precision",
        "recall",
        "f1",
        "max_f1",
        "blocking_recall",
        "end_to_end_recall",
    ):
        print(f"{key:<22}{report[key]:.4f}")
    print(f"{'confusion_matrix':<22}{report['confusion_matrix']}")
    print("column_importances")
    for column, share in report["column_importances"].items():
        print(f"  {column:<20}{share:.3f}")
    print(
        f"({report['labelled_pairs']} labelled pairs in {report['labeling_sets']} sets, "
        f"{report['folds']}-fold cross-validation by labeling set)"
    )
    return EXIT_OK


def _run_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    report = run_demo(Path(args.out))
    if args.json:
        print(json.dumps(report))
    else:
        print(report["text"])
    return EXIT_OK


def _configure_logging(quiet: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("  %(message)s"))
    engine_logger = logging.getLogger("gx_findmatches")
    engine_logger.handlers[:] = [handler]
    engine_logger.setLevel(logging.WARNING if quiet else logging.INFO)
    engine_logger.propagate = False


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
