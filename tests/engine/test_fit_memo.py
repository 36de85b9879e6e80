"""Matching the table fit saw reuses fit's pairs and levels, with identical results."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from gx_findmatches import FindMatches
from gx_findmatches.datasets.febrl import PRIMARY_KEY


def test_reused_work_gives_the_same_result_as_a_fresh_match(
    febrl3: pd.DataFrame, tmp_path: Path
) -> None:
    transform = FindMatches(primary_key=PRIMARY_KEY).fit(febrl3)
    saved = transform.save(tmp_path / "t.json")
    reused = transform.match(febrl3)
    assert transform._fit_memo is None, "the memo is used once and dropped"
    fresh = FindMatches.load(saved).match(febrl3)  # a loaded transform has no memo
    pd.testing.assert_frame_equal(reused.frame, fresh.frame)
    pd.testing.assert_frame_equal(reused.pairs, fresh.pairs)


def test_another_table_is_never_matched_with_fits_pairs(febrl3: pd.DataFrame) -> None:
    transform = FindMatches(primary_key=PRIMARY_KEY).fit(febrl3)
    changed = febrl3.copy()
    changed.loc[0, "surname"] = "somebody-else"
    result = transform.match(changed)
    expected = FindMatches(primary_key=PRIMARY_KEY).fit(febrl3)
    expected._fit_memo = None
    baseline = expected.match(changed)
    pd.testing.assert_frame_equal(result.frame, baseline.frame)
    assert np.array_equal(result.pairs["probability"], baseline.pairs["probability"])
