"""Fuzzing the two files a user hands the engine: model files and label files.

A real saved model is mutated (fields dropped, replaced, retyped, made huge, NaN or deeply
nested; the text truncated) and loaded, then used to match; label tables are generated (empty
cells, foreign keys, mixed types, values that contradict the data, one huge set, bytes that are
no table at all) and parsed. Whatever the input, the engine ends in one of its own errors or in
a result, never in another traceback, and within the memory documented in
docs/reliability.md: traced memory per case, and the process's peak RSS over the run.
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
import resource
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from gx_findmatches import FindMatches
from gx_findmatches.datasets.febrl import PRIMARY_KEY, labels_from_truth, true_entities
from gx_findmatches.engine.labels import label_notes, label_pairs
from gx_findmatches.engine.persistence import matcher_to_dict
from gx_findmatches.errors import FindMatchesError, ModelFileError
from gx_findmatches.io import read_table
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

# The bounds docs/reliability.md promises (measured peaks are far below: see that page).
CASE_TRACED_BYTES = 64 * 2**20  # one match of 100 rows, or one label table parsed
BYTES_PER_FILE_BYTE = 16  # decoding a model file: at most this many bytes per byte of it
RUN_RSS_GROWTH_BYTES = 256 * 2**20  # the whole fuzz run, over the process's earlier peak
GROWN_JSON_BYTES = 2_000_000  # how large the fuzz lets one mutated value grow

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def table(febrl3: pd.DataFrame) -> pd.DataFrame:
    return febrl3.head(300).reset_index(drop=True)


@pytest.fixture(scope="module")
def saved(table: pd.DataFrame) -> dict[str, Any]:
    """A real supervised model file's content (a classifier, labels and notes in it)."""
    labels = labels_from_truth(table, true_entities(table), PRIMARY_KEY, max_records=40)
    fitted = FindMatches(primary_key=PRIMARY_KEY).fit(table, labels)
    return json.loads(json.dumps(matcher_to_dict(fitted.matcher)))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


class Memory:
    """Traced peak per case (traced only while the engine runs: tracing hypothesis's own
    generation would triple the run time) and RSS growth over a run."""

    def __init__(self) -> None:
        self.rss_before = _max_rss()
        self.largest_case = 0

    def case(self) -> None:
        tracemalloc.start()

    def check_case(self, what: str, file_bytes: int = 0) -> None:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        self.largest_case = max(self.largest_case, peak)
        bound = CASE_TRACED_BYTES + BYTES_PER_FILE_BYTE * file_bytes
        assert peak <= bound, f"{what}: {peak:,} bytes traced, over {bound:,}"

    def check_run(self) -> None:
        growth = _max_rss() - self.rss_before
        assert growth <= RUN_RSS_GROWTH_BYTES, f"peak RSS grew by {growth:,} bytes"


def _max_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


@pytest.fixture(scope="module")
def memory() -> Iterator[Memory]:
    tracked = Memory()
    yield tracked
    tracemalloc.stop()  # after a failed case
    tracked.check_run()


# ------------------------------------------------------------------------------ model files
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, -1, 1, 2, 10**9, 10**18, 10**300]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["1", "2", "name", "date", "exact", "soundex", "rec_id", "surname"]),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=8,
)
_DEEP = "__deeply_nested__"
_HUGE_LITERAL = "__huge_literal__"


_WORDS = st.sampled_from(
    [
        *("given_name", "surname", "state", "postcode", "rec_id"),  # columns
        *("name", "date", "code", "exact", "soundex", "prefix3", "", "A"),  # kinds, rules
    ]
)


def _similar(value: Any) -> st.SearchStrategy[Any]:
    if isinstance(value, bool):
        return st.just(not value)
    if isinstance(value, int):
        return st.integers(0, 2 * abs(value) + 2)
    if isinstance(value, float):
        return st.floats(0.0, 1.0) | st.floats(-50.0, 50.0)
    if isinstance(value, str):
        return _WORDS
    if isinstance(value, list) and value:
        return st.permutations(value) | st.just(value[:-1])
    return st.just(value)


def _walk(data: st.DataObject, doc: Any) -> tuple[Any, Any]:
    """A random (container, key) inside ``doc``, descending three times in four."""
    parent: Any = None
    key: Any = None
    node = doc
    while isinstance(node, (dict, list)) and node and data.draw(st.integers(0, 3)) > 0:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        parent, key = node, data.draw(st.sampled_from(keys))
        node = node[key]
    return parent, key


