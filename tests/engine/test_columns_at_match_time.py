"""A table that lost a training column since fit (issue 10, item 5) is refused with the
missing columns named, on every path that matches a table with a fitted transform."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from gx_findmatches import FindMatches
from gx_findmatches.datasets.febrl import PRIMARY_KEY
from gx_findmatches.errors import ColumnError


@pytest.fixture(scope="module")
def table(febrl3: pd.DataFrame) -> pd.DataFrame:
    return febrl3.head(300).reset_index(drop=True)


@pytest.fixture(scope="module")
def model_path(table: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("model") / "model.json"
    FindMatches(primary_key=PRIMARY_KEY).fit(table).save(path)
    return path


def _names_the_fix(message: str, *missing: str) -> None:
    for name in missing:
        assert repr(name) in message
    assert "fit the transform again" in message
    assert "add the missing column" in message


def test_loaded_transform_names_the_missing_column(model_path: Path, table: pd.DataFrame) -> None:
    # was: KeyError: 'surname'
    with pytest.raises(ColumnError) as info:
        FindMatches.load(model_path).match(table.drop(columns="surname"))
    _names_the_fix(str(info.value), "surname")


def test_every_missing_column_is_named_on_every_matching_path(
    model_path: Path, table: pd.DataFrame
) -> None:
    fitted = FindMatches.load(model_path)
    lost = table.drop(columns=["surname", "postcode"])
    existing = fitted.match(table.head(200)).frame.drop(columns=["surname", "postcode"])
    calls = {
        "transform": lambda: fitted.transform(lost),
        "prepare": lambda: fitted.prepare(lost),
        "explain": lambda: fitted.explain(lost, [(lost[PRIMARY_KEY][0], lost[PRIMARY_KEY][1])]),
        "incremental": lambda: fitted.match_incremental(existing, lost.tail(100)),
        "labeling sets": lambda: fitted.labeling_sets(lost, n_sets=2, set_size=5),
    }
    for name, call in calls.items():
        with pytest.raises(ColumnError) as info:
            call()
        assert "['surname', 'postcode']" in str(info.value), name
