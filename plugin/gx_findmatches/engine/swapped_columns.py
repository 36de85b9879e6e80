"""Swapped columns: a first name written as the surname, and the surname as the first name.

Person tables are full of records whose two name fields are exchanged ("Jacob Campbell" and
"Campbell Jacob", same birth date, same email). Compared column by column, such a pair
disagrees on both names, and the model rightly calls it a non-match (measured: 274 of the 433
missed true pairs of Splink's ``fake_1000`` table, 166 of 978 on the suite's common_names
table). Splink gives its forename/surname comparison a "columns reversed" level for this.

Here fitting *finds* the column pairs whose values are exchanged between records far more
often than chance would exchange them, by records that also agree on other columns (no column
names are assumed). A value can also *move*: "grundy" written as the first name with no
surname, beside "john grundy" (the held-out historical-persons sample: 3,000 of 71,475 true
pairs, none agreeing straight on a name); a column pair whose lone values look like the
other column's far more often than chance, in records that agree elsewhere, is found too.
:mod:`.swapped_comparison` then scores each pair of records on those two columns crossed
where that agrees better than straight. A crossed agreement earns the weights of the same
straight agreement; by chance a crossed agreement is as rare as a straight one, since it
needs both values to coincide.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .comparison import PreparedColumn

SwappedPair = tuple[int, int]
"""Positions (in the compared columns) of two columns whose values records exchange."""

SWAPPABLE_KINDS = ("name", "text")
MIN_SWAPPED_PAIRS = 3  # exchanged record pairs needed before a column pair is trusted
_CHANCE_FACTOR = 2.0  # ...at least twice what independent columns would give,
_CHANCE_SIGMAS = 3.0  # ...and three Poisson standard deviations above it
_SAMPLE_PAIRS = 50_000  # exchanged and random pairs looked at: shares to about +-0.1 %
_CHUNK_CELLS = 5_000_000  # records x partner columns looked at in one go


def find_swapped_columns(columns: Sequence[PreparedColumn]) -> tuple[SwappedPair, ...]:
    """Column pairs (same kind, name or text) whose values are exchanged between records
    more often than the two columns' value frequencies explain: at least
    ``MIN_SWAPPED_PAIRS`` times, twice the chance count and three Poisson standard deviations
    above it (measured: 753 exchanges for 125 by chance on a table of very common names; 15
    for 10 on a table without swaps), and corroborated by the exchanging records' other
    columns (:func:`_corroborated`); or, failing that, whose lone values look like the other
    column's (:func:`_lone_values_moved`), the records they meet there corroborating it the
    same way. Each column joins at most one pair (exchanges first, then the one with the
    most exchanges or moves), so a comparison never has to choose between two partners."""
    found: list[tuple[int, float, int, int]] = []  # exchanges rank first, then counts
    shared = _shared_codes(columns)
    for i, first in enumerate(columns):
        partners = [
            j
            for j in range(i + 1, len(columns))
            if first.spec.kind in SWAPPABLE_KINDS and columns[j].spec.kind == first.spec.kind
        ]
        for j, (observed, expected) in zip(partners, _exchanges(shared, i, partners), strict=True):
            if _beyond_chance(observed, expected) and _corroborated(
                columns, i, j, observed, _exchanged_records(columns[i], columns[j], observed)
            ):
                found.append((1, observed, i, j))
                continue
            if not _lone_values_moved(shared[i], shared[j]):
                continue
            left, right, moved = _moved_records(shared[i], shared[j])
            if _corroborated(columns, i, j, moved, (left, right)):
                found.append((0, moved, i, j))
    chosen: list[SwappedPair] = []
    used: set[int] = set()
    for _, _, i, j in sorted(found, reverse=True):
        if i not in used and j not in used:
            chosen.append((i, j))
            used.update((i, j))
    return tuple(sorted(chosen))


def _beyond_chance(observed: float, expected: float) -> bool:
    """At least ``MIN_SWAPPED_PAIRS``, twice the chance count and three Poisson standard
    deviations above it."""
    chance = max(_CHANCE_FACTOR * expected, expected + _CHANCE_SIGMAS * np.sqrt(expected))
    return observed >= MIN_SWAPPED_PAIRS and observed > chance


def _corroborated(
    columns: Sequence[PreparedColumn],
    i: int,
    j: int,
    observed: float,
    records: tuple[np.ndarray, np.ndarray],
) -> bool:
    """Whether the ``records`` pairs (exchanged or moved values) agree exactly on another
    column more often than random pairs do: the difference of the two shares above three
    standard errors (a two-proportion test on the pairs looked at), and worth at least
    ``MIN_SWAPPED_PAIRS`` of the ``observed`` exchanges (or moves).

    Duplicates exchange names and agree elsewhere; strangers only coincide. A city and a
    birth place exchanged by chance ("London, Paris" and "Paris, London") can pass the count
    test where moves go both ways, but such records agree on nothing else (measured: a table
    of very common names, 753 exchanges, 11 % more of them agreeing elsewhere than random
    pairs; two given-name columns of a table without swaps, 59 exchanges, 6 % more, within
    noise)."""
    shares = _agreement_shares(columns, i, j, *records)
    if shares is None:
        return False
    (exchanged, looked_at), (random, drawn) = shares
    random = (random * drawn + 1.0) / (drawn + 2.0)  # never 0: no agreement seen is not none
    error = np.sqrt(random * (1.0 - random) * (1.0 / looked_at + 1.0 / drawn))
    excess = exchanged - random
    return bool(excess > _CHANCE_SIGMAS * error and observed * excess >= MIN_SWAPPED_PAIRS)


def _agreement_shares(
    columns: Sequence[PreparedColumn], i: int, j: int, left: np.ndarray, right: np.ndarray
) -> tuple[tuple[float, int], tuple[float, int]] | None:
    """Share of the record pairs ``left``/``right``, and of random pairs, that agree exactly
    on at least one column other than ``i`` and ``j``, each with the number of pairs it was
    read on; None when there is no other column to ask."""
    others = [k for k in range(len(columns)) if k not in (i, j)]
    if not others or len(left) == 0:
        return None
    rng = np.random.default_rng(0)
    n = len(columns[i].missing)
    r_left, r_right = rng.integers(0, n, _SAMPLE_PAIRS), rng.integers(0, n, _SAMPLE_PAIRS)
    keep = r_left != r_right
    return (
        (_agree_anywhere(columns, others, left, right), len(left)),
        (_agree_anywhere(columns, others, r_left[keep], r_right[keep]), int(keep.sum())),
    )


def _exchanged_records(
    first: PreparedColumn, second: PreparedColumn, observed: float
) -> tuple[np.ndarray, np.ndarray]:
    """Positions of record pairs whose two values are exchanged (at most ``_SAMPLE_PAIRS``).

    ``observed`` such pairs exist; when they are many (two team columns of a fixtures table
    exchange values in most rows: billions of pairs), records are sampled first, at the rate
    that leaves about ``_SAMPLE_PAIRS`` pairs, so the join never makes them all."""
    present = np.flatnonzero(~(first.missing | second.missing))
    if observed > _SAMPLE_PAIRS:
        rate = float(np.sqrt(_SAMPLE_PAIRS / observed))
        present = present[np.random.default_rng(0).random(len(present)) < rate]
    x, y = first.values[present], second.values[present]
    differ = x != y
    records = pd.DataFrame({"pos": present[differ], "x": x[differ], "y": y[differ]})
    pairs = records.merge(records, left_on=["x", "y"], right_on=["y", "x"])
    pairs = pairs[pairs["pos_x"] < pairs["pos_y"]]
    if len(pairs) > _SAMPLE_PAIRS:
        pairs = pairs.sample(_SAMPLE_PAIRS, random_state=0)
    return pairs["pos_x"].to_numpy(), pairs["pos_y"].to_numpy()


def _lone_values_moved(here: np.ndarray, there: np.ndarray) -> bool:
    """Whether the records holding one of the two columns alone hold a value that looks like
    the *other* column's far more often than records with both do. A value looks like the
    other column's when that column holds it more often than the rest of its own column
    does: a surname written as the first name looks like a surname; a first name whose
    surname is simply missing does not (the historical-persons sample: 37 % of its lone
    first names against 1.7 %; the whole 50,000-record table 41 % against 2.8 %). Asked per
    record, not per pair: counted in pairs, a lone "john" meeting every "... john" surname
    drowned the moved names, and the whole table showed fewer pair meetings than chance.
    Three binomial standard errors, and at least ``MIN_SWAPPED_PAIRS`` records more than
    chance, either way round."""
    full = (here >= 0) & (there >= 0)
    alone_here, alone_there = (here >= 0) & (there < 0), (there >= 0) & (here < 0)
    # fewer lone records could never be MIN_SWAPPED_PAIRS more than chance
    if max(int(alone_here.sum()), int(alone_there.sum())) < MIN_SWAPPED_PAIRS:
        return False
    width = int(max(here.max(), there.max())) + 1
    count_here, count_there = (np.bincount(c[c >= 0], minlength=width) for c in (here, there))
    for a, alone, own_count, other_count in (
        (here, alone_here, count_here, count_there),
        (there, alone_there, count_there, count_here),
    ):
        lone = int(alone.sum())
        if lone < MIN_SWAPPED_PAIRS:
            continue
        value = np.maximum(a, 0)
        elsewhere = other_count[value] > own_count[value] - 1  # the record itself left out
        chance = (float(elsewhere[full].sum()) + 1.0) / (float(full.sum()) + 2.0)
        excess = float(elsewhere[alone].mean()) - chance
        error = np.sqrt(chance * (1.0 - chance) / lone)
        if excess > _CHANCE_SIGMAS * error and excess * lone >= MIN_SWAPPED_PAIRS:
            return True
    return False


def _moved_records(here: np.ndarray, there: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Positions of record pairs where one record holds a value in one column with the other
    column empty and another record holds the same value in the other column ("grundy" as a
    first name with no surname, "grundy" as a surname), both ways, and how many such pairs
    there are in all. At most ``_SAMPLE_PAIRS`` positions: lone records are sampled first
    when the pairs are many more. ``here`` and ``there`` are the two columns as
    :func:`_shared_codes` (-1 = missing)."""
    directions = [
        (a, b, np.flatnonzero((a >= 0) & (b < 0))) for a, b in ((here, there), (there, here))
    ]
    observed = sum(
        float(_matching_counts(a[alone], b[b >= 0])[1].sum()) for a, b, alone in directions
    )
    rate = min(1.0, _SAMPLE_PAIRS / observed) if observed > 0 else 1.0
    rng = np.random.default_rng(0)
    found: list[pd.DataFrame] = []
    for a, b, alone in directions:
        if rate < 1.0:
            alone = alone[rng.random(len(alone)) < rate]
        holders = np.flatnonzero(b >= 0)
        pairs = pd.DataFrame({"pos": alone, "value": a[alone]}).merge(
            pd.DataFrame({"other": holders, "value": b[holders]}), on="value"
        )
        found.append(pairs[["pos", "other"]])
    pairs = pd.concat(found, ignore_index=True)
    if len(pairs) > _SAMPLE_PAIRS:
        pairs = pairs.sample(_SAMPLE_PAIRS, random_state=0)
    return pairs["pos"].to_numpy(), pairs["other"].to_numpy(), observed


