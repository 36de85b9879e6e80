"""Dates compare by typing slips and by days apart, whichever says closer.

A date of birth goes wrong by edits; the date of an event seen twice (a payment booked by the
sender, then by the receiver) goes wrong by days. Both must reach the agreement levels.
"""

from __future__ import annotations

import numpy as np
from gx_findmatches import FindMatches, pairwise_quality
from gx_findmatches.engine.comparison import to_levels
from gx_findmatches.engine.date_similarity import date_similarity, day_numbers
from payments_table import payments_booked_twice


def _levels(left: list[str], right: list[str]) -> list[int]:
    a, b = np.array(left, dtype=object), np.array(right, dtype=object)
    no_edits = np.zeros(len(a))  # isolate the day and swap readings from the edit measure
    return to_levels("date", date_similarity(a, b, None, no_edits)).tolist()


def test_day_numbers_count_calendar_days_and_refuse_what_is_not_a_date() -> None:
    days = day_numbers(
        np.array(["19700101", "20220331", "20220402", "20221301", "x", "2022", "❶❷❸❹❺❻❼❽"])
    )
    assert days[:3].tolist() == [0.0, 19082.0, 19084.0]
    # month 13, text, a year alone, and digits int() refuses (isdigit takes them, isdecimal not)
    assert np.isnan(days[3:]).all()


def test_within_a_week_is_one_slip_and_within_a_month_two() -> None:
    levels = _levels(
        ["20220331", "20220215", "20220101", "19800512"],
        ["20220402", "20220307", "20240101", "19801205"],
    )
    # 2 days over a month end; 20 days; two years; a swapped day and month
    assert levels == [1, 2, 3, 1]


def test_day_numbers_given_by_the_caller_give_the_same_similarity() -> None:
    a = np.array(["20220331", "20220215", "19800512", "abc"], dtype=object)
    b = np.array(["20220402", "20220307", "19801205", "abd"], dtype=object)
    edits = np.array([0.5, 0.6, 0.75, 0.9])
    assert np.array_equal(
        date_similarity(a, b, None, edits),
        date_similarity(a, b, None, edits, (day_numbers(a), day_numbers(b))),
    )


def _varied_payer(rng: np.random.Generator) -> str:
    """An initial and a made-up six-letter surname: payers seldom share a name."""
    return f"{chr(97 + rng.integers(26))} " + "".join(chr(97 + c) for c in rng.integers(0, 26, 6))


def test_payments_booked_days_apart_are_matched() -> None:
    """Before days apart counted, 93 of these 600 payments stayed apart (recall 0.845)."""
    frame, truth = payments_booked_twice(600, _varied_payer)
    result = FindMatches(primary_key="id").fit(frame).match(frame)
    quality = pairwise_quality(result.frame["match_id"], truth)
    assert quality.recall >= 0.95
    assert quality.precision >= 0.98
