"""The Glue workflow commands over a store: ``transform``, ``labels``, ``train``,
``match-incremental`` and ``explain`` (``match``/``evaluate`` take ``--transform``; ``runs``
is in :mod:`.run_commands`)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from ..engine.settings import TRANSFORM_PARAMETERS
from ..errors import ParameterError
from ..io import check_table_output, write_table
from ..outputs import check_output_file
from ..sources import DataSource
from . import incremental_command
from .common import (
    EXIT_OK,
    command,
    given_settings,
    print_json,
    printable,
    settings_arguments,
    settings_from_args,
    shown_location,
    store,
    store_argument,
    workflow,
)


def register(commands: Any) -> None:
    """Add the commands to the top-level parser."""
    transform = command(
        commands,
        "transform",
        "create, update, list, show or delete stored transforms, or export a model",
        "gx-findmatches transform create customers --data customers.csv --primary-key id",
    )
    actions = transform.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = command(
        actions,
        "create",
        "create a transform on a data source",
        "gx-findmatches transform create people --data people.csv --primary-key person_id "
        "--precision-recall-tradeoff 0.9",
    )
    _name(create)
    create.add_argument("--data", required=True, help="a .csv/.tsv/.parquet path or a DB URL")
    create.add_argument("--table", help="table name when --data is a database URL")
    settings_arguments(create, key_required=True)
    create.set_defaults(run=_create)
    update = command(
        actions,
        "update",
        "change a transform's parameters (a changed training parameter needs `train` again)",
        "gx-findmatches transform update people --precision-recall-tradeoff 0.9",
    )
    _name(update)
    settings_arguments(update, key_required=False, update=True)
    update.set_defaults(run=_update)
    export = command(
        actions,
        "export-model",
        "write a transform's trained model to a JSON file (for `match --model`)",
        "gx-findmatches transform export-model people --out people-model.json",
    )
    _name(export)
    export.add_argument("--out", required=True, help="the model file to write (.json)")
    export.set_defaults(run=_export_model)
    for action, summary, handler in (
        ("list", "list transforms", _list),
        ("show", "show one transform with its labels, models and last runs", _show),
        ("delete", "delete a transform and everything stored for it", _delete),
    ):
        sub = command(
            actions,
            action,
            summary,
            f"gx-findmatches transform {action}" + ("" if action == "list" else " customers"),
        )
        if action != "list":
            _name(sub)
        else:
            store_argument(sub)
            sub.add_argument("--json", action="store_true", help="print JSON")
        sub.set_defaults(run=handler)

    labels = command(
        commands,
        "labels",
        "generate, import or export Glue-format labels",
        "gx-findmatches labels generate customers --out round1.csv",
    )
    label_actions = labels.add_subparsers(dest="action", required=True, metavar="ACTION")
    generate = command(
        label_actions,
        "generate",
        "write a labeling file of records worth labelling",
        "gx-findmatches labels generate customers --out round1.csv --sets 10 --set-size 10",
    )
    _name(generate)
    generate.add_argument("--out", required=True, help="labeling file (.csv/.tsv/.parquet)")
    generate.add_argument("--sets", type=int, default=10, help="number of labeling sets")
    generate.add_argument("--set-size", type=int, default=10, help="records per set (<= 50)")
    generate.add_argument("--strategy", choices=["active", "random"], default="active")
    generate.set_defaults(run=_generate)
    imported = command(
        label_actions,
        "import",
        "import a labelled file (merges unless --replace)",
        "gx-findmatches labels import customers round1.csv",
    )
    _name(imported)
    imported.add_argument("path", help="labelled file (.csv/.tsv/.parquet)")
    imported.add_argument("--replace", action="store_true", help="forget earlier labels")
    imported.set_defaults(run=_import)
    exported = command(
        label_actions,
        "export",
        "export all labels in the Glue format",
        "gx-findmatches labels export customers --out all_labels.csv",
    )
    _name(exported)
    exported.add_argument("--out", required=True, help="output file (.csv/.tsv/.parquet)")
    exported.set_defaults(run=_export)

    train = command(
        commands, "train", "train a transform from all its labels", "gx-findmatches train customers"
    )
    _name(train)
    train.set_defaults(run=_train)

    incremental = command(
        commands,
        "match-incremental",
        "match new records against an already matched table",
        "gx-findmatches match-incremental customers --existing matched.csv --new new.csv "
        "--out matched2.csv\n  gx-findmatches match-incremental --model model.json --existing "
        "matched/ --new new.csv --out matched2/ --engine spark",
    )
    _name(incremental, required=False)
    incremental_command.arguments(incremental)

    explain = command(
        commands,
        "explain",
        "explain why two records match or not, column by column",
        "gx-findmatches explain customers --pair rec-1-org rec-1-dup-0",
    )
    _name(explain)
    asked = explain.add_mutually_exclusive_group(required=True)
    asked.add_argument(
        "--pair",
        nargs=2,
        action="append",
        metavar=("LEFT_KEY", "RIGHT_KEY"),
        help="primary keys of two records (repeatable)",
    )
    asked.add_argument("--group", help="a match_id: explain every pair inside its group")
    explain.set_defaults(run=_explain)


def _name(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument("name", nargs=None if required else "?", help="transform name")
    store_argument(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def _create(args: argparse.Namespace) -> int:
    record = workflow(args, create=True).create_transform(
        args.name, DataSource(args.data, args.table), **settings_from_args(args)
    )
    _emit(_shown(asdict(record)), args, f"created transform {record.name!r} ({record.status})")
    return EXIT_OK


def _update(args: argparse.Namespace) -> int:
    changes = given_settings(args)
    if not changes:
        flags = ", ".join(p.flag for p in TRANSFORM_PARAMETERS)
        raise ParameterError(f"give at least one parameter to change: {flags}")
    update = workflow(args).update_transform(args.name, **changes)
    data = {
        "transform": asdict(update.transform),
        "changed": {k: list(v) for k, v in update.changed.items()},
        "model_version": update.model_version,
        "needs_training": update.needs_training,
    }
    if args.json:
        print_json(data)
        return EXIT_OK
    if not update.changed:
        print(f"transform {args.name!r} unchanged: it already has these values")
    else:
        changed = "; ".join(f"{k} {old!r} -> {new!r}" for k, (old, new) in update.changed.items())
        print(f"updated transform {args.name!r}: {changed}")
    if update.needs_training and update.model_version is not None:
        print(
            f"NOT_READY: model version {update.model_version} was trained with other training "
            f"parameters; train it again: gx-findmatches train {args.name}"
        )
    elif update.needs_training:
        print(f"NOT_READY: train it: gx-findmatches train {args.name}")
    else:
        print(f"READY: model version {update.model_version} matches with these values")
    return EXIT_OK


def _export_model(args: argparse.Namespace) -> int:
    check_output_file(args.out, "--out")  # before the work
    version, path = workflow(args).export_model(args.name, args.out)
    _emit(
        {"model_version": version, "out": str(path)},
        args,
        f"wrote model version {version} of {args.name!r} to {path}; match with it: "
        f"gx-findmatches match --model {path} --data PATH",
    )
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from ..store import StoreNotFoundError

    try:
        records = [_shown(asdict(r)) for r in store(args).list_transforms()]
    except StoreNotFoundError:  # no store yet: no transforms, and no store is created
        records = []
    if args.json:
        print_json(records)
        return EXIT_OK
    for record in records:
        source = DataSource.from_reference(record["data_source"]).describe()
        print(f"{printable(record['name']):<24}  {record['status']:<10}  {source}")
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    opened = store(args)
    transform = _shown(asdict(opened.get_transform(args.name)))
    labelled = len(opened.labelled_keys(args.name))
    model_version = (opened.latest_model(args.name) or (None,))[0]
    evaluations = [asdict(e) for e in opened.evaluations(args.name)]
    if args.json:
        runs = [asdict(r) for r in opened.runs(args.name, limit=5)]
        print_json(
            {
                "transform": transform,
                "labelled_records": labelled,
                "model_version": model_version,
                "evaluations": evaluations,
                "runs": runs,
            }
        )
        return EXIT_OK
    for key, value in transform.items():
        if key == "data_source":
            value = DataSource.from_reference(value).describe()
        print(f"{key:<26}{printable(str(value))}")
    print(f"{'labelled records':<26}{labelled}")
    print(f"{'model version':<26}{model_version}")
    _print_quality_history(evaluations)
    return EXIT_OK


def _print_quality_history(evaluations: list[dict[str, Any]]) -> None:
    """Each evaluation's estimated F1 of the final groups (with its interval), then Glue's
    pairwise AUPRC and F1, and the change from the one before (did the last labels help?).
    The groups lead: pairwise figures are read on the doubtful pairs active learning picks,
    and can fall while the groups improve."""
    previous: dict[str, Any] | None = None
    print("quality history (did the last labels help?):")
    for evaluation in evaluations:
        metrics: dict[str, Any] = evaluation["metrics"]
        change = ""
        if previous is not None:
            gain = metrics["area_under_pr_curve"] - previous["area_under_pr_curve"]
            now, before = _group_f1(metrics), _group_f1(previous)
            group_gain = "" if now is None or before is None else f"groups F1 {now - before:+.4f}, "
            change = f"  ({group_gain}AUPRC {gain:+.4f}, F1 {metrics['f1'] - previous['f1']:+.4f})"
        print(
            f"  {evaluation['created_at']!s:<28}labelled records {evaluation['label_count']:<6}"
            f"{_groups_text(metrics)}  AUPRC {metrics['area_under_pr_curve']:.4f}  "
            f"F1 {metrics['f1']:.4f}{change}"
        )
        previous = metrics


def _group_f1(metrics: dict[str, Any]) -> float | None:
    """The stored groups' F1; None with too few labels, or when stored before it existed."""
    value = metrics.get("group_f1")
    return None if value is None else float(value)


