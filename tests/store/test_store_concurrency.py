"""Two processes writing to one store at once: every run lands or fails cleanly, and the
store stays consistent (no duplicate labels, no duplicate model versions, counts add up)."""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from typing import Any

import pandas as pd
from gx_findmatches.store import Store

ROUNDS = 4
SHARED_KEYS = [f"shared-{i}" for i in range(5)]


def _worker(url: str, worker: int, barrier: Any) -> None:
    """Import labels and train ROUNDS times, racing the other worker (runs in a new process)."""
    with Store(url) as store:
        barrier.wait(timeout=60)
        for round_ in range(ROUNDS):
            own = [
                (f"w{worker}-r{round_}", label, f"w{worker}-{round_}-{i}")
                for i, label in enumerate("AAB")
            ]
            # both workers relabel the same records of the same set: merges must not double them
            shared = [("shared", f"w{worker}", key) for key in SHARED_KEYS]
            labels = pd.DataFrame(own + shared, columns=["labeling_set_id", "label", "id"])
            try:
                with store.task_run("t", "IMPORT_LABELS", {"worker": worker}) as run:
                    run.row_counts["labels"] = store.import_labels(run, "t", labels, "id", "mp")
                    time.sleep(0.02)  # hold the write lock so the other worker has to wait
                with store.task_run("t", "TRAINING", {"worker": worker}) as run:
                    store.save_model(run, "t", {"worker": worker, "round": round_})
            except Exception:  # a run that fails must fail cleanly; the parent checks that
                continue


def test_two_processes_write_at_once(store: Store, store_url: str) -> None:
    store.create_transform("t", "t.csv", "id")
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    processes = [context.Process(target=_worker, args=(store_url, w, barrier)) for w in (0, 1)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0, 0]

    runs = store.runs("t", limit=1000)
    assert len(runs) == 2 * 2 * ROUNDS
    assert not [r for r in runs if r.status == "RUNNING"]
    failed = [r for r in runs if r.status == "FAILED"]
    assert all(r.error_message for r in failed)
    imports = [r for r in runs if r.type == "IMPORT_LABELS" and r.status == "SUCCEEDED"]
    trainings = [r for r in runs if r.type == "TRAINING" and r.status == "SUCCEEDED"]
    # with a 30 s busy timeout and short runs, nothing should have had to give up
    assert not failed, [r.error_message for r in failed]

    labels = store.labels("t")
    own = labels[labels["labeling_set_id"] != "shared"]
    shared = labels[labels["labeling_set_id"] == "shared"]
    assert len(own) == 3 * len(imports)  # every landed import's own rows, once
    assert sorted(shared["id"]) == SHARED_KEYS  # relabelled in place, never duplicated
    assert shared["label"].nunique() == 1  # one whole import won, not a mix of two
    assert Counter(r.row_counts["labels"] for r in imports) == {3 + len(SHARED_KEYS): len(imports)}

    latest = store.latest_model("t")
    assert latest is not None and latest[0] == len(trainings)  # versions 1..n, none skipped
    assert [store.model("t", v)["round"] for v in range(1, len(trainings) + 1)]
