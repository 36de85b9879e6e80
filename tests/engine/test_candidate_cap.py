"""The candidate-pair cap counts distinct pairs, not the overlapping output of every pass."""

from __future__ import annotations

import pandas as pd
import pytest
from gx_findmatches import CandidatePairLimitError, FindMatches
from gx_findmatches.datasets.febrl import PRIMARY_KEY
from gx_findmatches.engine.blocking import KeyCodes, pair_count
from gx_findmatches.engine.prepared import prepare_table


def test_cap_applies_to_distinct_pairs(febrl3: pd.DataFrame) -> None:
    default = FindMatches(primary_key=PRIMARY_KEY).fit(febrl3)
    distinct = default.match(febrl3).summary.candidate_pairs
    table = prepare_table(febrl3, PRIMARY_KEY, None, default.column_plan_.compared)
    keys = KeyCodes(table.columns, table.partition)
    summed = sum(pair_count(keys.compound(key)) for key in default.blocking_plan_.keys)
    assert summed > 2 * distinct, "the passes overlap: the sum is no measure of memory or work"

    just_enough = FindMatches(primary_key=PRIMARY_KEY, max_candidate_pairs=distinct + 1_000)
    result = just_enough.fit(febrl3).match(febrl3)
    assert result.summary.candidate_pairs == distinct

    too_small = FindMatches(primary_key=PRIMARY_KEY, max_candidate_pairs=distinct - 1_000)
    with pytest.raises(CandidatePairLimitError, match="max_candidate_pairs"):
        too_small.fit(febrl3)
