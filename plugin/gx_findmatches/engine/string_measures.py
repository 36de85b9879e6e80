"""rapidfuzz's measures over arrays of value pairs, and text similarity bounded in cost.

Every string comparison of the engine goes through :func:`cpdist`: rapidfuzz's compiled
``process.cpdist`` over whole arrays of pairs, on all cores, with no Python loop per pair.

Text is compared by Indel similarity, whose cost grows with the product of the two lengths.
Product descriptions run to many thousands of characters: on pyJedAI's public Amazon-Google
Products table (descriptions of up to 19,263 characters) comparing them took 80 % of the run,
15.8 s for 4,393 records. So text is compared on its first :data:`TEXT_CHARS` characters
(about 4 s there, F1 0.0218 -> 0.0217; at 1,000 characters 3.2 s). A long pair is exact
only when its whole values are equal (as written or with words sorted); two that differ only
beyond the cap score just under 1. No table of the quality suite holds text that long except
one list of co-inventors (2,039 characters), so no figure moved.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel

TEXT_CHARS = 2_000
_BELOW_EXACT = 1.0 - 1e-3  # same first TEXT_CHARS characters, different values: not exact


def cpdist(a: np.ndarray, b: np.ndarray, scorer: Any, cutoff: float | None = None) -> np.ndarray:
    """``scorer`` of each pair (``a[k]``, ``b[k]``) as float64; ``cutoff`` is rapidfuzz's
    ``score_cutoff``: a pair past it stops early and scores 0 (a similarity) or the cutoff
    plus one (an edit count)."""
    scores = process.cpdist(
        list(a), list(b), scorer=scorer, score_cutoff=cutoff, workers=-1, dtype=np.float32
    )
    return np.asarray(scores, dtype="float64")


def sorted_words(text: str) -> str:
    """The text with its words in alphabetical order (word order must not matter)."""
    return " ".join(sorted(text.split()))


def text_similarity(
    a: np.ndarray,
    b: np.ndarray,
    a_alternate: np.ndarray | None,
    b_alternate: np.ndarray | None,
    cutoff: float | None,
) -> np.ndarray:
    """Indel similarity of each text pair, the better of as written and with words sorted.

    ``*_alternate`` are the whole values with their words sorted (made here when not given).
    Where a side is longer than :data:`TEXT_CHARS`, both forms are compared on their first
    ``TEXT_CHARS`` characters (the sorted form is sorted over the whole value, then cut), and
    the pair scores at most just under 1 unless the whole values are equal as written or
    with their words sorted: a long pair is exact only when it truly is.
    """
    cut = (_lengths(a) > TEXT_CHARS) | (_lengths(b) > TEXT_CHARS)
    cut_any = bool(cut.any())
    head = _heads if cut_any else _whole
    if a_alternate is None or b_alternate is None:
        a_alternate = np.array([sorted_words(t) for t in a], dtype=object)
        b_alternate = np.array([sorted_words(t) for t in b], dtype=object)
    plain = cpdist(head(a), head(b), Indel.normalized_similarity, cutoff)
    # Word order matters only where sorting changed a side (most addresses are unchanged).
    reordered = (a_alternate != a) | (b_alternate != b)
    if reordered.any():
        a_sorted, b_sorted = head(a_alternate[reordered]), head(b_alternate[reordered])
        plain[reordered] = np.maximum(
            plain[reordered], cpdist(a_sorted, b_sorted, Indel.normalized_similarity, cutoff)
        )
    if cut_any:  # exact only if whole values are equal, as written or with words sorted
        same = (a[cut] == b[cut]) | (a_alternate[cut] == b_alternate[cut])
        plain[cut] = np.minimum(plain[cut], np.where(same, 1.0, _BELOW_EXACT))
    return plain


def _lengths(values: np.ndarray) -> np.ndarray:
    return np.fromiter(map(len, values), dtype="int64", count=len(values))


def _whole(values: np.ndarray) -> np.ndarray:
    return values


def _heads(values: np.ndarray) -> np.ndarray:
    """Each text's first ``TEXT_CHARS`` characters."""
    return np.array([v[:TEXT_CHARS] for v in values], dtype=object)
