"""CancelMLTaskRun across processes: ``runs cancel RUN_ID`` in one process stops a ``train`` or
``match`` running in another at its next step; the run ends CANCELLED and keeps nothing.

The running process is the real command line in a child process. To cancel it at a known
moment rather than racing it, the child waits at the start of one engine step (a listener of
``engine.progress.on_step``, outside the workflow's own) until the test has cancelled the run;
the workflow's check at that same step must then stop it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import gx_findmatches
import pandas as pd
import pytest
from gx_findmatches.cli import main
from gx_findmatches.datasets.febrl import PRIMARY_KEY
from gx_findmatches.sources import DataSource
from gx_findmatches.store import Store, TaskRunRecord
from gx_findmatches.workflow import Workflow

CHILD = """
import sys, time
from pathlib import Path
from gx_findmatches.cli import main
from gx_findmatches.engine.progress import on_step

step, folder, argv = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]

def wait_at(started: str) -> None:
    if started != step or (folder / "reached").exists():
        return
    (folder / "reached").touch()
    deadline = time.monotonic() + 120
    while not (folder / "go").exists():
        if time.monotonic() > deadline:
            raise SystemExit("the test never let the run go on")
        time.sleep(0.02)

with on_step(wait_at):
    sys.exit(main(argv))
"""


@pytest.fixture(scope="module")
def people(febrl3: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cancel") / "people.csv"
    febrl3.head(400).to_csv(path, index=False)
    return path


def _run_in_child(folder: Path, step: str, *argv: str) -> subprocess.Popen[str]:
    script = folder / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(gx_findmatches.__file__).resolve().parents[1])}
    return subprocess.Popen(
        [sys.executable, str(script), step, str(folder), *argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _cancel_at(
    child: subprocess.Popen[str], folder: Path, store: Store, capsys: pytest.CaptureFixture[str]
) -> tuple[TaskRunRecord, str]:
    """Wait for the child to reach its step, cancel its run from here, let it go on."""
    deadline = time.monotonic() + 120
    while not (folder / "reached").exists():
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            pytest.fail(f"the child never reached its step: {child.communicate()[1]}")
        time.sleep(0.02)
    [running] = [r for r in store.runs() if r.status == "RUNNING"]
    assert main(["runs", "cancel", running.id[:8], "--store", store.url]) == 0
    assert "is CANCELLING: it stops at its next step" in capsys.readouterr().out
    (folder / "go").touch()
    _, err = child.communicate(timeout=120)
    assert child.returncode == 2, err
    return store.get_run(running.id), err


def test_a_cancelled_training_stops_at_its_next_step(
    store_url: str, people: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(store_url) as store:
        Workflow(store).create_transform("people", DataSource(str(people)), PRIMARY_KEY)
        child = _run_in_child(tmp_path, "blocking", "train", "people", "--store", store_url)
        run, err = _cancel_at(child, tmp_path, store, capsys)
        assert (run.type, run.status) == ("TRAINING", "CANCELLED")
        assert run.ended_at is not None and "before its step 'blocking'" in (
            run.error_message or ""
        )
        assert "error: task run" in err and "was cancelled" in err and "Traceback" not in err
        assert store.latest_model("people") is None
        assert store.get_transform("people").status == "NOT_READY"


def test_a_cancelled_match_writes_no_output(
    store_url: str, people: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "matched.csv"
    with Store(store_url) as store:
        flow = Workflow(store)
        flow.create_transform("people", DataSource(str(people)), PRIMARY_KEY)
        flow.train("people")
        argv = ["match", "--transform", "people", "--out", str(out), "--store", store_url]
        run, _ = _cancel_at(_run_in_child(tmp_path, "scoring", *argv), tmp_path, store, capsys)
        assert (run.type, run.status) == ("FIND_MATCHES", "CANCELLED")
        assert "before its step 'scoring'" in (run.error_message or "")
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("matched")] == []
