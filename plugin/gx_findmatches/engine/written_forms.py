"""Values people write in words and clock notation: dates with month names, durations.

A column's kind decides how it is compared, so a value written another way must not change
it. ``2011-04-18``, ``April 18 , 2011`` and ``18-Apr-11`` are one date; ``3:51`` is a length
of 231 seconds. Read only as ISO dates and plain numbers, the two written forms became free
text and short names: compared letter by letter, with ``3:51`` and ``3:56`` as close as two
names. Measured on tables of other shapes with their dates rewritten (no labels):

- Splink's `fake_1000`, date of birth as ``June 24, 1971``: F1 0.9878 (0.9888 in ISO);
  as ``24-Jun-71``: 0.9830. Read as dates now: 0.9888 in every form.
- Splink's historical-persons sample, ``June 24, 1871``: 0.9272 -> 0.9330 (ISO: 0.9330).

Only English month names and their three-letter abbreviations are read (``Sept`` too): a
form with the month in figures only (``04/05/2011``) is left alone, since whether the day or
the month comes first cannot be told from one value. Two-digit years follow Python's
``%y``: 69-99 are 1969-1999, 00-68 are 2000-2068.
"""

from __future__ import annotations

import re

_MONTH_NAMES = (
    ("january", "jan"),
    ("february", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("may",),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sep", "sept"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
)
MONTHS: dict[str, int] = {
    name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names
}
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"\s*[,\s\-/.]\s*(\d{4}|\d{2})$"
_MONTH_FIRST = re.compile(r"^([a-z]+)\.?[\s\-/]+" + _DAY + _YEAR)  # April 18, 2011
_DAY_FIRST = re.compile(r"^" + _DAY + r"[\s\-/.]+([a-z]+)\.?" + _YEAR)  # 18-Apr-11
_CLOCK = r"\s*(?:\d{1,3}:)?\d{1,3}:[0-5]\d\s*"  # m:ss or h:mm:ss
_TWO_DIGIT_PIVOT = 69  # as Python's %y


def named_month_date(text: str) -> tuple[int, int, int] | None:
    """``(year, month, day)`` of a date written with a month name, or None.

    The day is only checked to lie in 1-31 (as ``normalize_date`` does for ISO dates):
    a corrupted day must stay comparable.
    """
    lowered = text.strip().lower()
    found = _MONTH_FIRST.match(lowered)
    if found:
        month_name, day, year = found.groups()
    else:
        found = _DAY_FIRST.match(lowered)
        if not found:
            return None
        day, month_name, year = found.groups()
    month = MONTHS.get(month_name)
    if month is None or not 1 <= int(day) <= 31:
        return None
    if len(year) == 2:
        century = 2000 if int(year) < _TWO_DIGIT_PIVOT else 1900
        return century + int(year), month, int(day)
    return int(year), month, int(day)


def is_clock(text: str) -> bool:
    """Whether a value is a duration in clock notation (``3:51``, ``1:02:33``)."""
    return re.fullmatch(_CLOCK, text) is not None


def clock_seconds(text: str) -> float:
    """Seconds of a duration in clock notation (``3:51`` -> 231.0); call on ``is_clock``
    values only."""
    seconds = 0
    for part in text.strip().split(":"):
        seconds = seconds * 60 + int(part)
    return float(seconds)
