"""Two ``labels import`` at once, with labels that contradict each other, in two processes.

Measured before the fix: both imports succeeded (SQLite every time, PostgreSQL one time in
four) because the stored labels were read and checked before the write lock was taken; every
later ``train`` then failed on the contradiction. Now the check runs under the lock, so the
second import sees the first and fails.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pandas as pd
from gx_findmatches.engine.labels import label_pairs
from gx_findmatches.errors import LabelError
from gx_findmatches.sources import DataSource
from gx_findmatches.store import Store
from gx_findmatches.workflow import Workflow

ROUNDS = 3


def _import(url: str, path: str, barrier: Any, results: Any) -> None:
    """Import one label file as soon as the other process is ready too (in a new process)."""
    with Store(url) as store:
        flow = Workflow(store)
        for round_ in range(ROUNDS):
            barrier.wait(timeout=60)
            try:
                flow.import_labels(f"people{round_}", path)
                results.put((round_, path, "ok"))
            except LabelError as error:
                results.put((round_, path, str(error)))


def test_contradictory_imports_at_once_cannot_both_land(store_url: str, tmp_path: Path) -> None:
    data = tmp_path / "people.csv"
    pd.DataFrame({"id": [f"r{i}" for i in range(40)], "name": [f"n{i}" for i in range(40)]}).to_csv(
        data, index=False
    )
    with Store(store_url) as store:
        for round_ in range(ROUNDS):
            Workflow(store).create_transform(f"people{round_}", DataSource(str(data)), "id")
    same = tmp_path / "same.csv"  # set s1: r1 and r2 are the same entity
    pd.DataFrame({"labeling_set_id": "s1", "label": ["A", "A"], "id": ["r1", "r2"]}).to_csv(
        same, index=False
    )
    different = tmp_path / "different.csv"  # set s2: r1 and r2 are different entities
    pd.DataFrame({"labeling_set_id": "s2", "label": ["A", "B"], "id": ["r1", "r2"]}).to_csv(
        different, index=False
    )

    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    processes = [
        context.Process(target=_import, args=(store_url, str(path), barrier, results))
        for path in (same, different)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in range(2 * ROUNDS)]
    for process in processes:
        process.join(timeout=60)
    assert [p.exitcode for p in processes] == [0, 0]

    with Store(store_url) as store:
        for round_ in range(ROUNDS):
            name = f"people{round_}"
            messages = [message for r, _, message in outcomes if r == round_]
            assert messages.count("ok") == 1, messages  # one import landed ...
            [refused] = [m for m in messages if m != "ok"]  # ... and the other was refused
            assert "already stored" in refused and "contradict" in refused
            stored = store.labels(name)
            assert sorted(stored["labeling_set_id"].unique()) in (["s1"], ["s2"])
            keys = pd.Series([f"r{i}" for i in range(40)])
            label_pairs(stored, "id", keys)  # what is stored is consistent: train can use it
            runs = sorted(r.status for r in store.runs(name) if r.type == "IMPORT_LABELS")
            assert runs == ["FAILED", "SUCCEEDED"]
