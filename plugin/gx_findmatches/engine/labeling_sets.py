"""Labeling-set generation (Glue's LABELING_SET_GENERATION): the active-learning step.

A labeling set is a question for a person: "group these ~10 records into matching records".
Random rows make useless questions (they almost never match), so each set is grown around the
pair the current model is *least sure about* (probability closest to the threshold), then
filled with that pair's strongest candidate neighbours: the set holds likely matches and near
misses together, exactly where a label moves the decision boundary. Records already labelled
are never asked again, and no record appears in two sets of one file. With no fitted model
yet, the unsupervised model is fitted first, so the first round needs no labels.

The output is a Glue label file with ``label`` empty, plus an optional ``suggested_label``
column holding the model's current grouping of each set, for a person to correct rather than
start from scratch (ignored on import).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import ParameterError
from .blocking import pairs_within_groups
from .clustering import Constraints, cluster
from .labels import LABEL_COLUMN, RECOMMENDED_MAX_SET_SIZE, SET_COLUMN
from .log_odds import logit
from .matcher import Matcher
from .prepared import PreparedTable
from .settings import DEFAULTS

SUGGESTION_COLUMN = "suggested_label"


def generate_labeling_sets(
    fitted: Matcher,
    X: pd.DataFrame,
    n_sets: int = 10,
    set_size: int = 10,
    exclude_keys: Iterable[object] = (),
    strategy: Literal["active", "random"] = "active",
    suggest: bool = True,
    random_state: int = DEFAULTS["random_state"],
    set_prefix: str | None = None,
) -> pd.DataFrame:
    """Write labeling sets for ``X`` (see the module docstring).

    Args:
        fitted: the current model (``FindMatches.labeling_sets`` fits one first when the
            transform is not fitted yet).
        X: the table to label.
        n_sets: number of sets (Glue's default file has about 10).
        set_size: records per set, 2 to 50 (Glue warns that larger sets label poorly).
        exclude_keys: primary keys already labelled; they are never asked again.
        strategy: ``active`` (uncertain pairs and their neighbours) or ``random`` rows, the
            baseline active learning is measured against.
        suggest: add the ``suggested_label`` helper column.
        random_state: seed for tie-breaking and the random strategy.
        set_prefix: prefix of the ``labeling_set_id`` values; by default one derived from
            how many records were already labelled, so each labeling round gets new ids (a
            shared id would merge two sets into one on import) and runs are reproducible.
    """
    if not 2 <= set_size <= RECOMMENDED_MAX_SET_SIZE:
        raise ParameterError(
            f"set_size must be between 2 and {RECOMMENDED_MAX_SET_SIZE} (Glue recommends "
            f"10-20; larger sets give poor labels), got {set_size}"
        )
    if n_sets < 1:
        raise ParameterError(f"n_sets must be at least 1, got {n_sets}")
    table = fitted.prepare(X)
    excluded = set(map(str, exclude_keys))
    available = ~table.keys.astype(str).isin(excluded).to_numpy()
    rng = np.random.default_rng(random_state)
    if strategy == "random":
        sets = _random_sets(available, n_sets, set_size, rng)
    else:
        sets = _active_sets(fitted, table, available, n_sets, set_size, rng)
    prefix = set_prefix if set_prefix is not None else f"r{len(excluded):06d}-"
    return _labeling_file(fitted, X, table, sets, suggest, prefix)


def _active_sets(
    fitted: Matcher,
    table: PreparedTable,
    available: np.ndarray,
    n_sets: int,
    set_size: int,
    rng: np.random.Generator,
) -> list[np.ndarray]:
    """Sets that each join a doubtful pair and a likely match, with their neighbours.

    Doubtful pairs (probability nearest the threshold) are where a label moves the decision
    boundary; but when the model is wrong they may hold no match at all, and then the labels
    teach nothing about matches (measured: 5 matching pairs in 225 on RLdata10000). So half of
    each set grows around a doubtful pair and half around a pair drawn at random from the
    predicted matches: every round holds matches, and since those are drawn at random they
    also show how often the model's matches are right. When the model predicts fewer matches
    than there are sets (a model that settled on the wrong class may predict none: on a
    two-shop product catalogue not one labelled pair matched in two rounds), the pairs with
    the strongest exact agreements top them up, whatever the model's weights say.
    """
    left, right = fitted.candidate_pairs(table)
    usable = available[left] & available[right]
    left, right = left[usable], right[usable]
    probability = fitted.pair_probabilities(table, left, right)
    threshold = fitted.threshold
    distance = np.abs(logit(probability, 1e-9) - logit(np.full(1, threshold), 1e-9))
    doubtful = deque(np.lexsort((rng.random(len(left)), distance)).tolist())  # least sure first
    predicted = rng.permutation(np.flatnonzero(probability >= threshold))
    if len(predicted) < n_sets:
        predicted = np.r_[predicted, _agreeing_pairs(fitted, table, left, right, predicted, rng)]
    likely = deque(predicted.tolist())
    neighbours = _Neighbours(left, right, probability)
    used = np.zeros(len(table), dtype=bool)
    sets: list[np.ndarray] = []
    while len(sets) < n_sets and (doubtful or likely):
        members: list[int] = []
        for queue, share in ((doubtful, set_size // 2), (likely, set_size)):
            while queue and len(members) < share:
                pair = queue.popleft()
                a, b = int(left[pair]), int(right[pair])
                if used[a] or used[b] or a in members or b in members:
                    continue
                members += neighbours.grow([a, b], used, members, share - len(members))
        if len(members) >= 2:
            used[members] = True
            sets.append(np.array(sorted(members)))
        elif not doubtful and not likely:
            break
    return sets


def _agreeing_pairs(
    fitted: Matcher,
    table: PreparedTable,
    left: np.ndarray,
    right: np.ndarray,
    taken: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Candidate pairs (not in ``taken``) most likely to match by what they agree on exactly,
    read without the model's ``m``: each exactly agreeing column adds how rare that agreement
    is among random pairs (``-log u``). Strongest first, ties in random order."""
    u_exact = np.array([table_u[0] for table_u in fitted.fellegi_sunter.u])
    exact = table.levels(left, right) == 0
    evidence = exact @ -np.log(u_exact)
    rest = np.setdiff1d(np.flatnonzero(evidence > 0), taken)
    return rest[np.lexsort((rng.random(len(rest)), -evidence[rest]))]


class _Neighbours:
    """Each record's candidate partners, strongest first."""

    def __init__(self, left: np.ndarray, right: np.ndarray, probability: np.ndarray) -> None:
        frame = pd.DataFrame(
            {
                "record": np.r_[left, right],
                "other": np.r_[right, left],
                "probability": np.r_[probability, probability],
            }
        ).sort_values("probability", ascending=False, kind="stable")
        self._by_record = frame.groupby("record")

    def grow(self, seed: list[int], used: np.ndarray, taken: list[int], room: int) -> list[int]:
        """The seed records plus their strongest unused neighbours, breadth first, at most
        ``room`` records in all."""
        members = list(seed[:room])
        frontier = list(members)
        while frontier and len(members) < room:
            record = frontier.pop(0)
            if record not in self._by_record.groups:
                continue
            for other in self._by_record.get_group(record)["other"].to_numpy():
                if len(members) == room:
                    break
                if not used[other] and other not in members and other not in taken:
                    members.append(int(other))
                    frontier.append(int(other))
        return members


def _random_sets(
    available: np.ndarray, n_sets: int, set_size: int, rng: np.random.Generator
) -> list[np.ndarray]:
    candidates = rng.permutation(np.flatnonzero(available))
    count = min(n_sets, len(candidates) // set_size)
    return [np.sort(candidates[i * set_size : (i + 1) * set_size]) for i in range(count)]


def _labeling_file(
    fitted: Matcher,
    X: pd.DataFrame,
    table: PreparedTable,
    sets: list[np.ndarray],
    suggest: bool,
    prefix: str,
) -> pd.DataFrame:
    parts = []
    for number, members in enumerate(sets, start=1):
        rows = X.iloc[table.order[members]]
        part = rows.assign(**{SET_COLUMN: f"{prefix}{number:03d}", LABEL_COLUMN: None})
        if suggest:
            part[SUGGESTION_COLUMN] = _suggestions(fitted, table, members)
        parts.append(part)
    columns = [SET_COLUMN, LABEL_COLUMN, *map(str, X.columns)]
    if suggest:
        columns.append(SUGGESTION_COLUMN)
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def _suggestions(fitted: Matcher, table: PreparedTable, members: np.ndarray) -> list[str]:
    """The model's grouping of one set, as letters A, B, ... in record order."""
    local_left, local_right = pairs_within_groups(np.zeros(len(members), dtype="int64"))
    probability = fitted.pair_probabilities(table, members[local_left], members[local_right])
    groups = cluster(
        len(members),
        local_left,
        local_right,
        probability,
        fitted.threshold,
        score=lambda a, b: fitted.pair_probabilities(table, members[a], members[b]),
        constraints=Constraints.none(),
    ).group
    letters = {
        g: chr(ord("A") + i % 26) + ("" if i < 26 else str(i // 26))
        for i, g in enumerate(pd.unique(groups))
    }
    return [letters[g] for g in groups]
