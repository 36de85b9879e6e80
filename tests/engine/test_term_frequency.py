"""Term frequencies: agreeing on a rare value is stronger evidence than agreeing on a common one.

The models weigh an exact agreement by its average over all values; scoring adds
``log(u / share)`` for the shared value. These tests hold the adjustment to the value shares
(not to column names), to explanations, and to the model file, old files included.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from gx_findmatches import FindMatches
from gx_findmatches.engine.columns import ColumnSpec
from gx_findmatches.engine.comparison import prepare_column
from gx_findmatches.engine.persistence import matcher_from_dict, matcher_to_dict
from gx_findmatches.engine.term_frequency import MAX_ADJUSTMENT, learn_frequencies
from gx_findmatches.errors import ModelFileError

GIVEN = ["anna", "bert", "carl", "dora", "emil", "fritz", "greta", "hans", "ida", "jonas"]


def _people(seed: int = 0) -> pd.DataFrame:
    """900 people: a third named Smith, the rest with surnames of their own, two of whom
    share the rare surname Szczepanski; every tenth person appears twice."""
    rng = np.random.default_rng(seed)
    n = 900
    surname = [
        "smith" if i % 3 == 0 else f"{''.join(rng.choice(list('bcdfgklmnprstvw'), 7))}"
        for i in range(n)
    ]
    surname[1] = surname[2] = "szczepanski"
    frame = pd.DataFrame(
        {
            "id": [f"p{i}" for i in range(n)],
            "given": [GIVEN[i % 10] + GIVEN[(i // 10) % 10] for i in range(n)],
            "surname": surname,
            "born": [f"19{40 + i % 60}-0{1 + i % 9}-{10 + i % 19}" for i in range(n)],
            "city": rng.choice(["hamburg", "bremen", "kiel", "essen", "bonn"], n),
        }
    )
    copies = frame.iloc[::10].copy()
    copies["id"] = [f"c{i}" for i in range(len(copies))]
    return pd.concat([frame, copies], ignore_index=True)


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    return _people()


@pytest.fixture(scope="module")
def fitted(people: pd.DataFrame) -> FindMatches:
    return FindMatches(primary_key="id").fit(people)


def _surname_contribution(fitted: FindMatches, people: pd.DataFrame, pair: tuple) -> float:
    explained = fitted.explain(people, [pair])
    row = explained[explained["column"] == "surname"].iloc[0]
    assert row["level"] == 0  # both pairs agree exactly on the surname
    return float(row["contribution"])


def test_a_shared_rare_surname_weighs_more_than_a_shared_common_one(
    fitted: FindMatches, people: pd.DataFrame
) -> None:
    """p1 and p2 share the rare Szczepanski, p3 and p6 the common Smith; both pairs differ
    on their given names and dates, so without term frequencies the two would weigh alike."""
    rare = _surname_contribution(fitted, people, ("p1", "p2"))
    common = _surname_contribution(fitted, people, ("p3", "p6"))
    # Smith holds a third of the records, Szczepanski 2 of 990: log(330 / 2) = 5.1
    assert rare - common > 4.0
    assert rare - common <= 2 * MAX_ADJUSTMENT


def test_the_explanation_adds_up_to_the_match_probability(
    fitted: FindMatches, people: pd.DataFrame
) -> None:
    explained = fitted.explain(people, [("p1", "p2")])
    log_odds = explained["contribution"].sum()
    table = fitted.prepare(people)
    position = {str(k): i for i, k in enumerate(table.keys)}
    scored = fitted.pair_probabilities(
        table, np.array([position["p1"]]), np.array([position["p2"]])
    )
    assert scored[0] == pytest.approx(1 / (1 + np.exp(-log_odds)), rel=1e-9)
    assert explained["probability"].iloc[0] == pytest.approx(scored[0], rel=1e-9)


def _probabilities(transform: FindMatches, people: pd.DataFrame) -> np.ndarray:
    table = transform.prepare(people)
    position = {str(k): i for i, k in enumerate(table.keys)}
    left = np.array([position[k] for k in ("p1", "p3", "p0")])
    right = np.array([position[k] for k in ("p2", "p6", "c0")])
    return transform.pair_probabilities(table, left, right)


def test_the_model_file_keeps_the_frequencies(fitted: FindMatches, people: pd.DataFrame) -> None:
    data = matcher_to_dict(fitted.matcher)
    surname = next(f for f in data["term_frequencies"] if f["column"] == "surname")
    assert surname["values"][0] == "smith"
    reloaded = FindMatches.from_matcher(matcher_from_dict(data))
    np.testing.assert_allclose(
        _probabilities(reloaded, people), _probabilities(fitted, people), rtol=1e-12
    )


def test_a_model_file_from_before_term_frequencies_scores_without_them(
    fitted: FindMatches, people: pd.DataFrame
) -> None:
    data = matcher_to_dict(fitted.matcher)
    del data["term_frequencies"]
    old = FindMatches.from_matcher(matcher_from_dict(data))
    rare = _surname_contribution(old, people, ("p1", "p2"))
    common = _surname_contribution(old, people, ("p3", "p6"))
    assert rare == pytest.approx(common)


def test_shares_keep_values_seen_twice_and_leave_others_unjudged() -> None:
    values = pd.Series(["smith"] * 5 + ["jones"] * 3 + ["brown"])
    (learnt,) = learn_frequencies([prepare_column(ColumnSpec("s", "name", "test"), values)])
    assert learnt.values == ("smith", "jones")
    assert learnt.shares == pytest.approx((5 / 9, 3 / 9))
    assert learnt.rare_share is None  # every repeated value is listed
    assert learnt.agreement == pytest.approx((25 + 9 + 1) / 81)
    shares = learnt.share_of(np.array(["brown", "unseen", "smith"], dtype=object))
    assert np.isnan(shares[:2]).all() and shares[2] == pytest.approx(5 / 9)


def test_a_cut_list_gives_values_left_out_the_share_of_the_commonest_of_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("gx_findmatches.engine.term_frequency.MAX_VALUES", 1)
    values = pd.Series(["smith"] * 5 + ["jones"] * 3 + ["brown"] * 2)
    (learnt,) = learn_frequencies([prepare_column(ColumnSpec("s", "name", "test"), values)])
    assert learnt.values == ("smith",)
    assert learnt.rare_share == pytest.approx(3 / 10)  # jones, the commonest left out


def test_a_name_the_model_never_saw_gets_no_adjustment(
    fitted: FindMatches, people: pd.DataFrame
) -> None:
    """A new batch repeating a placeholder the training table never held: pairs sharing it
    must not get the boost of a rare name (on the training table, every name two records
    share is listed)."""
    batch = people.head(40).copy()
    batch["id"] = [f"n{i}" for i in range(len(batch))]
    batch["surname"] = "unknownname"
    explained = fitted.explain(batch, [("n1", "n2"), ("n4", "n5")])
    surname = explained[explained["column"] == "surname"]
    model = fitted.matcher.scoring_model
    exact_weight = model.weight_tables()[fitted.matcher.feature_names.index("surname")][0]
    assert surname["contribution"].to_numpy() == pytest.approx([exact_weight, exact_weight])


@pytest.mark.parametrize("kind", ["text", "code", "categorical", "date"])
def test_only_name_columns_have_frequencies(kind: str) -> None:
    """Codes and categories adjusted too made the first correct labels lower F1 on three
    person tables (see the module's docstring); dates are compared by distance."""
    values = pd.Series(["2000-01-01"] * 3 + ["1999-02-03"] * 2)
    assert learn_frequencies([prepare_column(ColumnSpec("v", kind, "test"), values)]) == ()
    size = prepare_column(ColumnSpec("size", "number", "test"), pd.Series([1.0, 1.0, 2.0]))
    assert learn_frequencies([size]) == ()


def test_a_model_file_listing_a_value_twice_is_refused(fitted: FindMatches) -> None:
    data = matcher_to_dict(fitted.matcher)
    entry = data["term_frequencies"][0]
    entry["values"][1] = entry["values"][0]
    with pytest.raises(ModelFileError, match="listed twice"):
        matcher_from_dict(data)
