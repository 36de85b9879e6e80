"""Comparison: turn candidate pairs into per-column similarities and agreement levels.

Each column kind has one similarity measure (a number in [0, 1], NaN when either side is
missing) and a ladder of thresholds that cuts it into discrete *agreement levels*
(0 = exact, higher = weaker agreement, -1 = missing). Levels feed the Fellegi-Sunter model;
similarities feed explanations. Missing is its own level on purpose: a missing value is not a
disagreement, and the model gives it no weight either way.

The measures are rapidfuzz's compiled ``process.cpdist`` over whole arrays of pairs (no Python
loop per pair, :mod:`.string_measures`); ``RapidfuzzFeature`` offers the same measures to
``recordlinkage``'s ``Compare``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler
from recordlinkage.base import BaseCompareFeature

from .columns import ANY_ALNUM, ColumnSpec, canonical_values, normalize_date, read_numbers
from .date_similarity import ONE_SLIP, TWO_SLIPS, date_similarity, day_numbers, swap_day_month
from .model_codes import AGREE, RELATED, model_code_form, model_code_similarity
from .parallel import ordered_map
from .progress import track
from .string_measures import cpdist, sorted_words, text_similarity
from .written_forms import web_address_form

MISSING_LEVEL = -1
LEVEL_CHUNK_PAIRS = 2_000_000  # pairs compared at a time: bounds the temporaries (cache-sized)

# Similarity thresholds per kind, strongest first. A pair's level is the index of the first
# threshold its similarity reaches; failing all of them gives the last level (disagreement).
LEVEL_THRESHOLDS: dict[str, tuple[float, ...]] = {
    "name": (1.0, 0.92, 0.85, 0.70),
    "text": (1.0, 0.90, 0.75, 0.60),
    "code": (1.0, 0.75, 0.50),  # 0, 1 or 2 edits (similarity = 1 - edits / 4)
    "date": (1.0, ONE_SLIP, TWO_SLIPS),  # an edit or a week apart; two edits or a month
    "number": (1.0, 0.99, 0.95, 0.80),
    "categorical": (1.0,),
    "model_code": (AGREE, RELATED),  # the longest codes agree; a code is shared or extended
}


def level_count(kind: str) -> int:
    """Number of non-missing agreement levels for a column kind."""
    return len(LEVEL_THRESHOLDS[kind]) + 1


@dataclass(frozen=True)
class PreparedColumn:
    """A column's values normalized once, so every pair comparison reuses them."""

    spec: ColumnSpec
    values: np.ndarray  # object array of str for string kinds, float64 for numbers
    missing: np.ndarray  # bool
    # Per-record second form, compared too: text with its words sorted (word order must not
    # matter), a date with day and month swapped (a swap is one slip, not two edits).
    alternate: np.ndarray | None = None
    # String kinds only: each record's index into ``forms``, the distinct normalized values
    # (-1 = missing), and the second form of each distinct value. Pairs are compared through
    # these, so equal values cost nothing and a repeated value pair is scored once.
    codes: np.ndarray | None = None
    forms: np.ndarray | None = None
    alternate_forms: np.ndarray | None = None

    @cached_property
    def form_days(self) -> np.ndarray:
        """Day numbers of a date column's distinct forms, read once for every comparison."""
        return day_numbers(np.asarray(self.forms))


def normalize_text(value: object) -> str:
    """Lower-case, accent-free, single-spaced text: the form every string comparison sees."""
    text = str(value)
    if not text.isascii():  # only non-ASCII text has accents to strip (the slow part)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return web_address_form(" ".join(text.lower().split()))  # https://www.x.com/ -> x.com


