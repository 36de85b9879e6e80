"""What running FindMatches as GX expectations costs over calling the engine directly.

On one 5,000-row batch (FEBRL3), in one process, after GX is imported and a file-backed Data
Context is created (neither is timed):

(a) the bare engine: ``FindMatches(primary_key=...).fit(frame).match(frame)``;
(b) a checkpoint whose suite holds five gx-findmatches expectations on that batch (one engine
    run shared by all five, counted from the match metric's log records), results stored in
    the file project;
(c) building the project's Data Docs from those results, a separate figure.

Each figure is the median of ``--repeat`` rounds of (a), (b), (c) in turn (interleaved, so a
busy machine slows all three alike), after one untimed warm-up round: lazy imports and
first-call caches in recordlinkage, scikit-learn and GX are paid there, not in the figures.
The target is (b) <= 1.5 x (a).

    python benchmarks/bench_checkpoint.py
    python benchmarks/bench_checkpoint.py --repeat 5 --profile 25   # cProfile one checkpoint run

Not part of the test gate: figures go to docs/gx_user_guide.md by hand, with machine and date.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import platform
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import great_expectations as gx
import gx_findmatches.gx  # noqa: F401  (registers the plugin)
import pandas as pd
from gx_findmatches import FindMatches
from gx_findmatches.datasets.febrl import load_febrl, true_entities
from gx_findmatches.gx.metrics import match_result

PRIMARY_KEY = "rec_id"
TRUTH = "entity"  # kept in the batch for one check, never seen by the matcher
TARGET = 1.5


def expectations() -> list[Any]:
    """Five expectations of the shared match: one engine run answers all of them."""
    common = {"primary_key": PRIMARY_KEY, "exclude_columns": [TRUTH]}
    ex = gx.expectations
    return [
        ex.ExpectTableFuzzyDuplicateRateToBeBetween(**common, min_value=0.5, max_value=0.95),
        ex.ExpectMatchGroupSizesToBeBetween(**common, max_value=10),
        ex.ExpectMatchGroupsToNotCrossLabelBoundaries(**common, label_column=TRUTH, mostly=0.99),
        ex.ExpectColumnValuesToBeConsistentWithinMatchGroups(**common, column="date_of_birth"),
        ex.ExpectColumnValuesToBeConsistentWithinMatchGroups(
            **common, column="given_name", mostly=0.5
        ),
    ]


def checkpoint_in(root: Path) -> tuple[Any, Any]:
    """A file-backed context in ``root`` and a checkpoint of the five expectations (no actions,
    so Data Docs are built only when timed separately)."""
    context = gx.get_context(mode="file", project_root_dir=root)
    batch = (
        context.data_sources.add_pandas("febrl")
        .add_dataframe_asset("febrl3")
        .add_batch_definition_whole_dataframe("all")
    )
    suite = context.suites.add(gx.ExpectationSuite(name="febrl3_bench"))
    for expectation in expectations():
        suite.add_expectation(expectation)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name="febrl3_bench", data=batch, suite=suite)
    )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(name="febrl3_bench", validation_definitions=[definition])
    )
    return context, checkpoint


class EngineRuns(logging.Handler):
    """Counts engine runs: the match metric logs one INFO record per run."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def measure(
    frame: pd.DataFrame, batch: pd.DataFrame, work: Path
) -> tuple[float, float, float, int]:
    """One round: wall times of (a), (b) and (c), and the checkpoint's engine runs. Each round
    gets a new project (created untimed), so (c) always renders one validation result."""
    context, checkpoint = checkpoint_in(work)

    start = time.perf_counter()
    FindMatches(primary_key=PRIMARY_KEY).fit(frame).match(frame)
    bare = time.perf_counter() - start

    runs = EngineRuns()
    match_result.logger.addHandler(runs)
    start = time.perf_counter()
    checkpoint.run(batch_parameters={"dataframe": batch})
    checked = time.perf_counter() - start
    match_result.logger.removeHandler(runs)
    calls = runs.count

    start = time.perf_counter()
    context.build_data_docs()
    docs = time.perf_counter() - start
    return bare, checked, docs, calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="cProfile one checkpoint run, top N"
    )
    args = parser.parse_args()
    match_result.logger.setLevel(logging.INFO)  # its INFO records count the engine runs

    frame = load_febrl("febrl3")
    batch = frame.assign(**{TRUTH: true_entities(frame).to_numpy()})
    with tempfile.TemporaryDirectory(prefix="gxfm_bench_") as tmp:
        measure(frame, batch, Path(tmp) / "warm-up")
        rounds = [measure(frame, batch, Path(tmp) / f"round-{i}") for i in range(args.repeat)]
        if args.profile:
            _, checkpoint = checkpoint_in(Path(tmp) / "profile")
            profile(lambda: checkpoint.run(batch_parameters={"dataframe": batch}), args.profile)
    report(frame, rounds)


def report(frame: pd.DataFrame, rounds: list[tuple[float, float, float, int]]) -> None:
    bare, checked, docs, calls = (list(column) for column in zip(*rounds, strict=True))

    def line(label: str, times: list[float]) -> str:
        runs = ", ".join(f"{t:.2f}" for t in times)
        return f"{label:<30}{statistics.median(times):7.2f} s   (runs: {runs})"

    a, b, c = (statistics.median(times) for times in (bare, checked, docs))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, great_expectations {gx.__version__}"
    )
    print(f"batch: FEBRL3, {len(frame):,} rows; checkpoint: {len(expectations())} expectations")
    print(line("(a) bare engine fit+match", bare))
    print(line("(b) checkpoint run", checked))
    print(line("(c) Data Docs build", docs))
    print(f"{'ratio (b)/(a)':<30}{b / a:7.2f}   (target <= {TARGET})")
    print(f"{'ratio ((b)+(c))/(a)':<30}{(b + c) / a:7.2f}")
    print(f"engine runs per checkpoint run: {sorted(set(calls))}")
    if set(calls) != {1}:
        raise SystemExit(f"the checkpoint ran the engine {calls} times; it must run it once")


def profile(validate: Callable[[], Any], top: int) -> None:
    """Where one checkpoint run spends its time: cumulative and own time, top ``top``."""
    profiler = cProfile.Profile()
    profiler.enable()
    validate()
    profiler.disable()
    for key in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(top)
        print(f"\n--- checkpoint run, by {key} ---\n{out.getvalue()}")


if __name__ == "__main__":
    main()
