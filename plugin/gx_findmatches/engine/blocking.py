"""Blocking: which record pairs are worth comparing at all.

Comparing every pair is quadratic, so, like Glue, we only compare *candidate pairs*: records
that agree on at least one blocking key. This module holds the key rules (exact normalized
value, phonetic codes, prefixes, a day/month-order-free date, ...), their codes, the plan and
the making of its pairs; which keys a table gets is chosen in :mod:`.blocking_plan`. A
sorted-neighbourhood pass over the name columns catches typos in the first letters that exact
keys miss. The passes are unioned.

Pairs are integer positions (``left < right``), generated with numpy without Python loops.
Each key is also a ``recordlinkage`` index algorithm (:mod:`.key_block`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import jellyfish
import numpy as np
import pandas as pd

from ..errors import CandidatePairLimitError
from .comparison import PreparedColumn
from .parallel import ordered_map
from .progress import track


def _prefix(length: int) -> Callable[[str], str]:
    return lambda v: v[:length] if len(v) >= length else ""


def _unordered_day_month(v: str) -> str:
    if len(v) != 8:
        return v
    day_month = sorted((v[4:6], v[6:8]))
    return v[:4] + day_month[0] + day_month[1]


def _code_token(v: str) -> str:
    """The first word holding a digit, letters and digits only (``am-3186`` -> ``am3186``):
    product and part codes inside titles, which identify an item better than its words."""
    for token in v.split():
        if any(ch.isdigit() for ch in token):
            code = "".join(ch for ch in token if ch.isalnum())
            if len(code) >= 4:
                return code
    return ""


def _code_digits(v: str) -> str:
    """The digits of the code token (``ge-3154``, ``xe3154`` -> ``3154``): a model number's
    letters and punctuation vary between sources and typists more than its digits do."""
    digits = "".join(ch for ch in _code_token(v) if ch.isdigit())
    return digits if len(digits) >= 3 else ""


def _first_words(count: int) -> Callable[[str], str]:
    """The first ``count`` words, when there are more: a title with a typo or an extra word
    near its end still shares its start with its copy."""

    def key(v: str) -> str:
        words = v.split()
        return " ".join(words[:count]) if len(words) > count else ""

    return key


# Key rules by name; public because the Spark backend computes the same keys from them
# (the contract between the two backends: same prepared values in, same key text out).
KEY_FUNCTIONS: dict[str, Callable[[str], str]] = {
    "code_digits": _code_digits,
    "code_token": _code_token,
    "first_tokens3": _first_words(3),
    "exact": lambda v: v,
    "soundex": lambda v: jellyfish.soundex(v) if v else "",
    "metaphone": lambda v: jellyfish.metaphone(v) if v else "",
    "prefix3": _prefix(3),
    "prefix5": _prefix(5),
    "suffix3": lambda v: v[-3:] if len(v) >= 3 else "",
    "first_token": lambda v: v.split()[0] if v.split() else "",
    "sorted_tokens": lambda v: " ".join(sorted(v.split())),
    "unordered_day_month": _unordered_day_month,
    "year_month": lambda v: v[:6] if len(v) == 8 else "",
}
KEY_TRANSFORMS: tuple[str, ...] = tuple(sorted(KEY_FUNCTIONS))  # the key rule names


def distinct_keys(column: PreparedColumn, rule: str) -> tuple[np.ndarray, np.ndarray]:
    """The rule's key text of each distinct value of a column ("" = no key), one more "" at
    the end, and each record's index into it (a missing value points at that last ""). The
    rule runs once per distinct value; both backends key records through this."""
    codes: np.ndarray
    uniques: np.ndarray
    if column.codes is not None and column.forms is not None:  # distinct forms known
        codes, uniques = column.codes, column.forms
    else:
        codes, found = pd.factorize(pd.Series(key_text(column), dtype=object))
        uniques = np.asarray(found, dtype=object)
    function = KEY_FUNCTIONS[rule]
    keyed = np.array([*(function(str(u)) for u in uniques), ""], dtype=object)
    return keyed, np.where(column.missing | (codes < 0), len(uniques), codes)


def key_codes(column: PreparedColumn, rule: str) -> np.ndarray:
    """Integer codes of one blocking key over all records (-1 = no key, never blocks)."""
    keyed, index = distinct_keys(column, rule)
    codes, _ = pd.factorize(pd.Series(keyed, dtype=object))
    return np.where(keyed == "", -1, codes)[index].astype("int64")


def key_text(column: PreparedColumn) -> np.ndarray:
    """The text a column's blocking keys are computed from: its prepared values, numbers
    rounded to 6 places and written as text (missing: empty, which never blocks)."""
    if column.spec.kind == "number":
        rounded = np.round(column.values.astype(float), 6).astype(str)
        return np.where(column.missing, "", rounded).astype(object)
    return column.values


_CROSSED = "<->"


def crossed_name(first: str, second: str) -> str:
    """The name a blocking key gives two swapped columns read together (``given<->surname``)."""
    return f"{first}{_CROSSED}{second}"


def key_columns(name: str) -> tuple[str, ...]:
    """The real columns behind a key's column name: two for a crossed name, else itself."""
    parts = tuple(name.split(_CROSSED))
    return parts if len(parts) == 2 and all(parts) else (name,)


