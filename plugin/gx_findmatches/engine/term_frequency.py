"""Term frequencies: sharing a rare name is stronger evidence than sharing a common one.

Two records that both say "Smith" match far less surely than two that both say
"Szczepanski": a random pair agrees on Smith often. The models weigh an exact agreement by its
average over all values (``log m/u`` with ``u`` the chance that a random pair agrees on *any*
value); like Splink's term-frequency adjustment, scoring then adds, for a pair agreeing exactly
on value ``v``, ``log(u / share(v))``: positive for a value rarer than a typical agreement,
negative for a commoner one. ``m`` is unchanged (a match agrees on its own value whatever it
is), so EM never sees the split: an earlier attempt that learnt one level per frequency band
made EM unstable on small tables (restaurants F1 0.88 -> 0.004).

Only name columns are adjusted: names are where value frequencies span orders of magnitude.
Adjusting codes and categories too (postcodes, birth years, cities) was measured: a little
better without labels (addresses 0.806 -> 0.816), but then the first round of 50 correct
labels lowered F1 on three person tables (common_names 0.791 -> 0.701), against the rule that
correct labels never make results worse. Free text was worse without labels already: a patent
title shared by co-inventors is rare, and its boost linked different inventors.

Shares come from the training table (its representatives of identical records) and are saved
with the model: the values seen at least twice, at most ``MAX_VALUES`` of them per column. A
later table, an incremental run and every Spark task therefore score a pair the same way, from
the pair's two values alone. A value the list lacks is one the model cannot judge: on the
training table no pair shares it (it was seen once), and on a later table it is new, perhaps a
placeholder ("unknown") that a new batch repeats hundreds of times, so it gets no adjustment.
Only when the list was cut at ``MAX_VALUES`` does such a value get the share of the commonest
value left out (it is rarer than that), since then it may be a rare value seen before. The
adjustment is bounded by ``MAX_ADJUSTMENT`` either way, so one rare value never decides a pair
alone. Measured figures: docs/engine.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .comparison import PreparedColumn

FREQUENCY_KINDS = frozenset({"name"})  # see the module docstring for why names only
MAX_VALUES = 5_000  # per column kept in the model file: the commonest values
MAX_ADJUSTMENT = 5.0  # log-odds, either way
_CACHED_FORM_ARRAYS = 8  # a table's columns, and a fold's or a batch's
_MAX_VALUE_LENGTH = 1_000  # longer values are never frequent enough to matter


@dataclass(frozen=True)
class ValueFrequencies:
    """How common each value of one compared column was in the training table.

    Attributes:
        column: the compared column's name.
        values: its frequent prepared values (seen at least twice), commonest first.
        shares: each value's share of the records where the column is present.
        rare_share: the share of a value not listed, when the list was cut at ``MAX_VALUES``
            (the commonest value left out); ``None`` when every repeated value is listed, and
            a value not listed gets no adjustment.
        agreement: the chance that two random records agree exactly (sum of squared shares).
    """

    column: str
    values: tuple[str, ...]
    shares: tuple[float, ...]
    rare_share: float | None
    agreement: float
    _form_cache: dict[int, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form for the model file."""
        return {
            "column": self.column,
            "values": list(self.values),
            "shares": list(self.shares),
            "rare_share": self.rare_share,
            "agreement": self.agreement,
        }

    def form_shares(self, forms: np.ndarray) -> np.ndarray:
        """:meth:`share_of` a prepared column's distinct forms, kept for the last few form
        arrays: scoring asks again for every batch of pairs (measured: 2,000 calls spent 13 s
        of a 41 s match on 50k records looking the same forms up again)."""
        cached = self._form_cache.get(id(forms))
        if cached is not None and cached[0] is forms:
            return cached[1]
        shares = self.share_of(forms)
        if len(self._form_cache) >= _CACHED_FORM_ARRAYS:
            self._form_cache.clear()
        self._form_cache[id(forms)] = (forms, shares)
        return shares

    def share_of(self, values: np.ndarray) -> np.ndarray:
        """The share of each of ``values``: NaN for a value not listed, unless the list was
        cut (then the rare share)."""
        lookup = pd.Series(self.shares, index=pd.Index(self.values, dtype=object), dtype="float64")
        if lookup.index.has_duplicates:  # never written by learn_frequencies; be safe on load
            lookup = lookup[~lookup.index.duplicated()]
        found = pd.Series(values, dtype=object).map(lookup)
        if self.rare_share is not None:
            found = found.fillna(self.rare_share)
        return found.to_numpy(dtype="float64")


