"""The ``gx-findmatches`` command line: a thin shell over the public API.

Exit codes: 0 success, 1 a check failed, 2 bad input or parameters (any
``FindMatchesError``; the message names the problem and the fix, and no output is written).
Progress goes to stderr, results to stdout, so ``--json`` output can be piped.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from ..errors import FindMatchesError
from . import engine_commands, validate_command, workflow_commands
from .common import EXIT_BAD_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = parser().parse_args(argv)
    _configure_logging(quiet=getattr(args, "json", False) or getattr(args, "quiet", False))
    try:
        return int(args.run(args))
    except FindMatchesError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


def parser() -> argparse.ArgumentParser:
    """The full argument parser."""
    root = argparse.ArgumentParser(
        prog="gx-findmatches",
        description="Find fuzzy duplicates the way AWS Glue FindMatches does, locally.",
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
