"""The fast comparison paths give exactly what comparing record by record gives.

Comparisons go through each column's distinct forms (equal forms skip the string measure,
repeated form pairs are scored once) and the models read levels computed in chunks without
similarities. Both are pure speed-ups: these tests hold them to the plain path.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from gx_findmatches.datasets.febrl import PRIMARY_KEY
from gx_findmatches.engine.blocking import candidate_pairs
from gx_findmatches.engine.blocking_plan import plan_blocking
from gx_findmatches.engine.columns import plan_columns
from gx_findmatches.engine.comparison import compare_levels, compare_pairs, similarity
from gx_findmatches.engine.prepared import PreparedTable, prepare_table
from gx_findmatches.engine.training import random_pairs


@pytest.fixture(scope="module")
def prepared(febrl3: pd.DataFrame) -> PreparedTable:
    plan = plan_columns(febrl3, PRIMARY_KEY, None, None)
    return prepare_table(febrl3, PRIMARY_KEY, None, plan.compared)


@pytest.fixture(scope="module")
def pairs(prepared: PreparedTable) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (mostly similar records) plus random pairs (mostly different)."""
    plan = plan_blocking(prepared.columns, prepared.partition, 0.5)
    left, right = candidate_pairs(plan, prepared.columns, prepared.partition, 10**7)
    r_left, r_right = random_pairs(len(prepared), 20_000, seed=3)
    return np.concatenate([left, r_left]), np.concatenate([right, r_right])


def test_similarity_through_forms_equals_record_by_record(
    prepared: PreparedTable, pairs: tuple[np.ndarray, np.ndarray]
) -> None:
    left, right = pairs
    checked = 0
    for column in prepared.columns:
        if column.codes is None:
            continue
        plain = dataclasses.replace(column, codes=None, forms=None, alternate_forms=None)
        fast = similarity(column, left, right)
        slow = similarity(plain, left, right)
        np.testing.assert_array_equal(np.isnan(fast), np.isnan(slow))
        np.testing.assert_allclose(fast[~np.isnan(fast)], slow[~np.isnan(slow)], atol=1e-6)
        checked += 1
    assert checked >= 8  # every string column of FEBRL3 took the fast path


@pytest.mark.parametrize("chunk_pairs", [7_919, 5_000_000])
def test_chunked_levels_equal_the_full_comparison(
    prepared: PreparedTable, pairs: tuple[np.ndarray, np.ndarray], chunk_pairs: int
) -> None:
    left, right = pairs
    expected = compare_pairs(prepared.columns, left, right).levels
    levels = compare_levels(prepared.columns, left, right, chunk_pairs=chunk_pairs)
    assert levels.dtype == np.int8
    np.testing.assert_array_equal(levels, expected)
    assert (levels == -1).any() and (levels == 0).any() and (levels > 0).any()
