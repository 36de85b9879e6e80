"""What every benchmark script shares: the data, the gx-findmatches job and the fresh process.

Each tool is timed in its own ``spawn`` process so that peak RSS (``ru_maxrss``) is that job's
own and not inflated by an earlier one, and so that one tool's imports and caches never warm
another's. A job that raises reports an ``error`` figure instead of stopping the run: a failure
(say, the pair cap exceeded at 1M rows) is a result to print, not a crash.
"""

from __future__ import annotations

import multiprocessing
import platform
import resource
import time
from collections.abc import Callable
from importlib import metadata
from queue import Empty
from typing import Any

import pandas as pd

#: Distributions whose versions a results page must name, in the order it names them.
VERSIONED = (
    "gx-findmatches",
    "pandas",
    "numpy",
    "rapidfuzz",
    "scikit-learn",
    "recordlinkage",
    "jellyfish",
    "splink",
    "duckdb",
)


def load(dataset: str) -> tuple[pd.DataFrame, str, pd.Series]:
    """A table, its primary key and its true entity per row.

    ``dataset`` is ``"febrl3"`` or ``"synthetic-<rows>"``; the synthetic tables always use
    seed 0, so every tool in a run (and every run) sees the same frame.
    """
    if dataset == "febrl3":
        from gx_findmatches.datasets.febrl import load_febrl, true_entities

        frame = load_febrl("febrl3")
        return frame, "rec_id", true_entities(frame)
    from synthetic import make_person_table

    frame = make_person_table(int(dataset.removeprefix("synthetic-")), seed=0)
    truth = frame.pop("entity_id")
    return frame, "person_id", truth


def peak_mib() -> float:
    """Peak resident memory of this process so far (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_gx_findmatches(dataset: str, max_candidate_pairs: int | None = None) -> dict[str, Any]:
    """Fit and match with default settings (no labels, automatic columns), timed together.

    ``max_candidate_pairs`` exists only for ``bench_splink.py --max-candidate-pairs``; the
    scale runner never raises the cap, so a default that does not hold at 1M rows shows up as
    a failure there. Step timings (``fit:*`` from ``fit_seconds_``, ``match:*`` from the
    result summary) say where the time goes.
    """
    from gx_findmatches import FindMatches, pairwise_quality

    frame, key, truth = load(dataset)
    options = {} if max_candidate_pairs is None else {"max_candidate_pairs": max_candidate_pairs}
    start = time.perf_counter()
    transform = FindMatches(primary_key=key, **options).fit(frame)
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


def _child(runner: Callable[..., dict[str, Any]], args: tuple[Any, ...], queue: Any) -> None:
    """Run one job; a failure is reported, not raised, so the other tools still get measured."""
    try:
        result = runner(*args)
    except Exception as error:  # any failure is a figure for the table
        result = {"error": f"{type(error).__name__}: {str(error)[:300]}"}
    result.setdefault("peak_mib", peak_mib())
    queue.put(result)


def measure(runner: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run ``runner(*args)`` (a module-level function) in a fresh process; its figures, with
    ``peak_mib``, or ``{"error": ...}`` if it raised. A process killed outright (out of
    memory) is reported as an error too."""
    try:
        return run_in_fresh_process(_child, runner, args)
    except RuntimeError as error:
        return {"error": str(error)}


def machine() -> dict[str, str]:
    """Platform, cores and RAM: what a reader needs to compare figures across machines."""
    ram = "unknown"
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    ram = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
                    break
    except OSError:  # not Linux: leave RAM unknown rather than guess
        pass
    return {
        "platform": platform.platform(),
        "processor": platform.machine(),
        "cores": str(multiprocessing.cpu_count()),
        "ram": ram,
    }


def versions() -> dict[str, str]:
    """Python and every library whose speed or behaviour the figures depend on."""
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def table_row(label: str, job: str, rows: int, figures: dict[str, Any]) -> str:
    """One fixed-width line of the results table printed by every script."""
    if "error" in figures:
        return f"{label:<18}{job:<27}failed: {figures['error']}"
    r = figures
    return (
        f"{label:<18}{job:<27}{rows / r['seconds']:>10,.0f}{r['seconds']:>9.2f}"
        f"{r['peak_mib']:>10,.0f}{r['pairs']:>13,}{r['precision']:>8.4f}"
        f"{r['recall']:>8.4f}{r['f1']:>8.4f}"
    )


TABLE_HEADER = (
    f"{'dataset':<18}{'job':<27}{'rows/s':>10}{'seconds':>9}{'peak MiB':>10}"
    f"{'pairs':>13}{'P':>8}{'R':>8}{'F1':>8}"
)


def noise_census(rows: int) -> dict[str, Any]:
    """Which kinds of noise the duplicates of the synthetic table really carry, and how often.

    Each duplicate is compared field by field with its entity's original (the smallest
    ``person_id``, as the generator numbers them) and every changed field is classified from
    the strings alone: missing, given name and surname swapped, day and month swapped, a
    known nickname, one adjacent transposition, one other edit (substitution, insertion,
    deletion), or two or more edits on one field. This checks the issue's noise list against the
    data rather than against the generator's own description of itself.
    """
    from rapidfuzz.distance import Levenshtein
    from synthetic import NICKNAMES, make_person_table

    frame = make_person_table(rows, seed=0).sort_values("person_id", kind="stable")
    first = frame.duplicated("entity_id")
    original = frame[~first].set_index("entity_id").loc[frame.loc[first, "entity_id"]]
    original = original.reset_index(drop=True)
    duplicate = frame[first].reset_index(drop=True)
    fields = [c for c in frame.columns if c not in ("person_id", "entity_id")]
    kinds: dict[str, set[int]] = {}
    where: dict[str, set[str]] = {}

    def note(kind: str, row: int, field: str) -> None:
        kinds.setdefault(kind, set()).add(row)
        where.setdefault(kind, set()).add(field)

    swapped = (duplicate["given_name"] == original["surname"]) & (
        duplicate["surname"] == original["given_name"]
    )
    for row in range(len(duplicate)):
        for field in fields:
            before, after = original.at[row, field], duplicate.at[row, field]
            if pd.isna(before) or before == after:
                continue
            if pd.isna(after):
                note("missing value", row, field)
            elif swapped[row] and field in ("given_name", "surname"):
                note("given name and surname swapped", row, field)
            elif field == "date_of_birth" and after == before[:4] + before[6:] + before[4:6]:
                note("day and month swapped", row, field)
            elif field == "given_name" and after in NICKNAMES.get(before, ()):
                note("nickname", row, field)
            elif _is_transposition(before, after):
                note("transposition (adjacent characters)", row, field)
            elif Levenshtein.distance(before, after) == 1:
                note("typo (substitution, insertion, deletion)", row, field)
            else:
                note("two or more edits on one field", row, field)
    return {
        "rows": rows,
        "duplicates": len(duplicate),
        "kinds": {
            kind: {"duplicates": len(found), "fields": sorted(where[kind])}
            for kind, found in sorted(kinds.items(), key=lambda item: -len(item[1]))
        },
    }


def _is_transposition(before: str, after: str) -> bool:
    """``after`` is ``before`` with exactly one pair of adjacent, different characters swapped."""
    if len(before) != len(after):
        return False
    differ = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    return (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and before[differ[0]] == after[differ[1]]
        and before[differ[1]] == after[differ[0]]
    )
