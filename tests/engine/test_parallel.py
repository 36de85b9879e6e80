"""Threads change speed, never results: the same table gives the same pairs, levels and
groups on one thread and on several."""

from __future__ import annotations

import pandas as pd
import pytest
from gx_findmatches import FindMatches
from gx_findmatches.datasets.febrl import PRIMARY_KEY
from gx_findmatches.engine.parallel import ordered_map, worker_count
from gx_findmatches.errors import ParameterError


def test_ordered_map_keeps_input_order_and_propagates_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GX_FINDMATCHES_THREADS", "3")
    assert worker_count() == 3
    assert list(ordered_map(lambda x: x * x, range(50))) == [x * x for x in range(50)]

    def fail_on_seven(x: int) -> int:
        if x == 7:
            raise ValueError("seven")
        return x

    with pytest.raises(ValueError, match="seven"):
        list(ordered_map(fail_on_seven, range(20)))


@pytest.mark.parametrize("value", ["two", "0", "-1"])
def test_a_bad_thread_count_is_a_clear_error(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GX_FINDMATCHES_THREADS", value)
    with pytest.raises(ParameterError, match="GX_FINDMATCHES_THREADS"):
        worker_count()


def test_one_thread_and_several_give_the_same_run(
    febrl3: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = []
    for threads in ("1", "4"):
        monkeypatch.setenv("GX_FINDMATCHES_THREADS", threads)
        transform = FindMatches(primary_key=PRIMARY_KEY).fit(febrl3)
        runs.append((transform, transform.match(febrl3)))
    (one, one_result), (many, many_result) = runs
    assert one.blocking_plan_ == many.blocking_plan_
    assert one.fellegi_sunter_.to_dict() == many.fellegi_sunter_.to_dict()
    pd.testing.assert_frame_equal(one_result.pairs, many_result.pairs)
    pd.testing.assert_frame_equal(one_result.frame, many_result.frame)
