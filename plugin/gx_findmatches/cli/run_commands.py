"""``runs``: the task-run history (Glue's GetMLTaskRuns), one run (GetMLTaskRun), and
cancelling one (CancelMLTaskRun).

``runs [NAME]`` lists as it always did; ``runs show RUN_ID`` and ``runs cancel RUN_ID`` act on
one run, named by its id or the first 8 or more characters of it (as ``runs`` prints them). A
transform called ``show`` or ``cancel`` is listed with ``runs list NAME``.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from ..errors import ParameterError
from .common import EXIT_OK, command, print_json, printable, store_argument

_USAGE = """gx-findmatches runs [NAME] [--limit N]
       gx-findmatches runs list [NAME] [--limit N]
       gx-findmatches runs show RUN_ID
       gx-findmatches runs cancel RUN_ID"""
_ACTIONS = {"list": (0, 1), "show": (1, 1), "cancel": (1, 1)}


def register(commands: Any) -> None:
    """Add ``runs`` to the top-level parser."""
    runs = command(
        commands,
        "runs",
        "list task runs (newest first), show one, or cancel a running one",
        "gx-findmatches runs customers\n  gx-findmatches runs show 3f2a9c1e\n"
        "  gx-findmatches runs cancel 3f2a9c1e",
    )
    runs.usage = _USAGE
    runs.add_argument(
        "words",
        nargs="*",
        metavar="[NAME] | list [NAME] | show RUN_ID | cancel RUN_ID",
        help="a transform whose runs to list (default: all), or `show`/`cancel` and a run id "
        "(the whole id, or its first 8 or more characters); a cancelled run stops at its next "
        "step and is CANCELLED",
    )
    store_argument(runs)
    runs.add_argument("--limit", type=int, help="list at most N runs (default 20)")
    runs.add_argument("--json", action="store_true", help="print JSON")
    runs.set_defaults(run=_runs)


def _runs(args: argparse.Namespace) -> int:
    words = list(args.words)
    action = words.pop(0) if words and words[0] in _ACTIONS else "list"
    low, high = _ACTIONS[action]
    if not low <= len(words) <= high:
        raise ParameterError(
            f"`runs {' '.join(args.words)}` is not a runs command; use one of: "
            + "; ".join(line.split("gx-findmatches ")[1] for line in _USAGE.splitlines())
        )
    if action != "list" and args.limit is not None:
        raise ParameterError(f"--limit does not apply to `runs {action}`: it shows one run")
    from ..store import StoreNotFoundError
    from .common import store as open_store

    if action == "list":
        try:
            store = open_store(args)
        except StoreNotFoundError:
            if words:
                raise
            return _list(None, None, args)  # no store yet: no runs, and none is created
        return _list(store, words[0] if words else None, args)
    store = open_store(args)
    run = store.get_run(words[0]) if action == "show" else store.cancel_run(words[0])
    if args.json:
        print_json(asdict(run))
    elif action == "show":
        _print_run(run)
    else:
        print(
            f"task run {run.id} ({run.type} of {run.transform!r}) is {run.status}: it stops at "
            f"its next step and becomes CANCELLED (see `gx-findmatches runs show {run.id[:8]}`)"
        )
    return EXIT_OK


def _list(store: Any | None, name: str | None, args: argparse.Namespace) -> int:
    limit = 20 if args.limit is None else args.limit
    runs = [] if store is None else [asdict(r) for r in store.runs(name, limit=limit)]
    if args.json:
        print_json(runs)
        return EXIT_OK
    for run in runs:
        counts = " ".join(f"{k}={v}" for k, v in (run["row_counts"] or {}).items())
        columns = [
            run["id"][:8],
            f"{run['started_at']:%Y-%m-%d %H:%M:%S}",
            f"{printable(run['transform']):<16}",
            f"{run['type']:<24}",
            f"{run['status']:<10}",
            counts,
            printable(run["error_message"] or ""),
        ]
        print("  ".join(columns).rstrip())
    return EXIT_OK


def _print_run(run: Any) -> None:
    ended = run.ended_at
    took = f" ({(ended - run.started_at).total_seconds():.1f} s)" if ended else ""
    for label, value in (
        ("id", run.id),
        ("transform", run.transform),
        ("type", run.type),
        ("status", run.status),
        ("started", run.started_at),
        ("ended", f"{ended}{took}" if ended else "(still running)"),
        ("parameters", run.parameters),
        ("row counts", run.row_counts or ""),
        ("error", run.error_message or ""),
    ):
        print(f"{label:<12}{value}")
