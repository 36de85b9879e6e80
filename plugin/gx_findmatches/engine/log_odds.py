"""Scoring arithmetic shared by the unsupervised and the supervised model.

Both models score a pair as an intercept plus one weight per column, looked up by the pair's
agreement level (the missing level -1 indexes a trailing 0), minus each dependence link's
correction where both linked columns agree exactly. Kept apart from either model so that
neither imports the other for a few functions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .dependence import Link


def gather_weights(
    tables: Sequence[np.ndarray], levels: np.ndarray, links: Sequence[Link] = ()
) -> np.ndarray:
    """The ``(pairs, columns)`` matrix of each pair's weight on each column."""
    weights = np.empty(levels.shape, dtype="float64")
    for col, table in enumerate(tables):
        weights[:, col] = table[levels[:, col]]
    for a, b, log_lift in links:
        weights[:, b] -= log_lift * ((levels[:, a] == 0) & (levels[:, b] == 0))
    return weights


def summed_log_odds(
    intercept: float, tables: Sequence[np.ndarray], levels: np.ndarray, links: Sequence[Link] = ()
) -> np.ndarray:
    """``intercept`` plus each pair's weights, summed column by column (a million pairs never
    need the pairs x columns weight matrix)."""
    log_odds = np.full(len(levels), intercept, dtype="float64")
    for col, table in enumerate(tables):
        log_odds += table[levels[:, col]]
    for a, b, log_lift in links:
        log_odds -= log_lift * ((levels[:, a] == 0) & (levels[:, b] == 0))
    return log_odds


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function, stable for any log-odds."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def logit(p: np.ndarray, clip: float = 1e-12) -> np.ndarray:
    """The log-odds of probabilities, which are first kept ``clip`` away from 0 and 1 (a
    probability of exactly 0 or 1 would be infinite)."""
    clipped = np.clip(p, clip, 1 - clip)
    return np.log(clipped / (1 - clipped))


def log_loss(log_odds: np.ndarray, is_match: np.ndarray) -> np.ndarray:
    """Each pair's negative log-likelihood of its label under match log-odds ``log_odds``,
    stable for any log-odds: what the supervised fit minimises and its width is judged by."""
    return np.logaddexp(0.0, log_odds) - is_match * log_odds
