"""The Spark backend's blocking keys, checked against the engine's own key codes in pandas.

These run without Spark: the per-record key functions are plain numpy/pandas, and they are
what makes Spark's candidate pairs equal the engine's, so they are pinned pass by pass.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from gx_findmatches import FindMatches
from gx_findmatches.engine.blocking import KeyCodes, crossed_name
from gx_findmatches.engine.columns import ColumnSpec
from gx_findmatches.engine.prepared import prepare_table
from gx_findmatches.spark.blocking import bucket_pairs, hashed_entries


def _same_partition_of_records(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two labelings group the records identically (labels themselves may differ)."""
    pairs = pd.DataFrame({"a": a, "b": b}).drop_duplicates()
    return bool(pairs["a"].is_unique and pairs["b"].is_unique)


def test_hashed_keys_group_records_exactly_as_the_engines_key_codes(
    febrl3: pd.DataFrame, febrl3_unsupervised: FindMatches
) -> None:
    fm = febrl3_unsupervised
    table = prepare_table(febrl3, fm.primary_key, None, fm.column_plan_.compared)
    partition = np.arange(len(table)) % 3  # three partitions: keys must never cross them
    columns = {c.spec.name: c for c in table.columns}
    entries = hashed_entries(columns, fm.blocking_plan_.keys, np.arange(len(table)), partition)
    codes = KeyCodes(table.columns, partition)
    assert len(fm.blocking_plan_.keys) > 10
    for index, key in enumerate(fm.blocking_plan_.keys):
        expected = codes.compound(key)
        ours = entries[entries["_gxfm_pass"] == index]
        assert (ours["_gxfm_pos"].to_numpy() == np.flatnonzero(expected >= 0)).all(), key
        hashed = ours["_gxfm_h1"].to_numpy(), ours["_gxfm_h2"].to_numpy()
        labels = pd.MultiIndex.from_arrays(hashed).factorize()[0]
        assert _same_partition_of_records(labels, expected[expected >= 0]), key


def test_bucket_pairs_pairs_each_key_group_once() -> None:
    entries = pd.DataFrame(
        {
            "_gxfm_pos": [5, 1, 3, 1, 5, 9],
            "_gxfm_pass": [0, 0, 0, 1, 1, 1],
            "_gxfm_h1": [7, 7, 7, 8, 8, 9],
            "_gxfm_h2": [1, 1, 1, 2, 2, 3],
        }
    )
    pairs = bucket_pairs(entries, max_pairs=100)
    assert sorted(zip(pairs["left"], pairs["right"], strict=True)) == [(1, 3), (1, 5), (3, 5)]


def test_bucket_pairs_marks_a_pass_over_the_cap_instead_of_making_its_pairs() -> None:
    entries = pd.DataFrame(
        {
            "_gxfm_pos": np.arange(10),
            "_gxfm_pass": np.zeros(10, dtype="int32"),
            "_gxfm_h1": np.ones(10, dtype="int64"),
            "_gxfm_h2": np.ones(10, dtype="int64"),
        }
    )
    assert len(bucket_pairs(entries, max_pairs=45)) == 45
    marker = bucket_pairs(entries, max_pairs=44)
    assert marker.to_dict("list") == {"left": [-1], "right": [-1]}


def test_crossed_name_keys_hash_as_the_engine_codes_them() -> None:
    """The crossed key of swapped name columns (alone and with another column) groups
    records in Spark's hashed form exactly as the engine's key codes do."""
    frame = pd.DataFrame(
        {
            "id": range(6),
            "given": ["jessica", "martin", "jessica", None, "ann", "lee"],
            "family": ["martin", "jessica", "martin", "lee", "lee", "ann"],
            "city": ["york", "york", "leeds", "york", "bath", "bath"],
        }
    )
    table = prepare_table(
        frame, "id", None, [*_name_specs("given", "family"), *_name_specs("city")]
    )
    partition = np.zeros(len(table), dtype="int64")
    keys = [
        ((crossed_name("given", "family"), "exact"),),
        ((crossed_name("given", "family"), "exact"), ("city", "exact")),
    ]
    columns = {c.spec.name: c for c in table.columns}
    entries = hashed_entries(columns, keys, np.arange(len(table)), partition)
    codes = KeyCodes(table.columns, partition)
    crossed = codes.compound(keys[0])
    assert crossed[0] == crossed[1] == crossed[2] != crossed[4] == crossed[5]
    assert crossed[3] == -1  # a name missing: no key
    for index, key in enumerate(keys):
        expected = codes.compound(key)
        ours = entries[entries["_gxfm_pass"] == index]
        assert (ours["_gxfm_pos"].to_numpy() == np.flatnonzero(expected >= 0)).all(), key
        labels = pd.MultiIndex.from_arrays(
            [ours["_gxfm_h1"].to_numpy(), ours["_gxfm_h2"].to_numpy()]
        ).factorize()[0]
        assert _same_partition_of_records(labels, expected[expected >= 0]), key


def _name_specs(*names: str) -> list[ColumnSpec]:
    return [ColumnSpec(name, "name", "test") for name in names]
