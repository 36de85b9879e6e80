"""Groups of any size: no silent cap turns a big entity into singletons.

Measured before: components over 300 records lost every link (301 identical rows came out as
301 groups with confidence 0.0; 5,000 identical rows among 5,299 passed a "duplicate rate <=
0.05" check; the four most prolific inventors of a public patent table became singletons).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from gx_findmatches import FindMatches

from benchmarks.synthetic import make_person_table

KEY = "person_id"


def _people(rows: int, seed: int) -> pd.DataFrame:
    return make_person_table(rows, duplicate_share=0.0, seed=seed).drop(columns="entity_id")


def test_5000_identical_rows_among_5299_are_one_group_at_full_confidence() -> None:
    others = _people(300, seed=1)
    copies = pd.concat([others.iloc[[0]]] * 5_000, ignore_index=True)
    copies[KEY] = [f"copy-{i:04d}" for i in range(5_000)]
    table = pd.concat([others.iloc[1:], copies], ignore_index=True)
    result = FindMatches(primary_key=KEY).fit(table).match(table)
    copy_rows = result.frame[result.frame[KEY].str.startswith("copy-")]
    assert copy_rows["match_id"].nunique() == 1
    assert (copy_rows["match_confidence_score"] == 1.0).all()
    assert result.summary.largest_group == 5_000
    assert result.summary.collapsed_records == 4_999
    assert len(result.frame) == len(table)  # every row once


def test_a_table_of_identical_rows_is_one_group_not_an_error() -> None:
    row = _people(5, seed=2).iloc[[0]]
    table = pd.concat([row] * 400, ignore_index=True)
    table[KEY] = [f"r{i}" for i in range(400)]
    matched = FindMatches(primary_key=KEY).fit_transform(table)
    assert matched["match_id"].nunique() == 1
    assert matched["match_id"].iloc[0] == "r0"  # the smallest key names the group


def test_an_entity_with_2000_noisy_records_is_one_group() -> None:
    people = _people(4_000, seed=3)
    one = people.iloc[0]
    rng = np.random.default_rng(0)
    records = []
    for i in range(2_000):
        record = one.copy()
        record[KEY] = f"e-{i:04d}"
        column = rng.choice(["given_name", "surname", "address", "suburb", "street_number"])
        value = str(record[column])
        cut = int(rng.integers(0, max(len(value), 1)))
        record[column] = value[:cut] + value[cut + 1 :]  # one typo in one field
        records.append(record)
    table = pd.concat([people.iloc[1:], pd.DataFrame(records)], ignore_index=True)
    result = FindMatches(primary_key=KEY).fit(table).match(table)
    entity = result.frame[result.frame[KEY].str.startswith("e-")]
    assert entity["match_id"].nunique() == 1
    in_group = result.frame["match_id"].isin(entity["match_id"].unique())
    assert int(in_group.sum()) == 2_000  # and no stranger joins it


@pytest.mark.parametrize("copies", [2, 301])
def test_identical_copies_keep_every_row_and_share_one_id(copies: int) -> None:
    base = _people(50, seed=4)
    extra = pd.concat([base.iloc[[7]]] * copies, ignore_index=True)
    extra[KEY] = [f"x{i}" for i in range(copies)]
    table = pd.concat([base, extra], ignore_index=True)
    matched = FindMatches(primary_key=KEY).fit_transform(table)
    assert len(matched) == len(table)
    ids = matched.loc[matched[KEY].isin([*extra[KEY], base.iloc[7][KEY]]), "match_id"]
    assert ids.nunique() == 1


def test_copies_that_hold_only_a_common_value_are_not_one_group() -> None:
    """Identical on what they hold, but all they hold is a state: 50 people known only by
    their state were folded into a few groups at confidence 1.0 (copies were folded before
    the model was asked); copies without gaps still fold (the tests above)."""
    people = _people(400, seed=3)
    sparse = people.index[:50]
    compared = [c for c in people.columns if c not in (KEY, "state")]
    people.loc[sparse, compared] = None
    assert people.loc[sparse, "state"].nunique() < 10  # many copies of each state
    out = FindMatches(primary_key=KEY).fit_transform(people)
    assert out.loc[sparse, "match_id"].value_counts().max() == 1
