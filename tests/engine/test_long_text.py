"""Long text is compared on its first characters, and never mistaken for an exact agreement.

Indel similarity costs the product of the two lengths, so descriptions of many thousands of
characters are compared on their first ``TEXT_CHARS`` (engine/string_measures.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from gx_findmatches.engine.columns import ColumnSpec
from gx_findmatches.engine.comparison import prepare_column, similarity, to_levels
from gx_findmatches.engine.string_measures import TEXT_CHARS, text_similarity
from rapidfuzz.distance import Indel


def _words(seed: int, characters: int) -> str:
    rng = np.random.default_rng(seed)
    text = ""
    while len(text) < characters:
        text += "".join(rng.choice(list("abcdefghij"), size=int(rng.integers(3, 9)))) + " "
    return text[:characters].strip()


def _sorted(text: str) -> str:
    return " ".join(sorted(text.split()))


def _similarity(a: list[str], b: list[str]) -> np.ndarray:
    return text_similarity(np.array(a, dtype=object), np.array(b, dtype=object), None, None, None)


def test_values_differing_only_beyond_the_head_are_near_but_not_exact() -> None:
    head = _words(0, TEXT_CHARS + 500)
    a, b = head + " firstending", head + " otherending"
    assert Indel.normalized_similarity(a[:TEXT_CHARS], b[:TEXT_CHARS]) == 1.0  # heads agree
    sims = _similarity([a, a], [b, a])
    assert sims[0] < 1.0  # different values are never scored as equal
    assert to_levels("text", sims).tolist() == [1, 0]  # near agreement; the same text exact


def test_long_values_with_their_words_reordered_stay_exact() -> None:
    a = _words(3, 3 * TEXT_CHARS)
    b = " ".join(reversed(a.split()))
    assert _similarity([a], [b])[0] == 1.0  # word order never matters, whatever the length


def test_long_values_are_scored_on_their_heads() -> None:
    a, b = _words(1, 3 * TEXT_CHARS), _words(2, 3 * TEXT_CHARS)
    expected = max(
        Indel.normalized_similarity(a[:TEXT_CHARS], b[:TEXT_CHARS]),
        Indel.normalized_similarity(_sorted(a)[:TEXT_CHARS], _sorted(b)[:TEXT_CHARS]),
    )
    whole = max(
        Indel.normalized_similarity(a, b), Indel.normalized_similarity(_sorted(a), _sorted(b))
    )
    assert abs(expected - whole) > 1e-4  # the heads score differently from the whole values
    assert abs(_similarity([a], [b])[0] - expected) < 1e-6


def test_values_up_to_the_cap_are_scored_whole() -> None:
    a = _words(4, TEXT_CHARS)  # exactly at the cap: compared whole, as before
    b = a[: TEXT_CHARS - 40] + " tail"
    short_a, short_b = "sony bravia kdl 40 television", "television sony bravia kdl-40"
    sims = _similarity([a, short_a, short_a], [b, short_b, "kdl 40 television sony bravia"])
    best = max(
        Indel.normalized_similarity(short_a, short_b),
        Indel.normalized_similarity(_sorted(short_a), _sorted(short_b)),
    )
    assert len(a) <= TEXT_CHARS
    assert abs(sims[0] - Indel.normalized_similarity(a, b)) < 1e-6
    assert abs(sims[1] - best) < 1e-6
    assert sims[2] == 1.0  # a short reordered pair: exact, as always


def test_prepared_columns_keep_the_rule() -> None:
    """Through a prepared column (distinct forms and their sorted words passed in)."""
    head = _words(5, TEXT_CHARS + 100)
    values = [head + " alpha", head + " beta", " ".join(reversed((head + " alpha").split()))]
    column = prepare_column(ColumnSpec("description", "text", "test"), pd.Series(values))
    sims = similarity(column, np.array([0, 0]), np.array([1, 2]))
    assert 0.9 <= sims[0] < 1.0  # same head, different endings: near
    assert sims[1] == 1.0  # the same words reordered: exact
