"""Values people write in several forms: dates with month names, durations, web addresses.

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
the month comes first cannot be told from one value. A two-digit year takes the latest
century that keeps the date out of the future (in 2026, ``18 Jan 51`` is 1951 and
``9-Sep-14`` 2014), so written dates of birth agree with their ISO copies. A time after the
date is ignored, as the ISO reading ignores it. Clock notation is ``m:ss`` or ``h:mm:ss``;
a time of day (``10:30``) reads as seconds past midnight, so two times compare by how far
apart they are. A web address loses its scheme, a leading ``www.`` and a trailing slash
(``https://www.example.com/`` and ``example.com`` are one site), as a phone number loses
its separators.
"""

from __future__ import annotations

import datetime
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
_MONTHS: dict[str, int] = {
    name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names
}
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
# Before the year: a comma, spaces, or the separator used before the day or month, so that a
# range ("May 1-15", "March 10 - 12") is not read as a date whose year is its end.
_YEAR = r"(?:\s*,\s*|\s+|(?P=sep))(\d{4}|\d{2})"
_TIME = r"(?:\s*,?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?)?$"  # ignored, as in ISO
_MONTH_FIRST = re.compile(r"([a-z]+)\.?(?P<sep>[\s\-/])\s*" + _DAY + _YEAR + _TIME)
_DAY_FIRST = re.compile(_DAY + r"(?P<sep>[\s\-/.])\s*([a-z]+)\.?" + _YEAR + _TIME)
_LONGEST_DATE = 40  # characters: longer text is no date, and is never searched
_CLOCK = re.compile(r"\s*(?:\d{1,3}:[0-5]\d|\d{1,3}):[0-5]\d\s*")  # m:ss or h:mm:ss
_WEB_PREFIX = re.compile(r"^(?:https?://)?(?:www\d?\.)?")


def named_month_date(text: str) -> tuple[int, int, int] | None:
    """``(year, month, day)`` of a date written with a month name, or None.

    The day is only checked to lie in 1-31 (as ``normalize_date`` does for ISO dates):
    a corrupted day must stay comparable.
    """
    lowered = text.strip().lower()
    if len(lowered) > _LONGEST_DATE or not any(c.isalpha() for c in lowered):
        return None
    found = _MONTH_FIRST.match(lowered)
    if found:
        month_name, _, day, year = found.groups()
    else:
        found = _DAY_FIRST.match(lowered)
        if not found:
            return None
        day, _, month_name, year = found.groups()
    month = _MONTHS.get(month_name)
    if month is None or not 1 <= int(day) <= 31:
        return None
    if len(year) == 4:
        return int(year), month, int(day)
    return _latest_past_year(int(year), month, int(day)), month, int(day)


def _latest_past_year(two_digits: int, month: int, day: int) -> int:
    """The year ending in ``two_digits`` whose date (month and day, the day capped at 28 so
    that a corrupted day cannot decide) is not after today."""
    today = datetime.date.today()
    year = today.year - (today.year - two_digits) % 100
    if (month, min(day, 28)) > (today.month, today.day) and year == today.year:
        year -= 100
    return year


def clock_mask(text: list[str]) -> list[bool]:
    """Which values are durations in clock notation (``3:51``, ``1:02:33``); minutes and
    seconds take two digits up to 59, so ratios (``3:1``) and scores are not durations."""
    return [":" in value and _CLOCK.fullmatch(value) is not None for value in text]


def clock_seconds(text: str) -> float:
    """Seconds of a duration in clock notation (``3:51`` -> 231.0); only for values
    ``clock_mask`` accepts."""
    seconds = 0
    for part in text.strip().split(":"):
        seconds = seconds * 60 + int(part)
    return float(seconds)


def web_address_form(text: str) -> str:
    """A lower-case web address without its scheme, ``www.`` and trailing slash; any other
    text as it is. Only text of one word that starts with a scheme or ``www.`` counts as an
    address, so a name or an email never changes."""
    if " " in text or not text.startswith(("http://", "https://", "www")):
        return text
    stripped = _WEB_PREFIX.sub("", text).rstrip("/")
    return stripped or text
