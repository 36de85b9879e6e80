"""Expectation-maximisation for ``m`` with ``u`` held fixed, and the level-order repair.

One training session's pairs go through :func:`run_em`: the posterior match probability of each
distinct level pattern, then ``m`` as the posterior-weighted level shares, until nothing moves.
``u`` never changes here (re-estimating it let EM call any frequent agreement a match, see
:mod:`.fellegi_sunter`). :func:`monotone_m` then keeps each column's evidence in level order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .comparison import MISSING_LEVEL
from .dependence import Link
from .log_odds import sigmoid

_SMOOTHING = 1e-4  # keeps every level possible, so no weight is ever infinite
_MAX_ITERATIONS = 200
_TOLERANCE = 1e-6
_INITIAL_SESSION_PRIOR = 0.01


def level_frequencies(
    levels: np.ndarray, sizes: Sequence[int], weights: np.ndarray
) -> list[np.ndarray]:
    """Weighted, smoothed share of each level per column, ignoring missing values."""
    tables = []
    for col, size in enumerate(sizes):
        present = levels[:, col] != MISSING_LEVEL
        counts = np.bincount(levels[present, col], weights=weights[present], minlength=size)
        counts = counts + _SMOOTHING * max(counts.sum(), 1.0)
        tables.append(counts / counts.sum())
    return tables


@dataclass(frozen=True)
class EMResult:
    m: list[np.ndarray]
    share: float
    converged: bool


def run_em(
    levels: np.ndarray,
    u: list[np.ndarray],
    sizes: Sequence[int],
    free: np.ndarray,
    m: list[np.ndarray],
    links: Sequence[Link] = (),
) -> EMResult:
    """EM for ``m`` of the ``free`` columns and the match share, with ``u`` held fixed.

    Runs on the distinct level patterns with their counts: a million pairs typically show a
    few thousand patterns.
    """
    patterns, counts = distinct_patterns(levels)
    masked = patterns.copy()
    masked[:, ~free] = MISSING_LEVEL  # the session's own column says nothing here
    u_tables = [np.r_[np.log(t), 0.0] for t in u]
    correction = np.zeros(len(masked))
    for a, b, log_lift in links:
        if free[a] and free[b]:
            correction -= log_lift * ((masked[:, a] == 0) & (masked[:, b] == 0))
    share = _INITIAL_SESSION_PRIOR
    converged = False
    for _ in range(_MAX_ITERATIONS):
        m_tables = [np.r_[np.log(t), 0.0] for t in m]
        log_odds = np.log(share / (1.0 - share)) + correction
        for col in np.flatnonzero(free):
            log_odds += m_tables[col][masked[:, col]] - u_tables[col][masked[:, col]]
        posterior = sigmoid(log_odds)
        new_m = level_frequencies(masked, sizes, posterior * counts)
        new_m = [new if free[c] else old for c, (new, old) in enumerate(zip(new_m, m, strict=True))]
        new_share = float(np.clip((posterior * counts).sum() / counts.sum(), 1e-9, 1 - 1e-9))
        change = max(
            abs(new_share - share),
            *(float(np.abs(a - b).max()) for a, b in zip(new_m, m, strict=True)),
        )
        m, share = new_m, new_share
        if change < _TOLERANCE:
            converged = True
            break
    return EMResult(m, share, converged)


def monotone_m(m: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``m`` adjusted so that ``log(m/u)`` never rises from a closer level to a farther one.

    Pool-adjacent-violators on the weights, weighted by ``m`` (the mass of matches at each
    level), then ``m`` rebuilt from the pooled weights and renormalised: the matches' level
    shares move as little as possible while the evidence order becomes right.
    """
    weights = list(np.log(m / u))
    mass = list(m)
    blocks: list[list[int]] = []
    values: list[float] = []
    totals: list[float] = []
    for level, (w, mass_here) in enumerate(zip(weights, mass, strict=True)):
        blocks.append([level])
        values.append(float(w))
        totals.append(float(mass_here))
        while len(values) > 1 and values[-2] < values[-1]:
            merged_total = totals[-2] + totals[-1]
            merged = (values[-2] * totals[-2] + values[-1] * totals[-1]) / merged_total
            blocks[-2:] = [blocks[-2] + blocks[-1]]
            values[-2:] = [merged]
            totals[-2:] = [merged_total]
    pooled = np.empty(len(m))
    for block, value in zip(blocks, values, strict=True):
        pooled[block] = value
    adjusted = u * np.exp(pooled)
    return adjusted / adjusted.sum()


def distinct_patterns(
    levels: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a level matrix and how often each occurs (or the sum of the
    rows' ``weights``)."""
    if len(levels) == 0:
        return levels, np.empty(0, dtype="float64")
    shifted = levels.astype("int64") + 1  # missing (-1) becomes 0
    radix = int(shifted.max()) + 1 if shifted.size else 1
    codes = np.zeros(len(levels), dtype="int64")
    for column in range(levels.shape[1]):
        codes = codes * radix + shifted[:, column]
    # Hash, not sort: np.unique sorts all pairs, measured 7.7 s on 17M pairs against ~1 s.
    which, patterns = pd.factorize(codes)
    first = np.empty(len(patterns), dtype="int64")
    first[which[::-1]] = np.arange(len(codes) - 1, -1, -1)  # first occurrence of each
    counts = np.bincount(which, weights=weights, minlength=len(patterns))
    order = np.argsort(patterns)  # a fixed order: EM sums in the same order every run
    return levels[first[order]], counts[order].astype("float64")


def match_share(log_ratios: np.ndarray, counts: np.ndarray) -> float:
    """The share of matches among pairs whose evidence is fixed (``m`` and ``u`` as fitted):
    the maximum-likelihood mixing share, which is also EM's fixed point on that one number.

    ``log_ratios`` are each pattern's summed ``log(m/u)``, ``counts`` how many pairs show it.
    The log-likelihood is concave in the share, so its slope falls from positive to negative
    once; bisection on the slope (in log space: shares run down to 1e-9) finds the root
    exactly, where EM's own steps crawl when the evidence is weak (200 of them gave 0.47
    for a true 0.5).
    """
    excess = np.expm1(np.clip(log_ratios, -700.0, 700.0))  # likelihood ratio - 1

    def slope(share: float) -> float:
        return float((counts * (excess / (1.0 + share * excess))).sum())

    low, high = 1e-9, 1.0 - 1e-9
    if slope(low) <= 0:
        return low
    if slope(high) >= 0:
        return high
    for _ in range(100):
        middle = float(np.sqrt(low * high))
        low, high = (middle, high) if slope(middle) > 0 else (low, middle)
    return float(np.sqrt(low * high))


def initial_m_tables(sizes: Sequence[int]) -> list[np.ndarray]:
    return [initial_m(size) for size in sizes]


def initial_m(size: int) -> np.ndarray:
    """Matches mostly agree exactly; each weaker level is less likely."""
    table = 0.5 ** (2 * np.arange(size, dtype="float64") + 1)
    return table / table.sum()
