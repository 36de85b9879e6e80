"""A guard against GX silently dropping expectations it does not know.

GX 1.x builds a suite from JSON expectation by expectation; an expectation whose type is not
registered (because the plugin defining it was never imported) is logged and *left out*
(``ExpectationSuite.__init__`` in ``great_expectations/core/expectation_suite.py``). The suite
then validates without it and a checkpoint passes. ``ensure_registered`` turns that into an
error naming the missing types; ``load_suite`` imports this plugin first and checks that the
loaded suite kept every expectation.

GX drops an expectation whose configuration it finds invalid the same way (logged, left out),
and raises raw marshmallow or pydantic errors for others (a wrong-typed or out-of-range kwarg,
an unknown field). ``build_suite`` checks every expectation first and raises one
:class:`SuiteError` that names the expectation, the field and the fix.

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
import marshmallow
from great_expectations.compatibility import pydantic
from great_expectations.core.expectation_suite import ExpectationSuite, expectationSuiteSchema
from great_expectations.expectations.registry import get_expectation_impl

from .errors import SuiteError, UnregisteredExpectationError

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
    declared = _declared_types(read_suite_dict(suite))
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

    data = read_suite_dict(path)
    ensure_registered(data)
    suite = build_suite(data, str(path))
    ensure_registered(data, loaded=suite)
    return suite


def build_suite(data: Mapping[str, Any], where: str) -> ExpectationSuite:
    """Build a suite from its JSON, every expectation checked first so that none is dropped.

    GX itself logs and leaves out an expectation whose configuration is invalid, and raises
    raw schema or pydantic errors for others; here each problem is one :class:`SuiteError`
    naming the expectation (position and type), the field and the fix.

    Args:
        data: the parsed suite JSON (types already registered: see :func:`ensure_registered`).
        where: how messages name the suite (its path).

    Raises:
        SuiteError: the suite has no name, an unknown field, an invalid expectation, or an
            unfilled ``"${name}"`` placeholder.
    """
    _check_shape(data, where)
    if not isinstance(data.get("name"), str) or not data["name"]:
        raise SuiteError(f'suite {where} has no "name"; give it a non-empty "name" string')
    try:
        loaded = expectationSuiteSchema.load(dict(data))
    except marshmallow.ValidationError as error:
        raise SuiteError(_schema_message(error.messages, data, where)) from error
    declared = data.get("expectations") or []
    for position, (item, config) in enumerate(
        zip(declared, loaded.get("expectations") or [], strict=True), start=1
    ):
        _check_placeholders(item, position, where)
        try:
            config.to_domain_obj()  # what ExpectationSuite does, dropping the ones that fail
        except pydantic.ValidationError as error:
            raise SuiteError(_field_message(error, item, position, where)) from error
        except (gx_exceptions.GreatExpectationsError, TypeError, ValueError) as error:
            raise SuiteError(
                f"suite {where}: {_which(item, position)} is invalid ({error}); fix it in the "
                f"suite file"
            ) from error
    return ExpectationSuite(**loaded)


def read_suite_dict(suite: SuiteSource) -> dict[str, Any]:
    """The suite JSON as a dict, or a :class:`SuiteError` saying what is wrong with the file."""
    where = _name_of(suite)
    if isinstance(suite, Mapping):
        _check_shape(suite, where)
        return dict(suite)
    text = str(suite)
    try:
        if not text.lstrip().startswith("{"):
            text = Path(text).read_text(encoding="utf-8")
        data = json.loads(text)
    except OSError as error:
        raise SuiteError(f"cannot read suite file {where} ({error}); check the path") from error
    except UnicodeDecodeError as error:
        raise SuiteError(f"suite file {where} is not UTF-8 text; save it as UTF-8") from error
    except json.JSONDecodeError as error:
        raise SuiteError(
            f"suite file {where} is not valid JSON ({error.msg} at line {error.lineno}, column "
            f"{error.colno}); fix the file: {_SHAPE}"
        ) from error
    if not isinstance(data, dict):
        raise SuiteError(
            f"suite file {where} holds a JSON {_json_kind(data)}, not a suite object; {_SHAPE}"
        )
    _check_shape(data, where)
    return data


_SHAPE = 'a GX suite is an object: {"name": ..., "expectations": [{"type": ..., "kwargs": {...}}]}'
_NOT_KWARGS = {"id", "meta", "notes", "description", "rendered_content", "severity", "batch_id"}


def _check_shape(data: Mapping[str, Any], where: str) -> None:
    expectations = data.get("expectations")
    if expectations is None:
        return
    if not isinstance(expectations, list):
        raise SuiteError(
            f'suite {where}: "expectations" is a JSON {_json_kind(expectations)}, not a list; '
            f"{_SHAPE}"
        )
    for position, item in enumerate(expectations, start=1):
        if not isinstance(item, dict):
            raise SuiteError(
                f"suite {where}: expectation {position} is a JSON {_json_kind(item)}, not an "
                f'object; write it as {{"type": ..., "kwargs": {{...}}}}'
            )
        kind = item.get("type") or item.get("expectation_type")
        if not isinstance(kind, str) or not kind:
            raise SuiteError(
                f'suite {where}: expectation {position} has no "type"; name its expectation '
                f'type, e.g. "type": "expect_column_values_to_be_unique"'
            )
        for field in ("kwargs", "meta"):
            if item.get(field) is not None and not isinstance(item[field], dict):
                raise SuiteError(
                    f'suite {where}: {_which(item, position)} has "{field}" as a JSON '
                    f"{_json_kind(item[field])}; make it an object ({{...}})"
                )


def _check_placeholders(item: Mapping[str, Any], position: int, where: str) -> None:
    open_ = sorted(placeholders_in(item.get("kwargs") or {}))
    if open_:
        raise SuiteError(
            f'suite {where}: {_which(item, position)} leaves {open_} open ("${{name}}" '
            f"placeholders); load the suite with gx_findmatches.checkpoints.suite_from_file("
            f"path, parameters={{...}}), which fills them"
        )


def placeholders_in(value: Any) -> set[str]:
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        return {value[2:-1]}
    if isinstance(value, list):
        return set().union(*(placeholders_in(item) for item in value))
    if isinstance(value, dict):
        return set().union(*(placeholders_in(item) for item in value.values()))
    return set()


def _schema_message(messages: Any, data: Mapping[str, Any], where: str) -> str:
    """GX's marshmallow errors (nested dicts of lists) as "where: field: problem" parts."""
    parts = []
    items = messages.items() if isinstance(messages, dict) else [("suite", messages)]
    for field, problem in items:
        if field == "expectations" and isinstance(problem, dict):
            declared = data.get("expectations") or []
            for index, fields in problem.items():
                item = declared[index] if isinstance(index, int) and index < len(declared) else {}
                for name, text in fields.items() if isinstance(fields, dict) else [("", fields)]:
                    parts.append(f"{_which(item, int(index) + 1)}: {name}: {_text(text)}")
        else:
            parts.append(f"{field}: {_text(problem)}")
    return f"suite {where} is not a valid GX suite ({'; '.join(parts)}); fix the file: {_SHAPE}"


def _field_message(
    error: pydantic.ValidationError, item: Mapping[str, Any], position: int, where: str
) -> str:
    problems: dict[str, str] = {}  # a union-typed field fails once per type: keep the first
    extra = False
    for detail in error.errors():
        place = ".".join(str(part) for part in detail["loc"] if part != "__root__")
        problems.setdefault(place, f"{place}: {detail['msg']}" if place else str(detail["msg"]))
        extra = extra or detail.get("type") == "value_error.extra"
    message = f"suite {where}: {_which(item, position)}: {'; '.join(problems.values())}"
    if extra:
        fields = sorted(set(get_expectation_impl(item["type"]).__fields__) - _NOT_KWARGS)
        message += f" (its kwargs: {', '.join(fields)})"
    return f"{message}; fix the kwargs in the suite file"


def _which(item: Mapping[str, Any], position: int) -> str:
    kind = item.get("type") if isinstance(item, Mapping) else None
    return f"expectation {position} ({kind})" if kind else f"expectation {position}"


def _text(problem: Any) -> str:
    if isinstance(problem, list):
        return " ".join(str(part) for part in problem)
    return str(problem)


def _json_kind(value: Any) -> str:
    kinds = {list: "list", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)


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
