"""Glue's parameters are declared once (``engine/settings.py``): checks, messages, defaults.

Measured before: the parameters were declared in nine places with three different key lists,
and the default 0.5 was written fourteen times (``test_defaults_are_written_once`` finds 35
literal defaults in that code, ``test_default_numbers_are_not_repeated_in_text`` 25 lines).
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
from pathlib import Path

import numpy as np
import pytest
from gx_findmatches import FindMatches, MatchSettings, ParameterError
from gx_findmatches.engine.settings import (
    DEFAULTS,
    PARAMETERS,
    TRANSFORM_PARAMETERS,
    parameter,
    transform_settings,
)

PACKAGE = Path(__file__).resolve().parents[2] / "plugin" / "gx_findmatches"
SETTINGS = PACKAGE / "engine" / "settings.py"
NAMES = {p.name for p in PARAMETERS}
FLAGS = {p.flag: p.name for p in PARAMETERS}


# ------------------------------------------------------------------------------ declarations
def test_every_parameter_is_declared_with_help_and_kind() -> None:
    assert [p.name for p in PARAMETERS] == [
        "primary_key",
        "columns",
        "precision_recall_tradeoff",
        "accuracy_cost_tradeoff",
        "enforce_provided_labels",
        "partition_by",
        "max_candidate_pairs",
        "random_state",
    ]
    for declared in PARAMETERS:
        assert len(declared.help) > 20, declared.name
        assert declared.kind in (str, float, int, bool, list), declared.name
    assert [p.name for p in PARAMETERS if p.required] == ["primary_key"]
    assert {p.glue for p in PARAMETERS if p.glue} == {
        "PrimaryKeyColumnName",
        "PrecisionRecallTradeoff",
        "AccuracyCostTradeoff",
        "EnforceProvidedLabels",
    }


def test_training_and_match_time_parameters() -> None:
    """Only the threshold, label enforcement and the pair cap apply to a fitted model as is;
    the rest shape what fit learns."""
    match_time = {p.name for p in PARAMETERS if not p.training}
    assert match_time == {
        "precision_recall_tradeoff",
        "enforce_provided_labels",
        "max_candidate_pairs",
    }
    settings = MatchSettings("id", precision_recall_tradeoff=0.9)
    assert settings.match_time_values() == {
        "precision_recall_tradeoff": 0.9,
        "enforce_provided_labels": False,
        "max_candidate_pairs": DEFAULTS["max_candidate_pairs"],
    }


def test_estimator_keywords_are_the_declared_parameters() -> None:
    signature = inspect.signature(FindMatches.__init__).parameters
    assert [name for name in signature if name != "self"] == [p.name for p in PARAMETERS]
    for declared in PARAMETERS:
        default = signature[declared.name].default
        assert default == (inspect.Parameter.empty if declared.required else declared.default)
    assert FindMatches("id").get_settings() == MatchSettings("id")


def test_settings_are_frozen_and_round_trip_through_the_estimator() -> None:
    settings = MatchSettings("id", columns=["a", "b"], accuracy_cost_tradeoff=0.8)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.precision_recall_tradeoff = 0.1  # type: ignore[misc]
    assert FindMatches.from_settings(settings).get_settings() == settings


def test_values_are_converted_to_the_declared_type() -> None:
    settings = MatchSettings(
        "id",
        precision_recall_tradeoff=1,
        accuracy_cost_tradeoff=np.float32(0.25),
        enforce_provided_labels=np.bool_(True),
        max_candidate_pairs=np.int64(10),
    )
    assert type(settings.precision_recall_tradeoff) is float
    assert settings.accuracy_cost_tradeoff == 0.25
    assert settings.enforce_provided_labels is True
    assert type(settings.max_candidate_pairs) is int


def test_transform_values_are_json_ready() -> None:
    listed = MatchSettings("id", columns=("a", 2)).transform_values()
    assert listed["columns"] == ["a", "2"]
    mapped = MatchSettings("id", columns={"a": "name"}).transform_values()
    assert mapped["columns"] == {"a": "name"}
    assert set(mapped) == {p.name for p in TRANSFORM_PARAMETERS}


# ------------------------------------------------------------------------------ bounds
@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("precision_recall_tradeoff", 1.5, ("a number between 0 and 1", "got 1.5")),
        ("precision_recall_tradeoff", -0.1, ("a number between 0 and 1", "got -0.1")),
        ("precision_recall_tradeoff", True, ("a number between 0 and 1", "got True")),
        ("precision_recall_tradeoff", None, ("a number between 0 and 1", "got None")),
        ("accuracy_cost_tradeoff", "high", ("a number between 0 and 1", "got 'high'")),
        ("accuracy_cost_tradeoff", float("nan"), ("a number between 0 and 1", "got nan")),
        ("max_candidate_pairs", 0, ("a positive integer", "got 0")),
        ("max_candidate_pairs", 2.5, ("a positive integer", "got 2.5")),
        ("enforce_provided_labels", "yes", ("True or False", "got 'yes'")),
        ("random_state", "seed", ("an integer", "got 'seed'")),
    ],
)
def test_out_of_bounds_message_names_the_rule_the_meaning_and_the_default(
    name: str, value: object, words: tuple[str, ...]
) -> None:
    declared = parameter(name)
    with pytest.raises(ParameterError) as caught:
        MatchSettings("id", **{name: value})
    message = str(caught.value)
    assert message.startswith(f"{name} must be ")
    for word in (*words, declared.help, "default"):
        assert word in message, (word, message)


@pytest.mark.parametrize("name", ["precision_recall_tradeoff", "accuracy_cost_tradeoff"])
def test_tradeoff_bounds_are_inclusive(name: str) -> None:
    assert getattr(MatchSettings("id", **{name: 0}), name) == 0.0
    assert getattr(MatchSettings("id", **{name: 1}), name) == 1.0


def test_the_estimator_checks_with_the_same_rules() -> None:
    transform = FindMatches("id", accuracy_cost_tradeoff=3)  # scikit-learn: stored as given
    assert transform.accuracy_cost_tradeoff == 3
    with pytest.raises(ParameterError, match="accuracy_cost_tradeoff must be a number between"):
        transform.get_settings()


def test_a_stored_transform_keeps_only_transform_parameters() -> None:
    with pytest.raises(ParameterError, match="max_candidate_pairs is not a parameter") as caught:
        transform_settings("id", max_candidate_pairs=5)
    assert "precision_recall_tradeoff" in str(caught.value)  # the message lists the known ones
    with pytest.raises(ParameterError, match="precison_recall_tradeoff"):
        transform_settings("id", precison_recall_tradeoff=0.9)
    assert transform_settings("id", partition_by="state").partition_by == "state"


# ------------------------------------------------------------------------------ written once
def _literal(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant)
    )


def _text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _default_writings(tree: ast.AST) -> list[tuple[int, str]]:
    """Where a declared parameter is given a literal default outside the declarations."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):  # def f(name=literal)
            arguments = node.args
            positional = [*arguments.posonlyargs, *arguments.args]
            defaulted = positional[len(positional) - len(arguments.defaults) :]
            pairs = list(zip(defaulted, arguments.defaults, strict=True))
            pairs += list(zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True))
            found += [(node.lineno, a.arg) for a, d in pairs if a.arg in NAMES and _literal(d)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name = node.target.id  # name: type = literal, or = Field(default=literal)
            if name in NAMES and (_literal(node.value) or _default_keyword(node.value)):
                found.append((node.lineno, name))
        elif isinstance(node, ast.Dict):  # {"name": literal}
            found += [
                (node.lineno, str(_text(k)))
                for k, v in zip(node.keys, node.values, strict=True)
                if k is not None and _text(k) in NAMES and _literal(v) and not _is_none(v)
            ]  # {"name": None} is an override ("unset"), not a default
        elif isinstance(node, ast.Call) and node.args:
            first = _text(node.args[0])
            func = node.func
            method = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            named = [_text(a) for a in node.args[:2] if _text(a) in NAMES]
            if (  # mapping.get("name", literal), getattr(x, "name", literal)
                method in ("get", "getattr", "pop", "setdefault")
                and len(node.args) >= 2
                and named
                and _literal(node.args[-1])
            ):
                found.append((node.lineno, str(named[0])))
            elif first in FLAGS and _default_keyword(node):  # add_argument("--name", default=)
                found.append((node.lineno, first))
    return found


def _default_keyword(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Call) and any(
        k.arg == "default" and _literal(k.value) and not _is_none(k.value) for k in node.keywords
    )


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def test_defaults_are_written_once() -> None:
    """No module but ``engine/settings.py`` gives a declared parameter a literal default."""
    found = []
    for source in sorted(PACKAGE.rglob("*.py")):
        if source == SETTINGS:
            continue
        tree = ast.parse(source.read_text(encoding="utf-8"))
        relative = source.relative_to(PACKAGE)
        found += [f"{relative}:{line} {name}" for line, name in _default_writings(tree)]
    assert found == []


def test_default_numbers_are_not_repeated_in_text() -> None:
    """Help texts and messages take the defaults from the declarations too."""
    numbers = {
        f"{p.default:g}" if isinstance(p.default, float) else f"{p.default:_}"
        for p in PARAMETERS
        if isinstance(p.default, (int, float))
        and not isinstance(p.default, bool)
        and p.default not in (0, 1)
    }
    written = "|".join(re.escape(n) for n in numbers | {n.replace("_", "") for n in numbers})
    words = "tradeoff|candidate_pairs|default|no preference"
    pattern = re.compile(
        rf"({words})[^\n]{{0,60}}\b({written})\b|\b({written})\b[^\n]{{0,60}}({words})",
        re.IGNORECASE,
    )
    found = []
    for source in sorted(PACKAGE.rglob("*.py")):
        if source == SETTINGS:
            continue
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{source.relative_to(PACKAGE)}:{number} {line.strip()}")
    assert found == []


def test_the_scan_finds_the_ways_defaults_used_to_be_written() -> None:
    """The scan itself works: every form the old code used is caught."""
    old = """
def create(precision_recall_tradeoff: float = 0.5, *, partition_by=None): ...
class Fields:
    accuracy_cost_tradeoff: float = 0.5
    precision_recall_tradeoff: float = Field(default=0.5, ge=0.0)
DEFAULTS = {"accuracy_cost_tradeoff": 0.5}
kwargs.get("precision_recall_tradeoff", 0.5)
getattr(args, "enforce_provided_labels", False)
parser.add_argument("--accuracy-cost-tradeoff", type=float, default=0.5)
"""
    found = _default_writings(ast.parse(old))
    assert sorted(name for _, name in found) == sorted(
        [
            "precision_recall_tradeoff",
            "partition_by",
            "accuracy_cost_tradeoff",
            "precision_recall_tradeoff",
            "accuracy_cost_tradeoff",
            "precision_recall_tradeoff",
            "enforce_provided_labels",
            "--accuracy-cost-tradeoff",
        ]
    )
