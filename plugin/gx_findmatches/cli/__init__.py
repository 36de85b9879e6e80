"""The ``gx-findmatches`` command line: a thin shell over the public API.

Exit codes: 0 success, 1 a check failed, 2 bad input or parameters (any
``FindMatchesError``; the message names the problem and the fix, in command-line words (see
:mod:`.hints`), and no output is written).
Progress goes to stderr, results to stdout, so ``--json`` output can be piped.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Sequence

from tqdm.contrib.logging import logging_redirect_tqdm

from ..engine.progress import show_progress
from ..errors import FindMatchesError
from . import engine_commands, validate_command, workflow_commands
from .common import EXIT_BAD_INPUT
from .hints import for_command_line


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = parser().parse_args(argv)
    quiet = getattr(args, "json", False) or getattr(args, "quiet", False)
    _configure_logging(quiet=quiet)
    bars = _wants_progress(args.progress, quiet)
    try:
        # log lines go above the bars instead of through them
        redirect = logging_redirect_tqdm([logging.getLogger("gx_findmatches")])
        with show_progress(bars), redirect if bars else contextlib.nullcontext():
            return int(args.run(args))
    except FindMatchesError as error:
        print(f"error: {for_command_line(str(error), args)}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _wants_progress(choice: str, quiet: bool) -> bool:
    """Bars on a terminal by default; never under ``--json``/``--quiet``, whatever is asked."""
    if quiet or choice == "never":
        return False
    return choice == "always" or sys.stderr.isatty()


def parser() -> argparse.ArgumentParser:
    """The full argument parser."""
    root = argparse.ArgumentParser(
        prog="gx-findmatches",
        description="Find fuzzy duplicates the way AWS Glue FindMatches does, locally.",
    )
    root.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="progress bars on stderr for long steps: auto = when stderr is a terminal "
        "(never under --json or --quiet)",
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    engine_commands.register(commands)
    workflow_commands.register(commands)
    validate_command.register(commands)
    return root


def _configure_logging(quiet: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("  %(message)s"))
    package_logger = logging.getLogger("gx_findmatches")
    package_logger.handlers[:] = [handler]
    package_logger.setLevel(logging.WARNING if quiet else logging.INFO)
    package_logger.propagate = False


__all__ = ["main", "parser"]
