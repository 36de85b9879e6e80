"""Incremental matching, labeling-set generation and explanations on FEBRL3 (real data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from gx_findmatches import FindMatches, pairwise_quality
from gx_findmatches.datasets.febrl import PRIMARY_KEY, load_febrl, true_entities
from gx_findmatches.engine.explain import BASELINE, explain_group
from gx_findmatches.engine.labels import label_pairs
from gx_findmatches.errors import ParameterError, PrimaryKeyError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def febrl3() -> pd.DataFrame:
    return load_febrl("febrl3")


@pytest.fixture(scope="module")
def split(febrl3: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    is_new = np.random.default_rng(0).random(len(febrl3)) < 0.2
    old = febrl3[~is_new].reset_index(drop=True)
    new = febrl3[is_new].reset_index(drop=True)
    return old, new


def test_incremental_keeps_existing_ids_and_agrees_with_a_full_run(febrl3, split) -> None:
    old, new = split
    transform = FindMatches(primary_key=PRIMARY_KEY).fit(old)
    first = transform.match(old)
    incremental = transform.match_incremental(first.frame, new)
    full = transform.match(pd.concat([old, new], ignore_index=True))

    frame = incremental.frame
    assert len(frame) == len(febrl3)
    assert frame[PRIMARY_KEY].is_unique
    assert frame[PRIMARY_KEY].tolist() == [*old[PRIMARY_KEY], *new[PRIMARY_KEY]]
    existing = frame.iloc[: len(old)]
    assert (existing["match_id"].to_numpy() == first.frame["match_id"].to_numpy()).all()
    assert np.allclose(existing["match_confidence_score"], first.frame["match_confidence_score"])

    # Same groups as a full run, judged on every pair that involves a new record.
    inc_ids = frame.set_index(PRIMARY_KEY)["match_id"]
    full_ids = full.frame.set_index(PRIMARY_KEY)["match_id"]
    agree = total = 0
    for key in new[PRIMARY_KEY]:
        partners = set(inc_ids.index[inc_ids == inc_ids[key]]) | set(
            full_ids.index[full_ids == full_ids[key]]
        )
        for other in partners - {key}:
            total += 1
            agree += (inc_ids[key] == inc_ids[other]) == (full_ids[key] == full_ids[other])
    print(
        f"\n[incremental] pairwise agreement with a full run {agree / total:.5f} over {total}; "
        f"compared {incremental.summary.candidate_pairs:,} pairs vs "
        f"{full.summary.candidate_pairs:,} in the full run"
    )
    assert agree / total >= 0.99
    assert incremental.summary.candidate_pairs < full.summary.candidate_pairs
    assert incremental.summary.skipped_pairs > 0
    truth = pd.concat([true_entities(old), true_entities(new)], ignore_index=True)
    assert pairwise_quality(frame["match_id"], truth).f1 >= 0.99


def test_incremental_refuses_reused_keys(split) -> None:
    old, _ = split
    transform = FindMatches(primary_key=PRIMARY_KEY).fit(old)
    existing = transform.transform(old)
    with pytest.raises(PrimaryKeyError, match="reuse primary keys"):
        transform.match_incremental(existing, old.head(3))


def test_labeling_sets_are_glue_files_of_uncertain_unlabelled_records(febrl3) -> None:
    transform = FindMatches(primary_key=PRIMARY_KEY)
    sheet = transform.labeling_sets(febrl3, n_sets=10, set_size=10)
    assert list(sheet.columns[:2]) == ["labeling_set_id", "label"]
    assert list(sheet.columns[2:-1]) == list(febrl3.columns)
    assert sheet["label"].isna().all()
    sizes = sheet.groupby("labeling_set_id").size()
    assert len(sizes) == 10 and sizes.between(2, 10).all()
    assert sheet[PRIMARY_KEY].is_unique, "a record is asked once per file"
    # Sets hold real questions: true matches and non-matches together, unlike random rows.
    truth = dict(zip(febrl3[PRIMARY_KEY], true_entities(febrl3), strict=True))
    answered = sheet.assign(label=sheet[PRIMARY_KEY].map(truth))
    pairs = label_pairs(answered, PRIMARY_KEY, febrl3[PRIMARY_KEY].sort_values())
    assert pairs.is_match.any() and (~pairs.is_match).any()
    # A second round never repeats labelled records, and its set ids are new.
    again = transform.labeling_sets(febrl3, exclude_keys=sheet[PRIMARY_KEY].tolist())
    assert not set(again[PRIMARY_KEY]) & set(sheet[PRIMARY_KEY])
    assert not set(again["labeling_set_id"]) & set(sheet["labeling_set_id"])


def test_labeling_sets_refuse_sets_over_fifty(febrl3) -> None:
    with pytest.raises(ParameterError, match="between 2 and 50"):
        FindMatches(primary_key=PRIMARY_KEY).labeling_sets(febrl3, set_size=51)


def test_explanations_add_up_to_the_probability(febrl3) -> None:
    transform = FindMatches(primary_key=PRIMARY_KEY).fit(febrl3)
    result = transform.match(febrl3)
    group = result.groups(min_size=2)["match_id"].iloc[0]
    explained = explain_group(transform.matcher, result.frame, group)
    assert set(explained["column"]) == {BASELINE, *transform.feature_names_in_}
    for _, rows in explained.groupby(["left_key", "right_key"]):
        log_odds = rows["contribution"].sum()
        assert np.isclose(1 / (1 + np.exp(-log_odds)), rows["probability"].iloc[0])
    scored = result.pairs.set_index(["left_key", "right_key"])["probability"]
    first = explained.iloc[0]
    key = (first["left_key"], first["right_key"])
    if key in scored.index:
        assert np.isclose(scored.loc[key], first["probability"])
