"""Which flags apply to each way of running ``match`` and ``evaluate``.

A flag that does not apply to the chosen mode is an error that names the fix, never silently
ignored (``match --transform NAME --precision-recall-tradeoff 0.9`` used to exit 0 with the
stored trade-off's output, and ``--labels``, ``--columns``, ``--save-model`` went the same way).

- **one-shot** (``--data PATH --primary-key COLUMN``): every parameter flag; fits, then matches
  or evaluates.
- **stored** (``--transform NAME``): a Glue task run, which runs with the transform's own
  parameters and imported labels only. A parameter flag points to ``transform update``;
  ``--labels`` to ``labels import``; ``--save-model`` to ``transform export-model``.
  ``match`` takes ``--data`` here as another table with the trained columns.
- **model file** (``match --model FILE --data PATH``): a fitted model. Match-time parameters
  (the precision-recall trade-off, enforcing labels) may be set for the run, as
  ``FindMatches.set_params`` does in Python; the training ones were fixed by the fit.
"""

from __future__ import annotations

import argparse
from typing import Any, Literal

from ..engine.settings import parameter
from ..errors import ParameterError
from ..sources import is_database_url
from .common import given_settings

Mode = Literal["one-shot", "stored", "model"]


def match_mode(args: argparse.Namespace) -> Mode:
    """The mode of a ``match`` command line, once every flag given applies to it.

    Raises:
        ParameterError: a flag that does not apply, or a missing one.
    """
    if args.table and not (args.data and is_database_url(args.data)):
        raise ParameterError(
            "--table applies only when --data is a database URL; drop --table, or give the "
            "URL with --data"
        )
    if args.transform and args.model:
        raise ParameterError("give --transform NAME or --model FILE, not both")
    if args.transform:
        _refuse_parameters(args, "--transform", _stored_fix(args.transform))
        _refuse(args, "labels", "--transform", _import_labels(args, "train"))
        if args.save_model:
            raise ParameterError(
                f"--save-model does not apply with --transform: the model is kept in the "
                f"store; write it to a file with `gx-findmatches transform export-model "
                f"{args.transform} --out {args.save_model}`"
            )
        return "stored"
    if args.model:
        if not args.data:
            raise ParameterError("--model needs --data PATH: the table to match with the model")
        _refuse_parameters(args, "--model", _refit_fix, training_only=True)
        _refuse(
            args,
            "labels",
            "--model",
            "the model is already trained; fit a new one with the labels (`gx-findmatches "
            "match --data PATH --primary-key COLUMN --labels FILE --save-model FILE`)",
        )
        if args.save_model:
            raise ParameterError(
                f"--save-model does not apply with --model: the model is already the file "
                f"{args.model}; copy that file instead"
            )
        return "model"
    _require(
        args,
        ("data", "primary_key", "out"),
        "name a stored transform with --transform, or a model file with --model",
    )
    return "one-shot"


def evaluate_mode(args: argparse.Namespace) -> Mode:
    """The mode of an ``evaluate`` command line, once every flag given applies to it.

    Raises:
        ParameterError: a flag that does not apply, or a missing one.
    """
    if args.transform:
        if args.data:
            raise ParameterError("give either --transform NAME or --data PATH, not both")
        _refuse_parameters(args, "--transform", _stored_fix(args.transform, "evaluate"))
        _refuse(args, "labels", "--transform", _import_labels(args, "evaluate"))
        return "stored"
    _require(args, ("data", "primary_key", "labels"), "name a stored transform with --transform")
    return "one-shot"


def _refuse_parameters(
    args: argparse.Namespace, mode: str, fix: Any, training_only: bool = False
) -> None:
    """Refuse the first parameter flag given that the mode does not take."""
    for name, value in given_settings(args).items():
        declared = parameter(name)
        if training_only and not declared.training:
            continue  # a match-time parameter the mode may set for the run
        raise ParameterError(f"{declared.flag} does not apply with {mode}: {fix(name, value)}")


def _stored_fix(transform: str, then: str = "match") -> Any:
    def fix(name: str, value: Any) -> str:
        update = f"`gx-findmatches transform update {transform} {_shown(name, value)}`"
        if then == "evaluate":  # evaluation fits per fold with the stored parameters
            return (
                f"a stored transform is evaluated with its own parameters; change it with "
                f"{update}, then evaluate again"
            )
        if not parameter(name).training:
            return (
                f"a stored transform runs with its own parameters, as a Glue task run does; "
                f"change it for every later run with {update}"
            )
        return (
            f"the transform's model was trained with its own {name}; change it with {update}, "
            f"then train again (`gx-findmatches train {transform}`)"
        )

    return fix


def _refit_fix(name: str, value: Any) -> str:
    return (
        f"the model was trained with its own {name}; fit a new model with it (`gx-findmatches "
        f"match --data PATH --primary-key COLUMN {_shown(name, value)} --save-model FILE`)"
    )


def _import_labels(args: argparse.Namespace, then: str) -> str:
    verb = "trains on" if then == "train" else "is evaluated with"
    step = f"`gx-findmatches train {args.transform}`" if then == "train" else "evaluate again"
    return (
        f"a stored transform {verb} the labels imported into it; import these with "
        f"`gx-findmatches labels import {args.transform} {args.labels}`, then {step}"
    )


def _refuse(args: argparse.Namespace, option: str, mode: str, fix: str) -> None:
    if getattr(args, option, None):
        raise ParameterError(f"--{option.replace('_', '-')} does not apply with {mode}: {fix}")


def _require(args: argparse.Namespace, needs: tuple[str, ...], alternative: str) -> None:
    missing = [f"--{n.replace('_', '-')}" for n in needs if not getattr(args, n)]
    if missing:
        raise ParameterError(f"missing {', '.join(missing)}; or {alternative}")


def _shown(name: str, value: Any) -> str:
    """A parameter flag as the user would type it again."""
    declared = parameter(name)
    if declared.kind is bool:
        return declared.flag if value else f"--no-{declared.flag[2:]}"
    if value is None:
        return f'{declared.flag} ""'
    if isinstance(value, (list, tuple)):
        return f"{declared.flag} {','.join(map(str, value))}"
    return f"{declared.flag} {value}"
