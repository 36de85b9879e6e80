"""Glue label semantics: pairs only within a labeling set, case-sensitive labels, and
``enforce_provided_labels`` overriding the model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from gx_findmatches import FindMatches, MatchResult
from gx_findmatches.datasets.febrl import PRIMARY_KEY, labels_from_truth
from gx_findmatches.engine.labels import label_pairs

KEY = "id"


def _pairs(labels: pd.DataFrame, keys: list[object]) -> set[tuple[int, int, bool]]:
    found = label_pairs(labels, KEY, pd.Series(keys))
    return {
        (int(a), int(b), bool(m))
        for a, b, m in zip(found.left, found.right, found.is_match, strict=True)
    }


def _table(rows: list[tuple[str, str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["labeling_set_id", "label", KEY])


# ------------------------------------------------------------------------------- label_pairs
def test_same_label_in_two_sets_pairs_nothing_across_sets() -> None:
    labels = _table([("s1", "A", "r0"), ("s1", "A", "r1"), ("s2", "A", "r2"), ("s2", "A", "r3")])
    assert _pairs(labels, ["r0", "r1", "r2", "r3"]) == {(0, 1, True), (2, 3, True)}


def test_labels_are_case_sensitive() -> None:
    labels = _table([("s1", "a", "r0"), ("s1", "A", "r1")])
    assert _pairs(labels, ["r0", "r1"]) == {(0, 1, False)}


def test_every_pair_within_a_set() -> None:
    labels = _table([("s1", "A", "r2"), ("s1", "B", "r0"), ("s1", "A", "r1")])
    assert _pairs(labels, ["r0", "r1", "r2"]) == {(1, 2, True), (0, 1, False), (0, 2, False)}


def test_a_record_in_two_sets_carries_each_sets_label() -> None:
    """r0 is "A" in s1 and "B" in s2: it matches r1 (s1) and r2 (s2), yet r1 and r2 were never
    in one set, so nothing is said about them."""
    labels = _table([("s1", "A", "r0"), ("s1", "A", "r1"), ("s2", "B", "r0"), ("s2", "B", "r2")])
    assert _pairs(labels, ["r0", "r1", "r2"]) == {(0, 1, True), (0, 2, True)}


def test_numeric_set_ids_and_labels_are_text() -> None:
    labels = _table([(1, 7, 10), (1, 7, 20), (2, 7, 30), (2, 8, 10)])
    assert _pairs(labels, [10, 20, 30]) == {(0, 1, True), (0, 2, False)}


def test_label_key_with_surrounding_space_names_that_record() -> None:
    """Primary keys are compared exactly: the label of key 'a ' belongs to record 'a ', not to
    a different record 'a'."""
    labels = _table([("s1", "A", "a "), ("s1", "A", "b")])
    assert _pairs(labels, ["a", "a ", "b"]) == {(1, 2, True)}


# ------------------------------------------------------------------------------- enforcement
@pytest.fixture(scope="module")
def people(febrl3: pd.DataFrame, febrl3_truth: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """FEBRL-like small data: all records of the first 400 FEBRL3 people (about 1,000 rows)."""
    keep = febrl3_truth.astype(int) < 400
    return febrl3[keep].reset_index(drop=True), febrl3_truth[keep].reset_index(drop=True)


@pytest.fixture(scope="module")
def scenario(people: tuple[pd.DataFrame, pd.Series]) -> dict[str, object]:
    """Truthful labels plus three hand-made sets:

    * ``wrong-match``: two records of different people, labelled a match;
    * ``wrong-non-match``: the two records of one person, labelled a non-match;
    * ``set-a``/``set-b``: each pairs two different people "A"/"B"; the "A" of one set must not
      be read as the "A" of the other.
    """
    frame, truth = people
    truthful = labels_from_truth(frame, truth, PRIMARY_KEY, max_records=100)
    free = ~frame[PRIMARY_KEY].isin(truthful[PRIMARY_KEY])
    sizes = truth.map(truth.value_counts())
    singles = frame.loc[free & (sizes == 1), PRIMARY_KEY].tolist()
    pair_entities = truth[free & (sizes == 2)]
    pair_entities = pair_entities[pair_entities.map(pair_entities.value_counts()) == 2]
    assert len(singles) >= 6 and len(pair_entities) >= 2
    x, y, s1, s2, s3, s4 = singles[:6]
    first_pair = pair_entities.iloc[0]
    d1, d2 = frame.loc[truth == first_pair, PRIMARY_KEY].tolist()
    extra = [
        ("wrong-match", "A", x),
        ("wrong-match", "A", y),
        ("wrong-non-match", "A", d1),
        ("wrong-non-match", "B", d2),
        ("set-a", "A", s1),
        ("set-a", "B", s2),
        ("set-b", "A", s3),
        ("set-b", "B", s4),
    ]
    by_key = frame.set_index(PRIMARY_KEY)
    rows = [
        by_key.loc[[key]].reset_index().assign(labeling_set_id=s, label=label)
        for s, label, key in extra
    ]
    labels = pd.concat([truthful, *rows], ignore_index=True)[truthful.columns]

    def run(enforce: bool) -> MatchResult:
        transform = FindMatches(primary_key=PRIMARY_KEY, enforce_provided_labels=enforce)
        return transform.fit(frame, labels).match(frame)

    return {
        "x": x,
        "y": y,
        "d1": d1,
        "d2": d2,
        "s": (s1, s2, s3, s4),
        "labels": labels,
        "free": run(enforce=False),
        "enforced": run(enforce=True),
    }


def _same_group(result: MatchResult, a: str, b: str) -> bool:
    match_id = result.frame.set_index(PRIMARY_KEY)["match_id"]
    return bool(match_id[a] == match_id[b])


def test_model_disagrees_with_the_wrong_labels(scenario: dict[str, object]) -> None:
    """Without enforcement the model goes by the data: the premise of the next test."""
    free = scenario["free"]
    assert isinstance(free, MatchResult)
    assert free.summary.model == "supervised"
    assert not _same_group(free, scenario["x"], scenario["y"])  # type: ignore[arg-type]
    assert _same_group(free, scenario["d1"], scenario["d2"])  # type: ignore[arg-type]


def test_enforced_labels_override_the_model(scenario: dict[str, object]) -> None:
    enforced = scenario["enforced"]
    assert isinstance(enforced, MatchResult)
    assert _same_group(enforced, scenario["x"], scenario["y"])  # type: ignore[arg-type]
    assert not _same_group(enforced, scenario["d1"], scenario["d2"])  # type: ignore[arg-type]
    confidence = enforced.frame.set_index(PRIMARY_KEY)["match_confidence_score"]
    assert np.all((confidence >= 0) & (confidence <= 1))


def test_enforced_labels_do_not_cross_sets(scenario: dict[str, object]) -> None:
    enforced = scenario["enforced"]
    assert isinstance(enforced, MatchResult)
    s1, s2, s3, s4 = scenario["s"]  # type: ignore[misc]
    assert not _same_group(enforced, s1, s3)  # both "A", but in different sets
    assert not _same_group(enforced, s2, s4)  # both "B", but in different sets
    assert not _same_group(enforced, s1, s2)
    assert not _same_group(enforced, s3, s4)


def test_every_enforced_label_holds(scenario: dict[str, object]) -> None:
    """All labelled pairs, truthful or not, are honoured exactly under enforcement."""
    enforced, labels = scenario["enforced"], scenario["labels"]
    assert isinstance(enforced, MatchResult) and isinstance(labels, pd.DataFrame)
    match_id = enforced.frame.set_index(PRIMARY_KEY)["match_id"]
    checked = 0
    for _, members in labels.groupby("labeling_set_id"):
        keys, tags = members[PRIMARY_KEY].tolist(), members["label"].tolist()
        for i in range(len(keys)):
            for j in range(i + 1, len(keys)):
                assert (match_id[keys[i]] == match_id[keys[j]]) == (tags[i] == tags[j]), (
                    keys[i],
                    keys[j],
                    tags[i],
                    tags[j],
                )
                checked += 1
    assert checked > 100
