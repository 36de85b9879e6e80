"""Blocking plans in time linear in the number of columns (issue 10, item 16).

Measured before: 300 rows with 200 columns planned for 11-73 s and 400 columns for 33-84 s,
because every coarse key (a survey answer, a short code) was costed in a two-column
combination with every other coarse key: 1,200 coarse keys, 700k combinations. The work is
counted here as keys costed, not as seconds, so the test holds on a loaded machine.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from gx_findmatches.engine.blocking import _MAX_COMBINED_KEYS, KeyCodes, plan_blocking
from gx_findmatches.engine.columns import ColumnSpec
from gx_findmatches.engine.comparison import PreparedColumn, prepare_column

ROWS = 100
ANSWERS = ("yes", "no", "maybe", "unknown", "often")


class CountingKeyCodes(KeyCodes):
    """The engine's key cache, counting the keys it is asked to cost."""

    def __init__(self, columns: list[PreparedColumn], partition: np.ndarray) -> None:
        super().__init__(columns, partition)
        self.costed = 0

    def compound(
        self, key: tuple[tuple[str, str], ...], rows: np.ndarray | None = None
    ) -> np.ndarray:
        self.costed += 1
        return super().compound(key, rows)


def _survey_columns(count: int) -> list[PreparedColumn]:
    """``count`` columns of survey answers: five short words, so every key family of every
    column is coarse (more than ``5 n`` pairs alone)."""
    rng = np.random.default_rng(0)
    return [
        prepare_column(
            ColumnSpec(f"q{j}", "name", "given by the user"),
            pd.Series(rng.choice(ANSWERS, ROWS), dtype=object),
        )
        for j in range(count)
    ]


def _keys_costed(columns: int) -> int:
    prepared = _survey_columns(columns)
    partition = np.zeros(ROWS, dtype="int64")
    keys = CountingKeyCodes(prepared, partition)
    plan_blocking(prepared, partition, 0.5, keys)
    return keys.costed


def test_blocking_planning_is_linear_in_columns() -> None:
    narrow, wide = _keys_costed(60), _keys_costed(120)
    singles = 120 * 4  # four key families per name column
    assert wide <= singles + len(list(combinations(range(_MAX_COMBINED_KEYS), 2)))
    assert wide < 2.5 * narrow  # twice the columns, about twice the work (was 4x)
