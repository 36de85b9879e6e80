"""Transforms: create, read, list, delete (with everything under them), status."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timezone

import pytest
from gx_findmatches.errors import FindMatchesError
from gx_findmatches.store import (
    Store,
    StoreError,
    TransformExistsError,
    TransformNotFoundError,
)
from sqlalchemy import create_engine, text

TABLES = ("transforms", "task_runs", "label_imports", "labels", "models", "evaluation_metrics")


def test_create_and_get_round_trip(store: Store) -> None:
    created = store.create_transform(
        "people",
        "sqlite:///data.db#people",
        "person_id",
        columns={"surname": "name", "zip": "exact"},
        precision_recall_tradeoff=0.9,
        accuracy_cost_tradeoff=0.2,
        enforce_provided_labels=True,
        partition_by="country",
    )
    fetched = store.get_transform("people")
    assert fetched == created
    assert fetched.columns == {"surname": "name", "zip": "exact"}
    assert (fetched.precision_recall_tradeoff, fetched.accuracy_cost_tradeoff) == (0.9, 0.2)
    assert fetched.enforce_provided_labels is True
    assert fetched.partition_by == "country"
    assert fetched.status == "NOT_READY"
    assert fetched.created_at.tzinfo == timezone.utc
    assert asdict(fetched)["name"] == "people"  # records are plain dataclasses


def test_defaults_and_column_list(store: Store) -> None:
    record = store.create_transform("a", "a.csv", "id", columns=("x", "y"))
    assert record.columns == ["x", "y"]
    record = store.create_transform("b", "b.csv", "id")
    assert record.columns is None
    assert (record.precision_recall_tradeoff, record.accuracy_cost_tradeoff) == (0.5, 0.5)
    assert record.enforce_provided_labels is False
    assert record.partition_by is None


def test_list_is_sorted_by_name(store: Store) -> None:
    assert store.list_transforms() == []
    for name in ("zeta", "alpha", "mid"):
        store.create_transform(name, f"{name}.csv", "id")
    assert [t.name for t in store.list_transforms()] == ["alpha", "mid", "zeta"]


def test_duplicate_name_is_refused(store: Store) -> None:
    store.create_transform("people", "a.csv", "id")
    with pytest.raises(TransformExistsError, match="already exists") as caught:
        store.create_transform("people", "b.csv", "id")
    assert isinstance(caught.value, FindMatchesError)
    assert store.get_transform("people").data_source == "a.csv"
    assert len(store.list_transforms()) == 1


def test_unknown_name_names_the_known_transforms(store: Store) -> None:
    with pytest.raises(TransformNotFoundError, match="no transforms yet"):
        store.get_transform("nope")
    store.create_transform("people", "a.csv", "id")
    store.create_transform("places", "b.csv", "id")
    with pytest.raises(TransformNotFoundError, match="known transforms: people, places"):
        store.get_transform("nope")
    with pytest.raises(LookupError):
        store.delete_transform("nope")


def test_set_status(store: Store, customers: str) -> None:
    assert store.set_status(customers, "READY").status == "READY"
    assert store.get_transform(customers).status == "READY"
    with pytest.raises(StoreError, match="not one of"):
        store.set_status(customers, "DONE")  # type: ignore[arg-type]


def test_delete_cascades_to_everything(store: Store, store_url: str, label_table) -> None:
    store.create_transform("keep", "k.csv", "id")
    for name in ("gone", "keep"):
        if name == "gone":
            store.create_transform(name, "g.csv", "id")
        with store.task_run(name, "IMPORT_LABELS", {}) as run:
            labels = label_table([("s1", "A", "1", "x"), ("s1", "B", "2", "y")])
            store.import_labels(run, name, labels, "id", "labels.csv")
        with store.task_run(name, "TRAINING", {}) as run:
            version = store.save_model(run, name, {"weights": [1, 2]})
        with store.task_run(name, "EVALUATION", {}) as run:
            store.save_evaluation(run, name, version, {"f1": 0.5}, 2)

    store.delete_transform("gone")

    with pytest.raises(TransformNotFoundError):
        store.get_transform("gone")
    engine = create_engine(store_url)
    try:
        with engine.connect() as connection:
            counts = {
                table: connection.scalar(text(f"SELECT COUNT(*) FROM {table}")) for table in TABLES
            }
    finally:
        engine.dispose()
    # only the rows of "keep" are left: the database cascaded, not just the store's reads
    assert counts == {
        "transforms": 1,
        "task_runs": 3,
        "label_imports": 1,
        "labels": 2,
        "models": 1,
        "evaluation_metrics": 1,
    }
    # a new transform of the old name starts empty
    store.create_transform("gone", "g.csv", "id")
    assert store.labels("gone").empty
    assert store.latest_model("gone") is None
    assert store.runs("gone") == []
    assert store.evaluations("gone") == []


# ---- names are checked the same on every database (issue 10, item 17) ---------------------
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("x" * 256, "has 256 characters; use at most 255"),
        ("x" * 100_000, "has 100,000 characters"),
        ("two\nlines", "U\\+000A at position 3"),
        ("red\x1b[31mname", "U\\+001B at position 3"),
        ("tab\there", "U\\+0009"),
        ("bidi\u202eeman", "U\\+202E"),
        (" padded", "starts or ends with spaces"),
    ],
    ids=["empty", "blank", "256-chars", "100k-chars", "newline", "ansi", "tab", "bidi", "spaces"],
)
def test_unusable_names_are_refused_alike_on_every_database(
    store: Store, name: str, message: str
) -> None:
    # measured before: SQLite stored them all; PostgreSQL failed on >255 with a DataError
    with pytest.raises(StoreError, match=message):
        store.create_transform(name, "a.csv", "id")
    assert store.list_transforms() == []


def test_the_longest_name_and_unicode_names_are_kept(store: Store) -> None:
    for name in ("x" * 255, "Kunden Zürich", "顧客", "people-2024_v2.1"):
        assert store.create_transform(name, "a.csv", "id").name == name
    assert len(store.list_transforms()) == 4
