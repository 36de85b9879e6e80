"""The labels choose how far they may move the unsupervised weights.

Measured before: at one fixed width, 200 labelled records could not undo an unsupervised
model whose match class was "same album" (Magellan iTunes-Amazon, F1 0.721; 0.780 with the
width the labels chose) or "same brand" (Walmart-Amazon 0.446 -> 0.463).
"""

from __future__ import annotations

import numpy as np
from gx_findmatches.engine.prior_width import PRIOR_WIDTHS, choose_prior_width
from gx_findmatches.engine.supervised import fit_supervised

SETS = 10
PAIRS_PER_SET = 8  # 80 labelled pairs: few enough that the prior matters


# Weights per level (agree, disagree) as a collapsed unsupervised model has them: "the first
# column decides", the second barely counts.
WRONG = [np.array([6.0, -4.0]), np.array([0.5, -0.5])]


def _labelled(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two columns of two levels (0 agree, 1 disagree): the first agrees on half the matches
    and half the non-matches (it tells nothing), the second agrees on 95 % of matches and 5 %
    of non-matches."""
    n = SETS * PAIRS_PER_SET
    is_match = rng.random(n) < 0.4
    first = (rng.random(n) < 0.5).astype(int)
    second = np.where(is_match, rng.random(n) < 0.95, rng.random(n) < 0.05).astype(int)
    levels = np.c_[1 - first, 1 - second].astype("int8")
    sets = np.repeat([f"set-{k:02d}" for k in range(SETS)], PAIRS_PER_SET)
    return levels, is_match, sets


def test_a_wrong_prior_lets_the_labels_move_further() -> None:
    levels, is_match, sets = _labelled(np.random.default_rng(0))
    width = choose_prior_width(levels, is_match, sets, WRONG, -4.0)
    # the widest width has the lowest held-out loss here, the middle one is within one
    # standard error of it: the rule takes the narrower of the two
    assert width == PRIOR_WIDTHS[1]
    narrow = fit_supervised(levels, is_match, WRONG, -4.0, prior_scale=PRIOR_WIDTHS[0])
    chosen = fit_supervised(levels, is_match, WRONG, -4.0, prior_scale=width)
    # the uninformative column's agreement weight falls further toward 0
    assert chosen.weights[0][0] - chosen.weights[0][1] < narrow.weights[0][0] - narrow.weights[0][1]


def test_a_right_prior_keeps_the_narrowest_width() -> None:
    levels, is_match, sets = _labelled(np.random.default_rng(1))
    right = [np.array([0.0, 0.0]), np.array([2.9, -2.9])]  # log(0.95 / 0.05), its inverse
    assert choose_prior_width(levels, is_match, sets, right, -0.4) == PRIOR_WIDTHS[0]


def test_one_labeling_set_or_no_match_keeps_the_narrowest_width() -> None:
    levels, is_match, sets = _labelled(np.random.default_rng(2))
    one_set = np.full(len(sets), "only")
    assert choose_prior_width(levels, is_match, one_set, WRONG, -4.0) == PRIOR_WIDTHS[0]
    no_match = np.zeros(len(is_match), dtype=bool)
    assert choose_prior_width(levels, no_match, sets, WRONG, -4.0) == PRIOR_WIDTHS[0]


def test_the_choice_does_not_depend_on_the_order_of_the_labels() -> None:
    levels, is_match, sets = _labelled(np.random.default_rng(3))
    order = np.random.default_rng(4).permutation(len(sets))
    assert choose_prior_width(levels, is_match, sets, WRONG, -4.0) == choose_prior_width(
        levels[order], is_match[order], sets[order], WRONG, -4.0
    )
