"""``gx-findmatches validate``: a suite as a checkpoint, Data Docs, and pipeline exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gx_findmatches.cli import main
from gx_findmatches.datasets.febrl import PRIMARY_KEY, load_febrl
from gx_findmatches.io import write_table

pytestmark = pytest.mark.slow
SUITE = Path(__file__).resolve().parents[1] / "expectations" / "febrl_people.json"


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_table(load_febrl("febrl3"), tmp_path_factory.mktemp("data") / "people.csv")


def validate(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["validate", *argv, "--quiet"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_failing_expectation_exits_1_with_json_per_expectation(
    people: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = validate(
        capsys,
        "--data",
        str(people),
        "--primary-key",
        PRIMARY_KEY,
        "--suite",
        str(SUITE),
        "--project-dir",
        str(tmp_path),
        "--json",
    )
    assert code == 1, err
    result = json.loads(out)
    assert result["success"] is False
    declared = json.loads(SUITE.read_text(encoding="utf-8"))["expectations"]
    assert sorted(e["type"] for e in result["expectations"]) == sorted(e["type"] for e in declared)
    assert sum(not e["success"] for e in result["expectations"]) == 1
    assert all({"type", "success", "observed_value"} <= set(e) for e in result["expectations"])
    assert Path(result["data_docs"]).is_file()


def test_all_passing_exits_0(
    people: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = json.loads(SUITE.read_text(encoding="utf-8"))
    suite["expectations"] = [e for e in suite["expectations"] if e["severity"] == "critical"]
    passing = tmp_path / "passing.json"
    passing.write_text(json.dumps(suite), encoding="utf-8")
    code, out, err = validate(
        capsys,
        "--data",
        str(people),
        "--primary-key",
        PRIMARY_KEY,
        "--suite",
        str(passing),
        "--project-dir",
        str(tmp_path),
    )
    assert code == 0, err
    assert "Data Docs:" in out


def test_bad_input_exits_2(
    people: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = validate(
        capsys,
        "--data",
        str(tmp_path / "missing.csv"),
        "--primary-key",
        PRIMARY_KEY,
        "--suite",
        str(SUITE),
        "--project-dir",
        str(tmp_path),
    )
    assert code == 2 and "no file" in err
    unknown = tmp_path / "unknown.json"
    unknown.write_text(
        json.dumps(
            {
                "name": "x",
                "expectations": [{"type": "expect_something_nobody_registered", "kwargs": {}}],
            }
        ),
        encoding="utf-8",
    )
    code, _, err = validate(
        capsys,
        "--data",
        str(people),
        "--primary-key",
        PRIMARY_KEY,
        "--suite",
        str(unknown),
        "--project-dir",
        str(tmp_path),
    )
    assert code == 2 and "expect_something_nobody_registered" in err


def test_a_shipped_suite_is_found_by_name_from_any_folder(
    people: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # no expectations/ folder here: the package carries the suite
    code, out, err = validate(
        capsys,
        "--data",
        str(people),
        "--primary-key",
        PRIMARY_KEY,
        "--suite",
        "febrl_people",
        "--json",
    )
    assert code == 1, err  # the suite's one intentional failure, as from the file
    result = json.loads(out)
    declared = json.loads(SUITE.read_text(encoding="utf-8"))["expectations"]
    assert sorted(e["type"] for e in result["expectations"]) == sorted(e["type"] for e in declared)


def test_an_unknown_shipped_suite_names_the_ones_there(
    people: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = validate(
        capsys, "--data", str(people), "--primary-key", PRIMARY_KEY, "--suite", "nope"
    )
    assert code == 2
    assert "no shipped expectation 'nope'" in err and "febrl_people" in err
