"""Incremental matching on Spark gives the pandas engine's ``match_incremental``, exactly.

FEBRL3 split in two: the first 4,000 rows matched by the pandas engine (the existing table),
the last 1,000 as new records (791 of them duplicates of existing people). Two existing
tables: the pandas output as it is, and the same with every family split in two (the record
with the largest key given its own group, as a stricter earlier model would leave it), where
hundreds of new records link two existing groups, which must never merge. Issue 11: "no
incremental on Spark" was the gap.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from gx_findmatches import ColumnError, FindMatches, InputError, MatchResult, PrimaryKeyError
from gx_findmatches.cli import main
from gx_findmatches.datasets.febrl import PRIMARY_KEY
from gx_findmatches.spark import job

pytestmark = pytest.mark.spark

EXISTING_ROWS = 4000


@dataclass(frozen=True)
class IncrementalRun:
    """One existing table and the new records, matched incrementally by both engines."""

    existing: pd.DataFrame
    new: pd.DataFrame
    pandas: MatchResult
    frame: pd.DataFrame  # Spark output, in the pandas output's row order
    pairs: pd.DataFrame  # Spark's scored pairs
    candidate_pairs: int
    skipped_pairs: int
    threshold: float
    variant: str


def split_families(existing: pd.DataFrame) -> pd.DataFrame:
    """The existing table with each group's largest key moved to a group of its own."""
    split = existing.copy()
    groups = split.groupby("match_id")[PRIMARY_KEY]
    last = (split[PRIMARY_KEY] == groups.transform("max")) & (groups.transform("size") >= 2)
    split.loc[last, "match_id"] = split.loc[last, PRIMARY_KEY]
    return split


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("as matched", marks=pytest.mark.slow),
        pytest.param("families split", marks=pytest.mark.slow),
    ],
)
def run(
    request: pytest.FixtureRequest,
    spark: Any,
    febrl3: pd.DataFrame,
    febrl3_unsupervised: FindMatches,
    unsupervised_model_file: Path,
) -> IncrementalRun:
    from gx_findmatches.spark import SparkFindMatches

    old = febrl3.iloc[:EXISTING_ROWS].reset_index(drop=True)
    new = febrl3.iloc[EXISTING_ROWS:].reset_index(drop=True)
    existing = febrl3_unsupervised.match(old).frame
    if request.param == "families split":
        existing = split_families(existing)
    expected = febrl3_unsupervised.match_incremental(existing, new)
    result = SparkFindMatches(unsupervised_model_file).match_incremental(
        spark.createDataFrame(existing), spark.createDataFrame(new)
    )
    frame = result.frame.toPandas()
    order = pd.Index(frame[PRIMARY_KEY]).get_indexer(expected.frame[PRIMARY_KEY])
    assert (order >= 0).all(), "Spark output lost records"
    return IncrementalRun(
        existing,
        new,
        expected,
        frame.iloc[order].reset_index(drop=True),
        result.pairs.toPandas(),
        result.candidate_pairs,
        result.skipped_pairs,
        febrl3_unsupervised.matcher.threshold,
        request.param,
    )


def _pair_set(pairs: pd.DataFrame) -> set[frozenset[object]]:
    return {frozenset(p) for p in zip(pairs["left_key"], pairs["right_key"], strict=True)}


def test_every_input_row_exactly_once_with_the_pandas_ids_and_scores(run: IncrementalRun) -> None:
    frame, expected = run.frame, run.pandas.frame
    assert len(frame) == len(run.existing) + len(run.new)
    assert frame[PRIMARY_KEY].is_unique
    assert list(frame.columns) == list(expected.columns)
    assert (frame["match_id"].to_numpy() == expected["match_id"].to_numpy()).all()
    np.testing.assert_allclose(
        frame["match_confidence_score"].to_numpy(dtype=float),
        expected["match_confidence_score"].to_numpy(dtype=float),
        atol=1e-12,
    )


def test_existing_ids_and_scores_never_change(run: IncrementalRun) -> None:
    by_key = run.frame.set_index(PRIMARY_KEY)
    existing = run.existing.set_index(PRIMARY_KEY)
    kept = by_key.loc[existing.index]
    assert (kept["match_id"] == existing["match_id"]).all()
    np.testing.assert_allclose(kept["match_confidence_score"], existing["match_confidence_score"])