def key_source(
    columns: Mapping[str, PreparedColumn], name: str, rule: str
) -> tuple[PreparedColumn, str]:
    """The column and rule a key part ``(name, rule)`` is computed from (both backends).

    For a crossed name, the rule's keys of the two swapped columns in sorted order, read
    exactly: "Jessica Martin" and "Martin Jessica" share the crossed exact key, and "Jamse
    Hernandez" and "Hernandez James" the crossed Soundex key. Fitting finds which columns
    records exchange (:mod:`.swapped_columns`) and comparison scores such pairs crossed, but
    no straight key proposed them: on the suite's partitioned table most of the true pairs
    blocking missed were swaps."""
    if name in columns:
        return columns[name], rule
    first, second = (columns[part] for part in key_columns(name))
    a, b = (keyed[index] for keyed, index in (distinct_keys(c, rule) for c in (first, second)))
    missing = (a == "") | (b == "")
    values = np.where(a <= b, a + "\t" + b, b + "\t" + a)
    values[missing] = ""
    return PreparedColumn(replace(first.spec, name=name), values, missing, None), "exact"


class KeyCodes:
    """Blocking-key codes of one table, each single key computed once and reused."""

    def __init__(self, columns: Sequence[PreparedColumn], partition: np.ndarray) -> None:
        self._columns = {c.spec.name: c for c in columns}
        self._partition = partition
        self._singles: dict[tuple[str, str], np.ndarray] = {}

    def compound(
        self, key: tuple[tuple[str, str], ...], rows: np.ndarray | None = None
    ) -> np.ndarray:
        """Codes of a key whose parts ``(column, rule)`` must all agree, within the
        partition; only for the records at ``rows`` when given."""
        parts = []
        for part in key:
            if part not in self._singles:
                column, rule = part
                self._singles[part] = combine_codes(
                    key_codes(*key_source(self._columns, column, rule)), self._partition
                )
            parts.append(self._singles[part] if rows is None else self._singles[part][rows])
        return parts[0] if len(parts) == 1 else combine_codes(*parts)


def combine_codes(*arrays: np.ndarray) -> np.ndarray:
    """Codes of the compound key (all parts must agree); -1 where any part is missing.

    Parts are dense codes (``0 .. k-1``). A part with one value (the partition of an
    unpartitioned table) changes nothing and is skipped; the rest are joined by mixed radix
    and re-densified only when the next product could overflow, since each ``factorize`` of
    a million codes costs ~20 ms and blocking builds hundreds of compound keys.
    """
    present = np.logical_and.reduce([a >= 0 for a in arrays])
    varying = [a for a in arrays if int(a.max(initial=0)) > 0]
    if not varying:
        return np.where(present, 0, -1).astype("int64")
    combined = np.maximum(varying[0], 0).astype("int64")
    span = int(combined.max(initial=0)) + 1
    for part in varying[1:]:
        radix = int(part.max(initial=0)) + 1
        if span * radix >= 2**62:
            combined, uniques = pd.factorize(combined)
            span = len(uniques)
        combined = combined * radix + np.maximum(part, 0)
        span *= radix
    if len(varying) > 1:
        combined, _ = pd.factorize(combined)
    return np.where(present, combined, -1).astype("int64")


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted. ``np.unique`` does the same, but numpy 2.3+ routes it
    through a hash table first, measured 12x slower on 7M pair codes than one sort."""
    ordered = np.sort(values)
    if len(ordered) == 0:
        return ordered
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def pair_count(codes: np.ndarray) -> int:
    """Pairs a key would produce, computed from value counts without making them."""
    counts = np.bincount(codes[codes >= 0])
    return int((counts * (counts - 1) // 2).sum())


def pairs_within_groups(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All pairs of records sharing a code, as position arrays with ``left < right``.

    ``codes`` are dense (``0 .. k-1``, -1 = none). Only records whose code is shared are
    sorted: with specific keys most records are alone in their block.
    """
    valid = codes >= 0
    counts = np.bincount(codes[valid], minlength=1)
    positions = np.flatnonzero(valid & (counts[np.maximum(codes, 0)] >= 2))
    order = positions[np.argsort(codes[positions])]  # the pair set ignores order in a group
    sorted_codes = codes[order]
    if len(order) == 0:
        return np.empty(0, "int64"), np.empty(0, "int64")
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    ends = np.repeat(starts + sizes, sizes)
    index = np.arange(len(order))
    partners = ends - index - 1
    left_index = np.repeat(index, partners)
    first = np.cumsum(partners) - partners
    right_index = left_index + (np.arange(len(left_index)) - np.repeat(first, partners) + 1)
    left, right = order[left_index], order[right_index]
    return np.minimum(left, right), np.maximum(left, right)


