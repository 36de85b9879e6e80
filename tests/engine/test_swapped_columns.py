"""Swapped name columns: found at fit from the data, compared crossed where that agrees better.

A first name written as the surname (and the surname as the first name) is a common slip in
person tables; compared column by column such a pair disagrees on both names. These tests hold
the detection to the data (no column names assumed), the crossed comparison to the straight
one, and the model file to what was found.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from gx_findmatches import FindMatches
from gx_findmatches.datasets.febrl import PRIMARY_KEY
from gx_findmatches.engine.blocking import crossed_name, key_codes, key_columns, key_source
from gx_findmatches.engine.columns import ColumnSpec
from gx_findmatches.engine.comparison import prepare_column
from gx_findmatches.engine.persistence import matcher_from_dict, matcher_to_dict
from gx_findmatches.engine.swapped_columns import (
    _exchanges,
    _lone_values_moved,
    _shared_codes,
    find_swapped_columns,
)
from gx_findmatches.engine.swapped_comparison import apply_swaps
from gx_findmatches.errors import ModelFileError

FIRST = ["james", "mary", "john", "linda", "robert", "susan", "david", "karen", "peter", "anna"]
LAST = ["smith", "jones", "brown", "taylor", "wilson", "evans", "walker", "wright", "green", "hall"]


def _people(n: int, swapped_share: float, seed: int = 0) -> pd.DataFrame:
    """``n`` people with distinct name pairs; a share of them again with names exchanged."""
    rng = np.random.default_rng(seed)
    first = [f"{FIRST[i % 10]}{i // 10}" for i in range(n)]
    last = [f"{LAST[(i * 7) % 10]}{i // 3}" for i in range(n)]
    frame = pd.DataFrame({"id": range(n), "given": first, "family": last})
    frame["birth"] = [f"19{50 + i % 50}-0{1 + i % 9}-1{i % 10}" for i in range(n)]
    chosen = rng.choice(n, int(n * swapped_share), replace=False)
    copies = frame.iloc[chosen].copy()
    copies[["given", "family"]] = copies[["family", "given"]].to_numpy()
    copies["id"] = range(n, n + len(copies))
    return pd.concat([frame, copies], ignore_index=True)


def _columns(frame: pd.DataFrame) -> list:
    names = [prepare_column(ColumnSpec(c, "name", "test"), frame[c]) for c in ("given", "family")]
    return [*names, prepare_column(ColumnSpec("birth", "date", "test"), frame["birth"])]


def test_exchanged_columns_are_found_and_independent_ones_are_not() -> None:
    assert find_swapped_columns(_columns(_people(2_000, 0.05))) == ((0, 1),)
    assert find_swapped_columns(_columns(_people(2_000, 0.0))) == ()


def test_places_exchanged_by_coincidence_are_not_taken_for_swaps() -> None:
    """Movers between two cities both ways exchange city and birth place far above what the
    columns' frequencies explain (the count test alone accepts them), but such records agree
    on nothing else, unlike duplicates with exchanged names."""
    rng = np.random.default_rng(1)
    n = 3_000
    towns = np.array([f"town{i}" for i in range(500)], dtype=object)
    born, living = rng.choice(towns, n), rng.choice(towns, n)
    born[:100], living[:100] = "london", "paris"
    born[100:200], living[100:200] = "paris", "london"
    frame = pd.DataFrame(
        {
            "born": born,
            "living": living,
            "person": [f"person{i}" for i in range(n)],
            "year": rng.integers(1900, 2000, n).astype(str),
        }
    )
    columns = [
        prepare_column(ColumnSpec(name, "name", "test"), frame[name]) for name in frame.columns
    ]
    shared = _shared_codes(columns)
    [(observed, expected)] = _exchanges(shared, 0, [1])
    assert observed > 10 * expected  # the count test alone would call this a swap
    assert find_swapped_columns(columns) == ()
    duplicates = frame.iloc[:300].copy()
    duplicates[["born", "living"]] = duplicates[["living", "born"]].to_numpy()
    twice = pd.concat([frame, duplicates], ignore_index=True)
    columns = [
        prepare_column(ColumnSpec(name, "name", "test"), twice[name]) for name in twice.columns
    ]
    assert find_swapped_columns(columns) == ((0, 1),)  # records that agree elsewhere: swaps


def test_a_crossed_pair_agrees_exactly_and_a_straight_pair_is_left_alone() -> None:
    frame = pd.DataFrame(
        {"given": ["jacob", "campbell", "jacob", "jakob"], "family": ["campbell", "jacob"] * 2}
    )
    columns = [prepare_column(ColumnSpec(c, "name", "test"), frame[c]) for c in frame.columns]
    left, right = np.array([0, 0, 0]), np.array([1, 2, 3])
    straight = np.array([[4, 4], [0, 1], [1, 1]], dtype="int8")  # as compared column by column
    similarities = np.zeros((3, 2))
    levels = apply_swaps(columns, [(0, 1)], left, right, straight.copy(), similarities)
    assert levels[0].tolist() == [0, 0]  # jacob campbell / campbell jacob: crossed, exact
    assert similarities[0].tolist() == [1.0, 1.0]  # explanations show what was compared
    assert similarities[1:].tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert levels[1].tolist() == straight[1].tolist()  # straight agrees better: unchanged
    assert levels[2].tolist() == straight[2].tolist()


def test_febrl_swaps_are_matched_and_kept_in_the_model_file(febrl3: pd.DataFrame) -> None:
    """With names, birth date and suburb only, a copy with the names exchanged disagrees on
    half its columns; compared crossed it is the same person (without: 17 of these 20)."""
    columns = ["given_name", "surname", "date_of_birth", "suburb"]
    fm = FindMatches(primary_key=PRIMARY_KEY, columns=columns).fit(febrl3)
    assert fm.matcher_.column_plan.swapped == (("given_name", "surname"),)
    originals = febrl3.iloc[::250]
    copies = originals.copy()
    copies[["given_name", "surname"]] = originals[["surname", "given_name"]].to_numpy()
    copies[PRIMARY_KEY] = [f"swapped-{key}" for key in originals[PRIMARY_KEY]]
    table = pd.concat([febrl3, copies], ignore_index=True)
    group = fm.match(table).frame.set_index(PRIMARY_KEY)["match_id"]
    assert (group[copies[PRIMARY_KEY]].to_numpy() == group[originals[PRIMARY_KEY]].to_numpy()).all()
    restored = matcher_from_dict(matcher_to_dict(fm.matcher_))
    assert restored.column_plan.swapped == fm.matcher_.column_plan.swapped


def test_model_files_without_swapped_columns_load_and_bad_ones_are_refused(
    febrl3: pd.DataFrame,
) -> None:
    data = matcher_to_dict(FindMatches(primary_key=PRIMARY_KEY).fit(febrl3.head(500)).matcher_)
    del data["swapped_columns"]  # a file written before swaps were found
    assert matcher_from_dict(data).column_plan.swapped == ()
    data["swapped_columns"] = [["given_name", "no_such_column"]]
    with pytest.raises(ModelFileError, match="swapped_columns"):
        matcher_from_dict(data)


def test_columns_exchanged_in_most_rows_are_judged_on_a_sample() -> None:
    """Two team columns of a fixtures table exchange values in nearly every pair of rows
    (2.5 billion pairs here); detection samples records instead of joining them all, and
    finds no swap: the exchanging rows agree on nothing else."""
    rng = np.random.default_rng(0)
    n = 100_000
    home = rng.choice(np.array(["ajax", "psv"], dtype=object), n)
    frame = pd.DataFrame(
        {
            "home": home,
            "away": np.where(home == "ajax", "psv", "ajax"),
            "venue": [f"stadium{i}" for i in rng.integers(0, 5_000, n)],
        }
    )
    columns = [prepare_column(ColumnSpec(c, "name", "test"), frame[c]) for c in frame.columns]
    assert find_swapped_columns(columns) == ()


def test_swapped_records_are_proposed_by_a_crossed_key_when_nothing_else_blocks_them() -> None:
    """A copy with exchanged names and a different birth date shares no straight key with its
    original; the crossed key (both names in sorted order) proposes it. Measured on the suite's
    partitioned table: pair completeness 0.962 -> 0.977, most of the rest being such swaps."""
    frame = _people(2_000, 0.05)
    copies = frame.index[2_000:]
    frame.loc[copies[::2], "birth"] = "2031-01-01"  # half the copies: no date to block on
    fm = FindMatches(primary_key="id").fit(frame)
    assert ("given<->family", "exact") in {part for key in fm.blocking_plan_.keys for part in key}
    pairs = fm.match(frame).pairs
    proposed = set(zip(pairs["left_key"], pairs["right_key"], strict=True))
    given = frame.set_index(["given", "family"])["id"]
    for copy in frame.loc[copies[::2]].itertuples():
        original = int(given[(copy.family, copy.given)])
        assert (original, copy.id) in proposed or (copy.id, original) in proposed


def test_the_crossed_key_reads_both_names_keys_in_sorted_order() -> None:
    frame = pd.DataFrame(
        {
            "given": ["Jessica", "martin", "jessica", None, "jamse", "hernandez"],
            "family": ["Martin", "jessica", "x", "y", "hernandez", "james"],
        }
    )
    columns = {c: prepare_column(ColumnSpec(c, "name", "test"), frame[c]) for c in frame.columns}
    assert key_columns(crossed_name("given", "family")) == ("given", "family")
    assert key_columns("given") == ("given",)
    exact = key_codes(*key_source(columns, crossed_name("given", "family"), "exact"))
    assert exact[0] == exact[1] != exact[2]  # the same two names, whichever column holds which
    assert exact[3] == -1  # one name missing: no key
    assert exact[4] != exact[5]  # a typo: not the same text...
    sounds = key_codes(*key_source(columns, crossed_name("given", "family"), "soundex"))
    assert sounds[4] == sounds[5] != sounds[0]  # ...but the same Soundex codes, crossed
    assert sounds[0] == sounds[1]


def test_a_crossed_key_is_kept_in_the_model_file_and_a_bad_one_refused() -> None:
    fm = FindMatches(primary_key="id").fit(_people(2_000, 0.05))
    data = matcher_to_dict(fm.matcher_)
    restored = matcher_from_dict(data)
    assert restored.blocking_plan.keys == fm.blocking_plan_.keys
    data["blocking"]["keys"] = [[["given<->no_such_column", "exact"]]]
    with pytest.raises(ModelFileError, match="no_such_column"):
        matcher_from_dict(data)


def _people_with_lone_names(n: int, moved_share: float, seed: int = 0) -> pd.DataFrame:
    """``_people`` without swaps, a tenth of them lacking a surname, and a share of them
    again with the surname written as the given name and no surname ("grundy", "")."""
    frame = _people(n, 0.0, seed)
    rng = np.random.default_rng(seed + 1)
    frame.loc[rng.choice(n, n // 10, replace=False), "family"] = None
    chosen = rng.choice(np.flatnonzero(frame["family"].notna()), int(n * moved_share), False)
    copies = frame.iloc[chosen].copy()
    copies["given"], copies["family"] = copies["family"], None
    copies["id"] = range(n, n + len(copies))
    return pd.concat([frame, copies], ignore_index=True)


def test_names_moved_into_the_other_column_are_found_and_lone_names_are_not() -> None:
    """A tenth of the records lack a surname: their given names look like given names.
    Copies whose surname moved into the given-name column hold surnames there, and agree
    with the records holding that surname on their birth date."""
    moved = _columns(_people_with_lone_names(2_000, 0.05))
    assert _lone_values_moved(*(_shared_codes(moved)[k] for k in (0, 1)))
    assert find_swapped_columns(moved) == ((0, 1),)
    lone = _columns(_people_with_lone_names(2_000, 0.0))
    assert not _lone_values_moved(*(_shared_codes(lone)[k] for k in (0, 1)))
    assert find_swapped_columns(lone) == ()


def test_a_moved_name_agrees_crossed_beside_the_missing_one() -> None:
    """Only an exact crossed value counts where a value is missing: "grundy" alone against
    "john grundy" is a name agreement, either way round; "jon" alone against "john grundy"
    stays as compared, and so does a pair that agrees straight."""
    frame = pd.DataFrame(
        {
            "given": ["grundy", "john", "jon", "grundy", "grundy", None],
            "family": [None, "grundy", None, "smith", None, "john"],
        }
    )
    columns = [prepare_column(ColumnSpec(c, "name", "test"), frame[c]) for c in frame.columns]
    left, right = np.array([0, 5, 2, 0, 0]), np.array([1, 1, 1, 3, 4])
    straight = np.array([[4, -1], [-1, 4], [1, -1], [0, -1], [0, -1]], dtype="int8")
    similarities = np.zeros((5, 2))
    levels = apply_swaps(columns, [(0, 1)], left, right, straight.copy(), similarities)
    assert levels[0].tolist() == [0, -1]  # grundy / john grundy: crossed, exact
    assert similarities[0, 0] == 1.0 and np.isnan(similarities[0, 1])
    assert levels[1].tolist() == [-1, 0]  # (none) john / john grundy: the mirror
    assert levels[2:].tolist() == straight[2:].tolist()  # a typo, or agreeing straight: as is


def test_levels_without_missing_values_or_swaps_are_left_as_compared() -> None:
    """Random pairs of a table with no missing name and no exchanged one keep the levels
    they were compared with, whatever the crossed values would say."""
    frame = _people(500, 0.0)
    columns = _columns(frame)
    rng = np.random.default_rng(0)
    left, right = rng.integers(0, 500, 5_000), rng.integers(0, 500, 5_000)
    straight = rng.integers(1, 4, (5_000, 3)).astype("int8")
    levels = apply_swaps(columns, [(0, 1)], left, right, straight.copy())
    crossed = (levels != straight).any(axis=1)
    given, family = frame["given"].to_numpy(), frame["family"].to_numpy()
    exchanged = (given[left] == family[right]) & (family[left] == given[right])
    assert not (crossed & ~exchanged).any()


def test_febrl_names_moved_into_the_given_name_are_matched(febrl3: pd.DataFrame) -> None:
    """Copies with the surname written as the given name and no surname: the same person,
    since their crossed name agrees exactly beside the missing one."""
    columns = ["given_name", "surname", "date_of_birth", "suburb"]
    originals = febrl3[febrl3["surname"].notna()].iloc[::100]
    copies = originals.copy()
    copies["given_name"], copies["surname"] = originals["surname"], None
    copies[PRIMARY_KEY] = [f"moved-{key}" for key in originals[PRIMARY_KEY]]
    table = pd.concat([febrl3, copies], ignore_index=True)
    fm = FindMatches(primary_key=PRIMARY_KEY, columns=columns).fit(table)
    assert fm.matcher_.column_plan.swapped == (("given_name", "surname"),)
    group = fm.match(table).frame.set_index(PRIMARY_KEY)["match_id"]
    together = group[copies[PRIMARY_KEY]].to_numpy() == group[originals[PRIMARY_KEY]].to_numpy()
    assert together.mean() >= 0.95
