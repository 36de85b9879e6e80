"""The store through the command line: what it refuses, what it prints, what it never does.

Each test guards one defect of issue 10 (items 2, 8, 17 and 19), measured before the fix.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from gx_findmatches.cli import main
from gx_findmatches.sources import DataSource
from gx_findmatches.store import Store
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_error_line(err: str) -> str:
    """The single ``error: ...`` line of a failed command (no traceback, nothing else)."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def people(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    pd.DataFrame(
        {
            "id": [f"r{i}" for i in range(60)],
            "name": [f"name {i % 20}" for i in range(60)],
            "city": [f"city {i % 7}" for i in range(60)],
        }
    ).to_csv(path, index=False)
    return path


# ---- item 2: the store never writes over its own tables -------------------------------------
@pytest.mark.parametrize("table", ["transforms", "TRANSFORMS", "schema_version", "labels"])
def test_match_output_over_the_stores_own_table_is_refused(
    tmp_path: Path, people: Path, table: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # measured before: `--out-table transforms --replace-output` replaced the store's table,
    # and every later command crashed
    store = f"sqlite:///{tmp_path / 'findmatches.db'}"
    code, _, err = run(
        capsys, "transform", "create", "people", "--data", str(people), "--primary-key", "id",
        "--store", store,
    )  # fmt: skip
    assert code == 0, err
    code, _, err = run(
        capsys, "match", "--data", str(people), "--primary-key", "id", "--out", store,
        "--out-table", table, "--replace-output", "--quiet",
    )  # fmt: skip
    assert code == 2
    assert "table of the gx-findmatches store" in one_error_line(err)
    with Store(store) as opened:  # the store still works
        assert [t.name for t in opened.list_transforms()] == ["people"]
    code, _, err = run(
        capsys, "match", "--data", str(people), "--primary-key", "id", "--out", store,
        "--out-table", "matches", "--quiet",
    )  # fmt: skip
    assert code == 0, err  # a table of another name beside the store is fine


def test_writing_a_result_over_a_store_table_is_refused_on_every_database(
    store: Store, store_url: str
) -> None:
    store.create_transform("people", "a.csv", "id")
    with pytest.raises(Exception, match="table of the gx-findmatches store"):
        DataSource(store_url, "task_runs").write(pd.DataFrame({"x": [1]}), replace=True)
    with Store(store_url) as reopened:
        assert [t.name for t in reopened.list_transforms()] == ["people"]


# ---- item 8: a store that cannot be opened is one line with the fix --------------------------
def _postgres(url: str, **changes: object) -> str:
    return make_url(url).set(**changes).render_as_string(hide_password=False)


@pytest.fixture
def bad_stores(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """Store URLs that cannot work, and a phrase of the fix each must name."""
    (tmp_path / "folder").mkdir()
    (tmp_path / "notes.db").write_text("not a database\n")
    return {
        "not-a-url": ("notaurl", "is not a database URL"),
        "unknown-dialect": ("nosuchdb://host/x", "unknown kind of database"),
        "missing-driver": ("mysql://u:secret@localhost/db", "needs the Python module"),
        "missing-folder": (f"sqlite:///{tmp_path / 'no' / 'such' / 's.db'}", "does not exist"),
        "a-folder": (f"sqlite:///{tmp_path / 'folder'}", "is a folder, not a database file"),
        "not-a-database": (f"sqlite:///{tmp_path / 'notes.db'}", "is not a SQLite database"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "not-a-url",
        "unknown-dialect",
        "missing-driver",
        "missing-folder",
        "a-folder",
        "not-a-database",
    ],
)
def test_a_store_that_cannot_be_opened_is_one_line_with_the_fix(
    case: str, bad_stores: dict[str, tuple[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    # measured before: raw SQLAlchemy tracebacks
    url, phrase = bad_stores[case]
    for argv in (["runs"], ["transform", "create", "t", "--data", "x.csv", "--primary-key", "id"]):
        code, _, err = run(capsys, *argv, "--store", url)
        assert code == 2
        line = one_error_line(err)
        assert phrase in line and "--store" in line
        assert "secret" not in line


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("change", "phrase"),
    [
        ({"password": "wrong"}, "check the user name and password"),
        ({"port": 1}, "check the host and port"),
        ({"database": "gxfm_no_such_database"}, "create the database"),
    ],
    ids=["wrong-password", "refused-port", "missing-database"],
)
def test_a_postgres_store_that_cannot_be_reached_is_one_line_with_the_fix(
    postgres_server: str, change: dict[str, object], phrase: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _postgres(postgres_server, **change)
    code, _, err = run(capsys, "runs", "--store", url)
    assert code == 2
    line = one_error_line(err)
    assert phrase in line
    password = make_url(url).password
    assert f":{password}@" not in line and ":***@" in line


def test_a_read_only_sqlite_store_reads_but_refuses_writes_in_one_line(
    tmp_path: Path, people: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.db"
    code, _, err = run(
        capsys, "transform", "create", "people", "--data", str(people), "--primary-key", "id",
        "--store", f"sqlite:///{path}",
    )  # fmt: skip
    assert code == 0, err
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    assert run(capsys, "transform", "list", "--store", read_only)[0] == 0
    code, _, err = run(capsys, "train", "people", "--store", read_only)
    assert code == 2
    assert "is read-only" in one_error_line(err) and "make it writable" in err


@pytest.mark.postgres
def test_a_read_only_postgres_role_is_one_line(
    postgres_url: str, people: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(postgres_url) as store:
        store.create_transform("people", str(people), "id")
    parsed = make_url(postgres_url)
    options = f"{parsed.query['options']} -cdefault_transaction_read_only=on"
    read_only = parsed.update_query_dict({"options": options}).render_as_string(False)
    code, _, err = run(capsys, "train", "people", "--store", read_only)
    assert code == 2
    assert "is read-only" in one_error_line(err)


def test_schema_version_0_is_one_line_not_a_key_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    Store(url).close()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE schema_version SET version = 0"))
    engine.dispose()
    code, _, err = run(capsys, "runs", "--store", url)
    assert code == 2
    assert "schema_version table with the rows [0]" in one_error_line(err)


# ---- item 17: read-only commands, paths, names, the runs listing ---------------------------
def test_read_only_commands_never_create_a_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GX_FINDMATCHES_STORE", raising=False)
    assert run(capsys, "transform", "list")[:2] == (0, "")
    assert run(capsys, "transform", "list", "--json")[:2] == (0, "[]\n")
    assert run(capsys, "runs", "--json")[:2] == (0, "[]\n")
    commands = [["transform", "show", "t"], ["runs", "t"], ["train", "t"]]
    for argv in [*commands, ["explain", "t", "--group", "1"]]:
        code, _, err = run(capsys, *argv)
        assert code == 2 and "there is no store" in one_error_line(err), argv
    assert list(tmp_path.iterdir()) == []  # measured before: findmatches.db appeared


def test_a_relative_data_path_is_stored_absolute(
    tmp_path: Path,
    people: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = f"sqlite:///{tmp_path / 's.db'}"
    monkeypatch.chdir(tmp_path)
    code, _, err = run(
        capsys, "transform", "create", "people", "--data", people.name, "--primary-key", "id",
        "--store", store,
    )  # fmt: skip
    assert code == 0, err
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, _, err = run(capsys, "train", "people", "--store", store, "--quiet")
    assert code == 0, err  # measured before: "no file at people.csv"
    with Store(store) as opened:
        assert DataSource.from_reference(
            opened.get_transform("people").data_source
        ).location == str(people)


def test_runs_listing_separates_its_columns(
    tmp_path: Path, people: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = f"sqlite:///{tmp_path / 's.db'}"
    create = ["transform", "create", "people", "--data", str(people), "--primary-key", "id"]
    assert run(capsys, *create, "--store", store)[0] == 0
    assert run(capsys, "train", "people", "--store", store, "--quiet")[0] == 0
    for argv in (["runs", "people"], ["runs"]):
        _, out, _ = run(capsys, *argv, "--store", store)
        # measured before: "2026-01-02 10:00:00.123456+00:00TRAINING"
        assert re.match(
            r"^[0-9a-f]{8}  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  (people\s+)?TRAINING\s+SUCCEEDED ",
            out,
        ), out


def test_transform_list_prints_control_characters_escaped(
    store: Store, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store.create_transform("people", "a.csv", "id")
    engine = create_engine(store_url)  # a name stored by an older release, unchecked
    with engine.begin() as connection:
        connection.execute(text("UPDATE transforms SET name = :n"), {"n": "evil\x1b[2J\nname"})
    engine.dispose()
    code, out, _ = run(capsys, "transform", "list", "--store", store_url)
    assert code == 0
    assert "\x1b" not in out and "evil\\x1b[2J\\nname" in out


# ---- item 19: passwords are never printed ------------------------------------------------------
@pytest.mark.postgres
def test_no_database_password_is_printed(
    postgres_url: str, people: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    password = make_url(postgres_url).password
    assert password
    secret = f":{password}@"
    DataSource(postgres_url, "people").write(pd.read_csv(people))
    store = ["--store", f"sqlite:///{tmp_path / 's.db'}"]
    out = ["--out", postgres_url, "--out-table", "matched"]
    data = ["--data", postgres_url, "--table", "people", "--primary-key", "id"]
    outputs = [
        run(capsys, "transform", "create", "people", *data, *store, "--json"),
        run(capsys, "transform", "show", "people", *store),
        run(capsys, "transform", "show", "people", *store, "--json"),
        run(capsys, "transform", "list", *store),
        run(capsys, "train", "people", *store, "--quiet"),
        run(capsys, "match", "--transform", "people", *store, *out, "--json"),
        run(capsys, "match", "--transform", "people", *store, *out),
        run(capsys, "runs", "people", *store, "--json"),
    ]
    assert [code for code, _, _ in outputs] == [0, 0, 0, 0, 0, 0, 2, 0]  # 2: table exists
    for _, printed, err in outputs:
        assert secret not in printed and secret not in err, (printed, err)
    assert json.loads(outputs[5][1])["output"].count(":***@") == 1  # measured before: the password


def test_no_password_in_an_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = "postgresql+nosuchdriver://user:hunter2@localhost/db"
    code, _, err = run(
        capsys, "transform", "create", "t", "--data", data, "--table", "t", "--primary-key", "id",
        "--store", f"sqlite:///{tmp_path / 's.db'}",
    )  # fmt: skip
    assert code == 2
    assert "hunter2" not in one_error_line(err)
