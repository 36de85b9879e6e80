"""Suites from shipped JSON files, with parameters filled in and nothing silently dropped.

A suite file is a template where it leaves values open: a kwarg written ``"${name}"`` takes
``parameters[name]``, else the suite's own default from its GX ``suite_parameters``. The shipped
suites write their key that way (``"${primary_key}"``, default ``rec_id``), so one file checks
any table: ``gx-findmatches validate --primary-key customer_id`` fills the key, and a suite
that names its key outright keeps it.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from typing import Any

from great_expectations.core.expectation_suite import ExpectationSuite

from ..gx.errors import SuiteError
from ..gx.guard import build_suite, ensure_registered, placeholders_in, read_suite_dict

SuitePath = str | os.PathLike[str]


def suite_from_file(
    path: SuitePath,
    overrides: Mapping[str, Any] | None = None,
    parameters: Mapping[str, Any] | None = None,
    name: str | None = None,
) -> ExpectationSuite:
    """Load a GX suite JSON file, adapting it to a table, through the registration guard.

    Shipped suites are written for one example table; ``parameters`` fills the ``"${name}"``
    placeholders they leave open (e.g. ``{"primary_key": "customer_id"}``), and ``overrides``
    forces a kwarg on every expectation that has it, whatever the file says.

    Args:
        path: the suite JSON file (as GX writes it: ``name``, ``expectations`` of ``type`` and
            ``kwargs``, ``meta``, ``severity``; optionally ``suite_parameters``, the defaults
            of its placeholders).
        overrides: kwargs set on every expectation that already has that kwarg.
        parameters: values for string kwargs that are exactly ``"${name}"``.
        name: a new suite name (default: the file's).

    Raises:
        UnregisteredExpectationError: the suite names expectation types GX does not know.
        SuiteError: the file is not a valid suite, an expectation is invalid (unknown,
            wrong-typed or out-of-range kwargs), or a placeholder has no value.
    """
    where = str(path)
    data = substitute(read_suite_dict(path), overrides or {}, parameters or {}, where=where)
    if name is not None:
        data["name"] = name
    data.pop("id", None)  # a fresh suite for the project it is added to
    ensure_registered(data)
    suite = build_suite(data, where)
    ensure_registered(data, loaded=suite)
    return suite


def read_suite(path: SuitePath) -> dict[str, Any]:
    """A suite file's JSON as it is (placeholders still open).

    Raises:
        SuiteError: the file cannot be read, is not JSON, or is not a suite object.
    """
    return read_suite_dict(path)


def placeholders(suite: Mapping[str, Any]) -> set[str]:
    """The names of the ``"${name}"`` placeholders a suite JSON's kwargs leave open."""
    items = suite.get("expectations") or []
    return set().union(*(placeholders_in(item.get("kwargs") or {}) for item in items))


def substitute(
    suite: Mapping[str, Any],
    overrides: Mapping[str, Any],
    parameters: Mapping[str, Any],
    where: str | None = None,
) -> dict[str, Any]:
    """A copy of suite JSON with overrides applied and placeholders filled.

    A placeholder takes ``parameters[name]``, else ``suite["suite_parameters"][name]``.

    Raises:
        SuiteError: a placeholder has a value in neither.
    """
    data = copy.deepcopy(dict(suite))
    values = {**(data.get("suite_parameters") or {}), **parameters}
    label = where or repr(data.get("name", "(unnamed)"))
    for item in data.get("expectations") or []:
        kwargs = item.setdefault("kwargs", {})
        for key, value in overrides.items():
            if key in kwargs:
                kwargs[key] = copy.deepcopy(value)
        for key, value in kwargs.items():
            kwargs[key] = _fill(value, values, label)
    return data


def _fill(value: Any, parameters: Mapping[str, Any], where: str) -> Any:
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        key = value[2:-1]
        if key not in parameters:
            raise SuiteError(
                f"suite {where}: placeholder {value!r} has no value; pass parameters="
                f'{{{key!r}: ...}}, or give it a default in the suite\'s "suite_parameters"'
            )
        return copy.deepcopy(parameters[key])
    if isinstance(value, list):
        return [_fill(item, parameters, where) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, parameters, where) for key, item in value.items()}
    return value
