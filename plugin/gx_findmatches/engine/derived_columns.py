"""Derived columns: a column that only repeats other columns counts their evidence twice.

Tables often carry a column built from others: ``first_and_surname`` next to ``first_name``
and ``surname``, a copied ``email``. Fellegi-Sunter multiplies the columns' evidence as if they
were independent, so two strangers sharing a name get it counted two or three times (measured
on a public table of historical persons: F1 0.738 with ``first_and_surname`` compared beside
its two parts, 0.849 without). Exact agreements of such columns among random pairs are too
rare for the dependence links to see.

A compared column is *derived* when its sources are present in at least ``MIN_SHARE`` of the
records where it is, and there, in at least ``MIN_SHARE`` of them, its words are exactly the
words of one other compared column, or of two others together (in any order). Fit then sets
it aside and says so, as it does for constant columns; columns the user names are never set
aside.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .comparison import PreparedColumn

MIN_SHARE = 0.9  # of records where the column and its sources are all present
_MIN_RECORDS = 50  # fewer records with all of them present say nothing
_SAMPLE_RECORDS = 5_000  # the share is read on a seeded sample: +-0.01, whatever the size
_STRING_KINDS = ("name", "text", "code")
_PROBE_RECORDS = 64  # records every candidate is tried on before the whole sample
MAX_PAIR_COLUMNS = 30  # string columns up to which pairs of sources are tried


def find_derived_columns(columns: Sequence[PreparedColumn]) -> dict[int, tuple[int, ...]]:
    """Derived column position -> the positions of the columns it repeats.

    A column is tested against single columns and pairs of the columns not yet found
    derived, most words first (a concatenation is longer than its parts), so of two copies
    of one column only one is set aside."""
    if not columns:
        return {}
    n = len(columns[0].missing)
    rows = np.sort(np.random.default_rng(0).permutation(n)[:_SAMPLE_RECORDS])
    sample = [_sampled(column, rows) for column in columns]
    return _find(sample)


def _find(columns: Sequence[PreparedColumn]) -> dict[int, tuple[int, ...]]:
    """Each test runs first on the sample's first ``_PROBE_RECORDS`` records and only a
    column (pair) that passes there is read on the whole sample, so a wide table costs about
    one comparison of short arrays per column pair; pairs of sources are tried only up to
    ``MAX_PAIR_COLUMNS`` string columns (a survey export with hundreds of short answers is
    checked for copies only)."""
    strings = [k for k, c in enumerate(columns) if c.spec.kind in _STRING_KINDS]
    probe_columns = [_sampled(c, np.arange(min(_PROBE_RECORDS, len(c.missing)))) for c in columns]
    probe = {k: _sorted_words(probe_columns[k]) for k in strings}
    probe_matrix = np.array([probe[k].to_numpy() for k in strings], dtype=object)
    words: dict[int, pd.Series] = {}

    def full(k: int) -> pd.Series:
        if k not in words:
            words[k] = _sorted_words(columns[k])
        return words[k]

    order = sorted(strings, key=lambda k: -_mean_words(columns[k]))
    derived: dict[int, tuple[int, ...]] = {}
    for k in order:
        others = [o for o in strings if o != k and o not in derived]
        row = probe[k].to_numpy()[None, :]
        both = (probe_matrix != "") & (row != "")
        same = ((probe_matrix == row) & both).sum(axis=1)
        passed = same >= MIN_SHARE * both.sum(axis=1)  # a sparse column is judged in full
        singles = [o for o in others if passed[strings.index(o)]]
        pairs = []
        if len(strings) <= MAX_PAIR_COLUMNS:
            pairs = [(a, b) for i, a in enumerate(others) for b in others[i + 1 :]]
        for sources in [(o,) for o in singles] + pairs:
            if _repeats(probe_columns, probe, k, sources, 1) and _repeats(
                columns, {s: full(s) for s in (k, *sources)}, k, sources, _MIN_RECORDS
            ):
                derived[k] = sources
                break
    return derived


def _sampled(column: PreparedColumn, rows: np.ndarray) -> PreparedColumn:
    """The values and missing flags of the sampled records (all this module reads)."""
    return PreparedColumn(column.spec, column.values[rows], column.missing[rows])


def _repeats(
    columns: Sequence[PreparedColumn],
    words: dict[int, pd.Series],
    k: int,
    sources: tuple[int, ...],
    min_records: int,
) -> bool:
    own = ~columns[k].missing
    present = own.copy()
    for s in sources:
        present &= ~columns[s].missing
    if min_records == 1 and not present.any():
        return True  # nothing to judge on a probe: the whole sample decides
    # Set aside only what the sources hold wherever it is given: an email column that a rarely
    # filled second email repeats is not derived (most of its values exist nowhere else).
    if present.sum() < min_records or present.sum() < MIN_SHARE * own.sum():
        return False
    joined = words[sources[0]][present]
    for s in sources[1:]:
        joined = joined + " " + words[s][present]
    combined = joined.map(lambda text: " ".join(sorted(text.split())))
    same = combined.to_numpy() == words[k][present].to_numpy()
    return bool(same.mean() >= MIN_SHARE)


def _sorted_words(column: PreparedColumn) -> pd.Series:
    """Each record's normalized value with its words sorted (punctuation dropped)."""
    values = pd.Series(column.values, dtype=object).fillna("").astype(str)
    cleaned = values.str.replace(r"[^\w\s]", " ", regex=True)
    return cleaned.map(lambda text: " ".join(sorted(text.split())))


def _mean_words(column: PreparedColumn) -> float:
    present = ~column.missing
    if not present.any():
        return 0.0
    return float(np.mean([len(str(value).split()) for value in column.values[present]]))


def derived_reason(names: Sequence[str], sources: tuple[int, ...]) -> str:
    """Why a derived column was set aside, naming the columns it repeats."""
    parts = " and ".join(repr(names[s]) for s in sources)
    return (
        f"repeats {parts} in at least {MIN_SHARE:.0%} of records; compared beside them it "
        f"would count the same evidence twice (name it in columns to compare it anyway)"
    )
