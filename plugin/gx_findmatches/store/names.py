"""What a name or an id may be, checked once for every way into the store.

Names are printed (``transform list``, messages, logs) and used as keys, so they must be
visible text of a bounded length: an empty name cannot be typed back, a newline or an ANSI
escape rewrites the terminal that prints it, and a 100,000-character name fails only on
PostgreSQL (whose column is bounded) while SQLite stores it. Labeling set ids and labels are
bounded too: a label file of 1 MB ids once grew a store by 400 MB.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .errors import StoreError

#: The longest transform name (the ``transforms.name`` column holds 255 characters).
if TYPE_CHECKING:  # pandas is imported where labels are read or written
    import pandas as pd

MAX_NAME_LENGTH = 255
#: The longest labeling set id or label.
MAX_ID_LENGTH = 255

# C0 and C1 controls (newline, tab, ESC of ANSI sequences, DEL), zero-width and bidirectional
# formatting characters (which make a name print as another), line and paragraph separators
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def check_name(value: object, what: str = "transform name") -> str:
    """``value`` if it is a usable name: text, not blank, no longer than
    :data:`MAX_NAME_LENGTH`, no invisible or control characters, no surrounding spaces.

    Raises:
        StoreError: naming what is wrong with the name and how to fix it.
    """
    if not isinstance(value, str):
        raise StoreError(f"a {what} must be text, not {type(value).__name__} {value!r}")
    if not value.strip():
        raise StoreError(f"the {what} is empty; give it a name of visible characters")
    if len(value) > MAX_NAME_LENGTH:
        raise StoreError(
            f"the {what} {shorten(value)} has {len(value):,} characters; use at most "
            f"{MAX_NAME_LENGTH}"
        )
    invisible = _INVISIBLE.search(value)
    if invisible:
        raise StoreError(
            f"the {what} {shorten(value)} contains the control or invisible character "
            f"U+{ord(invisible.group()):04X} at position {invisible.start()}; use visible "
            f"characters only"
        )
    if value != value.strip():
        raise StoreError(
            f"the {what} {value!r} starts or ends with spaces; remove them (names are "
            f"compared exactly)"
        )
    return value


def check_ids(values: pd.Series, column: str) -> None:
    """Refuse labeling set ids or labels that are too long or hold control characters.

    ``values`` are the column's cells as text (``None`` for empty cells, refused elsewhere).

    Raises:
        StoreError: naming the first offending label row and the fix.
    """
    text = values.dropna().astype(str)
    long = text[text.str.len() > MAX_ID_LENGTH]
    if not long.empty:
        raise StoreError(
            f"column {column!r} of label row {long.index[0]} holds {len(long.iloc[0]):,} "
            f"characters ({shorten(long.iloc[0])}); a {column} has at most {MAX_ID_LENGTH}: "
            f"use short ids"
        )
    hidden = text[text.str.contains(_INVISIBLE)]
    if not hidden.empty:
        found = _INVISIBLE.search(hidden.iloc[0])
        assert found is not None  # the row was selected because it matches
        raise StoreError(
            f"column {column!r} of label row {hidden.index[0]} ({shorten(hidden.iloc[0])}) "
            f"contains the control or invisible character U+{ord(found.group()):04X}; use "
            f"visible characters only"
        )


def shorten(value: str, limit: int = 40) -> str:
    """``value`` for a message: quoted with escapes (``repr``), cut to about ``limit``."""
    shown = repr(value[:limit])
    return shown if len(value) <= limit else f"{shown}..."
