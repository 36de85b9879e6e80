"""Dependent columns: agreements that go together among non-matches.

Fellegi-Sunter multiplies each column's evidence as if columns agreed independently. A suburb
and its postcode agree together as often as either agrees alone, so independence counts one
coincidence twice, and EM then takes "same suburb" for the match class (measured on a generated
address table: F1 0.004). This module measures, among random record pairs, how much more often
two columns agree exactly together than independence predicts (the *lift*), and keeps the
strongest dependencies as *links*: a forest of column pairs, each of which gives a pair
agreeing exactly on both columns its lift back. Training sessions also use the lifts to leave
out the columns that go with their key.
"""

from __future__ import annotations

import numpy as np

Link = tuple[int, int, float]
"""Two columns whose exact agreements go together among non-matches (a suburb and its
postcode), and the log of how much more often they agree together than apart would say."""

MIN_LINK_LIFT = 3.0  # agreeing together 3x more often than independence predicts
_MIN_LINK_COUNT = 20
_COMMON_AGREEMENT = 0.2
SURE_NON_MATCH = 0.05  # random pairs the first model doubts are left out of the lifts


def links_from_json(data: object) -> tuple[Link, ...]:
    """Links as saved in a model file."""
    return tuple((int(a), int(b), float(w)) for a, b, w in data)  # type: ignore[attr-defined]


def probable_non_matches(random_levels: np.ndarray) -> np.ndarray:
    """Which random pairs to learn non-matches from: all but those that look like matches.

    Random pairs are nearly all non-matches, but a table with large entities is an exception
    (measured: 1.6 % of random pairs of a patent-inventor table are mentions of one inventor).
    Left in, they inflate ``u`` and make a first and a last name look like dependent columns.
    A random pair agreeing exactly on three or more columns that random pairs seldom agree
    on (under 20 %, so not a country or a sex) is taken for a match and left out; a suburb
    with its postcode is two such columns, so structure among non-matches stays visible.
    """
    exact = random_levels == 0
    if len(exact) == 0:
        return np.ones(0, dtype=bool)
    telling = exact.mean(axis=0) < _COMMON_AGREEMENT
    return exact[:, telling].sum(axis=1) < 3


def agreement_lifts(random_levels: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """How many times more often two columns agree exactly together, among random pairs,
    than independence predicts (smoothed by one; 1 where too few agree to tell).

    ``weights`` (each random pair's chance of being a non-match) keep true matches among the
    random pairs from making a first and a last name look dependent.
    """
    columns = random_levels.shape[1]
    if len(random_levels) == 0:
        return np.ones((columns, columns))
    exact = (random_levels == 0).astype("float64")
    w = np.ones(len(exact)) if weights is None else weights
    single = w @ exact
    joint = (exact * w[:, None]).T @ exact
    expected = np.outer(single, single) / max(float(w.sum()), 1e-12)
    lift = (joint + 1.0) / (expected + 1.0)
    lift[joint < _MIN_LINK_COUNT] = 1.0  # too few joint agreements to tell
    return lift


def agreement_links(lift: np.ndarray) -> tuple[Link, ...]:
    """Column pairs whose exact agreements go together among random (non-matching) pairs.

    Fellegi-Sunter multiplies each column's evidence as if columns agreed independently; a
    suburb and its postcode agree together as often as either agrees alone, so independence
    counts one coincidence twice, and EM then takes "same suburb" for the match class
    (measured on an address table: F1 0.004). The strongest dependencies form a forest
    (Kruskal on the log lift, as Chow-Liu trees do); for each of its edges a pair agreeing
    exactly on both columns gets back the log of the lift, so the joint agreement weighs what
    it is worth. Lifts come from random pairs, smoothed by one.
    """
    columns = lift.shape[0]
    edges = sorted(
        (
            (float(np.log(lift[a, b])), a, b)
            for a in range(columns)
            for b in range(a + 1, columns)
            if lift[a, b] >= MIN_LINK_LIFT
        ),
        reverse=True,
    )
    root = list(range(columns))

    def find(x: int) -> int:
        while root[x] != x:
            x = root[x]
        return x

    links = []
    for log_lift, a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            root[rb] = ra
            links.append((a, b, log_lift))
    return tuple(links)
