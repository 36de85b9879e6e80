"""Library messages in command-line words.

The library's messages name the Python API that fixes a problem (``Workflow.train``), since
most of their readers never see the command line. The command line catches every
``FindMatchesError`` and, before printing it, puts the command or flag that does the same in
place of each API name it knows, filled in with the transform the command was given.
"""

from __future__ import annotations

import argparse

#: API names as library messages write them (in backticks) → the command-line equivalent.
COMMANDS: dict[str, str] = {
    "Workflow.create_transform": (
        "`gx-findmatches transform create NAME --data PATH --primary-key COLUMN`"
    ),
    "Store.delete_transform": "`gx-findmatches transform delete {name}`",
    "Workflow.generate_labels": "`gx-findmatches labels generate {name} --out FILE`",
    "Workflow.import_labels": "`gx-findmatches labels import {name} FILE`",
    "Workflow.train": "`gx-findmatches train {name}`",
    "Workflow.update_transform": "`gx-findmatches transform update {name}`",
    "Store.runs": "`gx-findmatches runs`",
    "DataSource(location, table)": "--table for --data, --out-table for --out",
    "DataSource.write(frame, replace=True)": "--replace-output",
    "Store(url)": "--store URL",
}


def for_command_line(message: str, args: argparse.Namespace) -> str:
    """``message`` with each API name it uses replaced by its command or flag."""
    name = getattr(args, "name", None) or getattr(args, "transform", None) or "NAME"
    for api, command in COMMANDS.items():
        message = message.replace(f"`{api}`", command.format(name=name))
    return message