def _agree_anywhere(
    columns: Sequence[PreparedColumn], which: Sequence[int], left: np.ndarray, right: np.ndarray
) -> float:
    """Share of pairs agreeing exactly on at least one of the ``which`` columns."""
    agree = np.zeros(len(left), dtype=bool)
    for k in which:
        column = columns[k]
        if column.codes is not None:  # string kinds: compare the integer form codes
            agree |= (column.codes[left] >= 0) & (column.codes[left] == column.codes[right])
            continue
        present = ~(column.missing[left] | column.missing[right])
        agree |= present & (column.values[left] == column.values[right])
    return float(agree.mean()) if len(agree) else 0.0


def _shared_codes(columns: Sequence[PreparedColumn]) -> dict[int, np.ndarray]:
    """Each swappable column's values as codes of one vocabulary shared by all of them (-1 =
    missing), so two columns' values compare as integers."""
    swappable = [k for k, c in enumerate(columns) if c.spec.kind in SWAPPABLE_KINDS]
    if not swappable:
        return {}
    values = np.concatenate([columns[k].values for k in swappable])
    codes = pd.factorize(pd.Series(values, dtype=object))[0].astype("int64")
    n = len(columns[swappable[0]].missing)
    return {
        k: np.where(columns[k].missing, -1, codes[index * n : (index + 1) * n])
        for index, k in enumerate(swappable)
    }


