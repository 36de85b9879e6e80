"""The shipped suite and checkpoint files, run through real checkpoints on FEBRL3.

One module-scoped run of ``checkpoints/febrl_people.json`` (with the store action added)
serves every test; expected pass/fail comes from the FEBRL truth, not from hard-coded numbers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from gx_findmatches import write_table
from gx_findmatches.checkpoints import (
    CheckpointOutcome,
    FindMatchesStoreAction,
    open_project,
    run_checkpoint_file,
    run_suite_checkpoint,
)
from gx_findmatches.store import Store

REPO = Path(__file__).resolve().parents[2]
SUITES = REPO / "expectations"
CHECKPOINT = REPO / "checkpoints" / "febrl_people.json"
RATE = "expect_table_fuzzy_duplicate_rate_to_be_between"
SIZES = "expect_match_group_sizes_to_be_between"
CONSISTENT = "expect_column_values_to_be_consistent_within_match_groups"


def _truth_facts(frame: pd.DataFrame, truth: pd.Series) -> dict[str, float]:
    sizes = truth.value_counts()
    duplicated = sizes[sizes >= 2]
    groups = frame.assign(_e=truth.to_numpy()).groupby("_e")
    differ = ((groups.size() >= 2) & (groups["date_of_birth"].nunique() > 1)).sum()
    return {
        "rate": float(duplicated.sum() / len(truth)),
        "largest": int(sizes.max()),
        "dob_consistent": float(1 - differ / len(duplicated)),
    }


def _suite_kwargs(type_: str) -> list[dict[str, Any]]:
    data = json.loads((SUITES / "febrl_people.json").read_text(encoding="utf-8"))
    return [e["kwargs"] for e in data["expectations"] if e["type"] == type_]


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('store') / 'findmatches.db'}"


@pytest.fixture(scope="module")
def outcome(
    tmp_path_factory: pytest.TempPathFactory, febrl3: pd.DataFrame, store_url: str
) -> CheckpointOutcome:
    root = tmp_path_factory.mktemp("shipped")
    data = write_table(febrl3, root / "febrl3.csv")
    action = FindMatchesStoreAction(
        name="record_run", transform_name="febrl_people", store_url=store_url
    )
    return run_checkpoint_file(root / "project", CHECKPOINT, data, actions=[action])


def test_the_checkpoint_fails_only_on_the_intentional_check(outcome: CheckpointOutcome) -> None:
    assert not outcome.success
    failed = [e for e in outcome.expectations if not e.success]
    assert [(e.type, e.kwargs.get("max_value")) for e in failed] == [(RATE, 0.05)]
    assert all(e.exception is None for e in outcome.expectations)
    assert len(outcome.expectations) == 6


def test_duplicate_rate_bounds_agree_with_the_truth(
    outcome: CheckpointOutcome, febrl3: pd.DataFrame, febrl3_truth: pd.Series
) -> None:
    facts = _truth_facts(febrl3, febrl3_truth)
    for result in outcome.by_type(RATE):
        low = result.kwargs.get("min_value") or 0.0
        high = result.kwargs.get("max_value")
        high = 1.0 if high is None else high
        assert result.success == (low <= facts["rate"] <= high)
        assert result.observed_value == pytest.approx(facts["rate"], abs=0.02)


def test_group_size_and_consistency_agree_with_the_truth(
    outcome: CheckpointOutcome, febrl3: pd.DataFrame, febrl3_truth: pd.Series
) -> None:
    facts = _truth_facts(febrl3, febrl3_truth)
    (sizes,) = outcome.by_type(SIZES)
    assert sizes.success == (facts["largest"] <= _suite_kwargs(SIZES)[0]["max_value"])
    (consistent,) = outcome.by_type(CONSISTENT)
    mostly = _suite_kwargs(CONSISTENT)[0]["mostly"]
    assert abs(facts["dob_consistent"] - mostly) > 0.02  # the bound is not on a knife edge
    assert consistent.success == (facts["dob_consistent"] >= mostly)


def test_data_docs_are_built(outcome: CheckpointOutcome) -> None:
    index = outcome.data_docs_index
    assert index is not None and index.is_file()
    assert index.parts[-4:] == ("uncommitted", "data_docs", "local_site", "index.html")
    assert "febrl_people" in index.read_text(encoding="utf-8")


def test_the_store_action_records_a_find_matches_run(
    outcome: CheckpointOutcome, store_url: str
) -> None:
    with Store(store_url) as store:
        transform = store.get_transform("febrl_people")
        (run,) = store.runs("febrl_people")
    assert transform.primary_key == "rec_id"  # taken from the suite's expectations
    assert (run.type, run.status) == ("FIND_MATCHES", "SUCCEEDED")
    assert run.row_counts == {
        "success": False,
        "validations": 1,
        "evaluated_expectations": 6,
        "successful_expectations": 5,
        "unsuccessful_expectations": 1,
    }
    assert run.parameters["checkpoint"] == "febrl_people"


def test_labeling_sets_suite_passes_on_good_labels_and_fails_on_broken_ones(
    tmp_path_factory: pytest.TempPathFactory, febrl3_labels: pd.DataFrame
) -> None:
    root = tmp_path_factory.mktemp("labels")
    good = write_table(febrl3_labels, root / "labels.csv")
    first_set = febrl3_labels["labeling_set_id"].iloc[0]
    in_first = febrl3_labels["labeling_set_id"] == first_set
    # a labeling set cut down to one record is useless for training
    broken = febrl3_labels[~in_first | ~in_first.cumsum().gt(1)]
    bad = write_table(broken, root / "broken.csv")
    suite = SUITES / "labeling_sets.json"
    passed = run_suite_checkpoint(root / "project", good, suite, name="good_labels")
    failed = run_suite_checkpoint(root / "project", bad, suite, name="broken_labels")
    assert passed.success, passed.expectations
    assert not failed.success
    assert failed.data_docs_index is not None and failed.data_docs_index.is_file()


def test_the_saved_checkpoint_keeps_the_store_action(outcome: CheckpointOutcome) -> None:
    assert outcome.data_docs_index is not None
    root = outcome.data_docs_index.parents[4]  # <root>/gx/uncommitted/data_docs/local_site
    checkpoint = open_project(root).checkpoints.get("febrl_people")
    assert [a.type for a in checkpoint.actions] == ["update_data_docs", "findmatches_store"]
    assert checkpoint.actions[1].transform_name == "febrl_people"
