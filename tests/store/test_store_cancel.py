"""Glue's GetMLTaskRun, CancelMLTaskRun and UpdateMLTransform at the store level: one run by
id, a cancelled run ending CANCELLED with nothing kept, parameter updates, and the upgrade of
a store written before runs could be cancelled."""

from __future__ import annotations

import pytest
from gx_findmatches.errors import ParameterError
from gx_findmatches.store import (
    SCHEMA_VERSION,
    Store,
    StoreError,
    TaskRunCancelledError,
    TaskRunNotFoundError,
)
from gx_findmatches.store.schema import Base
from sqlalchemy import CheckConstraint, MetaData, create_engine, insert, text
from sqlalchemy.exc import IntegrityError


def test_a_run_is_found_by_id_or_its_first_8_characters(store: Store, customers: str) -> None:
    with store.task_run(customers, "TRAINING", {"n": 1}) as run:
        running = store.get_run(run.id[:8])
        run.row_counts.update(rows=3)
    assert (running.id, running.status, running.transform) == (run.id, "RUNNING", customers)
    done = store.get_run(run.id)
    assert (done.status, done.parameters, done.row_counts) == ("SUCCEEDED", {"n": 1}, {"rows": 3})
    assert store.get_run(run.id.upper()) == done
    with pytest.raises(TaskRunNotFoundError, match="at least its first 8 characters"):
        store.get_run(run.id[:7])  # too short to be taken as a prefix
    with pytest.raises(TaskRunNotFoundError, match="no task run 'f%'"):
        store.get_run("f%")


def test_a_cancelled_run_stops_at_its_next_step_and_keeps_nothing(
    store: Store, customers: str, label_table
) -> None:
    with (
        pytest.raises(TaskRunCancelledError, match="before its step 'blocking'"),
        store.task_run(customers, "TRAINING", {}) as run,
    ):
        store.check_cancelled(run, "prepare")  # not asked to stop: goes on
        # (asked before the run writes: from its first write to its end, a run on SQLite
        # holds the write lock, so a cancel waits for the run, which writes last for that)
        assert store.cancel_run(run.id).status == "CANCELLING"
        assert store.cancel_run(run.id).status == "CANCELLING"  # asking twice changes nothing
        store.import_labels(run, customers, label_table([("s", "A", "1", "x")]), "id", "f")
        assert store.get_run(run.id).status == "CANCELLING"
        store.check_cancelled(run, "blocking")
        store.save_model(run, customers, {"never": "saved"})
    cancelled = store.get_run(run.id)
    assert cancelled.status == "CANCELLED" and cancelled.ended_at is not None
    assert "TaskRunCancelledError" in (cancelled.error_message or "")
    assert store.labels(customers).empty and store.latest_model(customers) is None
    with pytest.raises(StoreError, match="already ended CANCELLED; only a RUNNING run"):
        store.cancel_run(run.id)


def test_a_run_that_finishes_before_it_looks_succeeds(store: Store, customers: str) -> None:
    with store.task_run(customers, "TRAINING", {}) as run:
        store.cancel_run(run.id)  # too late: the run looks no more
        store.save_model(run, customers, {"w": 1})
    assert store.get_run(run.id).status == "SUCCEEDED"
    assert store.latest_model(customers) == (1, {"w": 1})
    with pytest.raises(StoreError, match="already ended SUCCEEDED"):
        store.cancel_run(run.id)
    with pytest.raises(TaskRunNotFoundError):
        store.cancel_run("00000000-0000-0000-0000-000000000000")


def test_update_changes_only_the_given_parameters(store: Store, customers: str) -> None:
    before = store.get_transform(customers)
    after = store.update_transform(customers, precision_recall_tradeoff=0.9, status="READY")
    assert (after.precision_recall_tradeoff, after.status) == (0.9, "READY")
    assert (after.columns, after.accuracy_cost_tradeoff) == (before.columns, 0.5)
    assert after.updated_at > before.updated_at
    with pytest.raises(ParameterError, match="accuracy_cost_tradeoff must be a number"):
        store.update_transform(customers, accuracy_cost_tradeoff=1.5)
    with pytest.raises(ParameterError, match="random_state is not a parameter"):
        store.update_transform(customers, random_state=1)
    with pytest.raises(StoreError, match="status 'DONE'"):
        store.update_transform(customers, status="DONE")  # type: ignore[arg-type]
    assert store.get_transform(customers) == after  # refused updates change nothing


