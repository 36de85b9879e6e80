"""The supervised model: labels re-learn every column's weight at every agreement level.

The unsupervised model gives each column a weight per agreement level (``log(m/u)``). With
labels we fit those same weights again by regularised logistic regression on the labelled
pairs, so a label can fix any column and any level, not merely rescale a column:

- Features are *cumulative level indicators* per column: "the value is present" and, for each
  level but the last, "the pair is at least this close". A column's weight at level ``l`` is
  its presence weight plus the increments of every level at or beyond ``l``; increments are
  bounded below by 0, so a closer value is never weaker evidence (the order can't break).
- The penalty pulls each parameter toward the unsupervised model's value (a Gaussian prior
  centred there), not toward 0: where the labels are silent (a rare level, an unlabelled
  column) the model keeps what was learned from the whole table; where they speak, hundreds
  of labelled pairs outweigh a prior worth a fraction of one pair per parameter. How wide
  the prior is, the labels choose by cross-validation over labeling sets (:mod:`.prior_width`).
- No unlabelled pairs are mixed in as soft labels: they carried the unsupervised model's
  mistakes into the supervised one (measured: three rounds of perfect labels left true F1 at
  0.15 on RLdata10000 when the unsupervised model had collapsed).

Labelled pairs are chosen by their features (active learning), never by their labels, so the
fitted conditional probabilities stay unbiased for the candidates. The optimiser is SciPy's
L-BFGS-B (bounds are what scikit-learn's logistic regression lacks).

A fitted probability of 0.5 is where a match is as likely as not: the cut that makes the
fewest errors, not the one that balances precision and recall. With calibrated probabilities
the cut of best F1 is half the best F1 (Lipton, Elkan and Naryanaswamy, 2014), so on a table
where even the best cut reaches F1 0.6 the pairs at 0.3-0.5 are worth taking: on four public
two-source tables 200 labels *lowered* F1 below the unsupervised model's (DBLP-ACM with
misplaced values 0.43 -> 0.27, Amazon-Google 0.13 -> 0.06), since the matches the labels
taught sat at 0.1-0.4. So the intercept is moved until 0.5 is the cut of best expected F1
over the table's candidate pairs (:func:`f1_balanced_shift`), and ``precision_recall_tradeoff``
moves the cut from there, its middle setting meaning "balanced". Where the labels separate
matches well there is no shift (a cut near one half is then already best). The expected count
of true pairs leaves out the pairs below the lowest cut allowed (0.05): labels rarely reach
them, and there the fitted probabilities ran about twice the truth on tables the model matches
well (common_names: 812 expected missed matches for 454), which pulled the cut too low
(common_names 0.797 -> 0.776 on identical labels, 0.797 with them left out), while the
two-source tables kept their gains (docs/quality.md).

The fitted model is plain numbers (:class:`LevelWeightClassifier`), the same shape as the
unsupervised model: weight tables per column and an intercept; saved as JSON, no pickle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize

from .comparison import MISSING_LEVEL
from .dependence import Link, links_from_json
from .log_odds import gather_weights, log_loss, logit, sigmoid, summed_log_odds

PRIOR_SCALE = 1.0  # log-odds: the narrowest prior width (how far labels move a weight unresisted)


@dataclass(frozen=True)
class LevelWeightClassifier:
    """``p = sigmoid(intercept + sum over columns of weights[c][level])``; missing adds 0.

    Attributes:
        weights: per column, the weight of each agreement level (closest first).
        intercept: the log-odds before any column is looked at.
        balance: the part of ``intercept`` that moves 0.5 near the cut of best expected F1
            (:func:`f1_balanced_shift`); without it the probabilities are the fitted ones,
            which quality estimates need.
    """

    weights: tuple[np.ndarray, ...]
    intercept: float
    links: tuple[Link, ...] = ()
    balance: float = 0.0

    def weight_tables(self) -> list[np.ndarray]:
        """Weights per level with a trailing 0, so the missing level (-1) indexes it."""
        return [np.r_[w, 0.0] for w in self.weights]

    def partial_weights(self, levels: np.ndarray) -> np.ndarray:
        """Each pair's weight on each column (its additive contribution to the log-odds)."""
        return gather_weights(self.weight_tables(), levels, self.links)

    def match_log_odds(self, levels: np.ndarray) -> np.ndarray:
        """Log-odds that each pair is a match."""
        return summed_log_odds(self.intercept, self.weight_tables(), levels, self.links)

    def predict_proba(self, levels: np.ndarray) -> np.ndarray:
        """Match probability of each pair."""
        return sigmoid(self.match_log_odds(levels))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready parameters."""
        return {
            "weights": [w.tolist() for w in self.weights],
            "intercept": self.intercept,
            "links": [list(link) for link in self.links],
            "balance": self.balance,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LevelWeightClassifier:
        """Rebuild from :meth:`to_dict` output."""
        return cls(
            weights=tuple(np.asarray(w, dtype="float64") for w in data["weights"]),
            intercept=float(data["intercept"]),
            links=links_from_json(data.get("links", ())),
            balance=float(data.get("balance", 0.0)),
        )


def can_fit_supervised(is_match: np.ndarray) -> bool:
    """A classifier needs at least one labelled match and one labelled non-match."""
    return bool(is_match.any()) and bool((~is_match).any())


def fit_supervised(
    levels: np.ndarray,
    is_match: np.ndarray,
    start_weights: Sequence[np.ndarray],
    start_intercept: float,
    links: Sequence[Link] = (),
    offset: np.ndarray | None = None,
    prior_scale: float = PRIOR_SCALE,
) -> LevelWeightClassifier:
    """Fit level weights on labelled pairs, starting from (and pulled toward) a prior model.

    Args:
        levels: agreement levels of the labelled pairs, ``(pairs, columns)``.
        is_match: their labels.
        start_weights: the unsupervised weight of each level, per column (closest first).
        start_intercept: the unsupervised log-odds before any column.
        links: dependent column pairs and their corrections, learnt again like the weights.
        offset: each pair's fixed term-frequency adjustment of the log-odds, which scoring
            adds too, so the weights are learnt beside it.
        prior_scale: how far (log-odds) the labels may move a parameter before the prior
            resists (the labels choose it: :mod:`.prior_width`).
    """
    features, feature_lower = _cumulative_features(levels, [len(w) for w in start_weights])
    # each link's correction is a parameter too (at most 0), so labels can undo a wrong one
    link_features = (
        np.array([(levels[:, a] == 0) & (levels[:, b] == 0) for a, b, _ in links], dtype="float64")
        .reshape(len(links), len(levels))
        .T
    )
    prior = np.r_[
        start_intercept, _to_parameters(start_weights), [-log_lift for _, _, log_lift in links]
    ]
    lower = np.r_[-np.inf, feature_lower, np.full(len(links), -np.inf)]
    upper = np.r_[np.full(1 + len(feature_lower), np.inf), np.zeros(len(links))]
    prior = np.clip(prior, lower, upper)  # the start model already keeps these bounds
    design = np.c_[np.ones(len(features)), features, link_features]
    y = is_match.astype("float64")
    fixed = np.zeros(len(y)) if offset is None else np.asarray(offset, dtype="float64")
    precision = 1.0 / prior_scale**2

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = design @ theta + fixed
        log_likelihood = log_loss(z, y)
        difference = theta - prior
        value = float(log_likelihood.sum() + 0.5 * precision * (difference**2).sum())
        gradient = design.T @ (sigmoid(z) - y) + precision * difference
        return value, gradient

    bounds = [
        (None if np.isinf(low) else float(low), None if np.isinf(high) else float(high))
        for low, high in zip(lower, upper, strict=True)
    ]
    fitted = minimize(loss, prior, jac=True, method="L-BFGS-B", bounds=bounds)
    theta = fitted.x
    sizes = [len(w) for w in start_weights]
    n_weights = 1 + len(feature_lower)
    return LevelWeightClassifier(
        weights=tuple(_from_parameters(theta[1:n_weights], sizes)),
        intercept=float(theta[0]),
        links=tuple(
            (a, b, float(-value)) for (a, b, _), value in zip(links, theta[n_weights:], strict=True)
        ),
    )


# The cut of best expected F1 is kept within these probabilities: beyond them a handful of
# pairs would decide where every other pair falls.
_BALANCED_CUT_BOUNDS = (0.05, 0.95)
# Cuts whose expected F1 is this close to the best count as best; of those the one nearest
# 0.5 is taken, so a sure model (probabilities near 0 and 1, every cut between them alike)
# keeps its probabilities. Ties of 0.01 left the cut short of the best on two-source tables
# (DBLP-ACM with misplaced values 0.468 at 200 labels, mean of three label seeds, against
# 0.664 here); they were needed only while the unreachable tail pulled the cut too low.
_EXPECTED_F1_TIES = 0.001


def f1_balanced_shift(log_odds: np.ndarray) -> float:
    """How much to add to a classifier's log-odds so that probability 0.5 is within
    ``_EXPECTED_F1_TIES`` of the cut of best expected F1 over these pairs (see the module
    docstring); 0 for no pairs, and 0 when 0.5 already is.

    Taking the ``k`` most probable pairs, the expected true positives are the sum of their
    probabilities and the expected true pairs the sum over the pairs any allowed cut can take
    (probability at least ``_BALANCED_CUT_BOUNDS[0]``), so the expected F1 is
    ``2 * sum_k / (k + sum_reachable)``; of the ``k`` within the ties of the best, the one
    whose cut lies nearest 0.5 sets it.
    """
    if len(log_odds) == 0:
        return 0.0
    floor, ceiling = logit(np.asarray(_BALANCED_CUT_BOUNDS))  # the bounds as log-odds
    ordered = np.sort(np.asarray(log_odds, dtype="float64"))[::-1]
    probability = sigmoid(ordered)
    taken = np.cumsum(probability)
    reachable = float(probability[ordered >= floor].sum())
    expected_f1 = 2.0 * taken / (np.arange(1, len(ordered) + 1) + reachable)
    best = np.flatnonzero(expected_f1 >= expected_f1.max() - _EXPECTED_F1_TIES)
    # Taking the top k, any cut in (next pair's log-odds, k-th pair's] selects the same
    # pairs: of those the nearest to 0, away from the excluded pair's own value.
    highest = ordered[best]
    below = np.r_[ordered, -np.inf][best + 1]
    cuts = np.where(below >= 0.0, (below + highest) / 2.0, np.minimum(highest, 0.0))
    cut = float(np.clip(cuts[np.argmin(np.abs(cuts))], floor, ceiling))
    return -cut


def _cumulative_features(levels: np.ndarray, sizes: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Per column: [present, level <= 0, level <= 1, ..., level <= size - 2], and each
    feature's lower bound (increments may not go below 0)."""
    blocks = []
    lower = []
    for col, size in enumerate(sizes):
        level = levels[:, col].astype("int64")
        present = level != MISSING_LEVEL
        block = np.zeros((len(levels), size), dtype="float64")
        block[:, 0] = present
        for k in range(size - 1):
            block[:, k + 1] = present & (level <= k)
        blocks.append(block)
        lower.extend([-np.inf] + [0.0] * (size - 1))
    features = np.hstack(blocks) if blocks else np.zeros((len(levels), 0))
    return features, np.asarray(lower, dtype="float64")


def _to_parameters(weights: Sequence[np.ndarray]) -> np.ndarray:
    """Level weights as [last-level weight, increments w[k] - w[k+1]] per column."""
    parts = []
    for w in weights:
        parts.append(np.r_[w[-1], w[:-1] - w[1:]])
    return np.concatenate(parts) if parts else np.zeros(0)


def _from_parameters(theta: np.ndarray, sizes: Sequence[int]) -> list[np.ndarray]:
    """The inverse of :func:`_to_parameters`."""
    weights = []
    start = 0
    for size in sizes:
        base, increments = theta[start], theta[start + 1 : start + size]
        # weight at level l = base + sum of increments k >= l (k < size - 1)
        tail = np.r_[np.cumsum(increments[::-1])[::-1], 0.0]
        weights.append(base + tail)
        start += size
    return weights
