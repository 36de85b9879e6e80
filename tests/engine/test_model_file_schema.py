"""A model file is untrusted input: each crafted file of issue 10 (item 4, and the version
message of item 14) ends in a ModelFileError naming the field, the problem and the fix, and
no field can make blocking build more than ``max_candidate_pairs`` pairs."""

from __future__ import annotations

import copy
import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from gx_findmatches import FindMatches
from gx_findmatches.datasets.febrl import PRIMARY_KEY, labels_from_truth, true_entities
from gx_findmatches.engine.blocking import BlockingPlan, candidate_pairs, sorted_neighbourhood
from gx_findmatches.engine.columns import ColumnSpec
from gx_findmatches.engine.comparison import prepare_column
from gx_findmatches.engine.model_schema import MAX_FILE_BYTES, MAX_WINDOW
from gx_findmatches.engine.persistence import matcher_from_dict
from gx_findmatches.errors import CandidatePairLimitError, ModelFileError

Mutation = Callable[[dict[str, Any]], None]
FIX = "fit the transform again"


@pytest.fixture(scope="module")
def table(febrl3: pd.DataFrame) -> pd.DataFrame:
    return febrl3.head(300).reset_index(drop=True)


@pytest.fixture(scope="module")
def saved(table: pd.DataFrame) -> dict[str, Any]:
    """A real supervised model file's content (labels give it a classifier)."""
    labels = labels_from_truth(table, true_entities(table), PRIMARY_KEY, max_records=40)
    fitted = FindMatches(primary_key=PRIMARY_KEY).fit(table, labels)
    assert fitted.model_kind_ == "supervised"
    from gx_findmatches.engine.persistence import matcher_to_dict

    return json.loads(json.dumps(matcher_to_dict(fitted.matcher)))


def _load(tmp_path: Path, saved: dict[str, Any], mutate: Mutation) -> FindMatches:
    data = copy.deepcopy(saved)
    mutate(data)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data))  # NaN and Infinity are written as JSON allows
    return FindMatches.load(path)


def _refused(tmp_path: Path, saved: dict[str, Any], mutate: Mutation, *words: str) -> str:
    with pytest.raises(ModelFileError) as info:
        _load(tmp_path, saved, mutate)
    message = str(info.value)
    for word in (*words, FIX):
        assert word in message, f"{word!r} not in {message!r}"
    return message


def test_the_unmodified_file_loads_and_matches(
    tmp_path: Path, saved: dict[str, Any], table: pd.DataFrame
) -> None:
    loaded = _load(tmp_path, saved, lambda d: None)
    assert loaded.model_kind_ == "supervised"
    assert loaded.match(table).summary.groups_with_duplicates > 0


def test_wrong_column_kind_is_named(tmp_path: Path, saved: dict[str, Any]) -> None:
    _refused(
        tmp_path,
        saved,
        lambda d: d["columns"][1].update(kind="colour"),
        "columns[1].kind",
        "'date'",
    )


def test_unknown_key_rule_is_named(tmp_path: Path, saved: dict[str, Any]) -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["blocking"]["keys"][0][0][1] = "double_metaphone"

    _refused(tmp_path, saved, mutate, "blocking.keys[0][0]", "double_metaphone", "soundex")


@pytest.mark.parametrize(
    ("field", "mutate"),
    [
        ("fellegi_sunter.m[0]", lambda d: d["fellegi_sunter"]["m"][0].pop()),
        ("fellegi_sunter.u[2]", lambda d: d["fellegi_sunter"]["u"][2].append(0.5)),
        ("classifier.weights[0]", lambda d: d["classifier"]["weights"][0].pop()),
        ("fellegi_sunter.m", lambda d: d["fellegi_sunter"]["m"].pop()),
    ],
    ids=["short-m", "long-u", "short-weights", "missing-table"],
)
def test_tables_of_the_wrong_length_are_refused(
    tmp_path: Path, saved: dict[str, Any], field: str, mutate: Mutation
) -> None:
    # a short m table was accepted and a long one silently ignored its extra level
    _refused(tmp_path, saved, mutate, field)


def test_dict_primary_key_is_refused(tmp_path: Path, saved: dict[str, Any]) -> None:
    _refused(
        tmp_path,
        saved,
        lambda d: d["params"].update(primary_key={"a": 1}),
        "params.primary_key",
        "valid string",
    )


def test_empty_column_list_is_refused(tmp_path: Path, saved: dict[str, Any]) -> None:
    _refused(tmp_path, saved, lambda d: d.update(columns=[]), "`columns`", "at least 1")


