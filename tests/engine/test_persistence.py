"""A saved transform is plain JSON, and a reloaded one makes identical predictions."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from gx_findmatches import FindMatches
from gx_findmatches.datasets.febrl import PRIMARY_KEY, labels_from_truth

PICKLE_MARKERS = (
    b"\x80\x02",
    b"\x80\x03",
    b"\x80\x04",
    b"\x80\x05",
    b"pickle",
    b"joblib",
    b"__reduce__",
    b"py/object",
    b"numpy.core",
    b"ndarray",
)


@pytest.fixture(scope="module")
def subset(febrl3: pd.DataFrame, febrl3_truth: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """Every FEBRL3 record of the first 400 true entities (about 1,000 rows), truth intact."""
    keep = febrl3_truth.astype(int) < 400
    return febrl3[keep].reset_index(drop=True), febrl3_truth[keep].reset_index(drop=True)


def _variants(
    frame: pd.DataFrame, truth: pd.Series
) -> Iterator[tuple[str, FindMatches, pd.DataFrame, pd.DataFrame | None]]:
    labels = labels_from_truth(frame, truth, PRIMARY_KEY, max_records=100)
    yield "unsupervised", FindMatches(primary_key=PRIMARY_KEY), frame, None
    yield "supervised", FindMatches(primary_key=PRIMARY_KEY), frame, labels
    # integer keys, explicit kinds, a partition column and enforced labels
    numbered = frame.assign(number=np.arange(len(frame), dtype="int64") * 3 + 11).drop(
        columns=PRIMARY_KEY
    )
    # a labelled match may not cross partitions: answer labels per (person, state)
    scoped_truth = truth + "@" + numbered["state"].fillna("")
    int_labels = labels_from_truth(numbered, scoped_truth, "number", max_records=100)
    columns = {
        "given_name": "name",
        "surname": "name",
        "address_1": "text",
        "postcode": "code",
        "date_of_birth": "date",
        "soc_sec_id": "code",
    }
    transform = FindMatches(
        primary_key="number",
        columns=columns,
        partition_by="state",
        enforce_provided_labels=True,
        precision_recall_tradeoff=0.6,
        accuracy_cost_tradeoff=0.3,
        random_state=7,
    )
    yield "int-keys-enforced", transform, numbered, int_labels


@pytest.fixture(scope="module")
def round_trips(
    subset: tuple[pd.DataFrame, pd.Series], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, Any]]:
    frame, truth = subset
    folder = tmp_path_factory.mktemp("models")
    out: dict[str, dict[str, Any]] = {}
    for name, transform, data, labels in _variants(frame, truth):
        transform.fit(data, labels)
        path = folder / f"{name}.json"
        returned = transform.save(path)
        loaded = FindMatches.load(path)
        out[name] = {
            "fitted": transform,
            "loaded": loaded,
            "path": path,
            "returned": returned,
            "data": data,
            "before": transform.match(data),
            "after": loaded.match(data),
        }
    return out


VARIANTS = ["unsupervised", "supervised", "int-keys-enforced"]


@pytest.mark.parametrize("name", VARIANTS)
def test_reloaded_transform_gives_identical_output(
    round_trips: dict[str, dict[str, Any]], name: str
) -> None:
    trip = round_trips[name]
    before, after = trip["before"], trip["after"]
    assert trip["returned"] == trip["path"]
    assert trip["loaded"].model_kind_ == trip["fitted"].model_kind_
    assert trip["loaded"].get_params() == trip["fitted"].get_params()
    assert before.summary.groups_with_duplicates > 0, "the case must contain matches"
    pd.testing.assert_series_equal(after.frame["match_id"], before.frame["match_id"])
    np.testing.assert_allclose(
        after.frame["match_confidence_score"].to_numpy(dtype=float),
        before.frame["match_confidence_score"].to_numpy(dtype=float),
        rtol=1e-12,
        atol=1e-12,
    )
    pd.testing.assert_frame_equal(
        after.pairs[["left_key", "right_key", "same_group"]],
        before.pairs[["left_key", "right_key", "same_group"]],
    )
    np.testing.assert_allclose(
        after.pairs["probability"], before.pairs["probability"], rtol=1e-12, atol=1e-12
    )


def test_supervised_variants_really_are_supervised(round_trips: dict[str, dict[str, Any]]) -> None:
    assert round_trips["unsupervised"]["loaded"].model_kind_ == "unsupervised"
    assert round_trips["supervised"]["loaded"].model_kind_ == "supervised"
    assert round_trips["int-keys-enforced"]["loaded"].model_kind_ == "supervised"


def test_enforced_labels_survive_reload(round_trips: dict[str, dict[str, Any]]) -> None:
    trip = round_trips["int-keys-enforced"]
    loaded = trip["loaded"]
    assert loaded.enforce_provided_labels is True
    assert len(loaded.labels_) == len(trip["fitted"].labels_) > 0
    pd.testing.assert_frame_equal(
        loaded.labels_.reset_index(drop=True),
        trip["fitted"].labels_.reset_index(drop=True),
        check_dtype=False,
    )
    match_of = dict(
        zip(trip["data"]["number"].astype(str), trip["after"].frame["match_id"], strict=True)
    )
    for left, right, is_match in loaded.labels_.itertuples(index=False):
        assert (match_of[left] == match_of[right]) == bool(is_match)


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str)
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


@pytest.mark.parametrize("name", VARIANTS)
def test_model_file_is_json_without_pickle(
    round_trips: dict[str, dict[str, Any]], name: str
) -> None:
    raw = round_trips[name]["path"].read_bytes()
    text = raw.decode("utf-8")
    data = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON {c}"))
    assert data["format"] == "gx-findmatches-transform"
    assert isinstance(data["version"], int)
    for marker in PICKLE_MARKERS:
        assert marker not in raw, f"{marker!r} in the model file"
    for leaf in _leaves(data):
        assert leaf is None or isinstance(leaf, (str, int, float, bool))
        if isinstance(leaf, float):
            assert np.isfinite(leaf)
        if isinstance(leaf, str):  # no encoded binary blobs hiding in strings
            assert not re.fullmatch(r"[A-Za-z0-9+/=\s]{200,}", leaf)


def test_saving_a_reloaded_transform_gives_the_same_file(
    round_trips: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    for name in VARIANTS:
        trip = round_trips[name]
        again = trip["loaded"].save(tmp_path / f"{name}.json")
        assert json.loads(again.read_text()) == json.loads(trip["path"].read_text())


def test_save_overwrites_atomically(round_trips: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    target = tmp_path / "model.json"
    target.write_text("an older file")
    round_trips["supervised"]["fitted"].save(target)
    round_trips["unsupervised"]["fitted"].save(target)
    assert json.loads(target.read_text())["classifier"] is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]
