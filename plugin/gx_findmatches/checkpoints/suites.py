"""Suites from shipped JSON files, with parameters filled in and nothing silently dropped."""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from typing import Any

from great_expectations.core.expectation_suite import ExpectationSuite, expectationSuiteSchema

from ..gx.guard import _suite_dict, ensure_registered

SuitePath = str | os.PathLike[str]


def suite_from_file(
    path: SuitePath,
    overrides: Mapping[str, Any] | None = None,
    parameters: Mapping[str, Any] | None = None,
    name: str | None = None,
) -> ExpectationSuite:
    """Load a GX suite JSON file, adapting it to a table, through the registration guard.

    Shipped suites are written for one example table; ``overrides`` retargets them (e.g.
    ``{"primary_key": "customer_id"}``) without editing the file, and ``parameters`` fills
    ``"${name}"`` placeholders for values the file leaves open.

    Args:
        path: the suite JSON file (as GX writes it: ``name``, ``expectations`` of ``type`` and
            ``kwargs``, ``meta``).
        overrides: kwargs set on every expectation that already has that kwarg.
        parameters: values for string kwargs that are exactly ``"${name}"``.
        name: a new suite name (default: the file's).

    Raises:
        UnregisteredExpectationError: the suite names expectation types GX does not know.
        KeyError: a placeholder has no value in ``parameters``.
    """
    data = substitute(_suite_dict(path), overrides or {}, parameters or {})
    if name is not None:
        data["name"] = name
    data.pop("id", None)  # a fresh suite for the project it is added to
    ensure_registered(data)
    suite = ExpectationSuite(**expectationSuiteSchema.load(data))
    ensure_registered(data, loaded=suite)
    return suite


def substitute(
    suite: Mapping[str, Any], overrides: Mapping[str, Any], parameters: Mapping[str, Any]
) -> dict[str, Any]:
    """A copy of suite JSON with overrides applied and placeholders filled."""
    data = copy.deepcopy(dict(suite))
    for item in data.get("expectations") or []:
        kwargs = item.setdefault("kwargs", {})
        for key, value in overrides.items():
            if key in kwargs:
                kwargs[key] = copy.deepcopy(value)
        for key, value in kwargs.items():
            kwargs[key] = _fill(value, parameters)
    return data


def _fill(value: Any, parameters: Mapping[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        key = value[2:-1]
        if key not in parameters:
            raise KeyError(
                f"suite placeholder {value!r} has no value; pass parameters={{{key!r}: ...}}"
            )
        return copy.deepcopy(parameters[key])
    if isinstance(value, list):
        return [_fill(item, parameters) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, parameters) for key, item in value.items()}
    return value