def test_deep_nesting_is_a_model_file_error(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    depth = 100_000
    path.write_text('{"format": "gx-findmatches-transform", "params": ' + "[" * depth + "]" * depth)
    with pytest.raises(ModelFileError, match="nested too deeply"):
        FindMatches.load(path)


@pytest.mark.parametrize(
    ("field", "mutate"),
    [
        ("fellegi_sunter.prior", lambda d: d["fellegi_sunter"].update(prior=float("nan"))),
        ("fellegi_sunter.m[3][0]", lambda d: d["fellegi_sunter"]["m"][3].__setitem__(0, np.nan)),
        (
            "classifier.weights[0][1]",
            lambda d: d["classifier"]["weights"][0].__setitem__(1, np.inf),
        ),
        ("classifier.intercept", lambda d: d["classifier"].update(intercept=-np.inf)),
    ],
    ids=["nan-prior", "nan-m", "inf-weight", "inf-intercept"],
)
def test_nan_or_infinite_numbers_are_refused(
    tmp_path: Path, saved: dict[str, Any], field: str, mutate: Mutation
) -> None:
    # a NaN prior made every record its own group, silently
    _refused(tmp_path, saved, mutate, field, "finite number")


def test_prior_outside_zero_one_is_refused(tmp_path: Path, saved: dict[str, Any]) -> None:
    _refused(
        tmp_path,
        saved,
        lambda d: d["fellegi_sunter"].update(prior=1.0),
        "fellegi_sunter.prior",
        "less than 1",
    )


def test_version_given_as_text_is_not_called_unsupported(
    tmp_path: Path, saved: dict[str, Any]
) -> None:
    message = _refused(tmp_path, saved, lambda d: d.update(version="1"), "'version' is '1'")
    assert "not supported" not in message
    assert "reads version 2" in message


def test_huge_window_is_refused_before_blocking(tmp_path: Path, saved: dict[str, Any]) -> None:
    # a window of 10^9 grew the process to 19.5 GB until the kernel killed it
    _refused(
        tmp_path,
        saved,
        lambda d: d["blocking"].update(window=1_000_000_000),
        "blocking.window",
        f"less than or equal to {MAX_WINDOW}",
    )


def test_file_cannot_lift_the_candidate_pair_cap_without_bound(
    tmp_path: Path, saved: dict[str, Any]
) -> None:
    _refused(
        tmp_path,
        saved,
        lambda d: d["params"].update(max_candidate_pairs=10**15),
        "params.max_candidate_pairs",
    )


def test_links_and_key_columns_must_exist(tmp_path: Path, saved: dict[str, Any]) -> None:
    _refused(
        tmp_path,
        saved,
        lambda d: d["fellegi_sunter"].update(links=[[0, 40, 1.0]]),
        "fellegi_sunter.links[0]",
    )
    _refused(
        tmp_path,
        saved,
        lambda d: d["blocking"]["neighbourhood_columns"].append("no_such_column"),
        "blocking.neighbourhood_columns",
        "no_such_column",
    )


def test_unknown_fields_are_refused(tmp_path: Path, saved: dict[str, Any]) -> None:
    _refused(tmp_path, saved, lambda d: d["params"].update(n_jobs=4), "params.n_jobs")


def test_oversized_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    with path.open("wb") as stream:  # sparse: takes no disk space
        stream.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(ModelFileError, match="MB a transform file may have"):
        FindMatches.load(path)


def test_a_dictionary_from_the_store_is_checked_too(saved: dict[str, Any]) -> None:
    data = copy.deepcopy(saved)
    data["columns"][0]["kind"] = 3
    with pytest.raises(ModelFileError, match=r"columns\[0\]\.kind"):
        matcher_from_dict(data)


# ------------------------------------------------------------------- blocking stays bounded
def test_sorted_neighbourhood_stops_at_the_record_count() -> None:
    # offsets past the last record made empty arrays, one pair per offset: 10^6 of them here
    tracemalloc.start()
    try:
        left, _ = sorted_neighbourhood(
            np.arange(10).astype(str), 1_000_000, np.ones(10, bool), np.zeros(10, "int64")
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(left) == 45
    assert peak < 1_000_000, f"{peak:,} bytes for 10 records"


def test_sorted_neighbourhood_pass_is_bounded_by_max_candidate_pairs() -> None:
    n = 20_000
    names = pd.Series([f"name{i:05d}" for i in range(n)])
    column = prepare_column(ColumnSpec("name", "name", "test"), names)
    plan = BlockingPlan(keys=(), window=MAX_WINDOW, neighbourhood_columns=("name",), budget=0)
    tracemalloc.start()
    try:
        with pytest.raises(CandidatePairLimitError, match="more than 1,000 candidate pairs"):
            candidate_pairs(plan, [column], np.zeros(n, "int64"), max_pairs=1_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # unbounded, the pass built all 99 x 20,000 pairs (tens of MB) before the cap was checked
    assert peak < 5_000_000, f"{peak:,} bytes for a cap of 1,000 pairs"


def test_a_file_of_millions_of_empty_lists_is_refused_before_decoding(tmp_path: Path) -> None:
    # 8 MB of "[]," decodes into 2 million lists: 140 MB from a file under the size cap
    path = tmp_path / "model.json"
    path.write_text(
        '{"format": "gx-findmatches-transform", "labels": [' + "[]," * 2_000_000 + "[]]}"
    )
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match="over the 200,000 a transform file may have"):
            FindMatches.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * path.stat().st_size


def test_a_transform_whose_file_would_not_load_is_not_saved(
    table: pd.DataFrame, tmp_path: Path
) -> None:
    fitted = FindMatches(primary_key=PRIMARY_KEY).fit(table)
    FindMatches.load(fitted.save(tmp_path / "valid.json"))  # within bounds: saved and read
    fitted.set_params(max_candidate_pairs=10**12)
    with pytest.raises(ModelFileError) as info:
        fitted.save(tmp_path / "model.json")
    message = str(info.value)
    assert message.startswith("this transform cannot be saved as a file that loads back")
    assert "`params.max_candidate_pairs`" in message and "set_params" in message
    assert not (tmp_path / "model.json").exists()