def _mutate(data: st.DataObject, doc: dict[str, Any]) -> None:
    parent, key = _walk(data, doc)
    if parent is None:  # the whole document
        parent, key = doc, data.draw(st.sampled_from(list(doc)))
    value = parent[key]
    operation = data.draw(
        st.sampled_from(
            ["drop", "replace", "retype", "number", "deep", "huge", "grow"] + ["similar"] * 7
        )
    )
    if operation == "similar":  # a plausible value of the same type: files that still load
        parent[key] = data.draw(_similar(value))
    elif operation == "drop":
        del parent[key]
    elif operation == "replace":
        parent[key] = data.draw(_VALUES)
    elif operation == "retype":
        parent[key] = data.draw(
            st.sampled_from([[value], {"value": value}, json.dumps(value), None, True])
        )
    elif operation == "number":
        parent[key] = data.draw(
            st.sampled_from([math.nan, math.inf, -math.inf, -1, 0, 10**12, 1e308, -0.0])
        )
    elif operation == "deep":
        parent[key] = _DEEP
    elif operation == "huge":
        parent[key] = _HUGE_LITERAL
    else:  # grow: a table or list far longer than fit writes, up to GROWN_JSON_BYTES
        items = value if isinstance(value, list) and value else [value]
        times = data.draw(st.sampled_from([2, 50, 2000, 100_000]))
        grown = items * max(1, min(times, GROWN_JSON_BYTES // len(json.dumps(items))))
        parent[key] = json.loads(json.dumps(grown))  # copies: a later mutation changes one


def _text(data: st.DataObject, doc: dict[str, Any]) -> str:
    text = json.dumps(doc)  # NaN and Infinity as Python's json writes and reads them
    depth = data.draw(st.sampled_from([50, 900, 5_000, 200_000]))
    text = text.replace(json.dumps(_DEEP), "[" * depth + "]" * depth, 1).replace(_DEEP, "")
    literal = "9" * data.draw(st.sampled_from([20, 5000]))
    text = text.replace(json.dumps(_HUGE_LITERAL), literal, 1).replace(_HUGE_LITERAL, "")
    if data.draw(st.integers(0, 9)) == 0:  # a torn write
        text = text[: data.draw(st.integers(0, len(text)))]
    return text


@pytest.mark.slow  # seconds of hypothesis examples: the full suite (CI) runs it, the fast gate not
@FUZZ
@given(data=st.data())
def test_crafted_model_files_end_in_our_errors_within_bounded_memory(
    data: st.DataObject,
    saved: dict[str, Any],
    table: pd.DataFrame,
    folder: Path,
    memory: Memory,
) -> None:
    doc = copy.deepcopy(saved)
    for _ in range(data.draw(st.integers(1, 3))):
        _mutate(data, doc)
    path = folder / "model.json"
    text = _text(data, doc)
    path.write_text(text, encoding="utf-8")
    memory.case()
    try:
        loaded = FindMatches.load(path)
    except ModelFileError as error:
        assert "transform file" in str(error)  # every refusal says what it refused
        event("refused")
        memory.check_case("loading", len(text))
        return
    event("loaded")
    with contextlib.suppress(FindMatchesError):  # an accepted file matches, or says why not
        loaded.match(table.head(100))
    memory.check_case("loading and matching", len(text))


# ------------------------------------------------------------------------------ label files
@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    """Data whose columns read differently: text, whole numbers with a gap, dates."""
    n = 3_000
    rng = np.random.default_rng(0)
    years = rng.integers(1900, 2000, n).astype("float64")
    years[::7] = np.nan
    return pd.DataFrame(
        {
            "id": [f"r{i}" for i in range(n)],
            "name": rng.choice(["ann", "bob", "cy", "dee"], n),
            "year": years,
            "born": pd.to_datetime("1950-01-01") + pd.to_timedelta(rng.integers(0, 9000, n), "D"),
        }
    )


_CELL = st.one_of(
    st.none(),
    st.just(math.nan),
    st.text(max_size=6),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
_SET = st.one_of(st.sampled_from(["s1", "s2", "s3", "S1", " s1 ", ""]), _CELL)
_LABEL = st.one_of(st.sampled_from(["A", "B", "a", " A", "C"]), _CELL)


@st.composite
def label_tables(draw: st.DrawFn, records: pd.DataFrame) -> pd.DataFrame:
    n = draw(st.integers(0, 30))
    known = st.sampled_from(records["id"].head(25).tolist())
    keys = [draw(st.one_of(known, known, known, _CELL)) for _ in range(n)]
    frame = pd.DataFrame(
        {
            "labeling_set_id": [draw(_SET) for _ in range(n)],
            "label": [draw(_LABEL) for _ in range(n)],
            "id": keys,
        },
        dtype=object,
    )
    by_id = records.set_index("id")
    for column in draw(st.lists(st.sampled_from(["name", "year", "born", "extra"]), unique=True)):
        copied = [
            by_id[column].get(k) if isinstance(k, str) and column in by_id else None for k in keys
        ]
        frame[column] = [v if draw(st.integers(0, 3)) else draw(_CELL) for v in copied]
    if draw(st.integers(0, 4)) == 0:  # one large set, valid but for its size
        big = records.head(draw(st.sampled_from([60, 700, 1_500, 3_000])))
        frame = big.assign(labeling_set_id="big", label=draw(st.sampled_from(["A", "B"])))
    if draw(st.integers(0, 9)) == 0:
        frame = frame.drop(columns=draw(st.sampled_from(["labeling_set_id", "label", "id"])))
    return frame


@pytest.mark.slow  # as above
@settings(FUZZ, max_examples=100)
@given(data=st.data())
def test_label_tables_end_in_our_errors_within_bounded_memory(
    data: st.DataObject, records: pd.DataFrame, folder: Path, memory: Memory
) -> None:
    labels = data.draw(label_tables(records))
    memory.case()
    try:
        if data.draw(st.booleans()):  # as a label file is read: through a CSV file
            path = folder / "labels.csv"
            labels.to_csv(path, index=False)
            labels = read_table(path)
        pairs = label_pairs(labels, "id", records["id"], data=records)
        label_notes(labels, pairs, records, "id")
    except FindMatchesError:
        pass
    memory.check_case("parsing labels")


@settings(max_examples=40, deadline=None)
@given(content=st.binary(max_size=300))
def test_label_files_of_random_bytes_end_in_our_errors(
    content: bytes, records: pd.DataFrame, folder: Path
) -> None:
    path = folder / "labels.csv"
    path.write_bytes(content)
    try:
        labels = read_table(path)
        label_notes(labels, label_pairs(labels, "id", records["id"]), records, "id")
    except FindMatchesError:
        pass