def _groups_text(metrics: dict[str, Any]) -> str:
    """``groups F1 0.9312 [0.9011, 0.9588]``, or why there is no group estimate."""
    value = _group_f1(metrics)
    if value is None:
        status = (metrics.get("end_to_end") or {}).get("status", "not estimated")
        return f"groups F1 n/a ({status})"
    return f"groups F1 {value:.4f} [{metrics['group_f1_low']:.4f}, {metrics['group_f1_high']:.4f}]"


def _delete(args: argparse.Namespace) -> int:
    store(args).delete_transform(args.name)
    _emit({"deleted": args.name}, args, f"deleted transform {args.name!r}")
    return EXIT_OK


def _generate(args: argparse.Namespace) -> int:
    check_table_output(args.out, "--out")  # before the work
    sheet = workflow(args).generate_labels(args.name, args.sets, args.set_size, args.strategy)
    write_table(sheet, args.out)
    _emit(
        {"records": len(sheet), "sets": int(sheet["labeling_set_id"].nunique()), "out": args.out},
        args,
        f"wrote {sheet['labeling_set_id'].nunique()} labeling sets ({len(sheet)} records) "
        f"to {args.out}: fill in 'label' (same label = same entity, within a set)",
    )
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    count = workflow(args).import_labels(args.name, args.path, replace=args.replace)
    _emit({"imported": count}, args, f"imported {count} label rows")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    check_table_output(args.out, "--out")
    labels = workflow(args).export_labels(args.name)
    write_table(labels, args.out)
    _emit(
        {"exported": len(labels), "out": args.out},
        args,
        f"exported {len(labels)} label rows to {args.out}",
    )
    return EXIT_OK


