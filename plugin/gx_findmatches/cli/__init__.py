"""The ``gx-findmatches`` command line: a thin shell over the public API.

Exit codes: 0 success, 1 a check failed, 2 an expected failure: bad input or parameters, an
unreachable or read-only database, a full disk... (one line ``error: <what>; <fix>``, see
``failures``, in command-line words, see ``hints``; no output is written), 130 Ctrl-C, 143
SIGTERM. Progress goes to stderr, results to stdout, so ``--json`` output can be piped.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Sequence

from tqdm.contrib.logging import logging_redirect_tqdm

from ..engine.progress import show_progress
from . import engine_commands, run_commands, validate_command, workflow_commands
from .common import EXIT_BAD_INPUT
from .failures import Stopped, describe, hide_passwords, stopped_message, stopping_on_signals
from .hints import for_command_line

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for `cat big | head`


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = parser().parse_args(argv)
    quiet = getattr(args, "json", False) or getattr(args, "quiet", False)
    _configure_logging(quiet=quiet)
    bars = _wants_progress(args.progress, quiet)
    try:
        # log lines go above the bars instead of through them
        redirect = logging_redirect_tqdm([logging.getLogger("gx_findmatches")])
        with (
            stopping_on_signals(),
            show_progress(bars),
            redirect if bars else contextlib.nullcontext(),
        ):
            return int(args.run(args))
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as cat does
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except (KeyboardInterrupt, Stopped) as stop:
        message, code = stopped_message(stop)
        print(message, file=sys.stderr)
        return code
    except Exception as error:
        described = describe(error)
        if described is None:
            raise  # a bug: keep the traceback so it can be reported
        print(f"error: {hide_passwords(for_command_line(described, args))}", file=sys.stderr)
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
    run_commands.register(commands)
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
