"""How far labels may move the unsupervised weights is chosen by the labels themselves.

The supervised model is pulled toward the unsupervised weights (a Gaussian prior). Where those
are right, a narrow prior keeps what the whole table taught; where the unsupervised model took
the wrong class (the public Walmart-Amazon table: "same brand"), a narrow prior let 200
labelled records find 12 % of the matches. Cross-validation over labeling sets picks the width.
"""

from __future__ import annotations

import numpy as np
from gx_findmatches.engine.supervised import PRIOR_SCALES, choose_prior_scale, fit_supervised


def _labelled(truth_column: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs over two 3-level columns in 20 labeling sets; matches are decided by one column
    (level 0), the other is noise."""
    rng = np.random.default_rng(seed)
    levels = rng.integers(0, 3, size=(600, 2))
    is_match = levels[:, truth_column] == 0
    noise = rng.random(len(is_match)) < 0.05
    return levels, is_match ^ noise, np.array([f"set-{k % 20:02d}" for k in range(600)])


def test_a_wrong_prior_gets_a_wider_width_and_labels_fix_it() -> None:
    """The prior says column 0 decides; the labels say column 1 does."""
    levels, is_match, sets = _labelled(truth_column=1)
    wrong = [np.array([6.0, 0.0, -3.0]), np.array([0.0, 0.0, 0.0])]
    scale = choose_prior_scale(levels, is_match, sets, wrong, -2.0)
    assert scale > PRIOR_SCALES[0]
    narrow = fit_supervised(levels, is_match, wrong, -2.0)
    chosen = fit_supervised(levels, is_match, wrong, -2.0, prior_scale=scale)
    fresh, fresh_match, _ = _labelled(truth_column=1, seed=1)

    def log_loss(model: object) -> float:  # on pairs neither model saw
        z = model.match_log_odds(fresh)  # type: ignore[attr-defined]
        return float((np.logaddexp(0.0, z) - fresh_match * z).mean())

    assert log_loss(chosen) < log_loss(narrow)


def test_a_right_prior_keeps_the_narrow_width() -> None:
    levels, is_match, sets = _labelled(truth_column=0)
    right = [np.array([3.0, -1.5, -3.0]), np.array([0.0, 0.0, 0.0])]
    assert choose_prior_scale(levels, is_match, sets, right, -1.0) == PRIOR_SCALES[0]


def test_one_labeling_set_keeps_the_default_width() -> None:
    levels, is_match, _ = _labelled(truth_column=1)
    one_set = np.array(["only"] * len(is_match))
    wrong = [np.array([6.0, 0.0, -3.0]), np.array([0.0, 0.0, 0.0])]
    assert choose_prior_scale(levels, is_match, one_set, wrong, -2.0) == PRIOR_SCALES[0]
