"""The labelled model's cut: probability 0.5 is where expected F1 is best, not where a match
is as likely as not.

On four public two-source tables, 200 correct labels lowered F1 below the unsupervised
model's (DBLP-ACM with misplaced values 0.43 -> 0.27): the matches the labels taught sat at
probability 0.1-0.4, under a cut of 0.5 that only minimises errors. These tests pin the cut
to the best expected F1 and keep the fitted probabilities for quality estimates.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from gx_findmatches import FindMatches
from gx_findmatches.engine.identical import collapse_identical
from gx_findmatches.engine.log_odds import sigmoid
from gx_findmatches.engine.supervised import f1_balanced_shift

from benchmarks.quality.gx_jobs import SET_SIZE, SETS_PER_ROUND, answer
from benchmarks.quality.tables import Table, load


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1.0 - p))


def _expected_f1(probability: np.ndarray, taken: np.ndarray) -> float:
    """Expected F1 of taking ``taken``, true pairs counted over those a cut may reach (0.05)."""
    reachable = probability[probability >= 0.05].sum()
    return float(2.0 * probability[taken].sum() / (taken.sum() + reachable))


def test_the_cut_goes_where_expected_f1_is_best() -> None:
    """Ten pairs at 0.9, thirty at 0.3, a hundred at 0.1: taking the forty gives expected F1
    36/68 (0.53) against 18/38 (0.47) for the ten and 56/168 for all, so the cut moves to
    0.3; a thousand pairs at 0.01 below every allowed cut change nothing."""
    probability = np.r_[np.full(10, 0.9), np.full(30, 0.3), np.full(100, 0.1), np.full(1000, 0.01)]
    shift = f1_balanced_shift(_logit(probability))
    assert shift == pytest.approx(-_logit(np.array(0.3)))
    moved = sigmoid(_logit(probability) + shift)
    assert ((moved >= 0.5) == (probability >= 0.3)).all()


def test_pairs_no_cut_may_take_do_not_pull_the_cut_down() -> None:
    """Ten pairs at 0.9 and thirty at 0.3 above a thousand at 0.01. Counted as ten expected
    matches, the thousand would make the forty best (36/68 against 18/38); but no allowed cut
    takes them, and there the fitted probabilities are least trustworthy (measured: twice the
    truth on common_names). Without them the ten are best (18/28 against 36/58)."""
    probability = np.r_[np.full(10, 0.9), np.full(30, 0.3), np.full(1000, 0.01)]
    assert f1_balanced_shift(_logit(probability)) == 0.0


def test_sure_models_keep_their_probabilities() -> None:
    """Probabilities near 0 and 1 make every cut between them alike: nothing moves."""
    probability = np.r_[np.full(50, 0.999), np.full(5000, 0.001)]
    assert f1_balanced_shift(_logit(probability)) == 0.0
    assert f1_balanced_shift(np.empty(0)) == 0.0


@pytest.fixture(scope="module")
def common_names_labelled() -> tuple[Table, FindMatches]:
    """Four rounds of correct labels (200 records) on persons with very common names, where
    the labelled model's best cut lies below 0.5."""
    table = load("common_names")
    fm = FindMatches(primary_key=table.key).fit(table.frame)
    labels = pd.DataFrame()
    for _ in range(4):
        done = labels[table.key].tolist() if len(labels) else []
        sets = fm.labeling_sets(
            table.frame, n_sets=SETS_PER_ROUND, set_size=SET_SIZE, exclude_keys=done
        )
        labels = pd.concat([labels, answer(sets, table)], ignore_index=True)
        fm = FindMatches(primary_key=table.key).fit(table.frame, labels)
    return table, fm


def test_a_labelled_fit_cuts_at_the_best_expected_f1(
    common_names_labelled: tuple[Table, FindMatches],
) -> None:
    """Over fit's candidate pairs, no allowed cut of the fitted probabilities promises a
    better F1 than the one probability 0.5 makes after the balance."""
    table, fm = common_names_labelled
    matcher = fm.matcher
    representatives = collapse_identical(matcher.prepare(table.frame)).table  # as fit pairs
    left, right = matcher.candidate_pairs(representatives)
    scored = matcher.pair_probabilities(representatives, left, right)
    classifier = matcher.classifier
    assert classifier is not None
    fitted = sigmoid(_logit(np.clip(scored, 1e-12, 1 - 1e-12)) - classifier.balance)
    chosen = _expected_f1(fitted, scored >= 0.5)
    assert chosen > _expected_f1(fitted, fitted >= 0.5)  # the cut did move, and paid
    for cut in np.linspace(0.06, 0.94, 45):  # cuts within 0.001 of the best count as best
        assert chosen >= _expected_f1(fitted, fitted >= cut) - 0.0011, cut


def test_the_balance_is_saved_with_the_model(
    common_names_labelled: tuple[Table, FindMatches], tmp_path: Path
) -> None:
    table, fm = common_names_labelled
    loaded = FindMatches.load(fm.save(tmp_path / "common_names.json"))
    assert loaded.matcher.classifier is not None and fm.matcher.classifier is not None
    assert loaded.matcher.classifier.balance == fm.matcher.classifier.balance
    pd.testing.assert_frame_equal(loaded.transform(table.frame), fm.transform(table.frame))
