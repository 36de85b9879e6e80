"""Task-run rows: the RUNNING row a run starts with, how it ends, and runs that never ended.

Every run records the host and process that run it, so a run whose process was killed
(``kill -9``, the out-of-memory killer, a reboot) can be recognised later and marked FAILED
instead of staying RUNNING forever (see ``processes``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Update, select, update
from sqlalchemy.orm import Session

from .processes import is_running, this_host
from .schema import TaskRun, as_utc, utcnow

OPEN_STATUSES = ("RUNNING", "CANCELLING")  # a run in one of these has not ended yet


def start_run(
    run_id: str, transform_id: int, run_type: str, parameters: Mapping[str, Any]
) -> TaskRun:
    """The RUNNING row of a run this process starts now."""
    return TaskRun(
        id=run_id,
        transform_id=transform_id,
        type=run_type,
        status="RUNNING",
        started_at=utcnow(),
        parameters=dict(parameters),
        host=this_host(),
        pid=os.getpid(),
    )


def finish_run(
    run_id: str, status: str, row_counts: dict[str, Any] | None, error: str | None = None
) -> Update:
    """The statement that ends a run (only one still RUNNING or CANCELLING: an end is never
    rewritten)."""
    return (
        update(TaskRun)
        .where(TaskRun.id == run_id, TaskRun.status.in_(OPEN_STATUSES))
        .values(status=status, ended_at=utcnow(), row_counts=row_counts, error_message=error)
    )


def stale_runs(session: Session) -> dict[str, int]:
    """The runs of this host not ended (RUNNING or CANCELLING) whose process is gone, as run
    id to process id."""
    running = session.execute(
        select(TaskRun.id, TaskRun.pid, TaskRun.started_at).where(
            TaskRun.status.in_(OPEN_STATUSES),
            TaskRun.host == this_host(),
            TaskRun.pid.is_not(None),
        )
    )
    return {
        run_id: pid
        for run_id, pid, started in running
        if pid is not None and not is_running(pid, as_utc(started))
    }


def fail_runs(session: Session, stale: Mapping[str, int]) -> None:
    """Mark the runs FAILED, saying what happened to them."""
    for run_id, pid in stale.items():
        session.execute(
            finish_run(
                run_id,
                "FAILED",
                None,
                f"the process running it (pid {pid} on this host) ended before the run "
                f"finished: it was killed or crashed, and nothing it did was kept; run it again",
            )
        )
