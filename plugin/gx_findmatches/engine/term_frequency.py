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

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from .comparison import PreparedColumn

FREQUENCY_KINDS = frozenset({"name"})  # see the module docstring for why names only
MAX_VALUES = 5_000  # per column kept in the model file: the commonest values
MAX_ADJUSTMENT = 5.0  # log-odds, either way
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

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form for the model file."""
        return {
            "column": self.column,
            "values": list(self.values),
            "shares": list(self.shares),
            "rare_share": self.rare_share,
            "agreement": self.agreement,
        }

    @cached_property
    def _index(self) -> pd.Index:
        """The listed values, hashed once: scoring asks for every batch of pairs."""
        return pd.Index(self.values, dtype=object)

    def share_of(self, values: np.ndarray) -> np.ndarray:
        """The share of each of ``values``: NaN for a value not listed, unless the list was
        cut (then the rare share)."""
        found = self._index.get_indexer(pd.Index(values, dtype=object))
        shares = np.r_[np.asarray(self.shares, dtype="float64"), np.nan][found]
        if self.rare_share is not None:
            shares = np.where(found < 0, self.rare_share, shares)
        return shares


def learn_frequencies(columns: Sequence[PreparedColumn]) -> tuple[ValueFrequencies, ...]:
    """Value shares of every column whose kind they apply to (see ``FREQUENCY_KINDS``)."""
    learnt = []
    for column in columns:
        if column.spec.kind not in FREQUENCY_KINDS:
            continue
        codes, forms = column.codes, column.forms
        assert codes is not None and forms is not None  # a string kind: distinct forms known
        counts = np.bincount(codes[codes >= 0], minlength=len(forms))
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
    assert column.codes is not None and column.forms is not None  # a string kind
    adjustment = np.zeros(len(left), dtype="float64")
    a, b = column.codes[left], column.codes[right]
    equal = (a == b) & (a >= 0)
    share = frequencies.share_of(column.forms)[a[equal]]
    ratio = np.log(frequencies.agreement) - np.log(np.maximum(share, 1e-300))
    ratio = np.where(np.isnan(share), 0.0, ratio)  # a value the model cannot judge
    adjustment[equal] = np.clip(ratio, -MAX_ADJUSTMENT, MAX_ADJUSTMENT)
    return adjustment


def frequency_adjustments(
    columns: Sequence[PreparedColumn],
    frequencies: Sequence[ValueFrequencies],
    left: np.ndarray,
    right: np.ndarray,
) -> Iterator[tuple[int, np.ndarray]]:
    """Each column's position and adjustments, for the columns that have frequencies."""
    position = {column.spec.name: k for k, column in enumerate(columns)}
    for f in frequencies:
        if f.column in position:
            k = position[f.column]
            yield k, column_adjustment(columns[k], f, left, right)


def summed_adjustment(
    columns: Sequence[PreparedColumn],
    frequencies: Sequence[ValueFrequencies],
    left: np.ndarray,
    right: np.ndarray,
) -> np.ndarray:
    """Each pair's total adjustment over all columns (one vector held at a time, however many
    columns: a million-row table scores tens of millions of pairs)."""
    total = np.zeros(len(left), dtype="float64")
    for _, adjustment in frequency_adjustments(columns, frequencies, left, right):
        total += adjustment
    return total