def sorted_neighbourhood(
    sort_key: np.ndarray,
    window: int,
    valid: np.ndarray,
    partition: np.ndarray,
    max_pairs: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of records within ``window`` places of each other in ``sort_key`` order.

    Offsets stop at the number of records, and once more than ``max_pairs`` pairs are made
    (each offset makes new, distinct pairs, so the caller's limit check will refuse them):
    however wide the window, memory stays within ``max_pairs`` plus one offset's pairs.
    """
    candidates = np.flatnonzero(valid)
    order = candidates[np.argsort(sort_key[candidates], kind="stable")]
    lefts, rights = [], []
    made = 0
    for offset in range(1, min(window, len(order))):
        a, b = order[:-offset], order[offset:]
        same = partition[a] == partition[b]
        lefts.append(a[same])
        rights.append(b[same])
        made += len(lefts[-1])
        if max_pairs is not None and made > max_pairs:
            break
    if not lefts:
        return np.empty(0, "int64"), np.empty(0, "int64")
    left, right = np.concatenate(lefts), np.concatenate(rights)
    return np.minimum(left, right), np.maximum(left, right)


@dataclass(frozen=True)
class BlockingPlan:
    """The blocking passes chosen for a table, reusable on new data of the same shape.

    Attributes:
        keys: compound keys, each a tuple of (column, key rule) that must all agree.
        window: sorted-neighbourhood window over the name columns (0 = no such pass).
        neighbourhood_columns: the columns concatenated for the sorted-neighbourhood pass.
        budget: the distinct-pair budget the keys were chosen under.
        rejected: single keys used neither alone nor in a combination, with pair counts.
    """

    keys: tuple[tuple[tuple[str, str], ...], ...]
    window: int
    neighbourhood_columns: tuple[str, ...]
    budget: int
    rejected: dict[str, int] = field(default_factory=dict)

    def describe(self) -> list[str]:
        """Human-readable pass names, e.g. ``surname:soundex`` or ``state:exact & sex:exact``."""
        names = [" & ".join(f"{c}:{t}" for c, t in key) for key in self.keys]
        if self.window:
            names.append(
                f"sorted-neighbourhood({'+'.join(self.neighbourhood_columns)}, "
                f"window={self.window})"
            )
        return names


def candidate_pairs(
    plan: BlockingPlan,
    columns: Sequence[PreparedColumn],
    partition: np.ndarray,
    max_pairs: int,
    keys: KeyCodes | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Union of all passes of ``plan`` as sorted, unique position pairs (``left < right``).

    Raises:
        CandidatePairLimitError: the union would exceed ``max_pairs``.
    """
    by_name = {c.spec.name: c for c in columns}
    n = len(partition)
    keys = keys if keys is not None else KeyCodes(columns, partition)
    # Passes overlap heavily, so the cap applies to distinct pairs: the union is compacted
    # whenever the raw pairs collected since the last compaction outgrow both it and half the
    # cap, which bounds memory to a small multiple of the cap without re-sorting often.
    encoded: list[np.ndarray] = [np.empty(0, "int64")]
    pending = 0

    def one_pass(key: tuple[tuple[str, str], ...]) -> np.ndarray:
        codes = keys.compound(key)
        check_pair_limit(pair_count(codes), max_pairs, plan)
        left, right = pairs_within_groups(codes)
        return left * n + right

    passes = ordered_map(one_pass, plan.keys)  # on every core, in plan order
    for pass_pairs in track(passes, "blocking passes", len(plan.keys)):
        encoded.append(pass_pairs)
        pending += len(pass_pairs)
        if pending > max(len(encoded[0]), max_pairs // 2):
            encoded = [sorted_unique(np.concatenate(encoded))]
            pending = 0
            check_pair_limit(len(encoded[0]), max_pairs, plan)
    if plan.window and plan.neighbourhood_columns:
        names = [by_name[c] for c in plan.neighbourhood_columns if c in by_name]
        joined = np.array(
            [" ".join(parts) for parts in zip(*(c.values for c in names), strict=True)],
            dtype=object,
        )
        valid = ~np.logical_and.reduce([c.missing for c in names])
        left, right = sorted_neighbourhood(
            joined.astype(str), plan.window, valid, partition, max_pairs
        )
        check_pair_limit(len(left), max_pairs, plan)  # its pairs are distinct: a lower bound
        encoded.append(left * n + right)
    unique = sorted_unique(np.concatenate(encoded))
    check_pair_limit(len(unique), max_pairs, plan)
    return unique // n, unique % n


def check_pair_limit(count: int, max_pairs: int, plan: BlockingPlan) -> None:
    """Raise when ``count`` candidate pairs exceed the cap (both backends call this)."""
    if count > max_pairs:
        raise CandidatePairLimitError(
            f"blocking would produce more than {max_pairs:,} candidate pairs "
            f"(passes: {plan.describe()}); lower accuracy_cost_tradeoff, set partition_by, "
            f"or raise max_candidate_pairs if the machine has the memory"
        )
