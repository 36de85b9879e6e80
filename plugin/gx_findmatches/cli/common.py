"""Pieces every command shares: sub-command creation, store and parameter options, output
helpers."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from typing import Any

from ..engine.settings import TRANSFORM_PARAMETERS, Parameter
from .failures import hide_passwords

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
STORE_VARIABLE = "GX_FINDMATCHES_STORE"
DEFAULT_STORE = "sqlite:///findmatches.db"
#: The namespace attribute listing the parameter flags given on the command line.
GIVEN = "given_settings"


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
        help=f"store URL (default: ${STORE_VARIABLE}, else {DEFAULT_STORE})",
    )


class _Given(argparse.Action):
    """Store a parameter flag's value and note that it was given: a mode a parameter does not
    apply to refuses it, which a default (given or not, the same value) could not tell.

    A flag without a value (``nargs=0``) is a switch: ``--x`` sets True, ``--no-x`` False.
    """

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        switch = not (option_string or "").startswith("--no-")
        setattr(namespace, self.dest, switch if self.nargs == 0 else values)
        setattr(namespace, GIVEN, (*getattr(namespace, GIVEN, ()), self.dest))


def settings_arguments(
    parser: argparse.ArgumentParser,
    *,
    key_required: bool,
    omit: tuple[str, ...] = (),
    update: bool = False,
) -> None:
    """One flag per transform parameter (``--primary-key``, ``--precision-recall-tradeoff``,
    ...), its help, bounds and default taken from the declarations in ``engine.settings``.

    With ``update``, the flags change a stored transform: none is required, a switch also has
    its ``--no-`` form, and an empty ``--columns`` or ``--partition-by`` sets it back to unset.
    """
    parser.set_defaults(**{GIVEN: ()})
    for declared in TRANSFORM_PARAMETERS:
        if declared.name in omit:
            continue
        text = declared.describe().replace("%", "%%")  # argparse formats help with %
        if declared.kind is bool:
            negated = "--no-" + declared.flag[2:]
            parser.add_argument(
                declared.flag,
                *([negated] if update else []),
                action=_Given,
                nargs=0,
                default=declared.default,
                help=text + (f" {negated} turns it off." if update else ""),
            )
        elif declared.kind is list:
            parser.add_argument(
                declared.flag,
                action=_Given,
                type=_names,
                metavar="NAME,NAME,...",
                help=f"{text[:-1]}; here, comma-separated names"
                + ("; an empty value compares every column again." if update else "."),
            )
        else:
            parser.add_argument(
                declared.flag,
                action=_Given,
                type=_optional_name
                if declared.kind is str and not declared.required
                else declared.kind,
                default=None if declared.required else declared.default,
                required=key_required and declared.required and not update,
                metavar=_metavar(declared),
                help=text
                + (" An empty value unsets it." if update and not declared.required else ""),
            )


def settings_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """The transform parameters given by :func:`settings_arguments`' flags, by name."""
    return {p.name: getattr(args, p.name) for p in TRANSFORM_PARAMETERS if hasattr(args, p.name)}


def given_settings(args: argparse.Namespace) -> dict[str, Any]:
    """Only the transform parameters whose flags were given, by name, in declaration order."""
    given = set(getattr(args, GIVEN, ()))
    return {p.name: getattr(args, p.name) for p in TRANSFORM_PARAMETERS if p.name in given}


def _optional_name(text: str) -> str | None:
    return text.strip() or None


def _metavar(declared: Parameter) -> str:
    low, high = declared.bounds or (None, None)
    if declared.kind is str:
        return "COLUMN"
    return f"{low:g}..{high:g}" if low is not None and high is not None else "N"


def _names(text: str) -> list[str] | None:
    names = [name.strip() for name in text.split(",") if name.strip()]
    return names or None


def print_json(value: Any) -> None:
    """One JSON object on one line, for scripts."""
    print(json.dumps(value, default=str))


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: control characters (newlines, the ESC of ANSI
    sequences) shown as escapes instead of acting on the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def shown_location(location: str | None) -> str | None:
    """A file path or database URL for printing: the URL's password hidden."""
    if location is None or "://" not in location:
        return location
    from sqlalchemy.engine import make_url

    try:
        return make_url(location).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy can parse: hide what looks like a password
        return hide_passwords(location)


def workflow(args: argparse.Namespace, create: bool = False) -> Any:
    """The workflow over the store the arguments name (imported late: it loads the engine).

    Only ``transform create`` creates a store; every other command refuses to conjure an empty
    one (a ``findmatches.db`` in whatever folder it ran in) and says there is none.
    """
    from ..workflow import Workflow

    return Workflow(store(args, create))


def store(args: argparse.Namespace, create: bool = False) -> Any:
    """The store the arguments name, alone: what read-only commands need (SQLAlchemy loads
    in a fraction of a second; the engine behind the workflow takes seconds)."""
    from ..store import Store, StoreError, StoreNotFoundError

    try:
        return Store(args.store, create=create)
    except StoreNotFoundError:
        raise
    except StoreError as error:
        hint = f"(the store URL comes from --store, else ${STORE_VARIABLE}, else {DEFAULT_STORE})"
        raise type(error)(f"{error} {hint}") from error