def test_a_model_trained_before_an_update_is_not_saved(store: Store, customers: str) -> None:
    trained_with = {"columns": ["name", "city"], "accuracy_cost_tradeoff": 0.5}
    with (
        pytest.raises(StoreError, match=r"updated while it trained \(accuracy_cost_tradeoff"),
        store.task_run(customers, "TRAINING", {}) as run,
    ):
        store.update_transform(customers, accuracy_cost_tradeoff=0.9)  # another process
        store.save_model(run, customers, {"w": 1}, trained_with=trained_with)
    assert store.latest_model(customers) is None
    with store.task_run(customers, "TRAINING", {}) as run:
        trained_with["accuracy_cost_tradeoff"] = 0.9
        assert store.save_model(run, customers, {"w": 2}, trained_with=trained_with) == 1


# ------------------------------------------------------------------------- schema upgrade
VERSION_1_STATUSES = "status IN ('RUNNING', 'SUCCEEDED', 'FAILED')"


def _version_1_store(url: str) -> None:
    """A store as version 1 created it: task runs RUNNING, SUCCEEDED or FAILED only, and no
    host or pid (version 2 added them); one transform with a run and a model referencing it."""
    metadata = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    runs = metadata.tables["task_runs"]
    [status] = [c for c in runs.constraints if c.name == "task_run_status"]
    runs.constraints.discard(status)
    runs.append_constraint(CheckConstraint(VERSION_1_STATUSES, name="task_run_status"))
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            metadata.create_all(connection)
            for column in ("host", "pid"):
                connection.execute(text(f"ALTER TABLE task_runs DROP COLUMN {column}"))
            connection.execute(insert(metadata.tables["schema_version"]).values(version=1))
            connection.execute(
                text(
                    "INSERT INTO transforms (id, name, data_source, primary_key, "
                    "precision_recall_tradeoff, accuracy_cost_tradeoff, enforce_provided_labels,"
                    " status, created_at, updated_at) VALUES (1, 'old', 'a.csv', 'id', 0.5, 0.5,"
                    " false, 'READY', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO task_runs (id, transform_id, type, status, started_at, "
                    "parameters) VALUES ('run-1', 1, 'TRAINING', 'SUCCEEDED', CURRENT_TIMESTAMP,"
                    " '{}')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO models (transform_id, version, task_run_id, model, created_at) "
                    "VALUES (1, 1, 'run-1', '{\"w\": 1}', CURRENT_TIMESTAMP)"
                )
            )
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text("UPDATE task_runs SET status = 'CANCELLED'"))
    finally:
        engine.dispose()


def test_a_version_1_store_is_upgraded_to_cancellable_runs(store_url: str) -> None:
    _version_1_store(store_url)
    with Store(store_url) as store:
        assert store.get_run("run-1").status == "SUCCEEDED"  # every row kept
        assert store.latest_model("old") == (1, {"w": 1})  # no cascade from task_runs
        with store.task_run("old", "TRAINING", {}) as run:
            store.cancel_run(run.id)
        with pytest.raises(TaskRunCancelledError), store.task_run("old", "EVALUATION", {}) as run:
            store.cancel_run(run.id)
            store.check_cancelled(run, "prepare")
        assert [r.status for r in store.runs("old")] == ["CANCELLED", "SUCCEEDED", "SUCCEEDED"]
    engine = create_engine(store_url)
    try:
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT version FROM schema_version")) == SCHEMA_VERSION
            if connection.dialect.name == "sqlite":
                assert connection.scalar(text("PRAGMA integrity_check")) == "ok"
            with pytest.raises(IntegrityError):
                connection.execute(text("UPDATE task_runs SET status = 'PAUSED'"))
    finally:
        engine.dispose()
