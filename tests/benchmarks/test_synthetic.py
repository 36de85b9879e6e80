"""Tests for the synthetic person tables that benchmarks and quality tests rely on.

Benchmarks are only meaningful if the generator is deterministic, returns what it promises
(row count, duplicate share, entity sizes) and never produces a "duplicate" that is an exact
copy, so these properties are pinned here. Everything runs on at most 100k rows, in seconds.
"""

from __future__ import annotations

import doctest
import itertools
import re

import numpy as np
import pandas as pd
import pytest

from benchmarks import synthetic

COLUMNS = list(synthetic.COLUMNS)
FIELDS = COLUMNS[2:]


@pytest.fixture(scope="module")
def big() -> pd.DataFrame:
    return synthetic.make_person_table(100_000, duplicate_share=0.3, seed=3)


def split(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Originals, duplicates, and each duplicate's original aligned row for row with it."""
    ordered = frame.sort_values(["entity_id", "person_id"], kind="stable")
    is_original = ~ordered["entity_id"].duplicated()
    originals = ordered[is_original].set_index("entity_id")
    duplicates = ordered[~is_original]
    reference = originals.loc[duplicates["entity_id"].to_numpy()]
    return originals, duplicates, reference


def filled(frame: pd.DataFrame) -> np.ndarray:
    values = frame[FIELDS].to_numpy(dtype=object)
    return np.where(pd.isna(values), "<missing>", values)


def test_same_seed_gives_identical_frame() -> None:
    first = synthetic.make_person_table(20_000, seed=5)
    second = synthetic.make_person_table(20_000, seed=5)
    pd.testing.assert_frame_equal(first, second, check_exact=True)
    assert first.to_csv(index=False) == second.to_csv(index=False)
    assert not first.equals(synthetic.make_person_table(20_000, seed=6))


@pytest.mark.parametrize("n_rows", [0, 1, 2, 3, 7, 10, 999, 10_000])
@pytest.mark.parametrize("share", [0.0, 0.3, 0.8])
def test_exact_row_count_and_columns(n_rows: int, share: float) -> None:
    frame = synthetic.make_person_table(n_rows, duplicate_share=share, seed=1)
    assert len(frame) == n_rows
    assert list(frame.columns) == COLUMNS
    assert frame["entity_id"].dtype == np.int64
    sizes = frame["entity_id"].value_counts()
    assert (sizes <= 5).all()
    assert n_rows - len(sizes) == min(round(share * n_rows), n_rows * 4 // 5)


def test_person_id_is_a_unique_padded_key(big: pd.DataFrame) -> None:
    assert big["person_id"].is_unique
    assert big["person_id"].str.fullmatch(r"p\d{7}").all()
    assert big["person_id"].min() == "p0000001"
    assert big["person_id"].max() == "p0100000"
    # shuffled: neither ids nor entities come in order
    assert not big["person_id"].is_monotonic_increasing
    assert not big["entity_id"].is_monotonic_increasing


@pytest.mark.parametrize("share", [0.05, 0.3, 0.5, 0.8])
def test_duplicate_share_within_tolerance(share: float) -> None:
    frame = synthetic.make_person_table(20_000, duplicate_share=share, seed=2)
    duplicates = len(frame) - frame["entity_id"].nunique()
    assert abs(duplicates / len(frame) - share) < 0.001


def test_every_duplicate_differs_from_its_original(big: pd.DataFrame) -> None:
    _, duplicates, reference = split(big)
    assert len(duplicates) == 30_000
    differing = (filled(duplicates) != filled(reference)).sum(axis=1)
    assert differing.min() >= 1
    assert differing.max() <= 4  # 1-3 corruptions; a name swap changes two fields


def test_entity_sizes_are_geometric_ish(big: pd.DataFrame) -> None:
    sizes = big["entity_id"].value_counts().value_counts().sort_index()
    assert list(sizes.index) == [1, 2, 3, 4, 5]  # an original plus 1-4 duplicates
    assert sizes[2] > sizes[3] > sizes[4] > sizes[5]
    assert sizes[2] / sizes[3] == pytest.approx(1 / 0.45, rel=0.15)


def test_corruptions_are_varied_and_realistic(big: pd.DataFrame) -> None:
    _, dup, ref = split(big)
    dup, ref = dup.reset_index(drop=True), ref.reset_index(drop=True)
    n = len(dup)
    nicknames = {s for forms in synthetic.NICKNAMES.values() for s in forms}
    nickname = dup["given_name"].isin(nicknames) & ~ref["given_name"].isin(nicknames)
    swapped = (dup["given_name"] == ref["surname"]) & (dup["surname"] == ref["given_name"])
    born = ref["date_of_birth"]
    dob = born.str[:4] + born.str[6:] + born.str[4:6]
    day_month = (dup["date_of_birth"] == dob) & (dup["date_of_birth"] != ref["date_of_birth"])
    missing = (dup[FIELDS].isna() & ref[FIELDS].notna()).any(axis=1)
    typo = (
        pd.Series(
            [
                d is not None and r is not None and d != r and abs(len(d) - len(r)) <= 1
                for d, r in zip(dup["surname"], ref["surname"], strict=True)
            ]
        )
        & ~swapped
    )
    digit_typo = (dup["id_number"].str.len() == 9) & (dup["id_number"] != ref["id_number"])
    for kind, share in [
        ("nickname", nickname),
        ("swap", swapped),
        ("day_month", day_month),
        ("missing", missing),
        ("typo", typo),
        ("digits", digit_typo),
    ]:
        assert 0.02 < share.sum() / n < 0.6, kind
    assert dup["id_number"].dropna().str.fullmatch(r"\d{9}").all()
    assert dup["postcode"].dropna().str.fullmatch(r"\d{4}").all()


def test_originals_are_clean_and_consistent(big: pd.DataFrame) -> None:
    originals, _, _ = split(big)
    for column in ("given_name", "surname", "suburb", "postcode", "state"):
        assert originals[column].notna().all(), column
    assert originals["date_of_birth"].isna().mean() < 0.02
    dates = pd.to_datetime(originals["date_of_birth"], format="%Y%m%d", errors="coerce")
    assert dates.notna().sum() == originals["date_of_birth"].notna().sum()
    assert dates.min() >= pd.Timestamp("1930-01-01")
    assert dates.max() <= pd.Timestamp("2009-12-31")
    assert originals["id_number"].dropna().str.fullmatch(r"[1-9]\d{8}").all()
    assert originals.groupby("suburb")[["postcode", "state"]].nunique().max().max() == 1
    assert set(originals["state"]) <= {"nsw", "vic", "qld", "wa", "sa", "tas", "act", "nt"}


def test_vocabularies_are_large_and_skewed(big: pd.DataFrame) -> None:
    surnames = big["surname"].value_counts(normalize=True)
    assert len(surnames) > 3_000
    assert 0.003 < surnames.iloc[0] < 0.03  # the commonest surname is common, not dominant
    assert 0.15 < surnames.iloc[:100].sum() < 0.6
    given = big["given_name"].value_counts(normalize=True)
    assert given.iloc[0] > 5 * given.iloc[150]
    assert big["suburb"].nunique() > 500
    assert big["address"].nunique() > 5_000


def test_text_columns_hold_strings_or_none(big: pd.DataFrame) -> None:
    for column in ["person_id", *FIELDS]:
        assert {type(value) for value in big[column].dropna()} == {str}, column
        assert all(re.fullmatch(r"[a-z0-9 ]+", v) for v in big[column].dropna().unique())


def test_true_pairs_match_brute_force() -> None:
    frame = synthetic.make_person_table(400, duplicate_share=0.4, seed=9)
    pairs = synthetic.true_pairs(frame)
    expected = {
        (b, a)
        for _, group in frame.groupby("entity_id")
        for a, b in itertools.combinations(sorted(group.index), 2)
    }
    assert set(pairs) == expected
    assert len(pairs) == len(expected) == synthetic.true_pair_count(frame)
    keyed = synthetic.true_pairs(frame.set_index("person_id"))
    assert keyed.get_level_values(0).str.startswith("p").all()


def test_true_pair_count_at_scale(big: pd.DataFrame) -> None:
    sizes = big["entity_id"].value_counts()
    assert synthetic.true_pair_count(big) == int((sizes * (sizes - 1) // 2).sum())
    assert synthetic.true_pair_count(big["entity_id"]) == synthetic.true_pair_count(big)
    assert len(synthetic.true_pairs(big)) == synthetic.true_pair_count(big)


def test_truth_helpers_skip_null_entities() -> None:
    entities = pd.Series([1.0, 1.0, np.nan, np.nan, 2.0, 2.0, 2.0])
    assert synthetic.true_pair_count(entities) == 4
    assert len(synthetic.true_pairs(entities)) == 4
    assert len(synthetic.true_pairs(entities.iloc[:0])) == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_rows": -1},
        {"n_rows": 10, "duplicate_share": -0.1},
        {"n_rows": 10, "duplicate_share": 0.9},
    ],
)
def test_rejects_bad_arguments(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        synthetic.make_person_table(**kwargs)  # type: ignore[arg-type]


def test_module_example_runs() -> None:
    assert doctest.testmod(synthetic).failed == 0
