"""Training data for the unsupervised model: random pairs for ``u``, sessions for ``m``.

Blocked candidate pairs are a biased sample (they agree on some key by construction), so the
model is never fitted on them directly (see :mod:`.fellegi_sunter`). Instead:

- ``u`` comes from uniformly random record pairs;
- ``m`` comes from *training sessions*: for a few columns, a random sample of the pairs that
  agree exactly on that column. Inside one session only that column's agreement is forced,
  so the other columns show how matches and non-matches really differ.

Sessions are keyed on the most specific columns (fewest agreeing pairs) first: their pairs hold
the largest share of matches, which is what EM needs to find the match class, and every
column is left free by at least one session whenever there are two or more.
"""

from __future__ import annotations

import numpy as np

from .blocking import KeyCodes, pair_count, pairs_within_groups
from .fellegi_sunter import TrainingSession
from .prepared import PreparedTable

SESSION_PAIRS = 100_000  # pairs sampled per session: EM runs on distinct patterns anyway
MAX_SESSIONS = 5
_MIN_SESSION_PAIRS = 10
# The key rule a session on a column of this kind agrees on, when not its exact value: a
# model-code column holds all of a title's codes, of which the longest names the product.
SESSION_RULES = {"model_code": "first_token"}


def within_partition_pairs(partition: np.ndarray) -> int:
    """How many record pairs share a partition: the population the prior is a share of."""
    sizes = np.bincount(partition) if len(partition) else np.zeros(1, dtype="int64")
    return int((sizes.astype("int64") * (sizes - 1) // 2).sum())


def training_sessions(
    table: PreparedTable, keys: KeyCodes, seed: int, pairs_per_session: int = SESSION_PAIRS
) -> list[TrainingSession]:
    """Up to ``MAX_SESSIONS`` sessions, each keyed on one column's exact value."""
    candidates: list[tuple[int, int, np.ndarray]] = []
    for index, column in enumerate(table.columns):
        rule = SESSION_RULES.get(column.spec.kind, "exact")
        codes = keys.compound(((column.spec.name, rule),))
        count = pair_count(codes)
        if count >= _MIN_SESSION_PAIRS:
            candidates.append((count, index, codes))
    candidates.sort(key=lambda item: (item[0], item[1]))
    rng = np.random.default_rng(seed)
    sessions = []
    for count, index, codes in candidates[:MAX_SESSIONS]:
        left, right = sample_pairs_within_groups(codes, pairs_per_session, rng)
        sessions.append(TrainingSession(index, table.levels(left, right), count))
    return sessions


def sample_pairs_within_groups(
    codes: np.ndarray, size: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """About ``size`` record pairs drawn uniformly from all pairs that share a code.

    All of them when there are no more than ``size``; otherwise a group is drawn in proportion
    to its pair count and two distinct members of it at random (with replacement across
    draws), so no pair list of a coarse key is ever built.
    """
    if pair_count(codes) <= size:
        return pairs_within_groups(codes)
    valid = np.flatnonzero(codes >= 0)
    order = valid[np.argsort(codes[valid], kind="stable")]
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    sizes = np.diff(np.r_[starts, len(order)]).astype("int64")
    weights = (sizes * (sizes - 1) / 2).astype("float64")
    group = rng.choice(len(sizes), size=size, p=weights / weights.sum())
    first = rng.integers(0, sizes[group])
    second = rng.integers(0, sizes[group] - 1)
    second = second + (second >= first)
    a, b = order[starts[group] + first], order[starts[group] + second]
    return np.minimum(a, b), np.maximum(a, b)


def random_pairs(n: int, size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct random record pairs (all pairs when there are fewer than ``size``)."""
    total = n * (n - 1) // 2
    if total <= size:
        left, right = np.triu_indices(n, k=1)
        return left.astype("int64"), right.astype("int64")
    rng = np.random.default_rng(seed)
    left = rng.integers(0, n, size)
    right = rng.integers(0, n, size)
    keep = left != right
    return np.minimum(left, right)[keep], np.maximum(left, right)[keep]