def prepare_column(spec: ColumnSpec, values: pd.Series) -> PreparedColumn:
    """Normalize one column for comparison according to its kind."""
    values = canonical_values(values)
    missing = values.isna().to_numpy()
    if spec.kind == "number":
        numbers = read_numbers(values)
        return PreparedColumn(spec, numbers, missing | np.isnan(numbers))
    # Normalize each distinct value once: names and places repeat a lot.
    codes, uniques = pd.factorize(values)
    if spec.kind == "date":
        forms = [_date_form(v) for v in uniques]
    elif spec.kind == "code":
        forms = [_code_form(v) for v in uniques]
    elif spec.kind == "model_code":
        forms = [model_code_form(normalize_text(v)) for v in uniques]
    else:
        forms = [normalize_text(v) for v in uniques]
    # Raw values that normalize alike ("Smith", "SMITH ") become one distinct form.
    form_of_unique, found = pd.factorize(pd.Series(forms, dtype=object))
    distinct = np.asarray(found, dtype=object)
    form_codes = np.where(codes >= 0, np.r_[form_of_unique, -1][codes], -1)
    missing = missing | (form_codes < 0)
    if len(distinct):
        # "" and placeholders ("-", "?", "n/a" is a word): no letter or digit, no evidence
        empty = ~pd.Series(distinct, dtype=object).str.contains(ANY_ALNUM).to_numpy(dtype=bool)
        missing |= empty[np.maximum(form_codes, 0)]
    form_codes = np.where(missing, -1, form_codes).astype("int32")  # half the gather traffic
    lookup = np.array([*distinct, ""], dtype=object)  # code -1 (missing) reads the last entry
    out = lookup[form_codes]
    alternate = alternate_forms = None
    if spec.kind in ("text", "date"):
        twist = sorted_words if spec.kind == "text" else swap_day_month
        alternate_forms = np.array([twist(f) for f in distinct], dtype=object)
        alternate = np.r_[alternate_forms, np.array([""], dtype=object)][form_codes]
    return PreparedColumn(spec, out, missing, alternate, form_codes, distinct, alternate_forms)


def _code_form(value: object) -> str:
    """A code's letters and digits only: ``310/550-8811`` and ``(310) 550 8811`` are one."""
    return "".join(ch for ch in normalize_text(value) if ch.isalnum())


def _date_form(value: object) -> str:
    date = normalize_date(value)
    return date if date is not None else normalize_text(value)