def _exchanges(
    shared: dict[int, np.ndarray], i: int, partners: Sequence[int]
) -> list[tuple[float, float]]:
    """For each partner ``j`` of column ``i``: record pairs with ``a.i == b.j`` and
    ``a.j == b.i`` (values differing within each record), and how many two independent columns
    with these value frequencies would give: ``n**2 / 2 * overlap**2``, ``overlap`` the chance
    that one record's ``i`` value equals another's ``j`` value (``n``: records with both).

    Integer work on :func:`_shared_codes`, all partners of a column at once (in chunks of
    about ``_CHUNK_CELLS`` cells): a wide table has tens of thousands of column pairs to ask
    (400 columns: 5.6 s one pair at a time)."""
    results: list[tuple[float, float]] = []
    if not partners:
        return results
    a = shared[i]
    step = max(1, _CHUNK_CELLS // max(1, len(a)))
    width = int(max(max(int(c.max()) for c in shared.values()), 0)) + 1
    for start in range(0, len(partners), step):
        chunk = partners[start : start + step]
        b = np.stack([shared[j] for j in chunk], axis=1)
        column = np.broadcast_to(np.arange(len(chunk)), b.shape)
        first = np.broadcast_to(a[:, None], b.shape)
        present = (first >= 0) & (b >= 0)
        differ = present & (first != b)
        keys, counts = np.unique(
            (column[differ] * width + first[differ]) * width + b[differ], return_counts=True
        )
        which, x, y = keys // (width * width), keys // width % width, keys % width
        mirrored = (which * width + y) * width + x
        where = np.searchsorted(keys, mirrored)
        hit = where < len(keys)
        hit[hit] = keys[where[hit]] == mirrored[hit]
        observed = np.bincount(
            which[hit], weights=counts[hit] * counts[where[hit]], minlength=len(chunk)
        )
        n = np.bincount(column[present], minlength=len(chunk)).astype("float64")
        same_value = _matching_counts(
            column[present] * width + first[present], column[present] * width + b[present]
        )
        agree = np.bincount(same_value[0] // width, weights=same_value[1], minlength=len(chunk))
        with np.errstate(invalid="ignore", divide="ignore"):
            overlap = np.where(n > 0, agree / (n * n), 0.0)
        results += [
            (float(o) / 2.0, float(m * m / 2.0 * v * v)) if m >= 2 else (0.0, 0.0)
            for o, m, v in zip(observed, n, overlap, strict=True)
        ]
    return results


def _matching_counts(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The values present on both sides, and the product of their counts on each side."""
    left_values, left_counts = np.unique(left, return_counts=True)
    right_values, right_counts = np.unique(right, return_counts=True)
    common, in_left, in_right = np.intersect1d(
        left_values, right_values, assume_unique=True, return_indices=True
    )
    return common, (left_counts[in_left] * right_counts[in_right]).astype("float64")


def swapped_names(
    columns: Sequence[PreparedColumn], swapped: Sequence[SwappedPair]
) -> tuple[tuple[str, str], ...]:
    """Swapped pairs by column name, as a model file keeps them."""
    return tuple((columns[i].spec.name, columns[j].spec.name) for i, j in swapped)


def swapped_positions(
    names: Sequence[str], pairs: Sequence[tuple[str, str]]
) -> tuple[SwappedPair, ...]:
    """Swapped pairs by position among the compared column ``names``."""
    index = {name: position for position, name in enumerate(names)}
    return tuple((index[a], index[b]) for a, b in pairs)
