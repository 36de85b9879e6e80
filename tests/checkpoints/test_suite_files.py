"""Loading suite files: overrides, placeholders, and the registration guard (no GX runs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gx_findmatches.checkpoints import suite_from_file
from gx_findmatches.gx import SuiteError, UnregisteredExpectationError

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["febrl_people", "labeling_sets"])
def test_shipped_suites_load_whole(name: str) -> None:
    path = REPO / "expectations" / f"{name}.json"
    declared = json.loads(path.read_text(encoding="utf-8"))["expectations"]
    suite = suite_from_file(path)
    assert suite.name == name
    assert [e.expectation_type for e in suite.expectations] == [e["type"] for e in declared]


def test_overrides_retarget_every_expectation_that_has_the_kwarg() -> None:
    suite = suite_from_file(
        REPO / "expectations" / "febrl_people.json",
        overrides={"primary_key": "customer_id"},
        name="customers",
    )
    keys = {e.configuration.kwargs.get("primary_key") for e in suite.expectations}
    assert keys == {"customer_id", None}  # the core column checks have no primary_key
    assert suite.name == "customers"


def test_placeholders_are_filled_and_missing_ones_named(tmp_path: Path) -> None:
    path = tmp_path / "suite.json"
    expectation = {
        "type": "expect_table_fuzzy_duplicate_rate_to_be_between",
        "kwargs": {"primary_key": "${key}", "max_value": "${limit}"},
    }
    path.write_text(json.dumps({"name": "s", "expectations": [expectation]}), encoding="utf-8")
    suite = suite_from_file(path, parameters={"key": "id", "limit": 0.1})
    assert suite.expectations[0].configuration.kwargs == {"primary_key": "id", "max_value": 0.1}
    with pytest.raises(SuiteError, match=r"\$\{limit\}.*parameters=\{'limit'"):
        suite_from_file(path, parameters={"key": "id"})


def test_unknown_types_are_refused_not_dropped(tmp_path: Path) -> None:
    path = tmp_path / "suite.json"
    unknown = {"type": "expect_no_such_thing", "kwargs": {}}
    path.write_text(json.dumps({"name": "s", "expectations": [unknown]}), encoding="utf-8")
    with pytest.raises(UnregisteredExpectationError):
        suite_from_file(path)


def test_the_shipped_key_is_open_with_a_default() -> None:
    path = REPO / "expectations" / "febrl_people.json"

    def keys(suite: object) -> set[object]:
        return {
            e.configuration.kwargs.get(kwarg)
            for e in suite.expectations  # type: ignore[attr-defined]
            for kwarg in ("primary_key", "column")
        } - {None, "date_of_birth"}

    assert keys(suite_from_file(path)) == {"rec_id"}  # the default, from suite_parameters
    assert keys(suite_from_file(path, parameters={"primary_key": "customer_id"})) == {"customer_id"}


def test_load_suite_refuses_open_placeholders_instead_of_validating_them() -> None:
    from gx_findmatches.gx import load_suite

    with pytest.raises(SuiteError, match=r"\['primary_key'\] open.*suite_from_file"):
        load_suite(REPO / "expectations" / "febrl_people.json")
