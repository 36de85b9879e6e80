"""Labels: merge and replace, exact export, and what the store refuses."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from gx_findmatches.store import Store, StoreError


def _import(store: Store, name: str, labels: pd.DataFrame, replace: bool = False) -> int:
    with store.task_run(name, "IMPORT_LABELS", {"replace": replace}) as run:
        return store.import_labels(run, name, labels, "id", "labels.csv", replace=replace)


def test_export_round_trips_exactly(store: Store, customers: str) -> None:
    # data columns in an unusual order, missing cells, text that only looks like numbers
    labels = pd.DataFrame(
        {
            "labeling_set_id": ["set-1", "set-1", "set-1", "set-2", "set-2"],
            "label": ["A", "A", "b", "A", "a"],
            "zip": ["02139", None, "", "1e3", "  padded  "],
            "id": ["r1", "r2", "r3", "r4", "r 5"],
            "name": ["Ann", "Anne", None, "Émile ✓", 'quote "x"'],
        },
        dtype=object,
    )
    assert _import(store, customers, labels) == 5
    exported = store.labels(customers)
    pd.testing.assert_frame_equal(exported, labels)
    assert exported.loc[1, "zip"] is None


def test_values_are_stored_as_text(store: Store, customers: str) -> None:
    labels = pd.DataFrame(
        {
            "labeling_set_id": [1, 1],
            "label": ["A", "B"],
            "id": [10, 11],
            "score": [1.5, np.nan],
            "when": pd.to_datetime(["2024-01-02", None]),
        }
    )
    _import(store, customers, labels)
    exported = store.labels(customers)
    assert exported.to_dict("records") == [
        {
            "labeling_set_id": "1",
            "label": "A",
            "id": "10",
            "score": "1.5",
            "when": "2024-01-02 00:00:00",
        },
        {"labeling_set_id": "1", "label": "B", "id": "11", "score": None, "when": None},
    ]
    assert store.labelled_keys(customers) == {"10", "11"}


def test_merge_replaces_same_set_and_key_and_keeps_the_rest(
    store: Store, customers: str, label_table
) -> None:
    _import(
        store,
        customers,
        label_table([("s1", "A", "1", "x"), ("s1", "B", "2", "y"), ("s2", "A", "1", "x")]),
    )
    # (s1, 2) is relabelled; (s3, 3) is new; (s1, 1) and (s2, 1) stay
    _import(store, customers, label_table([("s1", "A", "2", "y2"), ("s3", "C", "3", "z")]))
    exported = store.labels(customers)
    assert exported.values.tolist() == [
        ["s1", "A", "1", "x"],
        ["s2", "A", "1", "x"],
        ["s1", "A", "2", "y2"],
        ["s3", "C", "3", "z"],
    ]
    assert store.labelled_keys(customers) == {"1", "2", "3"}


def test_replace_drops_earlier_labels(store: Store, customers: str, label_table) -> None:
    _import(store, customers, label_table([("s1", "A", "1", "x"), ("s1", "B", "2", "y")]))
    _import(store, customers, label_table([("s9", "A", "7", "q")]), replace=True)
    assert store.labels(customers).values.tolist() == [["s9", "A", "7", "q"]]
    assert store.labelled_keys(customers) == {"7"}


def test_later_imports_add_their_new_columns_at_the_end(
    store: Store, customers: str, label_table
) -> None:
    _import(store, customers, label_table([("s1", "A", "1", "x")]))
    _import(store, customers, label_table([("s2", "A", "2", "y", "NYC")], ("name", "city")))
    exported = store.labels(customers)
    assert list(exported.columns) == ["labeling_set_id", "label", "id", "name", "city"]
    assert exported.values.tolist() == [["s1", "A", "1", "x", None], ["s2", "A", "2", "y", "NYC"]]


def test_no_labels_is_an_empty_glue_table(store: Store, customers: str) -> None:
    empty = store.labels(customers)
    assert empty.empty
    assert list(empty.columns) == ["labeling_set_id", "label", "id"]
    assert store.labelled_keys(customers) == set()


def test_empty_frame_is_refused_and_nothing_is_stored(store: Store, customers: str) -> None:
    empty = pd.DataFrame(columns=["labeling_set_id", "label", "id"])
    with pytest.raises(StoreError, match="no rows"):
        _import(store, customers, empty)
    run = store.runs(customers)[0]
    assert run.status == "FAILED"
    assert run.error_message is not None and "no rows" in run.error_message


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (pd.DataFrame({"label": ["A"], "id": ["1"]}), "lacks column"),
        (pd.DataFrame({"labeling_set_id": ["s"], "label": [None], "id": ["1"]}), "is empty"),
        (
            pd.DataFrame([["s", "A", "1", "x"]], columns=["labeling_set_id", "label", "id", "id"]),
            "repeats column",
        ),
    ],
)
def test_unstorable_tables_are_refused(
    store: Store, customers: str, labels: pd.DataFrame, message: str
) -> None:
    with pytest.raises(StoreError, match=message):
        _import(store, customers, labels)
    assert store.labels(customers).empty


def test_handle_is_bound_to_its_run(store: Store, customers: str, label_table) -> None:
    store.create_transform("other", "o.csv", "id")
    labels = label_table([("s1", "A", "1", "x")])
    with (
        store.task_run(customers, "IMPORT_LABELS", {}) as run,
        pytest.raises(StoreError, match="belongs to transform"),
    ):
        store.import_labels(run, "other", labels, "id", "x")
    with pytest.raises(StoreError, match="has ended"):
        store.import_labels(run, customers, labels, "id", "x")
    assert store.labels(customers).empty
    assert store.labels("other").empty


def test_import_check_sees_the_labels_as_they_will_stand(
    store: Store, customers: str, label_table
) -> None:
    _import(store, customers, label_table([("s1", "A", "1", "x"), ("s1", "B", "2", "y")]))
    seen: list[pd.DataFrame] = []

    def refuse(merged: pd.DataFrame) -> None:
        seen.append(merged)
        raise ValueError("contradiction")

    new = label_table([("s1", "A", "2", "y"), ("s2", "A", "3", "z")])
    with (
        pytest.raises(ValueError, match="contradiction"),
        store.task_run(customers, "IMPORT_LABELS", {}) as run,
    ):
        store.import_labels(run, customers, new, "id", "f", check=refuse)
    # the stored row of (s1, 2) is replaced by the new one; (s1, 1) is kept
    [merged] = seen
    rows = zip(merged["labeling_set_id"], merged["id"], merged["label"], strict=True)
    assert sorted(rows) == [
        ("s1", "1", "A"),
        ("s1", "2", "A"),
        ("s2", "3", "A"),
    ]
    assert sorted(store.labels(customers)["label"]) == ["A", "B"]  # nothing was written


# ---- labeling set ids and labels are bounded (issue 10, item 17) ----------------------------
@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("labeling_set_id", "s" * 1_000_000, "1,000,000 characters.*at most 255"),
        ("labeling_set_id", "s" * 256, "256 characters"),
        ("label", "A" * 300, "'label' of label row 1 holds 300 characters"),
        ("labeling_set_id", "set\n1", "U\\+000A"),
        ("label", "\x1b[2JA", "U\\+001B"),
    ],
    ids=["1MB-set-id", "256-char-set-id", "long-label", "newline-set-id", "ansi-label"],
)
def test_oversized_or_invisible_set_ids_and_labels_are_refused(
    store: Store, customers: str, label_table, column: str, value: str, message: str
) -> None:
    # measured before: a label file of 1 MB set ids grew the store by 400 MB
    rows = [("s1", "A", "1", "x"), ("s1", "A", "2", "y")]
    labels = label_table(rows)
    labels.loc[1, column] = value
    if column == "labeling_set_id":
        labels.loc[0, column] = value  # keep the set whole
    with pytest.raises(StoreError, match=message):
        _import(store, customers, labels)
    assert store.labels(customers).empty


def test_set_ids_and_labels_up_to_255_characters_are_kept(
    store: Store, customers: str, label_table
) -> None:
    long = "s" * 255
    _import(store, customers, label_table([(long, "Ä" * 255, "1", "x"), (long, "B", "2", "y")]))
    assert store.labels(customers)["labeling_set_id"].tolist() == [long, long]
