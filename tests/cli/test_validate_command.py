"""``gx-findmatches validate``: a suite as a real GX checkpoint, Data Docs, and pipeline exit codes.

Most tests use a six-row table and GX core expectations (no matching), so they run in seconds;
those that match FEBRL3 with the shipped suite are marked slow.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from gx_findmatches.cli import main
from gx_findmatches.datasets.febrl import PRIMARY_KEY, load_febrl
from gx_findmatches.io import write_table

SUITE = Path(__file__).resolve().parents[2] / "expectations" / "febrl_people.json"
UNIQUE = "expect_column_values_to_be_unique"
ROW_COUNT = "expect_table_row_count_to_be_between"


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_table(load_febrl("febrl3"), tmp_path_factory.mktemp("data") / "people.csv")


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """Six customers, one of them twice under another key."""
    frame = pd.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3", "c4", "c5", "c6"],
            "name": ["ann lee", "bob roy", "cy dunn", "di fox", "ed kim", "ann lee"],
        }
    )
    return write_table(frame, tmp_path / "customers.csv")


def suite_file(tmp_path: Path, *expectations: dict[str, Any], **extra: Any) -> Path:
    path = tmp_path / "suite.json"
    suite = {"name": "customers", "expectations": list(expectations), **extra}
    path.write_text(json.dumps(suite), encoding="utf-8")
    return path


def expectation(type_: str, severity: str = "critical", **kwargs: Any) -> dict[str, Any]:
    meta = {"why": f"{type_} check"}
    return {"type": type_, "kwargs": kwargs, "meta": meta, "severity": severity}


def run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, *argv: str, quiet: bool = True
) -> tuple[int, str, str]:
    args = ["validate", *argv, "--project-dir", str(tmp_path / "gx")]
    code = main([*args, "--quiet"] if quiet else args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --------------------------------------------------------------------------- severity
def test_a_failed_warning_expectation_prints_warn_and_exits_0(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = suite_file(
        tmp_path,
        expectation(UNIQUE, column="customer_id"),
        expectation(ROW_COUNT, severity="warning", max_value=3),
    )
    code, out, err = run(capsys, tmp_path, "--data", str(small), "--suite", str(suite))
    assert code == 0, err
    assert out.splitlines()[0].startswith(f"PASS  {UNIQUE}")
    assert any(line.startswith(f"WARN  {ROW_COUNT}") for line in out.splitlines())
    assert "1 failed as warnings" in out


def test_a_failed_critical_expectation_prints_fail_and_exits_1(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = suite_file(
        tmp_path,
        expectation(ROW_COUNT, severity="warning", max_value=3),
        expectation(ROW_COUNT, max_value=4),  # severity critical
    )
    code, out, err = run(capsys, tmp_path, "--data", str(small), "--suite", str(suite))
    assert code == 1, err
    marks = [line.split()[0] for line in out.splitlines() if line.startswith(("WARN", "FAIL"))]
    assert marks == ["WARN", "FAIL"]


# ----------------------------------------------------------------------------- report
def test_json_reports_each_expectation_with_kwargs_meta_severity_and_result(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = suite_file(
        tmp_path,
        expectation(UNIQUE, column="customer_id"),
        expectation(ROW_COUNT, severity="warning", max_value=3),
    )
    code, out, err = run(capsys, tmp_path, "--data", str(small), "--suite", str(suite), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["success"] is False and result["failed_severity"] == "warning"
    unique, rows = result["expectations"]
    assert unique["kwargs"] == {"column": "customer_id"}
    assert unique["meta"] == {"why": f"{UNIQUE} check"}
    assert (unique["status"], unique["severity"]) == ("pass", "critical")
    assert unique["result"]["unexpected_count"] == 0
    assert (rows["status"], rows["observed_value"], rows["exception"]) == ("warning", 6, None)
    assert Path(result["data_docs"]).is_file()


def test_why_an_expectation_could_not_run_is_printed(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = suite_file(tmp_path, expectation(UNIQUE, column="no_such_column"))
    code, out, err = run(capsys, tmp_path, "--data", str(small), "--suite", str(suite))
    assert code == 1, err
    lines = out.splitlines()
    assert lines[0] == f"FAIL  {UNIQUE}  column=no_such_column"
    assert lines[1].strip().startswith("could not run:") and "no_such_column" in lines[1]
    assert "observed None" not in out

    code, out, _ = run(capsys, tmp_path, "--data", str(small), "--suite", str(suite), "--json")
    assert "no_such_column" in json.loads(out)["expectations"][0]["exception"]


@pytest.mark.parametrize(
    ("result_format", "present", "absent"),
    [
        ("BOOLEAN_ONLY", set(), {"element_count", "unexpected_list"}),
        ("SUMMARY", {"element_count", "partial_unexpected_list"}, {"unexpected_list"}),
        ("COMPLETE", {"element_count", "unexpected_list"}, set()),
    ],
)
def test_result_format_reaches_the_validation(
    small: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    result_format: str,
    present: set[str],
    absent: set[str],
) -> None:
    suite = suite_file(tmp_path, expectation(UNIQUE, column="name"))
    code, out, err = run(
        capsys,
        tmp_path,
        "--data",
        str(small),
        "--suite",
        str(suite),
        "--json",
        "--result-format",
        result_format,
    )
    assert code == 1, err
    result = json.loads(out)
    assert result["result_format"] == result_format
    keys = set(result["expectations"][0]["result"])
    assert present <= keys and not (absent & keys)


# ----------------------------------------------------------------------- quiet output
def test_gx_metric_progress_bar_follows_the_progress_choice(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = suite_file(tmp_path, expectation(UNIQUE, column="customer_id"))
    data = ["--data", str(small), "--suite", str(suite)]
    for flag in ("--json", "--quiet"):
        code, out, err = run(capsys, tmp_path, *data, flag, quiet=False)
        assert code == 0 and "Calculating Metrics" not in err + out
    code = main(["--progress", "always", "validate", *data, "--project-dir", str(tmp_path / "gx")])
    assert code == 0 and "Calculating Metrics" in capsys.readouterr().err  # the bar exists
    config = (tmp_path / "gx" / "gx" / "great_expectations.yml").read_text(encoding="utf-8")
    assert "progress_bars" not in config  # hidden for the run, not in the user's project


def test_errors_under_json_are_a_json_object_on_stdout_with_exit_2(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, tmp_path, "--data", str(tmp_path / "missing.csv"), "--suite", "febrl_people"
    )
    assert code == 2
    code, out, err = run(
        capsys,
        tmp_path,
        "--data",
        str(tmp_path / "missing.csv"),
        "--suite",
        "febrl_people",
        "--json",
    )
    assert code == 2
    result = json.loads(out)  # stdout is nothing but the JSON object
    assert result["success"] is False and "no file at" in result["error"]
    assert err.startswith("error: no file at")


# ------------------------------------------------------------------------ primary key
def test_primary_key_fills_a_key_the_suite_leaves_open(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = suite_file(
        tmp_path,
        expectation(UNIQUE, column="${primary_key}"),
        suite_parameters={"primary_key": "rec_id"},
    )
    argv = ("--data", str(small), "--suite", str(suite), "--json")
    code, out, err = run(capsys, tmp_path, *argv, "--primary-key", "customer_id")
    assert code == 0, err
    assert json.loads(out)["expectations"][0]["kwargs"] == {"column": "customer_id"}
    code, out, _ = run(capsys, tmp_path, *argv)  # no flag: the suite's default
    assert code == 1 and "rec_id" in json.loads(out)["expectations"][0]["exception"]


@pytest.mark.slow
def test_the_readme_validate_example_passes_with_its_own_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """README: ``validate --data customers.csv --primary-key customer_id --suite febrl_people``
    on a customer table keyed ``customer_id`` (FEBRL3 renamed): every critical check passes,
    the suite's intentional warning prints WARN, exit 0."""
    monkeypatch.chdir(tmp_path)  # no expectations/ folder here: the package carries the suite
    customers = load_febrl("febrl3").rename(columns={PRIMARY_KEY: "customer_id"})
    write_table(customers, tmp_path / "customers.csv")
    argv = ["--data", "customers.csv", "--primary-key", "customer_id", "--suite", "febrl_people"]
    code = main(["validate", *argv, "--quiet"])
    out = capsys.readouterr().out
    assert code == 0, out
    marks = [line.split()[0] for line in out.splitlines() if line[:4] in {"PASS", "WARN", "FAIL"}]
    assert marks == ["PASS", "PASS", "PASS", "PASS", "WARN", "PASS"]
    assert "could not run" not in out and "rec_id" not in out