def learn_frequencies(columns: Sequence[PreparedColumn]) -> tuple[ValueFrequencies, ...]:
    """Value shares of every column whose kind they apply to (see ``FREQUENCY_KINDS``)."""
    learnt = []
    for column in columns:
        if column.spec.kind not in FREQUENCY_KINDS:
            continue
        counts: np.ndarray
        if column.codes is not None and column.forms is not None:
            codes, forms = column.codes, column.forms
            counts = np.bincount(codes[codes >= 0], minlength=len(forms))
        else:
            present = pd.Series(column.values[~column.missing], dtype=object)
            found = present.value_counts(sort=False)
            forms, counts = found.index.to_numpy(dtype=object), found.to_numpy(dtype="int64")
        total = int(counts.sum())
        if total == 0:
            continue
        order = np.argsort(-counts, kind="stable")
        frequent = [i for i in order[counts[order] >= 2] if len(str(forms[i])) <= _MAX_VALUE_LENGTH]
        kept = frequent[:MAX_VALUES]
        cut = len(frequent) > MAX_VALUES
        shares = counts / total
        learnt.append(
            ValueFrequencies(
                column=column.spec.name,
                values=tuple(str(forms[i]) for i in kept),
                shares=tuple(float(shares[i]) for i in kept),
                rare_share=int(counts[frequent[MAX_VALUES]]) / total if cut else None,
                agreement=float((shares**2).sum()),
            )
        )
    return tuple(learnt)


def frequencies_from_dicts(data: Sequence[dict[str, object]]) -> tuple[ValueFrequencies, ...]:
    """Frequencies as saved by :meth:`ValueFrequencies.to_dict` (already schema-checked)."""
    return tuple(
        ValueFrequencies(
            column=str(entry["column"]),
            values=tuple(str(v) for v in entry["values"]),  # type: ignore[attr-defined]
            shares=tuple(float(s) for s in entry["shares"]),  # type: ignore[attr-defined]
            rare_share=None if entry["rare_share"] is None else float(entry["rare_share"]),  # type: ignore[arg-type]
            agreement=float(entry["agreement"]),  # type: ignore[arg-type]
        )
        for entry in data
    )


def column_adjustment(
    column: PreparedColumn, frequencies: ValueFrequencies, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """Each pair's log-odds adjustment on one column: ``log(agreement / share)`` of the value
    both records hold where they agree exactly, else 0."""
    adjustment = np.zeros(len(left), dtype="float64")
    if column.codes is not None and column.forms is not None:
        a, b = column.codes[left], column.codes[right]
        equal = (a == b) & (a >= 0)
        share = frequencies.form_shares(column.forms)[a[equal]]
    else:
        values = column.values
        present = ~column.missing[left] & ~column.missing[right]
        equal = present & (values[left] == values[right])
        share = frequencies.share_of(values[left][equal])
    ratio = np.log(frequencies.agreement) - np.log(np.maximum(share, 1e-300))
    ratio = np.where(np.isnan(share), 0.0, ratio)  # a value the model cannot judge
    adjustment[equal] = np.clip(ratio, -MAX_ADJUSTMENT, MAX_ADJUSTMENT)
    return adjustment


def frequency_adjustments(
    columns: Sequence[PreparedColumn],
    frequencies: Sequence[ValueFrequencies],
    left: np.ndarray,
    right: np.ndarray,
) -> dict[int, np.ndarray]:
    """Adjustments by column position, for the columns that have frequencies."""
    position = {column.spec.name: k for k, column in enumerate(columns)}
    return {
        position[f.column]: column_adjustment(columns[position[f.column]], f, left, right)
        for f in frequencies
        if f.column in position
    }


def summed_adjustment(
    columns: Sequence[PreparedColumn],
    frequencies: Sequence[ValueFrequencies],
    left: np.ndarray,
    right: np.ndarray,
) -> np.ndarray:
    """Each pair's total adjustment over all columns (one vector, however many columns)."""
    total = np.zeros(len(left), dtype="float64")
    position = {column.spec.name: k for k, column in enumerate(columns)}
    for f in frequencies:
        if f.column in position:
            total += column_adjustment(columns[position[f.column]], f, left, right)
    return total