def test_new_records_join_existing_groups_or_form_groups_named_by_their_smallest_key(
    run: IncrementalRun,
) -> None:
    frame = run.frame
    is_new = frame[PRIMARY_KEY].isin(run.new[PRIMARY_KEY])
    existing_ids = set(run.existing["match_id"])
    joined = is_new & frame["match_id"].isin(existing_ids)
    formed = frame[is_new & ~joined]
    smallest = frame[frame["match_id"].isin(formed["match_id"])].groupby("match_id")[PRIMARY_KEY]
    assert (smallest.min() == smallest.min().index).all()
    assert not frame[~is_new]["match_id"].isin(formed["match_id"]).any()
    assert joined.sum() > 500 and len(formed) > 100


def test_a_new_record_linking_two_existing_groups_never_merges_them(run: IncrementalRun) -> None:
    groups = dict(zip(run.existing[PRIMARY_KEY], run.existing["match_id"], strict=True))
    new_keys = set(run.new[PRIMARY_KEY])
    strong = run.pairs[run.pairs["probability"] >= run.threshold]
    links: dict[object, set[object]] = {}
    for left, right in zip(strong["left_key"], strong["right_key"], strict=True):
        for a, b in ((left, right), (right, left)):
            if a in new_keys and b in groups:
                links.setdefault(a, set()).add(groups[b])
    bridges = [linked for linked in links.values() if len(linked) > 1]
    if run.variant == "families split":
        assert len(bridges) > 100  # the case happens, hundreds of times
    output = run.frame.set_index(PRIMARY_KEY)["match_id"]
    members = pd.Series(list(groups), index=list(groups.values()))
    for linked in bridges:  # the groups a new record links keep their distinct ids
        assert set(output[members.loc[list(linked)]]) == linked


def test_only_pairs_with_a_new_record_are_scored(run: IncrementalRun) -> None:
    existing_keys = set(run.existing[PRIMARY_KEY])
    both_existing = run.pairs["left_key"].isin(existing_keys) & run.pairs["right_key"].isin(
        existing_keys
    )
    assert not both_existing.any()
    assert _pair_set(run.pairs) == _pair_set(run.pandas.pairs)
    assert run.candidate_pairs == len(run.pairs) == run.pandas.summary.candidate_pairs
    assert run.skipped_pairs == run.pandas.summary.skipped_pairs > 0
    spark = run.pairs.set_index(["left_key", "right_key"])["probability"]
    pandas = run.pandas.pairs.set_index(["left_key", "right_key"])["probability"]
    np.testing.assert_allclose(spark.loc[pandas.index].to_numpy(), pandas.to_numpy(), atol=1e-12)


# ------------------------------------------------------------------------------ bad input
@pytest.fixture(scope="module")
def tiny(febrl3: pd.DataFrame) -> tuple[FindMatches, pd.DataFrame, pd.DataFrame]:
    """A model fitted on 300 FEBRL3 rows, the first 200 matched (existing), 100 new."""
    rows = febrl3.iloc[:300].reset_index(drop=True)
    model = FindMatches(primary_key=PRIMARY_KEY).fit(rows)
    existing = model.transform(rows.iloc[:200])
    return model, existing, rows.iloc[200:].reset_index(drop=True)


def _refusals(
    existing: pd.DataFrame, new: pd.DataFrame
) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    return {
        "reused keys": (existing, existing.drop(columns=["match_id", "match_confidence_score"])),
        "other columns": (existing, new.assign(note="batch 2")),
        "not an earlier output": (existing.drop(columns="match_id"), new),
        "a trained column missing": (existing.drop(columns="surname"), new.drop(columns="surname")),
    }


@pytest.mark.parametrize(
    "case", ["reused keys", "other columns", "not an earlier output", "a trained column missing"]
)
def test_bad_inputs_are_refused_with_the_pandas_engines_error_and_message(
    spark: Any, tiny: tuple[FindMatches, pd.DataFrame, pd.DataFrame], case: str
) -> None:
    from gx_findmatches.spark import SparkFindMatches

    model, existing, new = tiny
    old, added = _refusals(existing, new)[case]
    with pytest.raises((ColumnError, InputError, PrimaryKeyError)) as by_pandas:
        model.match_incremental(old, added)
    with pytest.raises(type(by_pandas.value)) as by_spark:
        SparkFindMatches(model).match_incremental(
            spark.createDataFrame(old), spark.createDataFrame(added)
        )
    if case == "reused keys":  # the same count; five examples, in whatever order each finds
        assert str(by_spark.value).startswith("200 new record(s) reuse primary keys")
        assert set(str(by_spark.value).split("[")[1].split("]")[0].split(", ")) <= {
            repr(k) for k in existing[PRIMARY_KEY]
        }
    else:
        assert str(by_spark.value) == str(by_pandas.value)


