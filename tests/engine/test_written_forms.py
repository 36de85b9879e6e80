"""Dates written with month names and durations in clock notation read as what they are.

Measured before: ``April 18 , 2011`` and ``18-Apr-11`` made a column free text, and ``3:51``
a short name compared letter by letter; the same person table gave other groups with its
dates of birth written out (Splink's `fake_1000`: F1 0.9888 in ISO, 0.9830 as ``24-Jun-71``).
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest
from gx_findmatches import FindMatches
from gx_findmatches.engine.columns import ColumnSpec, infer_kind, normalize_date, read_numbers
from gx_findmatches.engine.comparison import prepare_column
from gx_findmatches.engine.written_forms import named_month_date


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("April 18 , 2011", "20110418"),
        ("April 18, 2011", "20110418"),
        ("apr. 18 2011", "20110418"),
        ("Sept. 3rd, 1999", "19990903"),
        ("18 April 2011", "20110418"),
        ("18-Apr-11", "20110418"),
        ("9-Sep-14", "20140909"),
        ("1st May 1970", "19700501"),
        ("Apr-18-11", "20110418"),
        ("18.apr.2011", "20110418"),
        ("Apr 18, 2011 10:30 pm", "20110418"),  # a time after the date is ignored, as in ISO
        ("29-Feb-23", "20230229"),  # impossible days stay comparable, as in ISO
    ],
)
def test_month_name_dates_read_as_their_iso_form(written: str, iso: str) -> None:
    assert normalize_date(written) == iso


@pytest.mark.parametrize(
    "text",
    [
        "12 Angry Men",
        "May",
        "May 5",
        "May 2011",
        "Smarch 13, 2011",
        "April 32, 2011",
        "Dec 2 Street",
        "May 1-15",  # ranges: the end is no year
        "March 10 - 12",
        "may 1" + " " * 5_000 + "x",
    ],
)
def test_text_that_only_looks_like_a_date_is_not_one(text: str) -> None:
    assert normalize_date(text) is None
    assert named_month_date(text) is None


def test_two_digit_years_take_the_latest_century_not_in_the_future() -> None:
    this_year = datetime.date.today().year
    next_year = (this_year + 1) % 100
    assert normalize_date(f"1 Jan {next_year:02d}") == f"{this_year + 1 - 100}0101"
    assert normalize_date(f"1 Jan {this_year % 100:02d}") == f"{this_year}0101"
    assert normalize_date("18 Jan 51") == "19510118"  # a date of birth, not 2051
    assert normalize_date("9-Sep-14") == "20140909"


def test_a_column_of_written_dates_is_a_date_column() -> None:
    written = pd.Series(["April 18 , 2011", "25-Nov-13", "May 5 , 2009", "1-Jun-15"] * 30)
    kind, reason = infer_kind(written)
    assert kind == "date", reason


def test_durations_in_clock_notation_are_seconds() -> None:
    values = pd.Series(["3:51", "1:02:33", " 0:07 ", "3:5", "3:75", "ab:12", "1:75:00", "3:1"])
    seconds = read_numbers(values)
    assert seconds[:3].tolist() == [231.0, 3753.0, 7.0]
    assert np.isnan(seconds[3:]).all()  # one-digit seconds, 75 seconds or minutes, letters
    prepared = prepare_column(ColumnSpec("length", "number", "test"), values.head(3))
    assert prepared.values.astype(float).tolist() == [231.0, 3753.0, 7.0]
    lengths = pd.Series([f"{m}:{s:02d}" for m in range(2, 8) for s in range(0, 60, 7)])
    assert infer_kind(lengths)[0] == "number"


def _written_out(value: object, form: str) -> object:
    """A YYYYMMDD date of birth in ``form``; FEBRL's corrupted dates (month 13) stay as
    they are, so the column mixes forms, as a real one does."""
    try:
        day = datetime.date(int(str(value)[:4]), int(str(value)[4:6]), int(str(value)[6:8]))
    except ValueError:
        return value
    return day.strftime(form)


def _groups(frame: pd.DataFrame) -> tuple[dict[str, str], pd.Series]:
    transform = FindMatches(primary_key="rec_id").fit(frame)
    matched = transform.transform(frame).set_index("rec_id").sort_index()
    return transform.column_plan_.kinds(), pd.Series(pd.factorize(matched["match_id"])[0])


@pytest.mark.parametrize("form", ["%B %d, %Y", "%d-%b-%y"])
def test_dates_of_birth_written_out_give_the_same_groups(febrl3: pd.DataFrame, form: str) -> None:
    as_iso = febrl3.copy()
    written = febrl3.copy()
    written["date_of_birth"] = written["date_of_birth"].map(lambda v: _written_out(v, form))
    assert written["date_of_birth"].str.contains("[a-z]", case=False).mean() > 0.9
    if "%Y" in form:  # four-digit years: every date reads exactly as its ISO copy
        read = written["date_of_birth"].map(normalize_date, na_action="ignore")
        assert read.equals(as_iso["date_of_birth"].map(normalize_date, na_action="ignore"))
    iso_kinds, iso_groups = _groups(as_iso)
    written_kinds, written_groups = _groups(written)
    assert written_kinds["date_of_birth"] == iso_kinds["date_of_birth"] == "date"
    assert written_groups.equals(iso_groups)


def test_web_addresses_are_one_site_however_written() -> None:
    sites = pd.Series(
        [
            "https://www.Example.com/",
            "http://example.com",
            "example.com",
            "www.example.com/menu/",
            "Robert.Smith@Example.com",  # an email never changes
            "www",  # nor a word
        ]
    )
    prepared = prepare_column(ColumnSpec("site", "name", "test"), sites)
    assert prepared.values[:3].tolist() == ["example.com"] * 3
    assert prepared.values[3:].tolist() == ["example.com/menu", "robert.smith@example.com", "www"]