@pytest.mark.slow
def test_a_shipped_suite_by_name_matches_its_file(
    people: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, tmp_path, "--data", str(people), "--suite", "febrl_people")
    assert code == 0, err  # the suite's one failure is a warning
    code, out_file, err = run(capsys, tmp_path, "--data", str(people), "--suite", str(SUITE))
    assert code == 0, err
    assert out.splitlines()[:-1] == out_file.splitlines()[:-1]  # all but the Data Docs line


# -------------------------------------------------------------------------- bad input
def _sqlite_table(tmp_path: Path) -> str:
    with sqlite3.connect(tmp_path / "db.sqlite") as connection:
        connection.execute("CREATE TABLE other (customer_id TEXT)")
    return f"sqlite:///{tmp_path / 'db.sqlite'}"


BAD_SUITES: dict[str, tuple[Any, str]] = {
    "malformed_json": ('{"name": "s", "expectations": [', "is not valid JSON"),
    "a_json_list": ([expectation(UNIQUE, column="customer_id")], "holds a JSON list"),
    "unknown_kwarg": (
        [expectation(UNIQUE, column="customer_id", colum="name")],
        "colum: extra fields not permitted (its kwargs: ",
    ),
    "wrong_typed_kwarg": (
        [expectation(ROW_COUNT, max_value="lots")],
        "max_value: value is not a valid integer",
    ),
    "out_of_range_kwarg": (
        [
            expectation(
                "expect_table_fuzzy_duplicate_rate_to_be_between",
                primary_key="customer_id",
                max_value=1.5,
            )
        ],
        "max_value: ensure this value is less than or equal to 1.0",
    ),
    "quality_without_labels": (
        [
            expectation(
                "expect_match_quality_metric_to_be_between", primary_key="customer_id", metric="f1"
            )
        ],
        "give exactly one source of labels",
    ),
    "unknown_severity": (
        [expectation(UNIQUE, severity="fatal", column="customer_id")],
        "severity: Must be one of: critical, warning, info",
    ),
    "open_placeholder": (
        [expectation(UNIQUE, column="${primary_key}")],
        "leaves ${primary_key} open with no default; pass --primary-key",
    ),
    "key_given_to_a_suite_with_its_own": (
        [expectation("expect_match_group_sizes_to_be_between", primary_key="rec_id", max_value=5)],
        "names its own key (rec_id), so --primary-key customer_id would not apply",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_SUITES))
