"""Task runs: one transaction per run; models, evaluations and the run history."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from gx_findmatches.store import ModelNotFoundError, Store, StoreError, TransformNotFoundError
from sqlalchemy import create_engine, text


def _train(store: Store, name: str, model: dict) -> int:
    with store.task_run(name, "TRAINING", {}) as run:
        version = store.save_model(run, name, model)
        run.row_counts.update(rows=10)
    return version


def test_model_versions_increment_per_transform(store: Store, customers: str) -> None:
    store.create_transform("other", "o.csv", "id")
    assert store.latest_model(customers) is None
    assert _train(store, customers, {"w": 1}) == 1
    assert _train(store, customers, {"w": 2}) == 2
    assert _train(store, "other", {"w": 9}) == 1  # versions count per transform
    assert _train(store, customers, {"w": 3, "nested": {"b": [1.5, None], "a": "x"}}) == 3
    assert store.latest_model(customers) == (3, {"w": 3, "nested": {"b": [1.5, None], "a": "x"}})
    assert store.model(customers, 1) == {"w": 1}
    assert store.get_transform(customers).status == "READY"
    with pytest.raises(ModelNotFoundError, match=r"versions are \[1, 2, 3\]"):
        store.model(customers, 7)


def test_model_keeps_key_order_and_nan(store: Store, customers: str) -> None:
    model = {"z": 1, "a": [float("nan"), 0.1 + 0.2], "m": {"y": 1, "b": 2}}
    _train(store, customers, model)
    _, stored = store.latest_model(customers)  # type: ignore[misc]
    assert list(stored) == ["z", "a", "m"] and list(stored["m"]) == ["y", "b"]
    assert math.isnan(stored["a"][0]) and stored["a"][1] == 0.1 + 0.2


def test_succeeded_run_records_counts_and_times(store: Store, customers: str) -> None:
    with store.task_run(customers, "FIND_MATCHES", {"output": None, "n": 3}) as run:
        running = store.runs(customers)[0]  # visible, from another connection, while it runs
        run.row_counts.update(rows=5000, pairs=12)
    assert (running.id, running.status, running.ended_at) == (run.id, "RUNNING", None)
    done = store.runs(customers)[0]
    assert done.status == "SUCCEEDED"
    assert done.type == "FIND_MATCHES"
    assert done.transform == customers
    assert done.parameters == {"output": None, "n": 3}
    assert done.row_counts == {"rows": 5000, "pairs": 12}
    assert done.error_message is None
    assert done.ended_at is not None and done.ended_at >= done.started_at


def test_failed_run_leaves_only_its_failed_record(
    store: Store, customers: str, label_table
) -> None:
    with pytest.raises(ValueError, match="boom"), store.task_run(customers, "TRAINING", {}) as run:
        store.import_labels(run, customers, label_table([("s", "A", "1", "x")]), "id", "f")
        store.save_model(run, customers, {"w": 1})
        run.row_counts.update(rows=1)
        raise ValueError("boom")
    assert store.labels(customers).empty
    assert store.labelled_keys(customers) == set()
    assert store.latest_model(customers) is None
    assert store.get_transform(customers).status == "NOT_READY"  # save_model rolled back too
    [failed] = store.runs(customers)
    assert failed.status == "FAILED"
    assert failed.error_message == "ValueError: boom"
    assert failed.row_counts == {"rows": 1}
    assert failed.ended_at is not None
    # the next run numbers its model 1: the failed one never existed
    assert _train(store, customers, {"w": 2}) == 1


def test_interrupt_fails_the_run_and_propagates(store: Store, customers: str) -> None:
    with pytest.raises(KeyboardInterrupt), store.task_run(customers, "TRAINING", {}) as run:
        store.save_model(run, customers, {"w": 1})
        raise KeyboardInterrupt
    [failed] = store.runs(customers)
    assert (failed.status, failed.error_message) == ("FAILED", "KeyboardInterrupt")
    assert store.latest_model(customers) is None


def test_runs_are_newest_first_and_limited(store: Store, customers: str) -> None:
    store.create_transform("other", "o.csv", "id")
    kinds = ["LABELING_SET_GENERATION", "IMPORT_LABELS", "TRAINING", "EVALUATION"]
    for kind in kinds:
        with store.task_run(customers, kind, {}):  # type: ignore[arg-type]
            pass
    with store.task_run("other", "FIND_MATCHES", {}):
        pass
    assert [r.type for r in store.runs(customers)] == kinds[::-1]
    assert [r.type for r in store.runs(customers, limit=2)] == ["EVALUATION", "TRAINING"]
    everything = store.runs()
    assert [r.transform for r in everything] == ["other", *[customers] * 4]
    started = [r.started_at for r in everything]
    assert started == sorted(started, reverse=True)


def test_bad_run_type_and_unknown_transform_record_nothing(store: Store, customers: str) -> None:
    with pytest.raises(StoreError, match="not one of"), store.task_run(customers, "NAP", {}):  # type: ignore[arg-type]
        pass
    with pytest.raises(TransformNotFoundError), store.task_run("ghost", "TRAINING", {}):
        pass
    assert store.runs() == []


def test_evaluations_are_a_history_oldest_first(store: Store, customers: str) -> None:
    assert store.evaluations(customers) == []
    scores = [0.61, 0.74, float("nan")]
    for round_, f1 in enumerate(scores, start=1):
        version = _train(store, customers, {"round": round_})
        with store.task_run(customers, "EVALUATION", {"n_splits": 5}) as run:
            saved = store.save_evaluation(
                run, customers, version, {"f1": f1, "area_under_pr_curve": 0.5}, 10 * round_
            )
    history = store.evaluations(customers)
    assert history[-1].id == saved.id and history[-1].task_run_id == saved.task_run_id
    assert [e.model_version for e in history] == [1, 2, 3]
    assert [e.label_count for e in history] == [10, 20, 30]
    assert [e.metrics["f1"] for e in history[:2]] == scores[:2]
    assert math.isnan(history[2].metrics["f1"])
    runs = {r.id: r.type for r in store.runs(customers)}
    assert all(runs[e.task_run_id] == "EVALUATION" for e in history)


def test_evaluation_without_a_model(store: Store, customers: str) -> None:
    with store.task_run(customers, "EVALUATION", {}) as run:
        store.save_evaluation(run, customers, None, {"f1": 1.0}, 4)
    [evaluation] = store.evaluations(customers)
    assert evaluation.model_version is None


def test_failed_evaluation_is_not_in_the_history(store: Store, customers: str) -> None:
    with pytest.raises(RuntimeError), store.task_run(customers, "EVALUATION", {}) as run:
        store.save_evaluation(run, customers, None, {"f1": 1.0}, 4)
        raise RuntimeError("late failure")
    assert store.evaluations(customers) == []


# ---- runs whose process died stay RUNNING no longer (issue 10, item 12) -------------------
def _dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _set(store_url: str, run_id: str, **values: object) -> None:
    engine = create_engine(store_url)
    try:
        with engine.begin() as connection:
            for column, value in values.items():
                connection.execute(
                    text(f"UPDATE task_runs SET {column} = :value WHERE id = :id"),
                    {"value": value, "id": run_id},
                )
    finally:
        engine.dispose()


def _left_running(store: Store, name: str) -> str:
    """A run left RUNNING, as a killed process leaves it (its work never committed)."""
    with pytest.raises(KeyboardInterrupt), store.task_run(name, "TRAINING", {}) as run:
        raise KeyboardInterrupt
    return run.id


def test_a_run_whose_process_died_is_failed_when_the_store_opens(
    store: Store, store_url: str, customers: str
) -> None:
    run_id = _left_running(store, customers)
    pid = _dead_pid()
    _set(store_url, run_id, status="RUNNING", ended_at=None, error_message=None, pid=pid)
    assert store.runs(customers)[0].status == "RUNNING"
    with Store(store_url) as reopened:
        [run] = reopened.runs(customers)
    assert run.status == "FAILED" and run.ended_at is not None
    assert f"pid {pid} on this host" in (run.error_message or "")
    assert "killed or crashed" in (run.error_message or "")


def test_runs_of_live_processes_and_other_hosts_stay_running(
    store: Store, store_url: str, customers: str
) -> None:
    alive = _left_running(store, customers)
    _set(store_url, alive, status="RUNNING", pid=os.getpid())  # this very process
    elsewhere = _left_running(store, customers)
    _set(store_url, elsewhere, status="RUNNING", pid=_dead_pid(), host="another-host")
    before_2 = _left_running(store, customers)  # recorded before schema version 2
    _set(store_url, before_2, status="RUNNING", pid=None, host=None)
    with Store(store_url) as reopened:
        statuses = {run.id: run.status for run in reopened.runs(customers)}
    assert statuses == {alive: "RUNNING", elsewhere: "RUNNING", before_2: "RUNNING"}


def test_a_reused_process_id_does_not_keep_a_dead_run_running(
    store: Store, store_url: str, customers: str
) -> None:
    # the run's pid now belongs to a process started long after the run: another process
    run_id = _left_running(store, customers)
    _set(
        store_url,
        run_id,
        status="RUNNING",
        pid=os.getpid(),
        started_at=datetime.now(timezone.utc) - timedelta(days=365 * 30),
    )
    with Store(store_url) as reopened:
        assert reopened.runs(customers)[0].status == "FAILED"
