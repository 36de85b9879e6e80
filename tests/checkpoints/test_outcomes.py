"""What a checkpoint outcome tells a caller: severity, the reason an expectation could not run,
and sources that change kind. Real GX checkpoints on a six-row table with core expectations."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from gx_findmatches.checkpoints import run_suite_checkpoint
from gx_findmatches.checkpoints.results import exception_message
from gx_findmatches.io import write_table

ROW_COUNT = "expect_table_row_count_to_be_between"
UNIQUE = "expect_column_values_to_be_unique"
FRAME = pd.DataFrame({"customer_id": ["c1", "c2", "c3"], "name": ["ann", "bob", "ann"]})


def _suite(tmp_path: Path, *expectations: dict[str, Any]) -> Path:
    path = tmp_path / "suite.json"
    path.write_text(json.dumps({"name": "s", "expectations": list(expectations)}), "utf-8")
    return path


def _failing_row_count(severity: str) -> dict[str, Any]:
    return {"type": ROW_COUNT, "kwargs": {"max_value": 1}, "severity": severity}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_table(FRAME, tmp_path / "customers.csv")


@pytest.mark.parametrize(
    ("severities", "failed", "critical_success"),
    [
        (["info"], "info", True),
        (["info", "warning"], "warning", True),
        (["warning", "critical"], "critical", False),
    ],
)
def test_the_highest_failed_severity_decides(
    tmp_path: Path, data: Path, severities: list[str], failed: str, critical_success: bool
) -> None:
    suite = _suite(tmp_path, *(_failing_row_count(s) for s in severities))
    outcome = run_suite_checkpoint(tmp_path / "gx", data, suite)
    assert outcome.success is False  # GX's verdict counts every failure
    assert [e.status for e in outcome.expectations] == severities
    assert (outcome.failed_severity, outcome.critical_success) == (failed, critical_success)


def test_the_reason_a_metric_raised_is_the_outcome_exception(tmp_path: Path, data: Path) -> None:
    suite = _suite(tmp_path, {"type": UNIQUE, "kwargs": {"column": "no_such_column"}})
    (outcome,) = run_suite_checkpoint(tmp_path / "gx", data, suite).expectations
    assert not outcome.success and outcome.observed_value is None
    assert outcome.exception is not None
    assert 'The column "no_such_column" in BatchData does not exist' in outcome.exception


def test_exception_message_reads_the_flat_form_too() -> None:
    flat = {"raised_exception": True, "exception_message": "boom", "exception_traceback": "..."}
    assert exception_message(flat) == "boom"
    assert exception_message({"raised_exception": False, "exception_message": None}) is None
    assert exception_message({}) is None


def test_result_and_kwargs_are_kept_without_gx_internals(tmp_path: Path, data: Path) -> None:
    suite = _suite(tmp_path, {"type": UNIQUE, "kwargs": {"column": "name"}, "meta": {"a": 1}})
    (outcome,) = run_suite_checkpoint(tmp_path / "gx", data, suite).expectations
    assert outcome.kwargs == {"column": "name"} and outcome.meta == {"a": 1}
    assert outcome.result["unexpected_count"] == 2 and outcome.severity == "critical"


# GX suggests its SqliteDatasource over the generic SQL one the helpers use for every URL
@pytest.mark.filterwarnings("ignore::great_expectations.datasource.fluent.GxDatasourceWarning")
def test_a_suite_validated_on_a_file_can_move_to_a_database_table(
    tmp_path: Path, data: Path
) -> None:
    suite = _suite(tmp_path, {"type": UNIQUE, "kwargs": {"column": "customer_id"}})
    with sqlite3.connect(tmp_path / "db.sqlite") as connection:
        FRAME.to_sql("customers", connection, index=False)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    on_file = run_suite_checkpoint(tmp_path / "gx", data, suite)
    on_table = run_suite_checkpoint(tmp_path / "gx", url, suite, table="customers")
    assert on_file.success and on_table.success