def similarity(column: PreparedColumn, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Similarity in [0, 1] of each pair (``left[k]``, ``right[k]``); NaN if either is missing."""
    if column.codes is not None and column.forms is not None:
        return _by_forms(column, left, right, levels_only=False)
    result = np.full(len(left), np.nan, dtype="float64")
    both = ~(column.missing[left] | column.missing[right])
    if not both.any():
        return result
    a = column.values[left[both]]
    b = column.values[right[both]]
    if column.alternate is None:
        result[both] = _kind_similarity(column.spec.kind, a, b)
    else:
        b_alternate = column.alternate[right[both]]
        a_alternate = column.alternate[left[both]]
        result[both] = _kind_similarity(column.spec.kind, a, b, a_alternate, b_alternate)
    return result


def _by_forms(
    column: PreparedColumn, left: np.ndarray, right: np.ndarray, levels_only: bool
) -> np.ndarray:
    """Similarities (float, NaN = missing) or, with ``levels_only``, agreement levels (int8,
    -1 = missing) through the column's distinct forms: equal forms score 1 (level 0) without
    a string comparison, and each unordered pair of different forms is scored once, however
    many record pairs share it (every measure here is symmetric). Levels are cut per distinct
    form pair, so no per-pair float array is made for them. Same values as comparing record
    by record."""
    assert column.codes is not None and column.forms is not None
    if levels_only:
        result = np.full(len(left), MISSING_LEVEL, dtype="int8")
    else:
        result = np.full(len(left), np.nan, dtype="float64")

    def convert(sims: np.ndarray) -> np.ndarray:
        return to_levels(column.spec.kind, sims) if levels_only else sims

    a_code, b_code = column.codes[left], column.codes[right]
    both = (a_code >= 0) & (b_code >= 0)
    result[both & (a_code == b_code)] = convert(np.ones(1))[0]
    differ = both & (a_code != b_code)
    if not differ.any():
        return result
    if column.spec.kind == "categorical":  # different categories: similarity 0, no lookup
        result[differ] = convert(np.zeros(1))[0]
        return result
    low = np.minimum(a_code[differ], b_code[differ]).astype("int64")
    high = np.maximum(a_code[differ], b_code[differ])
    width = len(column.forms)
    # Hashing pays even where 70 % of form pairs are distinct (id numbers, 100k rows: 0.61 s
    # against 0.80 s), and names (17 %) gain 4x.
    which, distinct_pairs = pd.factorize(low * width + high)
    first, second = distinct_pairs // width, distinct_pairs % width
    alternates = column.alternate_forms
    dates = column.spec.kind == "date"
    days = (column.form_days[first], column.form_days[second]) if dates else None
    sims = _kind_similarity(
        column.spec.kind,
        column.forms[first],
        column.forms[second],
        None if alternates is None else alternates[first],
        None if alternates is None else alternates[second],
        levels_only=levels_only,
        days=days,
    )
    result[differ] = convert(sims)[which]
    return result


def _kind_similarity(
    kind: str,
    a: np.ndarray,
    b: np.ndarray,
    a_alternate: np.ndarray | None = None,
    b_alternate: np.ndarray | None = None,
    levels_only: bool = False,
    days: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Similarity per pair for a kind (``days``: dates' day numbers, if known). ``levels_only``
    may stop early below the lowest level (rapidfuzz's ``score_cutoff``): such pairs come back
    as 0 (or cutoff + 1 edits), which lands in the same level as the full measure would."""
    # a hair under the threshold: rapidfuzz computes in float64, the levels cut float32 values
    cutoff = LEVEL_THRESHOLDS[kind][-1] - 1e-6 if levels_only else None
    if kind == "number":
        a_f, b_f = a.astype("float64"), b.astype("float64")
        scale = np.maximum(np.abs(a_f), np.abs(b_f))
        with np.errstate(invalid="ignore", divide="ignore"):
            relative = np.where(scale > 0, np.abs(a_f - b_f) / scale, 0.0)
        return np.clip(1.0 - relative, 0.0, 1.0)
    if kind == "categorical":
        return (a == b).astype("float64")
    if kind == "model_code":
        return model_code_similarity(a, b)
    if kind == "name":
        return cpdist(a, b, JaroWinkler.normalized_similarity, cutoff)
    if kind == "text":
        return text_similarity(a, b, a_alternate, b_alternate, cutoff)
    if kind == "date":
        edits = cpdist(a, b, DamerauLevenshtein.normalized_similarity, cutoff)
        return date_similarity(a, b, b_alternate, edits, days)
    # code: digit strings, where one edit matters whatever the length: score by edit count.
    max_edits = None if cutoff is None else round((1.0 - cutoff) * 4)  # 2: more = last level
    edits = cpdist(a, b, DamerauLevenshtein.distance, max_edits)
    return np.clip(1.0 - edits / 4.0, 0.0, 1.0)


def to_levels(kind: str, sims: np.ndarray) -> np.ndarray:
    """Cut similarities into agreement levels (0 = exact ... last = disagree, -1 = missing)."""
    thresholds = np.asarray(LEVEL_THRESHOLDS[kind])
    levels = np.full(len(sims), MISSING_LEVEL, dtype="int8")
    present = ~np.isnan(sims)
    # count how many thresholds each similarity fails (thresholds descend)
    fails = (sims[present, None] < thresholds[None, :] - 1e-9).sum(axis=1)
    levels[present] = fails.astype("int8")
    return levels


def cross_levels(
    column: PreparedColumn, other: PreparedColumn, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """Agreement levels of ``column`` on the left record against ``other`` on the right
    (int8, -1 = missing), measured as ``column``'s kind measures it; each distinct pair of
    values is compared once."""
    return _crossed(column, other, left, right, levels_only=True)


def cross_similarity(
    column: PreparedColumn, other: PreparedColumn, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """Similarities (NaN = missing) of ``column`` on the left record against ``other`` on
    the right, as :func:`cross_levels` measures them."""
    return _crossed(column, other, left, right, levels_only=False)


def _crossed(
    column: PreparedColumn,
    other: PreparedColumn,
    left: np.ndarray,
    right: np.ndarray,
    levels_only: bool,
) -> np.ndarray:
    if levels_only:
        result = np.full(len(left), MISSING_LEVEL, dtype="int8")
    else:
        result = np.full(len(left), np.nan, dtype="float64")
    both = ~(column.missing[left] | other.missing[right])
    if not both.any():
        return result
    assert column.codes is not None and column.forms is not None  # string kinds only
    assert other.codes is not None and other.forms is not None
    a_code = column.codes[left[both]].astype("int64")
    b_code = other.codes[right[both]].astype("int64")
    which, distinct = pd.factorize(a_code * len(other.forms) + b_code)
    first = column.forms[distinct // len(other.forms)]
    second = other.forms[distinct % len(other.forms)]
    kind = column.spec.kind
    sims = _kind_similarity(kind, first, second, levels_only=levels_only)
    sims = np.where(first == second, 1.0, sims)
    result[both] = (to_levels(kind, sims) if levels_only else sims)[which]
    return result


def column_levels(column: PreparedColumn, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Agreement levels (int8, -1 = missing) of each pair on one column."""
    if column.codes is not None and column.forms is not None:
        return _by_forms(column, left, right, levels_only=True)
    return to_levels(column.spec.kind, similarity(column, left, right))


def compare_levels(
    columns: Sequence[PreparedColumn],
    left: np.ndarray,
    right: np.ndarray,
    chunk_pairs: int = LEVEL_CHUNK_PAIRS,
) -> np.ndarray:
    """Levels of every pair on every column, ``(pairs, columns)`` int8: what the models need;
    ``chunk_pairs`` pairs at a time, so the temporaries (codes, masks, form pairs) stay
    bounded however many candidate pairs there are."""
    levels = np.empty((len(left), len(columns)), dtype="int8")
    step = max(1, chunk_pairs)
    work = [(start, index) for start in range(0, len(left), step) for index in range(len(columns))]

    def fill(piece: tuple[int, int]) -> None:  # each piece writes its own block of ``levels``
        start, index = piece
        stop = start + step
        levels[start:stop, index] = column_levels(
            columns[index], left[start:stop], right[start:stop]
        )

    for _ in track(ordered_map(fill, work), "comparing columns", len(work)):
        pass
    return levels


@dataclass(frozen=True)
class PairFeatures:
    """Per-column similarities and levels for a batch of pairs (columns in plan order)."""

    similarities: np.ndarray  # float64, shape (pairs, columns), NaN = missing
    levels: np.ndarray  # int8, shape (pairs, columns), -1 = missing


def compare_pairs(
    columns: Sequence[PreparedColumn], left: np.ndarray, right: np.ndarray
) -> PairFeatures:
    """Compare every pair on every prepared column."""
    sims = np.empty((len(left), len(columns)), dtype="float64")
    levels = np.empty((len(left), len(columns)), dtype="int8")
    for index, column in enumerate(columns):
        sims[:, index] = similarity(column, left, right)
        levels[:, index] = to_levels(column.spec.kind, sims[:, index])
    return PairFeatures(sims, levels)


class RapidfuzzFeature(BaseCompareFeature):  # type: ignore[misc]
    """A recordlinkage compare feature using gx-findmatches' measure for a column kind.

    Example:
        >>> import recordlinkage
        >>> compare = recordlinkage.Compare()
        >>> compare.add(RapidfuzzFeature("surname", "surname", kind="name", label="surname"))
    """

    name = "rapidfuzz"
    description = "gx-findmatches similarity for one column kind (rapidfuzz, vectorised)"

    def __init__(
        self, left_on: str, right_on: str, kind: str = "name", label: str | None = None
    ) -> None:
        super().__init__(left_on, right_on, label=label)
        self.kind = kind

    def _compute_vectorized(self, s_left: pd.Series, s_right: pd.Series) -> pd.Series:
        spec = ColumnSpec(str(self.labels_left), self.kind, "given by the user")  # type: ignore[arg-type]
        both = pd.concat([s_left, s_right], ignore_index=True)
        prepared = prepare_column(spec, both)
        n = len(s_left)
        left = np.arange(n)
        sims = similarity(prepared, left, left + n)
        return pd.Series(np.nan_to_num(sims, nan=0.0), index=s_left.index)
