"""A guard against GX silently dropping expectations it does not know.

GX 1.x builds a suite from JSON expectation by expectation; an expectation whose type is not
registered (because the plugin defining it was never imported) is logged and *left out*
(``ExpectationSuite.__init__`` in ``great_expectations/core/expectation_suite.py``). The suite
then validates without it and a checkpoint passes. ``ensure_registered`` turns that into an
error naming the missing types; ``load_suite`` imports this plugin first and checks that the
loaded suite kept every expectation.

Note that importing this module imports ``gx_findmatches.gx`` and so registers our own
expectations: after that import, only *stale* suites (loaded earlier, pass them as
``loaded``) or other plugins' types can be missing.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import great_expectations.exceptions as gx_exceptions
from great_expectations.core.expectation_suite import ExpectationSuite, expectationSuiteSchema
from great_expectations.expectations.registry import get_expectation_impl

from .errors import UnregisteredExpectationError

SuiteSource = str | os.PathLike[str] | Mapping[str, Any]


def ensure_registered(suite: SuiteSource, loaded: ExpectationSuite | None = None) -> list[str]:
    """Check that GX knows every expectation type a suite JSON names.

    Args:
        suite: the suite as a JSON file path, JSON text, or the parsed dict.
        loaded: optionally, the suite object GX built from that JSON; its expectations are
            counted per type against the JSON, which also catches types dropped while the
            plugin was not yet imported.

    Returns:
        The expectation types the suite names, in order.

    Raises:
        UnregisteredExpectationError: some types are unknown to GX, or missing from ``loaded``.
    """
    declared = _declared_types(_suite_dict(suite))
    unregistered = [name for name in dict.fromkeys(declared) if not _registered(name)]
    dropped: list[str] = []
    if loaded is not None:
        kept = Counter(e.expectation_type for e in loaded.expectations)
        dropped = [
            name
            for name, count in Counter(declared).items()
            if kept[name] < count and name not in unregistered
        ]
    if unregistered or dropped:
        raise UnregisteredExpectationError(
            _message(unregistered, dropped, _name_of(suite)), unregistered + dropped
        )
    return declared


def load_suite(path: str | os.PathLike[str]) -> ExpectationSuite:
    """Read a suite JSON file with the gx-findmatches expectations registered, and make sure
    none of its expectations was dropped on the way.

    The suite is not attached to a Data Context; add it with ``context.suites.add``.

    Raises:
        UnregisteredExpectationError: the suite names types GX still does not know.
    """
    from . import expectations as _registers_our_types  # noqa: F401

    data = _suite_dict(path)
    ensure_registered(data)
    suite = ExpectationSuite(**expectationSuiteSchema.load(data))
    ensure_registered(data, loaded=suite)
    return suite


def _suite_dict(suite: SuiteSource) -> dict[str, Any]:
    if isinstance(suite, Mapping):
        return dict(suite)
    text = str(suite)
    if text.lstrip().startswith("{"):
        return dict(json.loads(text))
    return dict(json.loads(Path(text).read_text(encoding="utf-8")))


def _declared_types(data: Mapping[str, Any]) -> list[str]:
    """Types in GX 1.x (``type``) or 0.x (``expectation_type``) suite JSON."""
    return [
        str(item.get("type") or item.get("expectation_type"))
        for item in data.get("expectations") or []
    ]


def _registered(name: str) -> bool:
    try:
        get_expectation_impl(name)
    except gx_exceptions.ExpectationNotFoundError:
        return False
    return True


def _name_of(suite: SuiteSource) -> str:
    if isinstance(suite, Mapping):
        return repr(suite.get("name", "(unnamed)"))
    text = str(suite)
    return "(JSON text)" if text.lstrip().startswith("{") else text


def _message(unregistered: list[str], dropped: list[str], where: str) -> str:
    problems = []
    if unregistered:
        problems.append(f"names expectation types GX does not have registered: {unregistered}")
    if dropped:
        problems.append(
            f"lost expectations of types {dropped} when it was loaded (their plugin was "
            f"imported only afterwards)"
        )
    missing = unregistered + dropped
    ours = [name for name in missing if _is_ours(name)]
    hint = (
        f"{ours} are gx-findmatches expectations: `import gx_findmatches.gx` before the Data "
        f"Context loads suites or checkpoints (or use gx_findmatches.gx.load_suite)"
        if ours
        else "import the plugin that defines them before the Data Context loads suites"
    )
    return (
        f"suite {where} {' and '.join(problems)}. GX drops such expectations without an "
        f"error, and a checkpoint then passes without them; {hint}"
    )


def _is_ours(name: str) -> bool:
    from . import expectations

    return any(
        getattr(cls, "expectation_type", None) == name
        for cls in vars(expectations).values()
        if isinstance(cls, type)
    )