def _train(args: argparse.Namespace) -> int:
    outcome = workflow(args).train(args.name)
    _emit(
        asdict(outcome),
        args,
        f"trained model version {outcome.version} ({outcome.model}, "
        f"{outcome.labelled_records} labelled records); READY",
    )
    return EXIT_OK


def _explain(args: argparse.Namespace) -> int:
    flow = workflow(args)
    fitted = flow.trained(args.name)
    data = flow.data(args.name)
    if args.group is not None:
        from ..engine.explain import explain_group

        matched = fitted.transform(data)
        explained = explain_group(fitted.matcher, matched, _as_key(args.group, matched["match_id"]))
    else:
        explained = fitted.explain(data, [tuple(p) for p in args.pair])
    if args.json:
        print_json(explained.to_dict(orient="records"))
        return EXIT_OK
    for (left, right), rows in explained.groupby(["left_key", "right_key"], sort=False):
        print(f"{left} ~ {right}: match probability {rows['probability'].iloc[0]:.4f}")
        print(
            rows[["column", "left_value", "right_value", "similarity", "contribution"]].to_string(
                index=False
            )
        )
    return EXIT_OK


def _as_key(text: str, ids: Any) -> Any:
    """A match_id typed on the command line, as the type the table uses."""
    for value in ids:
        if str(value) == text:
            return value
    return text


def _shown(record: dict[str, Any]) -> dict[str, Any]:
    """A transform record for printing: no password of its data source's URL."""
    source = DataSource.from_reference(record["data_source"])
    shown = {"location": shown_location(source.location), "table": source.table}
    return {**record, "data_source": json.dumps(shown)}


def _emit(data: dict[str, Any], args: argparse.Namespace, text: str) -> None:
    if args.json:
        print_json(data)
    else:
        print(text)
