"""How far labels may move the unsupervised weights: a prior width the labels choose.

The supervised model pulls every weight toward the unsupervised model's (a Gaussian prior,
:mod:`.supervised`). That prior is good on some tables and poor on others: on the public
Walmart-Amazon product table the unsupervised match class was "same brand", on Magellan
iTunes-Amazon "same album", and at the narrowest width 200 labelled records could not move
those columns far enough. So the width is chosen among :data:`PRIOR_WIDTHS` by
cross-validation over labeling sets, the unit labels come in (a set's pairs are never split
between fitting and testing), on held-out log-loss.

The narrowest width wins unless a wider one is clearly better: the *one-standard-error
rule* (Breiman et al., 1984; Hastie, Tibshirani and Friedman, section 7.10) takes the
narrowest width whose held-out loss is within one standard error of the best. Taking the
best loss outright, as measured at 200 labels (seed 0) beside the narrow width, moved
fourteen tables both ways (Walmart-Amazon 0.446 -> 0.532, dedupe's Abt-Buy 0.560 -> 0.679,
but Magellan Abt-Buy 0.607 -> 0.578, iTunes-Amazon 0.721 -> 0.691, products 0.719 ->
0.702) and lifted the end-to-end estimate on the addresses table from 0.800 to 0.945 for a
true 0.842; sharper models hide the matches they miss. The rule kept every table that lost
at the narrow width (docs/quality.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .dependence import Link
from .log_odds import log_loss
from .supervised import PRIOR_SCALE, can_fit_supervised, fit_supervised

#: Prior widths (log-odds) the labels choose among, narrowest first; the first is the default.
PRIOR_WIDTHS = (PRIOR_SCALE, 2 * PRIOR_SCALE, 4 * PRIOR_SCALE)
_FOLDS = 5  # as evaluate's default: each width is fitted on four fifths of the sets
# Beyond this many labelled pairs the search is skipped: the prior is worth about one pair
# per parameter, so thousands of pairs outweigh it at any width, and the search fits the
# model fifteen more times (about 0.2 s each at 5,000 pairs).
_MAX_SEARCH_PAIRS = 20_000


def choose_prior_width(
    levels: np.ndarray,
    is_match: np.ndarray,
    labeling_set: np.ndarray,
    start_weights: Sequence[np.ndarray],
    start_intercept: float,
    links: Sequence[Link] = (),
    offset: np.ndarray | None = None,
) -> float:
    """The prior width the labels support (see the module docstring).

    Args:
        levels, is_match, start_weights, start_intercept, links, offset: as
            :func:`.supervised.fit_supervised` takes them.
        labeling_set: the set each labelled pair came from; sets are dealt to folds in
            sorted order, so the choice does not depend on the order of the label file.

    Returns the narrowest width when fewer than two sets, or too few labels to hold any
    out, leave nothing to compare, and when labels are so many that no prior matters.
    The standard error is that of the best width's held-out loss over folds, unpaired as in
    the textbook rule; folds of unequal size widen it, which keeps the narrow width more
    often (a pair labelled alike in two sets may sit in both parts of a split, which favours
    wider widths a little).
    """
    set_names = labeling_set.astype(str)
    sets = np.unique(set_names)
    if len(sets) < 2 or not can_fit_supervised(is_match) or len(is_match) > _MAX_SEARCH_PAIRS:
        return PRIOR_WIDTHS[0]
    fold_of_set = {name: k % _FOLDS for k, name in enumerate(sets)}
    fold = np.array([fold_of_set[name] for name in set_names])
    fixed = np.zeros(len(is_match)) if offset is None else np.asarray(offset, dtype="float64")
    trainable = [k for k in np.unique(fold) if can_fit_supervised(is_match[fold != k])]
    if len(trainable) < 2:
        return PRIOR_WIDTHS[0]
    losses = np.zeros((len(PRIOR_WIDTHS), len(trainable)))
    for w, width in enumerate(PRIOR_WIDTHS):
        for f, k in enumerate(trainable):
            train, test = fold != k, fold == k
            model = fit_supervised(
                levels[train],
                is_match[train],
                start_weights,
                start_intercept,
                links,
                offset=fixed[train],
                prior_scale=width,
            )
            z = model.match_log_odds(levels[test]) + fixed[test]
            losses[w, f] = float(log_loss(z, is_match[test]).sum())
    totals = losses.sum(axis=1)
    best = int(np.argmin(totals))
    standard_error = float(np.std(losses[best], ddof=1) * np.sqrt(len(trainable)))
    return next(
        width
        for width, total in zip(PRIOR_WIDTHS, totals, strict=True)
        if total <= totals[best] + standard_error
    )