def test_a_bad_suite_is_a_clear_error_with_exit_2(
    case: str, small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content, message = BAD_SUITES[case]
    path = tmp_path / "suite.json"
    text = content if isinstance(content, str) else json.dumps(content)
    if isinstance(content, list) and case != "a_json_list":
        text = json.dumps({"name": "s", "expectations": content})
    path.write_text(text, encoding="utf-8")
    argv = ["--data", str(small), "--suite", str(path)]
    if case == "key_given_to_a_suite_with_its_own":
        argv += ["--primary-key", "customer_id"]
    code, out, err = run(capsys, tmp_path, *argv)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err, err
    assert "Traceback" not in err


# GX suggests its SqliteDatasource over the generic SQL one the helpers use for every URL
@pytest.mark.filterwarnings("ignore::great_expectations.datasource.fluent.GxDatasourceWarning")
@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("empty_file", "is empty (no header, no rows)"),
        ("header_only", "has columns but no rows"),
        ("missing_table", "no such table: customers); check the URL, the credentials"),
        ("database_without_table", "is a database; name the table: --table"),
        ("missing_file", "no file at"),
    ],
)
def test_bad_data_is_a_clear_error_with_exit_2(
    case: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = suite_file(tmp_path, expectation(UNIQUE, column="customer_id"))
    data: list[str] = ["--data", str(tmp_path / "missing.csv")]
    if case == "empty_file":
        (tmp_path / "empty.csv").write_text("", encoding="utf-8")
        data = ["--data", str(tmp_path / "empty.csv")]
    elif case == "header_only":
        (tmp_path / "header.csv").write_text("customer_id,name\n", encoding="utf-8")
        data = ["--data", str(tmp_path / "header.csv")]
    elif case == "missing_table":
        data = ["--data", _sqlite_table(tmp_path), "--table", "customers"]
    elif case == "database_without_table":
        data = ["--data", _sqlite_table(tmp_path)]
    code, out, err = run(capsys, tmp_path, *data, "--suite", str(suite))
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err, err


def test_an_unregistered_expectation_type_is_refused(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = suite_file(tmp_path, {"type": "expect_something_nobody_registered", "kwargs": {}})
    code, _, err = run(capsys, tmp_path, "--data", str(small), "--suite", str(suite))
    assert code == 2 and "expect_something_nobody_registered" in err


def test_an_unknown_shipped_suite_names_the_ones_there(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, tmp_path, "--data", str(small), "--suite", "nope")
    assert code == 2
    assert "no shipped expectation 'nope'" in err and "febrl_people" in err
