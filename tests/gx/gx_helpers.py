"""Helpers of the GX layer tests: FEBRL3 truth facts and real GX file projects.

Plain functions and constants (fixtures live in ``conftest.py``), imported by the test modules
as ``gx_helpers``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import great_expectations as gx
import gx_findmatches.gx  # noqa: F401  (registers the plugin)
import pandas as pd
from great_expectations.checkpoint import UpdateDataDocsAction
from gx_findmatches.gx.metrics import match_result

PRIMARY_KEY = "rec_id"
TRUTH = "entity"
KIND = "kind"  # "org" or "dup": differs inside almost every true group, a label to cross


@dataclass(frozen=True)
class Truth:
    """Facts about FEBRL3's true duplicate groups, from which tests derive expectations."""

    rows: int
    rows_in_groups: int
    groups: int
    largest: int
    groups_of_largest: int

    @property
    def rate(self) -> float:
        return self.rows_in_groups / self.rows


def true_groups_where(frame: pd.DataFrame, differs: str, truth_column: str = TRUTH) -> int:
    """Number of true duplicate groups whose records hold more than one value of a column
    (missing values ignored)."""
    groups = frame.groupby(truth_column)
    sizes = groups.size()
    distinct = groups[differs].nunique()
    return int(((sizes >= 2) & (distinct > 1)).sum())


def new_project(root: Path) -> Any:
    """A file-mode GX project in ``root``."""
    return gx.get_context(mode="file", project_root_dir=root)


def run_checkpoint(
    context: Any,
    name: str,
    batch_definition: Any,
    expectations: Sequence[Any],
    batch_parameters: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Save a suite, a validation definition and a checkpoint that updates Data Docs, run it,
    and return the results keyed by each expectation's ``meta["case"]``."""
    suite = context.suites.add(gx.ExpectationSuite(name=name))
    for expectation in expectations:
        suite.add_expectation(expectation)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
    )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=name,
            validation_definitions=[definition],
            actions=[UpdateDataDocsAction(name="update_data_docs")],
        )
    )
    outcome = checkpoint.run(batch_parameters=batch_parameters)
    results = [r for run in outcome.run_results.values() for r in run.results]
    by_case = {r.expectation_config.meta["case"]: r for r in results}
    by_case["_checkpoint"] = outcome
    return by_case


def case(expectation_class: Callable[..., Any], name: str, **kwargs: Any) -> Any:
    """An expectation tagged with a case name, so its result can be found again."""
    return expectation_class(meta={"case": name}, **kwargs)


def exception_messages(result: Any) -> list[str]:
    """Messages of exceptions a validation result carries. GX nests them under metric ids when
    a metric failed (``validator._resolve_suite_level_graph_and_process_metric_evaluation_
    errors``) and keeps them flat when the expectation itself raised."""
    info = result.exception_info or {}
    entries = [info] if "raised_exception" in info else list(info.values())
    return [str(e.get("exception_message")) for e in entries if e.get("raised_exception")]


class EngineRuns(logging.Handler):
    """Counts the FindMatches runs of ``findmatches.match_result``: one INFO record each."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@contextmanager
def counting_engine_runs() -> Iterator[EngineRuns]:
    """The engine runs inside the block, counted from the match metric's log records."""
    logger = match_result.logger
    runs, level = EngineRuns(), logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(runs)
    try:
        yield runs
    finally:
        logger.removeHandler(runs)
        logger.setLevel(level)
