"""Long text is compared on its first characters, and never mistaken for an exact agreement.

Indel similarity costs the product of the two lengths, so descriptions of many thousands of
characters are compared on their first ``TEXT_CHARS`` (engine/string_measures.py).
"""

from __future__ import annotations

import numpy as np
from gx_findmatches.engine.comparison import to_levels
from gx_findmatches.engine.string_measures import TEXT_CHARS, text_similarity
from rapidfuzz.distance import Indel


def _words(seed: int, characters: int) -> str:
    rng = np.random.default_rng(seed)
    text = ""
    while len(text) < characters:
        text += "".join(rng.choice(list("abcdefghij"), size=int(rng.integers(3, 9)))) + " "
    return text[:characters]


def _similarity(a: list[str], b: list[str]) -> np.ndarray:
    return text_similarity(np.array(a, dtype=object), np.array(b, dtype=object), None, None, None)


def test_values_differing_only_beyond_the_head_are_near_but_not_exact() -> None:
    head = _words(0, TEXT_CHARS + 500)
    a, b = head + " first ending", head + " another ending"
    sims = _similarity([a, a], [b, a])
    assert sims[0] < 1.0  # different values are never scored as equal
    assert to_levels("text", sims).tolist() == [1, 0]  # near agreement; the same text exact


def test_long_values_are_scored_on_their_heads() -> None:
    a, b = _words(1, 3 * TEXT_CHARS), _words(2, 3 * TEXT_CHARS)
    sorted_a, sorted_b = " ".join(sorted(a.split())), " ".join(sorted(b.split()))
    expected = max(
        Indel.normalized_similarity(a[:TEXT_CHARS], b[:TEXT_CHARS]),
        Indel.normalized_similarity(sorted_a[:TEXT_CHARS], sorted_b[:TEXT_CHARS]),
    )
    assert abs(_similarity([a], [b])[0] - expected) < 1e-6
    assert _similarity([a], [b])[0] < 0.9  # unrelated texts stay far apart


def test_short_values_are_scored_whole() -> None:
    a, b = "sony bravia kdl 40 television", "television sony bravia kdl-40"
    sorted_a, sorted_b = " ".join(sorted(a.split())), " ".join(sorted(b.split()))
    best = max(Indel.normalized_similarity(a, b), Indel.normalized_similarity(sorted_a, sorted_b))
    assert abs(_similarity([a], [b])[0] - best) < 1e-6
