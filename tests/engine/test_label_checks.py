"""Labels are never silently unused or unchecked (issue 10, item 18), and a label file cannot
make the engine build unbounded labelled pairs."""

from __future__ import annotations

import logging
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from gx_findmatches import FindMatches
from gx_findmatches.datasets.febrl import PRIMARY_KEY, true_entities
from gx_findmatches.engine.labels import MAX_LABELLED_PAIRS, label_pairs, value_disagreements
from gx_findmatches.errors import LabelError


@pytest.fixture(scope="module")
def table(febrl3: pd.DataFrame) -> pd.DataFrame:
    return febrl3.head(300).reset_index(drop=True)


@pytest.fixture(scope="module")
def entities(table: pd.DataFrame) -> pd.Series:
    return true_entities(table)


def _only_matches(table: pd.DataFrame, entities: pd.Series) -> pd.DataFrame:
    """One set per entity with several records, every record labelled alike."""
    sizes = entities.map(entities.value_counts())
    rows = table[sizes >= 2].head(40)
    return rows.assign(labeling_set_id=entities[rows.index].to_numpy(), label="A")[
        ["labeling_set_id", "label", *table.columns]
    ]


def _only_non_matches(table: pd.DataFrame, entities: pd.Series) -> pd.DataFrame:
    """Sets of two records of different entities, labelled differently."""
    firsts = table[~entities.duplicated()].head(40).reset_index(drop=True)
    return firsts.assign(
        labeling_set_id=[f"s{i // 2}" for i in range(len(firsts))],
        label=["A", "B"] * (len(firsts) // 2),
    )[["labeling_set_id", "label", *table.columns]]


@pytest.mark.parametrize(
    ("make", "kind"), [(_only_matches, "all matches"), (_only_non_matches, "all non-matches")]
)
def test_labels_of_one_kind_are_said_to_leave_the_model_unsupervised(
    table: pd.DataFrame,
    entities: pd.Series,
    make: object,
    kind: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    labels = make(table, entities)  # type: ignore[operator]
    with caplog.at_level(logging.WARNING, logger="gx_findmatches"):
        fitted = FindMatches(primary_key=PRIMARY_KEY).fit(table, labels)
    assert fitted.model_kind_ == "unsupervised"
    notes = [n for n in fitted.match(table).summary.notes if kind in n]
    assert len(notes) == 1 and "the model is unsupervised" in notes[0]
    assert "to train one, give records" in notes[0]  # the fix
    assert any(kind in r.getMessage() for r in caplog.records), "also logged when fit runs"
    # the model file keeps it: a later match from the file says it too
    reloaded = FindMatches.load(fitted.save(tmp_path / "model.json"))
    assert any(kind in n for n in reloaded.match(table).summary.notes)


def test_labels_with_both_kinds_add_no_note(table: pd.DataFrame, entities: pd.Series) -> None:
    labels = pd.concat([_only_matches(table, entities), _only_non_matches(table, entities)])
    labels = labels.reset_index(drop=True)
    fitted = FindMatches(primary_key=PRIMARY_KEY).fit(table, labels)
    assert fitted.model_kind_ == "supervised"
    assert not [n for n in fitted.match(table).summary.notes if "label" in n]


def _edited(table: pd.DataFrame, entities: pd.Series) -> pd.DataFrame:
    labels = _only_matches(table, entities).reset_index(drop=True)
    labels.loc[3, "surname"] = "not-the-surname"
    labels.loc[5, "postcode"] = None
    return labels


def test_label_values_that_disagree_with_the_data_are_refused(
    table: pd.DataFrame, entities: pd.Series
) -> None:
    labels = _edited(table, entities)
    with pytest.raises(LabelError) as info:
        label_pairs(labels, PRIMARY_KEY, table[PRIMARY_KEY], data=table)
    message = str(info.value)
    assert message.startswith("2 label cell(s) disagree with the data")
    record = labels.loc[3, PRIMARY_KEY]
    assert f"row 3, record {record!r}, column 'surname'" in message
    assert (
        "'not-the-surname'" in message
        and repr(table.set_index(PRIMARY_KEY).loc[record, "surname"]) in message
    )
    assert "row 5" in message and "column 'postcode': the label file has no value" in message
    assert "drop its data columns" in message  # the fix
    label_pairs(labels, PRIMARY_KEY, table[PRIMARY_KEY])  # without data, only the pairs count


def test_fit_uses_the_data_values_and_says_so(table: pd.DataFrame, entities: pd.Series) -> None:
    fitted = FindMatches(primary_key=PRIMARY_KEY).fit(table, _edited(table, entities))
    notes = [n for n in fitted.match(table).summary.notes if "disagree with the data" in n]
    assert len(notes) == 1 and notes[0].endswith("the data's values were used")


def test_values_read_differently_still_agree() -> None:
    data = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "year": [1949, 1950, np.nan],
            "height": [1.5, 1.75, 2.0],
            "born": pd.to_datetime(["1949-01-05", "1950-02-06", "1951-03-07"]),
            "name": ["ann", "bob", None],
        }
    )
    labels = pd.DataFrame(
        {
            "labeling_set_id": ["s", "s", "s"],
            "label": ["A", "A", "B"],
            "id": ["1", "2", "3"],
            "year": ["1949", "1950.0", ""],
            "height": ["1.50", "1.75", "2"],
            "born": ["1949-01-05", "19500206", "1951-03-07"],
            "name": ["ann ", "bob", None],
        }
    )
    assert value_disagreements(labels, data, "id") is None
    labels.loc[2, "height"] = "tall"
    found = value_disagreements(labels, data, "id")
    assert found is not None and "column 'height': the label file has 'tall', the data '2'" in found


def test_huge_labeling_set_is_refused_before_its_pairs_are_made() -> None:
    # one set of 2,000 records is 1,999,000 pairs: they were all made, then kept
    n = 2_000
    keys = pd.Series([f"r{i}" for i in range(n)])
    labels = pd.DataFrame({"labeling_set_id": "s1", "label": "A", "id": keys})
    tracemalloc.start()
    try:
        with pytest.raises(LabelError) as info:
            label_pairs(labels, "id", keys)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert f"over the limit of {MAX_LABELLED_PAIRS:,}" in str(info.value)
    assert "'s1', has 2,000 records" in str(info.value)
    assert peak < 20_000_000, f"{peak:,} bytes"
