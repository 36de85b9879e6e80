"""Choosing the blocking keys of a table: which keys, within which budget of pairs.

Keys are derived per column kind (:data:`KEY_FAMILIES`); each is costed from its value counts
before a single pair is made, keys too coarse alone (a state, a street number) are costed in
two-column combinations, and keys are taken most specific first while the *distinct* pairs
they add fit the budget set by ``accuracy_cost_tradeoff``. The pairs themselves are made by
:func:`.blocking.candidate_pairs` from the plan, in pandas or Spark.

Monotonicity matters to users: a higher ``accuracy_cost_tradeoff`` gives a larger budget and a
wider window over the same key order, so it never finds fewer pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np

from .blocking import (
    BlockingPlan,
    KeyCodes,
    crossed_name,
    pair_count,
    pairs_within_groups,
)
from .comparison import PreparedColumn
from .swapped_columns import SwappedPair

# Distinct candidate pairs the keys may produce per record: base + slope x trade-off, and at
# least _MIN_BUDGET on small tables, which are cheap to compare thoroughly.
_BUDGET_BASE = 2
_BUDGET_SLOPE = 18
_MIN_BUDGET = 50_000
_COSTING_ROWS = 200_000  # above this many records, two-column keys are costed on a sample
_CHARGING_ROWS = 20_000  # above this many records, the pairs a key adds are counted on a sample
_MAX_KEY_COST = 20  # a key making more raw pairs than this many budgets is never tried
# Coarse keys that enter two-column combinations: the most specific ones. Every combination
# is costed, so without a cap planning grew with the square of the column count (300 rows x
# 400 columns: 1,200 coarse keys, 700k combinations, 20 s). The quality tables have at most
# 30 coarse keys (PatentsView), so the cap never changes their plans.
_MAX_COMBINED_KEYS = 40
_NAME_WORDS = 4  # text columns of at most this many words on average are names of things

# Blocking key rules per column kind.
KEY_FAMILIES: dict[str, tuple[str, ...]] = {
    "name": ("exact", "soundex", "metaphone", "prefix3"),
    "text": (
        "exact",
        "sorted_tokens",
        "first_token",
        "first_tokens3",
        "prefix5",
        "code_token",
        "code_digits",
    ),
    "code": ("exact", "prefix3", "suffix3"),
    "date": ("exact", "unordered_day_month", "year_month"),
    "number": ("exact",),
    "categorical": ("exact",),
    "model_code": ("first_token",),  # the longest code
}

# Rules of the crossed key of two swapped columns (each value keyed, the two in sorted order).
CROSSED_RULES: dict[str, tuple[str, ...]] = {
    "name": ("exact", "soundex", "metaphone"),
    "text": ("exact",),
}


def plan_blocking(
    columns: Sequence[PreparedColumn],
    partition: np.ndarray,
    accuracy_cost_tradeoff: float,
    keys: KeyCodes | None = None,
    swapped: Sequence[SwappedPair] = (),
) -> BlockingPlan:
    """Choose blocking keys, most specific first, until the pair budget is spent.

    The universe of keys does not depend on the trade-off: every key family of every column,
    plus two-column combinations of the *coarse* keys (over ``5 n`` pairs alone, a bound
    fixed by the table size; on wide tables only the 40 most specific of them, so planning
    stays linear in the number of columns). Keys are taken in ascending pair count, each
    charged only the pairs it *adds* to those of the keys already taken, while the distinct
    pairs fit the budget ``n (2 + 18 t)`` (at least 50,000). Charging raw pair counts, as
    before, let near-copies of one key (a column's exact value, its soundex and metaphone,
    each combined with the same second column) spend the budget many times over: on a public
    historical-persons table a hundred such combinations crowded out the cheapest key of all
    (an exact postcode, 1.4 pairs per record), and blocking proposed 0.64 of the true pairs
    (0.87 now). A combination is dropped once one of its parts is taken whole, since the part
    covers it. A larger budget takes a longer prefix of the same order, so a higher
    ``accuracy_cost_tradeoff`` never loses a pair.
    Each pair of ``swapped`` columns also offers a crossed key (the two values in sorted
    order, :func:`.blocking.key_source`), costed and charged like any other key.
    Pass the ``keys`` cache on to :func:`candidate_pairs` to compute each key once.
    """
    n = len(partition)
    act = float(accuracy_cost_tradeoff)
    budget = max(_MIN_BUDGET, int(n * (_BUDGET_BASE + _BUDGET_SLOPE * act)))
    keys = keys if keys is not None else KeyCodes(columns, partition)
    singles = [(c.spec.name, t) for c in columns for t in KEY_FAMILIES[c.spec.kind]]
    singles += [
        (crossed_name(columns[a].spec.name, columns[b].spec.name), rule)
        for a, b in swapped
        for rule in CROSSED_RULES.get(columns[a].spec.kind, ())
    ]
    costs: dict[tuple[tuple[str, str], ...], int] = {
        (key,): pair_count(keys.compound((key,))) for key in singles
    }
    coarse = [key for key in singles if costs[(key,)] > 5 * n]
    if len(coarse) > _MAX_COMBINED_KEYS:
        kept = set(sorted(coarse, key=lambda k: (costs[(k,)], k))[:_MAX_COMBINED_KEYS])
        coarse = [key for key in coarse if key in kept]  # still in column order
    rows, scale = _row_sample(n, _COSTING_ROWS)
    for a, b in combinations(coarse, 2):
        if a[0] != b[0]:
            costs[(a, b)] = round(pair_count(keys.compound((a, b), rows)) * scale)
    distinct = _DistinctPairs(keys, partition)
    accepted: list[tuple[tuple[str, str], ...]] = []
    spent = 0.0
    for key, cost in sorted(costs.items(), key=lambda item: (item[1], item[0])):
        if cost == 0:
            continue
        if cost > _MAX_KEY_COST * budget:  # only ever adds more than the budget: stop early
            break
        spent += distinct.add(key)
        if spent > budget:
            break
        if len(key) == 1:  # the whole column key covers its combinations
            accepted = [k for k in accepted if len(k) == 1 or key[0] not in k]
        accepted.append(key)
    rejected = {
        " & ".join(f"{c}:{t}" for c, t in key): cost
        for key, cost in costs.items()
        if len(key) == 1 and key not in accepted and not any(key[0] in k for k in accepted)
    }
    # The sorted-neighbourhood pass runs over the name columns, or, in a table without them,
    # over its short text columns (names of things: at most four words on average). There it
    # chains an organisation named in free text whose mentions are too many to pair whole
    # (dedupe's public PATSTAT sample, 676 mentions of one company: F1 0.197 -> 0.400). Over
    # long text it paired neighbouring titles: variants of one model on the generated
    # products table (F1 0.353 -> 0.255).
    name_columns = tuple(c.spec.name for c in columns if c.spec.kind == "name")
    if not name_columns:
        name_columns = tuple(
            c.spec.name for c in columns if c.spec.kind == "text" and _words(c) <= _NAME_WORDS
        )
    window = 3 + round(8 * act) if name_columns else 0
    return BlockingPlan(tuple(accepted), window, name_columns, budget, rejected)


def _words(column: PreparedColumn) -> float:
    """Mean number of words of a column's present values (on at most 5,000 of them)."""
    present = column.values[~column.missing][:5_000]
    return float(np.mean([len(str(v).split()) for v in present])) if len(present) else 0.0


