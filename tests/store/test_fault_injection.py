"""Killing the command line mid-run (``kill -9`` and SIGTERM) during ``train``, ``match`` and
``labels import``, on SQLite and PostgreSQL: the store stays consistent, no ``*.tmp`` file is
left behind, and the interrupted run ends up FAILED with the reason.

Each case starts the real CLI in a new process, waits until its run is RUNNING in the store,
then takes the store's write lock itself (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: row locks
on the transform and the run), so the run can never commit: whatever point of the work or of
its final write the signal lands on, the outcome to check is the same. For SIGTERM the lock is
released right after the signal, so the CLI can record its own failure.

Measured before the fix: a SIGTERM left the run RUNNING (the default action ends Python at
once), a ``kill -9`` left it RUNNING forever, and a Ctrl-C printed a traceback.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import gx_findmatches
import numpy as np
import pandas as pd
import pytest
from gx_findmatches.cli import main
from gx_findmatches.sources import DataSource
from gx_findmatches.store import Store
from gx_findmatches.workflow import Workflow
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

pytestmark = pytest.mark.slow

ROWS = 300
ATTEMPTS = 8  # tries at catching a quick run mid-way (see _interrupted)
PLUGIN = Path(gx_findmatches.__file__).resolve().parents[1]
# what the installed `gx-findmatches` script runs
ENTRY_POINT = "import sys; from gx_findmatches.cli import main; sys.exit(main())"


@pytest.fixture
def people(tmp_path: Path) -> Path:
    """A small generated table with some near-duplicate people."""
    rng = np.random.default_rng(7)
    given = rng.choice(["anna", "bob", "carl", "dora", "emil", "fay", "gus", "hana"], ROWS)
    frame = pd.DataFrame(
        {
            "id": [f"r{i}" for i in range(ROWS)],
            "given": given,
            "surname": rng.choice(["smith", "jones", "meyer", "novak", "ito", "chen"], ROWS),
            "city": rng.choice(["oslo", "rome", "lima", "kyiv"], ROWS),
            "born": rng.integers(1950, 2000, ROWS).astype(str),
        }
    )
    path = tmp_path / "data" / "people.csv"
    path.parent.mkdir()
    frame.to_csv(path, index=False)
    return path


def _labels(tmp_path: Path) -> Path:
    rows = [
        ("s1", "A", "r0"),
        ("s1", "A", "r1"),
        ("s1", "B", "r2"),
        ("s2", "A", "r3"),
        ("s2", "B", "r4"),
    ]
    path = tmp_path / "data" / "labels.csv"
    pd.DataFrame(rows, columns=["labeling_set_id", "label", "id"]).to_csv(path, index=False)
    return path


def _start(*argv: str) -> subprocess.Popen[str]:
    """The real command line in a new process, importing this checkout's package."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(PLUGIN), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.Popen(
        [sys.executable, "-c", ENTRY_POINT, *argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _running_run(url: str, process: subprocess.Popen[str]) -> str:
    """The id of the RUNNING run, once the process has committed it."""
    engine = create_engine(url)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                found = connection.execute(
                    text("SELECT id FROM task_runs WHERE status = 'RUNNING'")
                ).scalar()
            if found is not None:
                return str(found)
            if process.poll() is not None:
                _, err = process.communicate()
                pytest.fail(f"the command ended before its run started: {err}")
            time.sleep(0.02)
        pytest.fail("the run never started")
    finally:
        engine.dispose()


@contextmanager
def _store_locked(url: str, run_id: str) -> Iterator[bool]:
    """Try to hold the store's write lock, so the run can neither write nor end; yields
    whether the lock is held and the run still RUNNING under it."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        connection = sqlite3.connect(str(parsed.database), timeout=1, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:  # the run holds it: it is writing
            connection.close()
            yield False
            return
        try:
            status = connection.execute("SELECT status FROM task_runs WHERE id = ?", (run_id,))
            yield status.fetchone() == ("RUNNING",)
        finally:
            connection.execute("ROLLBACK")
            connection.close()
        return
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            transaction = connection.begin()
            connection.execute(text("SET LOCAL lock_timeout = '1s'"))
            try:
                connection.execute(text("SELECT id FROM transforms FOR NO KEY UPDATE"))
                status = connection.execute(
                    text("SELECT status FROM task_runs WHERE id = :id FOR UPDATE"), {"id": run_id}
                ).scalar()
            except OperationalError:  # the run holds a lock: it is writing
                transaction.rollback()
                status = None
            try:
                yield status == "RUNNING"
            finally:
                if transaction.is_active:
                    transaction.rollback()
    finally:
        engine.dispose()


def _interrupt(
    url: str, argv: list[str], signum: int
) -> tuple[str, subprocess.Popen[str], str] | None:
    """Run the command and stop it mid-run with ``signum``; the run id, process and stderr,
    or ``None`` when the run got to its end before it could be held."""
    process = _start(*argv, "--store", url, "--quiet")
    try:
        run_id = _running_run(url, process)
        process.send_signal(signal.SIGSTOP)  # hold it still while the lock is taken
        with _store_locked(url, run_id) as held:
            process.send_signal(signal.SIGCONT)
            if not held:
                process.communicate(timeout=120)
                return None
            time.sleep(0.3)  # let the work go on until it has to wait for the lock
            process.send_signal(signum)
            if signum == signal.SIGKILL:
                process.wait(timeout=60)  # dies holding nothing: the lock is still ours
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return run_id, process, err


def _setup(command: str, url: str, people: Path, tmp_path: Path, name: str) -> list[str]:
    """A transform ready for ``command``; the command's arguments."""
    with Store(url) as store:
        flow = Workflow(store)
        flow.create_transform(name, DataSource(str(people)), "id")
        if command == "match":
            flow.train(name)
    if command == "train":
        return ["train", name]
    if command == "match":
        return ["match", "--transform", name, "--out", str(tmp_path / "out" / f"{name}.csv")]
    return ["labels", "import", name, str(_labels(tmp_path))]


def _interrupted(
    command: str, url: str, people: Path, tmp_path: Path, signum: int
) -> tuple[str, list[str], str, subprocess.Popen[str], str]:
    """Interrupt ``command`` mid-run (a new transform per attempt: a quick run can get to its
    end between the poll that sees it start and the lock; that attempt proves nothing). A
    label import of five labels is over in milliseconds: on a loaded CI machine three attempts
    all came too late once, so up to eight."""
    for attempt in range(ATTEMPTS):
        name = f"people{attempt}"
        argv = _setup(command, url, people, tmp_path, name)
        outcome = _interrupt(url, argv, signum)
        if outcome is not None:
            return (name, argv, *outcome)
    pytest.fail(f"the run ended before it could be interrupted, {ATTEMPTS} times")


def _check_consistent(url: str, name: str, command: str, tmp_path: Path) -> None:
    """Nothing of the interrupted run is kept, and the store still works."""
    with Store(url) as store:
        assert not [r for r in store.runs(name) if r.status == "RUNNING"]
        versions = 1 if command == "match" else None  # match trained once, beforehand
        latest = store.latest_model(name)
        assert (latest[0] if latest else None) == versions
        assert store.labels(name).empty
    assert sorted(str(p) for p in tmp_path.rglob("*.tmp")) == []
    output = tmp_path / "out" / f"{name}.csv"
    if output.exists():  # written before the kill: then whole, never half
        assert len(pd.read_csv(output)) == ROWS
    if url.startswith("sqlite"):
        with sqlite3.connect(str(make_url(url).database)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def _again(
    command: str, url: str, name: str, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The same command succeeds on the store afterwards."""
    assert main([*argv, "--store", url, "--quiet"]) == 0, capsys.readouterr().err
    with Store(url) as store:
        if command == "train":
            assert store.latest_model(name) is not None
        if command == "labels":
            assert len(store.labels(name)) == 5
    capsys.readouterr()


COMMANDS = ["train", "match", "labels"]


@pytest.mark.parametrize("command", COMMANDS)
def test_sigterm_fails_the_run_itself_and_keeps_nothing(
    command: str, store_url: str, people: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, argv, run_id, process, err = _interrupted(
        command, store_url, people, tmp_path, signal.SIGTERM
    )
    assert process.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("stopped by SIGTERM")
    with Store(store_url) as store:  # marked FAILED by the process itself
        [run] = [r for r in store.runs(name) if r.id == run_id]
    assert run.status == "FAILED" and "SIGTERM" in (run.error_message or "")
    _check_consistent(store_url, name, command, tmp_path)
    _again(command, store_url, name, argv, capsys)


@pytest.mark.parametrize("command", COMMANDS)
def test_kill_9_leaves_a_run_the_next_command_reports_failed(
    command: str, store_url: str, people: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, argv, run_id, process, _ = _interrupted(
        command, store_url, people, tmp_path, signal.SIGKILL
    )
    assert process.returncode == -signal.SIGKILL
    engine = create_engine(store_url)
    try:
        with engine.connect() as connection:  # nobody could say anything yet
            status = connection.execute(
                text("SELECT status FROM task_runs WHERE id = :id"), {"id": run_id}
            ).scalar()
    finally:
        engine.dispose()
    assert status == "RUNNING"

    assert main(["runs", name, "--json", "--store", store_url]) == 0
    [run] = [r for r in json.loads(capsys.readouterr().out) if r["id"] == run_id]
    assert run["status"] == "FAILED"
    assert f"pid {process.pid}" in run["error_message"] and "killed" in run["error_message"]
    _check_consistent(store_url, name, command, tmp_path)
    _again(command, store_url, name, argv, capsys)


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_ctrl_c_is_one_line_exit_130_and_fails_the_run(
    store_url: str, people: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # measured before: a full KeyboardInterrupt traceback
    name, _, run_id, process, err = _interrupted(
        "train", store_url, people, tmp_path, signal.SIGINT
    )
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("interrupted (Ctrl-C)")
    with Store(store_url) as store:
        [run] = [r for r in store.runs(name) if r.id == run_id]
    assert (run.status, run.error_message) == ("FAILED", "KeyboardInterrupt")
    _check_consistent(store_url, name, "train", tmp_path)
