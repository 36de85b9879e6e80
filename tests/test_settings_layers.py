"""Every layer offers exactly the declared transform parameters, as ``engine/settings.py``
declares them: store columns, CLI flags, GX expectation and data-asset fields, the workflow.

Measured before: the GX expectations had no ``enforce_provided_labels`` (the data source
patched it in by hand), the ``transform create`` trade-off flags had no help at all, and GX
loaded a whole fitted model from the store only to read a transform's parameters.
"""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pandas as pd
import pytest
from gx_findmatches import ModelFileError, NotFittedError, NotTrainedError, ParameterError
from gx_findmatches.cli import main, parser
from gx_findmatches.cli.hints import COMMANDS, for_command_line
from gx_findmatches.engine.settings import PARAMETERS, TRANSFORM_PARAMETERS, MatchSettings
from gx_findmatches.errors import LabelError
from gx_findmatches.store import Store
from gx_findmatches.store.schema import Transform
from gx_findmatches.stored import stored_labels, stored_transform_settings, trained_transform
from gx_findmatches.workflow import Workflow

PACKAGE = Path(__file__).resolve().parents[1] / "plugin" / "gx_findmatches"
NAMES = {p.name for p in PARAMETERS}
TRANSFORM_NAMES = {p.name for p in TRANSFORM_PARAMETERS}


def test_transform_parameters_are_the_glue_ones_plus_columns_and_partition() -> None:
    glue_and_ours = {
        "primary_key",
        "columns",
        "precision_recall_tradeoff",
        "accuracy_cost_tradeoff",
        "enforce_provided_labels",
        "partition_by",
    }
    assert glue_and_ours == TRANSFORM_NAMES


# ------------------------------------------------------------------------------ store
def test_store_columns_are_the_transform_parameters() -> None:
    bookkeeping = {"id", "name", "data_source", "status", "created_at", "updated_at"}
    table = Transform.__table__
    assert set(table.columns.keys()) - bookkeeping == TRANSFORM_NAMES
    for declared in TRANSFORM_PARAMETERS:  # optional exactly when the default is "unset"
        nullable = table.columns[declared.name].nullable
        assert nullable == (not declared.required and declared.default is None), declared.name


def test_store_refuses_out_of_bounds_and_unknown_parameters(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'fm.db'}") as store:
        with pytest.raises(ParameterError, match="accuracy_cost_tradeoff must be a number"):
            store.create_transform("t", "t.csv", "id", accuracy_cost_tradeoff=1.5)
        with pytest.raises(ParameterError, match="random_state is not a parameter"):
            store.create_transform("t", "t.csv", "id", random_state=3)
        assert store.list_transforms() == []


# ------------------------------------------------------------------------------ CLI
def _subcommand(*path: str) -> argparse.ArgumentParser:
    current = parser()
    for word in path:
        sub = next(a for a in current._actions if isinstance(a, argparse._SubParsersAction))
        current = sub.choices[word]
    return current


def _parameter_actions(*path: str) -> dict[str, argparse.Action]:
    return {a.dest: a for a in _subcommand(*path)._actions if a.dest in NAMES}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("match",), TRANSFORM_NAMES),
        (("transform", "create"), TRANSFORM_NAMES),
        # cross-validation never enforces held-out labels: the flag would mean nothing
        (("evaluate",), TRANSFORM_NAMES - {"enforce_provided_labels"}),
    ],
)
def test_cli_flags_are_the_transform_parameters_with_their_declared_help(
    path: tuple[str, ...], expected: set[str]
) -> None:
    actions = _parameter_actions(*path)
    assert set(actions) == expected
    for name, action in actions.items():
        declared = next(p for p in PARAMETERS if p.name == name)
        assert action.option_strings == [declared.flag]
        assert declared.help in (action.help or "")
        if not declared.required:
            assert action.default == declared.default, name
    trade_off = actions["precision_recall_tradeoff"].help or ""
    assert "toward 1 fewer false matches" in trade_off and "default 0.5" in trade_off


