"""One check shared by the Spark parity tests: a Spark result equals the pandas engine's."""

from __future__ import annotations

from typing import Any

import numpy as np
from gx_findmatches import MatchResult


def assert_same_as_pandas(spark_result: Any, expected: MatchResult, key: str) -> None:
    """The same candidate pairs, the same ``match_id`` per record and the same confidences."""
    pairs = spark_result.pairs.toPandas()
    ours = {frozenset(p) for p in zip(pairs["left_key"], pairs["right_key"], strict=True)}
    theirs = {
        frozenset(p)
        for p in zip(expected.pairs["left_key"], expected.pairs["right_key"], strict=True)
    }
    assert ours == theirs
    frame = spark_result.frame.toPandas().set_index(key).loc[expected.frame[key]]
    assert frame["match_id"].tolist() == expected.frame["match_id"].tolist()
    np.testing.assert_allclose(
        frame["match_confidence_score"].to_numpy(),
        expected.frame["match_confidence_score"].to_numpy(),
    )
