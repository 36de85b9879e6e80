"""``match``, ``evaluate`` and ``demo``: one-shot runs on a file, runs of a stored transform
(``--transform NAME``), or matching with a model file (``match --model FILE``); which flags
apply to which is decided in :mod:`.match_modes`."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine.settings import MatchSettings
from ..errors import DataFileError, ParameterError
from ..io import check_table_output, read_table, table_format
from ..outputs import check_output_file, check_output_folder
from ..sources import DataSource, is_database_url

if TYPE_CHECKING:  # the engine imports scikit-learn (seconds): loaded by the commands that run it
    from ..engine.evaluation import QualityReport
    from ..engine.results import MatchResult
    from ..engine.transform import FindMatches

from .common import (
    EXIT_OK,
    command,
    given_settings,
    print_json,
    settings_arguments,
    settings_from_args,
    shown_location,
    store_argument,
)
from .match_modes import evaluate_mode, match_mode
from .spark_match import engine_arguments


def register(commands: Any) -> None:
    """Add the commands to the top-level parser."""
    match = command(
        commands,
        "match",
        "find match groups in a table",
        "gx-findmatches match --data customers.csv --primary-key id --out matched.parquet\n"
        "  gx-findmatches match --transform customers --out sqlite:///out.db --out-table m\n"
        "  gx-findmatches match --transform customers --data new_customers.csv --out m.csv\n"
        "  gx-findmatches match --model customers.json --data new_customers.csv --out m.csv",
    )
    _data_arguments(
        match,
        data_help="the table to match (.csv/.tsv/.parquet or a database URL); with --transform: "
        "another table with the columns the transform was trained on (default: its own data)",
    )
    match.add_argument("--table", help="table name when --data is a database URL")
    match.add_argument(
        "--model",
        help="a model file (from --save-model or `transform export-model`) to match --data "
        "with: no store, no fitting; only the match-time parameter flags apply",
    )
    match.add_argument(
        "--labels",
        help="Glue-format label file to fit with (one-shot runs); without it: unsupervised",
    )
    match.add_argument("--out", help="output: .csv/.tsv/.parquet path or a database URL")
    match.add_argument("--out-table", help="output table when --out is a database URL")
    match.add_argument("--replace-output", action="store_true", help="replace an output table")
    match.add_argument(
        "--save-model", help="also write the fitted transform as JSON (one-shot runs)"
    )
    engine_arguments(match, "--out is then a Parquet folder; fitting stays on this machine")
    match.add_argument("--json", action="store_true", help="print the summary as JSON")
    match.set_defaults(run=_run_match)

    evaluate = command(
        commands,
        "evaluate",
        "estimate match quality from labels (cross-validated by labeling set)",
        "gx-findmatches evaluate --data customers.csv --primary-key id --labels labels.csv "
        "--json\n  gx-findmatches evaluate --transform customers",
    )
    # cross-validation never enforces the labels it holds out, so that flag has no meaning here
    _data_arguments(evaluate, omit=("enforce_provided_labels",))
    evaluate.add_argument("--labels", help="Glue-format label file (one-shot runs)")
    evaluate.add_argument("--folds", type=int, default=5, help="cross-validation folds")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.set_defaults(run=_run_evaluate)

    demo = command(
        commands,
        "demo",
        "run the engine end to end on bundled FEBRL data",
        "gx-findmatches demo --out demo-output",
    )
    demo.add_argument("--out", default="demo-output", help="folder for the demo's files")
    demo.add_argument("--json", action="store_true", help="print the results as JSON")
    demo.set_defaults(run=_run_demo)


def _data_arguments(
    parser: argparse.ArgumentParser,
    omit: tuple[str, ...] = (),
    data_help: str = "input table (.csv, .tsv or .parquet)",
) -> None:
    parser.add_argument(
        "--transform",
        help="name of a stored transform: run with its own parameters and labels (the "
        "parameter flags then do not apply: change them with `transform update`)",
    )
    store_argument(parser)
    parser.add_argument("--data", help=data_help)
    settings_arguments(parser, key_required=False, omit=omit)
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def _transform(args: argparse.Namespace) -> FindMatches:
    from ..engine.transform import FindMatches

    """The one-shot transform the flags describe (checked before any file is read)."""
    return FindMatches.from_settings(MatchSettings(**settings_from_args(args)))


def _output(args: argparse.Namespace) -> DataSource | None:
    if not args.out:
        return None
    if is_database_url(args.out):
        return DataSource(args.out, args.out_table)
    table_format(args.out)  # refuse an unknown output format before any work
    return DataSource(args.out)


def _check_output_paths(args: argparse.Namespace, stored_data: str | None = None) -> None:
    """Refuse, before any work, outputs that would destroy the input or each other, or that
    cannot be written: a folder that is a file or cannot be written, a model file in a
    missing folder, a path that is a folder (see :func:`..outputs.check_output_file`).

    ``stored_data`` is the data location of a stored transform (``--transform``), which an
    output must not overwrite either.
    """
    data = ("--data", args.data) if args.data else ("the transform's --data", stored_data)
    files = {
        name: Path(value).resolve()
        for name, value in (
            data,
            ("--out", args.out),
            ("--save-model", getattr(args, "save_model", None)),
        )
        if value and not is_database_url(value)
    }
    seen: dict[Path, str] = {}
    for name, path in files.items():  # resolved: a symlink to the data is the data
        if path in seen:
            raise DataFileError(
                f"{name} and {seen[path]} name the same file ({path}); writing one would "
                f"overwrite the other: choose another path for {name}"
            )
        seen[path] = name
    model = files.get("--save-model")
    if model is not None and not model.parent.is_dir():
        raise DataFileError(
            f"--save-model {args.save_model}: folder {model.parent} does not exist; create it "
            f"or choose another path"
        )
    if "--out" in files:
        check_table_output(args.out, "--out")
    if model is not None:
        check_output_file(args.save_model, "--save-model")


def _run_match(args: argparse.Namespace) -> int:
    mode = match_mode(args)
    if args.engine == "spark":
        from .spark_match import run_spark_match

        return run_spark_match(args, mode)
    if args.master:
        raise ParameterError("--master applies only with --engine spark; add --engine spark")
    output = _output(args)
    started = time.perf_counter()
    data = DataSource(args.data, args.table) if args.data else None
    if mode == "stored":
        from .common import workflow

        flow = workflow(args)
        stored = DataSource.from_reference(flow.store.get_transform(args.transform).data_source)
        _check_output_paths(args, stored_data=None if data else stored.location)
        result = flow.match(args.transform, output, args.replace_output, data=data)
    elif mode == "model":
        assert data is not None  # match_mode requires --data with --model
        from ..engine.transform import FindMatches
        from ..engine.validation import check_trained_columns

        model = FindMatches.load(args.model).set_params(**given_settings(args))
        model.get_settings()  # the overrides are checked before any data is read
        _check_output_paths(args)
        frame = data.read()
        check_trained_columns(
            frame, model.trained_columns_, f"the model {args.model}", data.describe()
        )
        result = model.match(frame)
        if output is not None:
            output.write(result.frame, replace=args.replace_output)
    else:
        assert data is not None  # match_mode requires --data one-shot
        transform = _transform(args)
        _check_output_paths(args)
        frame = data.read()
        labels = read_table(args.labels) if args.labels else None
        result = transform.fit(frame, labels).match(frame)
        if output is not None:
            output.write(result.frame, replace=args.replace_output)
        if args.save_model:
            transform.save(args.save_model)
    _print_match(result, time.perf_counter() - started, args)
    return EXIT_OK


def _print_match(result: MatchResult, seconds: float, args: argparse.Namespace) -> None:
    output = shown_location(args.out)  # never a database password, in JSON or text
    summary = {**result.summary.to_dict(), "wall_seconds": round(seconds, 3), "output": output}
    if args.json:
        print_json(summary)
        return
    s = result.summary
    print(f"rows:                 {s.rows:,}")
    print(f"model:                {s.model}")
    print(f"candidate pairs:      {s.candidate_pairs:,}")
    print(
        f"match groups:         {s.match_groups:,} "
        f"({s.groups_with_duplicates:,} with duplicates, "
        f"{s.records_in_duplicate_groups:,} records in them, largest {s.largest_group})"
    )
    if s.collapsed_records:
        print(f"identical records:    {s.collapsed_records:,} matched through a representative")
    for note in s.notes:
        print(f"model note:           {note}")
    print(f"time:                 {seconds:.2f} s")
    print(f"output:               {output or '(not written)'}")


def _run_evaluate(args: argparse.Namespace) -> int:
    if evaluate_mode(args) == "stored":
        from .common import workflow

        report = workflow(args).evaluate(args.transform, n_splits=args.folds)
    else:
        transform = _transform(args)
        frame = read_table(args.data)
        labels = read_table(args.labels)
        report = transform.evaluate(frame, labels, n_splits=args.folds)
    print_report(report, args.json)
    return EXIT_OK


def print_report(report: QualityReport, as_json: bool) -> None:
    """A quality estimate as text or one JSON object."""
    data = report.to_dict()
    if as_json:
        print_json(data)
        return
    for key in (
        "area_under_pr_curve",
        "precision",
        "recall",
        "f1",
        "max_f1",
        "blocking_recall",
        "end_to_end_recall",
    ):
        print(f"{key:<22}{data[key]:.4f}")
    groups = data["end_to_end"]
    if groups["f1"] is None:
        print(f"{'final groups':<22}{groups['status']}")
    else:
        print(
            f"{'final groups':<22}precision {groups['precision']:.4f}  recall "
            f"{groups['recall']:.4f}  F1 {groups['f1']:.4f} "
            f"[{groups['f1_low']:.4f}, {groups['f1_high']:.4f}] (whole table, estimated)"
        )
    print(f"{'confusion_matrix':<22}{data['confusion_matrix']}")
    print("column_importances")
    for column, share in data["column_importances"].items():
        print(f"  {column:<20}{share:.3f}")
    print(
        f"({data['labelled_pairs']} labelled pairs in {data['labeling_sets']} sets, "
        f"{data['folds']}-fold cross-validation by labeling set)"
    )


def _run_demo(args: argparse.Namespace) -> int:
    from ..demo import run_demo

    check_output_folder(args.out, "--out")  # before the run, with the option's name
    report = run_demo(Path(args.out))
    if args.json:
        print_json(report)
    else:
        print(report["text"])
    return EXIT_OK
