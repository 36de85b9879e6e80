"""Pieces every command shares: sub-command creation, store options, output helpers."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
STORE_VARIABLE = "GX_FINDMATCHES_STORE"


def command(commands: Any, name: str, summary: str, example: str) -> argparse.ArgumentParser:
    """A sub-command whose ``--help`` ends with an example."""
    return commands.add_parser(
        name,
        help=summary,
        description=f"{summary[0].upper()}{summary[1:]}.",
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def store_argument(parser: argparse.ArgumentParser) -> None:
    """``--store URL``: any SQLAlchemy URL; default from the environment, else SQLite."""
    parser.add_argument(
        "--store",
        default=os.environ.get(STORE_VARIABLE),
        help=f"store URL (default: ${STORE_VARIABLE}, else sqlite:///findmatches.db)",
    )


def print_json(value: Any) -> None:
    """One JSON object on one line, for scripts."""
    print(json.dumps(value, default=str))
