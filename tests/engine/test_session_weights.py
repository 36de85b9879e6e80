"""A training session's weight in ``m`` counts at most one match per record.

A session keyed on a common value (a brand, a beer style, an album) can take its look-alikes
for the match class and claim more matches than the table has records; weighted by its match
count it outweighed the specific sessions (Magellan's public Beer table: a style session of
9,933 "matches" among 544 records set every column's ``m``; unsupervised F1 0.011 -> 0.205).
"""

from __future__ import annotations

import numpy as np
from gx_findmatches.engine.fellegi_sunter import _combined_m
from gx_findmatches.engine.match_count import SessionFit


def _fit(column: int, m_of_column_2: list[float], matches: float) -> SessionFit:
    m = [np.full(2, np.nan), np.full(2, np.nan), np.array(m_of_column_2)]
    return SessionFit(column, m, matches, True, np.array([False, False, True]))


def test_a_session_claiming_more_matches_than_records_weighs_as_one_per_record() -> None:
    specific = _fit(0, [0.9, 0.1], matches=400.0)  # pairs sharing a rare value: matches agree
    common = _fit(1, [0.1, 0.9], matches=40_000.0)  # pairs sharing a brand: look-alikes
    unbounded = _combined_m([specific, common], [2, 2, 2])[2]
    bounded = _combined_m([specific, common], [2, 2, 2], records=500)[2]
    assert unbounded[0] < 0.25  # the look-alike session decided the column
    # at most sqrt(500) against sqrt(400): the two sessions count about alike
    np.testing.assert_allclose(bounded[0], (0.9 * 20 + 0.1 * np.sqrt(500)) / (20 + np.sqrt(500)))


def test_sessions_within_the_bound_keep_their_weights() -> None:
    first, second = _fit(0, [0.9, 0.1], 300.0), _fit(1, [0.7, 0.3], 100.0)
    unbounded = _combined_m([first, second], [2, 2, 2])[2]
    bounded = _combined_m([first, second], [2, 2, 2], records=500)[2]
    np.testing.assert_allclose(bounded, unbounded)