class _DistinctPairs:
    """The distinct pairs of the keys taken so far, to charge each new key only the pairs it
    adds. Counted on a fixed random sample of ``_CHARGING_ROWS`` records on larger tables
    (pairs within it scaled up to the table), since making every key's pairs on a million
    records would cost more than blocking itself."""

    def __init__(self, keys: KeyCodes, partition: np.ndarray) -> None:
        self._keys = keys
        self._rows, self._scale = _row_sample(len(partition), _CHARGING_ROWS)
        if self._rows is not None:
            partition = partition[self._rows]
        self._n = len(partition)
        self._every_pair = pair_count(partition)  # once all are taken, no key adds any
        self._seen = np.empty(0, "int64")

    def add(self, key: tuple[tuple[str, str], ...]) -> float:
        """Take ``key``'s pairs; how many of them are new (scaled to the whole table)."""
        if len(self._seen) >= self._every_pair:
            return 0.0
        left, right = pairs_within_groups(self._keys.compound(key, self._rows))
        codes = left * self._n + right
        seen = self._seen
        if len(seen):
            at = np.searchsorted(seen, codes)
            codes = codes[seen[np.minimum(at, len(seen) - 1)] != codes]
        fresh = np.sort(codes)  # one key's pairs are distinct already
        self._seen = np.insert(seen, np.searchsorted(seen, fresh), fresh)  # stays sorted
        return len(fresh) * self._scale


def _row_sample(n: int, size: int) -> tuple[np.ndarray | None, float]:
    """A fixed random sample of ``size`` rows (``None``: all rows, when there are no more)
    and the factor from a pair count among them to the whole table's.

    Two-column keys are costed on ``_COSTING_ROWS``: a million-row table has hundreds of such
    keys, and costing each on every row took 15 s, while the estimate only has to rank keys,
    and its order never depends on the trade-off, so a higher ``accuracy_cost_tradeoff``
    still takes a superset. The pairs keys add are counted on ``_CHARGING_ROWS``."""
    if n <= size:
        return None, 1.0
    rows = np.sort(np.random.default_rng(0).choice(n, size=size, replace=False))
    return rows, (n * (n - 1)) / (size * (size - 1))