def test_pandas_frames_are_pointed_to_the_pandas_engine(
    tiny: tuple[FindMatches, pd.DataFrame, pd.DataFrame],
) -> None:
    from gx_findmatches.spark import SparkFindMatches

    model, existing, new = tiny
    with pytest.raises(InputError, match=r"FindMatches\.match"):
        SparkFindMatches(model).match_incremental(existing, new)


@pytest.mark.slow  # numbering the table first: about 5 s
def test_existing_ids_unreadable_as_the_key_type_are_refused(
    spark: Any, febrl3: pd.DataFrame
) -> None:
    """Integer keys, text match_ids (an output edited by hand): Spark columns have one type,
    and turning the ids into nulls would silently give existing records new ids."""
    from gx_findmatches.spark import SparkFindMatches

    rows = febrl3.iloc[:300].drop(columns=PRIMARY_KEY).assign(id=range(300))
    model = FindMatches(primary_key="id").fit(rows)
    existing = model.transform(rows.iloc[:200]).astype({"match_id": str})
    existing.loc[:9, "match_id"] = "group-a"
    with pytest.raises(InputError, match=r"10 existing match_id value\(s\) cannot be read as"):
        SparkFindMatches(model).match_incremental(
            spark.createDataFrame(existing), spark.createDataFrame(rows.iloc[200:])
        )


# ------------------------------------------------------------------------- job and CLI
@pytest.mark.slow
def test_the_job_matches_new_records_against_an_existing_parquet_output(
    spark: Any,
    tiny: tuple[FindMatches, pd.DataFrame, pd.DataFrame],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    model, existing, new = tiny
    saved = model.save(tmp_path / "model.json")
    existing.to_parquet(tmp_path / "existing.parquet", index=False)
    new.to_csv(tmp_path / "new.csv", index=False)
    out = tmp_path / "matched"
    argv = ["--model", str(saved), "--existing", str(tmp_path / "existing.parquet")]
    assert job.main([*argv, "--data", str(tmp_path / "new.csv"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    expected = model.match_incremental(existing, new)
    assert f"skipped {expected.summary.skipped_pairs:,} existing-existing pairs" in printed
    written = pd.read_parquet(out).set_index(PRIMARY_KEY)
    wanted = expected.frame.set_index(PRIMARY_KEY)
    assert sorted(written.index) == sorted(wanted.index)
    assert (written.loc[wanted.index, "match_id"] == wanted["match_id"]).all()
    # writing over the existing table it reads would destroy it: refused, nothing written
    again = [*argv, "--data", str(tmp_path / "new.csv"), "--replace-output"]
    before = (tmp_path / "existing.parquet").read_bytes()
    assert job.main([*again, "--out", str(tmp_path / "existing.parquet")]) == 2
    assert "writing would destroy what is read" in capsys.readouterr().err
    assert (tmp_path / "existing.parquet").read_bytes() == before


@pytest.mark.slow
def test_match_incremental_engine_spark_gives_the_pandas_ids_from_a_stored_transform(
    spark: Any, febrl3: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    febrl3.iloc[:EXISTING_ROWS].to_csv(old, index=False)
    febrl3.iloc[EXISTING_ROWS:].to_csv(new, index=False)
    store = ["--store", f"sqlite:///{tmp_path / 'store.db'}", "--quiet"]
    existing = tmp_path / "existing.csv"
    create = ["transform", "create", "people", "--data", str(old), "--primary-key", PRIMARY_KEY]
    assert main([*create, *store]) == 0
    assert main(["train", "people", *store]) == 0
    assert main(["match", "--transform", "people", "--out", str(existing), *store]) == 0
    incremental = ["match-incremental", "people", "--existing", str(existing), "--new", str(new)]
    by_pandas, by_spark = tmp_path / "pandas.csv", tmp_path / "spark-out"
    assert main([*incremental, "--out", str(by_pandas), *store]) == 0
    capsys.readouterr()
    assert main([*incremental, "--out", str(by_spark), "--engine", "spark", "--json", *store]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["rows"] == len(febrl3) and summary["skipped_pairs"] > 0
    spark_ids = pd.read_parquet(by_spark).set_index(PRIMARY_KEY)["match_id"].sort_index()
    pandas_ids = pd.read_csv(by_pandas, dtype=str).set_index(PRIMARY_KEY)["match_id"].sort_index()
    pd.testing.assert_series_equal(spark_ids, pandas_ids)
    before = pd.read_csv(existing, dtype=str).set_index(PRIMARY_KEY)["match_id"]
    assert (spark_ids.loc[before.index] == before).all()  # existing ids never change