def test_cli_parses_flags_into_settings() -> None:
    from gx_findmatches.cli.common import settings_from_args

    args = parser().parse_args(
        [
            "transform",
            "create",
            "t",
            "--data",
            "d.csv",
            "--primary-key",
            "id",
            "--columns",
            "name, city",
            "--precision-recall-tradeoff",
            "0.9",
            "--enforce-provided-labels",
        ]
    )
    settings = MatchSettings(**settings_from_args(args))
    assert settings == MatchSettings(
        "id", columns=["name", "city"], precision_recall_tradeoff=0.9, enforce_provided_labels=True
    )


def test_cli_refuses_a_bad_tradeoff_before_reading_the_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", f"sqlite:///{tmp_path / 'fm.db'}"]
    missing = str(tmp_path / "missing.csv")  # never read: the parameters fail first
    create = ["transform", "create", "t", "--data", missing, "--primary-key", "id", *store]
    code = main([*create, "--accuracy-cost-tradeoff", "2"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: accuracy_cost_tradeoff must be a number between 0 and 1, got 2.0")
    match = ["match", "--data", missing, "--primary-key", "id", "--out", "o.csv"]
    code = main([*match, "--precision-recall-tradeoff", "-1"])
    assert code == 2 and "precision_recall_tradeoff must be" in capsys.readouterr().err


# ------------------------------------------------------------------------------ GX
def test_gx_fields_are_the_transform_parameters_plus_gx_ones() -> None:
    from great_expectations.datasource.fluent.pandas_datasource import _PandasDataAsset
    from gx_findmatches.gx.datasource.match_asset import INLINE_KEYS, FindMatchesAssetBase
    from gx_findmatches.gx.expectations.matching_expectation import (
        FindMatchesMatchingExpectation,
    )
    from gx_findmatches.gx.expectations.rendered_expectation import (
        FindMatchesRenderedExpectation,
    )
    from gx_findmatches.gx.params import GX_DEFAULTS, MATCH_DEFAULTS, MATCH_KEYS

    assert set(MATCH_KEYS) & NAMES == TRANSFORM_NAMES
    assert set(MATCH_KEYS) == TRANSFORM_NAMES | set(GX_DEFAULTS)
    expectation = set(FindMatchesMatchingExpectation.__fields__) - set(
        FindMatchesRenderedExpectation.__fields__
    )
    asset = set(FindMatchesAssetBase.__fields__) - set(_PandasDataAsset.__fields__)
    assert expectation == asset == set(MATCH_KEYS)
    assert set(INLINE_KEYS) == set(MATCH_KEYS) - {"transform_name", "store_url"}
    for declared in TRANSFORM_PARAMETERS:
        field = FindMatchesMatchingExpectation.__fields__[declared.name]
        assert declared.help in (field.field_info.description or "")
        if not declared.required:
            assert field.default == declared.default == MATCH_DEFAULTS[declared.name]
        low, high = declared.bounds or (None, None)
        assert (field.field_info.ge, field.field_info.le) == (low, high)


def test_gx_matching_setup_carries_enforce_provided_labels() -> None:
    from gx_findmatches.gx.params import MatchParameters

    setup = MatchParameters.from_kwargs({"primary_key": "id", "enforce_provided_labels": True})
    assert setup.transform().enforce_provided_labels is True
    assert MatchParameters.from_kwargs({"primary_key": "id"}).settings == MatchSettings("id")


def test_gx_matching_setup_is_checked_against_the_bounds() -> None:
    from gx_findmatches.gx.params import MatchParameters

    with pytest.raises(ParameterError, match="precision_recall_tradeoff must be"):
        MatchParameters.from_kwargs({"primary_key": "id", "precision_recall_tradeoff": 3})


# ------------------------------------------------------------------------------ workflow
@pytest.fixture
def flow(tmp_path: Path) -> Workflow:
    from gx_findmatches.sources import DataSource

    data = tmp_path / "people.csv"
    pd.DataFrame({"id": [1, 2, 3], "name": ["ann", "anne", "bob"]}).to_csv(data, index=False)
    store = Store(f"sqlite:///{data.parent / 'fm.db'}")
    workflow = Workflow(store)
    workflow.create_transform(
        "people", DataSource(str(data)), "id", precision_recall_tradeoff=0.8, columns=["name"]
    )
    yield workflow  # type: ignore[misc]
    store.close()


def test_stored_settings_are_read_without_loading_a_model(flow: Workflow) -> None:
    with flow.store.task_run("people", "TRAINING", {}) as run:
        flow.store.save_model(run, "people", {"format": "not a model"})
    expected = MatchSettings("id", columns=["name"], precision_recall_tradeoff=0.8)
    assert stored_transform_settings(flow.store, "people") == expected
    assert stored_transform_settings(flow.store.url, "people") == expected  # a URL: opened here
    with pytest.raises(ModelFileError):  # the model is only read by what needs it
        trained_transform(flow.store, "people")


def test_stored_labels_through_the_workflow(flow: Workflow) -> None:
    assert stored_labels(flow.store.url, "people").empty


def test_an_untrained_transform_raises_not_trained(flow: Workflow) -> None:
    with pytest.raises(NotTrainedError, match="NOT_READY") as caught:
        trained_transform(flow.store, "people")
    assert isinstance(caught.value, NotFittedError)
    assert not isinstance(caught.value, LabelError)
    assert "gx-findmatches" not in str(caught.value)  # the library names the API
    assert "`Workflow.train`" in str(caught.value)


def test_the_cli_names_the_command_instead_of_the_api(
    flow: Workflow, capsys: pytest.CaptureFixture[str]
) -> None:
    incremental = ["match-incremental", "people", "--existing", "a.csv", "--new", "b.csv"]
    code = main([*incremental, "--out", "c.csv", "--store", flow.store.url])
    err = capsys.readouterr().err
    assert code == 2
    assert "NOT_READY" in err and "`gx-findmatches train people`" in err
    assert "Workflow.train" not in err


# ------------------------------------------------------------------------------ messages
LIBRARY = [
    path
    for path in PACKAGE.rglob("*.py")
    if "cli" not in path.relative_to(PACKAGE).parts and path.name != "demo.py"
]
API_NAME = re.compile(r"`((?:Workflow|Store|DataSource|FindMatches)\b[^`]*)`")


COMMAND_LINE = re.compile(
    r"gx-findmatches (transform|labels|train|match|evaluate|runs|explain|validate|demo)\b"
    r"|(^|[ (])--[a-z]"
)


def test_library_messages_name_no_command_line() -> None:
    named = []
    for path in [PACKAGE / "workflow.py", PACKAGE / "sources.py", *PACKAGE.glob("store/*.py")]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if COMMAND_LINE.search(line):
                named.append(f"{path.relative_to(PACKAGE)}:{number} {line.strip()}")
    assert named == []


def _messages(path: Path) -> list[str]:
    """The text of every error a module builds (``SomethingError(...)`` calls)."""
    texts = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "").endswith("Error"):
            parts = [
                n.value
                for n in ast.walk(node)
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            ]
            texts.append("".join(parts))
    return texts


def test_every_api_name_in_a_message_has_a_command_line_equivalent() -> None:
    used = {
        match.group(1)
        for path in LIBRARY
        for message in _messages(path)
        for match in API_NAME.finditer(message)
    }
    assert len(used) >= 5  # the scan finds the messages at all
    assert used == set(COMMANDS), sorted(used ^ set(COMMANDS))


def test_command_line_equivalents_fill_in_the_transform() -> None:
    args = argparse.Namespace(name="people")
    text = "train it first (`Workflow.train`); or delete it (`Store.delete_transform`)"
    assert for_command_line(text, args) == (
        "train it first (`gx-findmatches train people`); or delete it "
        "(`gx-findmatches transform delete people`)"
    )
    assert "--replace-output" in for_command_line(
        "replace it (`DataSource.write(frame, replace=True)`)", argparse.Namespace()
    )
