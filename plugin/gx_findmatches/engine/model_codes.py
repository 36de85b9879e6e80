"""Model codes: the part numbers inside product titles, compared as evidence of their own.

Two shops list one product as "Linksys EtherFast 8-Port 10/100 Switch - EZXS88W" and
"Linksys EtherFast EZXS88W Ethernet Switch"; the same shop lists a different product as
"Panasonic KX-TG9372B ..." next to "Panasonic KX-TG9344T ...". Compared as characters, the
neighbours of one shop are closer than the two listings of one product, so EM's match class
became "neighbouring products of one shop" (measured on the public Abt-Buy union: F1 0.006
without labels, 0.000 with 200 labelled records). The model code decides: on that table two
titles whose longest code agrees are the same product in 97 % of pairs.

A *code* is a word of letters and digits together, at least ``MIN_CODE_LENGTH`` of them once
punctuation is dropped (``KX-TG9372B`` -> ``kxtg9372b``); years and plain numbers are not
codes. A free-text column whose records mostly carry one (``MIN_CODED_SHARE``), and whose
codes mostly identify a few records (``MIN_IDENTIFYING_SHARE`` of coded records share their
longest code with at most ``MAX_SHARING`` others), gets a second compared column at fit,
``<column> (model code)``, compared on three levels: the longest codes agree; a code is
shared or one longest code extends the other (``kxtg9372`` / ``kxtg9372b``); no code agrees.
A record without a code is missing there. One-word columns (an email, a class list) are
codes themselves and are compared as they are.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

MIN_CODE_LENGTH = 4
MIN_WORDS = 3.0  # mean words of a column: free text, not a code on its own
MIN_CODED_SHARE = 0.5  # of the column's records that hold a code
MAX_SHARING = 3  # records one identifying code is found in (a product and its copies)
MIN_IDENTIFYING_SHARE = 0.5  # of coded records whose longest code identifies
SUFFIX = " (model code)"
_SEPARATORS = re.compile(r"[\s/,;|()\[\]]+")

# Similarity of two records' code lists (longest first); the levels cut them.
AGREE, RELATED, DIFFERENT = 1.0, 0.5, 0.0


def code_tokens(text: str) -> list[str]:
    """The codes in a text, longest first (ties alphabetical, so the order is the data's)."""
    codes = set()
    for word in _SEPARATORS.split(text.lower()):
        code = "".join(ch for ch in word if ch.isalnum())
        if len(code) >= MIN_CODE_LENGTH and _has_digit_and_letter(code):
            codes.add(code)
    return sorted(codes, key=lambda c: (-len(c), c))


def _has_digit_and_letter(code: str) -> bool:
    return any(ch.isdigit() for ch in code) and any(ch.isalpha() for ch in code)


def model_code_form(text: str) -> str:
    """A record's prepared value: its codes, longest first, space-separated ("" = none)."""
    return " ".join(code_tokens(text))


def model_code_similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``AGREE``, ``RELATED`` or ``DIFFERENT`` per pair of prepared values (both present)."""
    out = np.empty(len(a), dtype="float64")
    for k, (left, right) in enumerate(zip(a, b, strict=True)):
        first, second = str(left).split(), str(right).split()
        if first[0] == second[0]:
            out[k] = AGREE
        elif (
            first[0].startswith(second[0])
            or second[0].startswith(first[0])
            or not set(first).isdisjoint(second)
        ):
            out[k] = RELATED
        else:
            out[k] = DIFFERENT
    return out


def carries_codes(sample: pd.Series) -> str:
    """Why a free-text column's codes identify its records ("" when they do not), read on a
    sample of its present values: the column then gets a model-code column beside it (see
    the module docstring)."""
    text = sample.astype(str)
    if text.str.count(r"\S+").mean() < MIN_WORDS:
        return ""
    longest = text.map(lambda v: next(iter(code_tokens(v)), ""))
    coded = longest[longest != ""]
    share = len(coded) / max(len(text), 1)
    if share < MIN_CODED_SHARE:
        return ""
    sharing = coded.map(coded.value_counts())
    identifying = float((sharing <= MAX_SHARING).mean())
    if identifying < MIN_IDENTIFYING_SHARE:
        return ""
    return (
        f"{share:.0%} of its records hold a model code, and {identifying:.0%} of those codes "
        f"are found in at most {MAX_SHARING} records"
    )
