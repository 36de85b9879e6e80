"""Issue 10 items 5 and 18 through the store and the command line: a data file that lost a
training column, label rows that contradict the data, labels of one kind only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from gx_findmatches.cli import main
from gx_findmatches.datasets.febrl import PRIMARY_KEY, load_febrl, true_entities
from gx_findmatches.errors import LabelError
from gx_findmatches.io import write_table
from gx_findmatches.sources import DataSource
from gx_findmatches.store import Store
from gx_findmatches.workflow import Workflow


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    return load_febrl("febrl3").head(300).reset_index(drop=True)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_match_transform_names_a_column_the_data_lost(
    tmp_path: Path, people: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_table(people, tmp_path / "people.csv")
    store = ["--store", f"sqlite:///{tmp_path / 'fm.db'}"]
    create = ["transform", "create", "people", "--data", str(data), "--primary-key", PRIMARY_KEY]
    assert run(capsys, *create, *store)[0] == 0
    assert run(capsys, "train", "people", *store)[0] == 0
    write_table(people.drop(columns="surname"), data)  # the file lost a column since training
    code, out, err = run(
        capsys, "match", "--transform", "people", "--out", str(tmp_path / "m.csv"), *store
    )
    assert code == 2, err
    assert out == ""
    error = next(line for line in err.splitlines() if line.startswith("error: "))
    assert "lacks column(s) ['surname']" in error  # was: KeyError: 'surname'
    assert "fit the transform again" in error
    assert not (tmp_path / "m.csv").exists()


def _answered(flow: Workflow, people: pd.DataFrame) -> pd.DataFrame:
    sheet = flow.generate_labels("people", n_sets=2, set_size=5).drop(columns="suggested_label")
    truth = dict(zip(people[PRIMARY_KEY], true_entities(people), strict=True))
    entities = sheet[PRIMARY_KEY].map(truth)
    sheet["label"] = entities.groupby(sheet["labeling_set_id"]).transform(
        lambda values: [f"L{code}" for code in pd.factorize(values)[0]]
    )
    return sheet


def test_label_rows_contradicting_the_data_import_nothing(
    store_url: str, tmp_path: Path, people: pd.DataFrame
) -> None:
    data = write_table(people, tmp_path / "people.csv")
    flow = Workflow(Store(store_url))
    flow.create_transform("people", DataSource(str(data)), PRIMARY_KEY)
    sheet = _answered(flow, people)
    edited = sheet.copy()
    edited.loc[edited.index[2], "given_name"] = "someone-else"
    with pytest.raises(LabelError, match=r"1 label cell\(s\) disagree with the data") as info:
        flow.import_labels("people", edited)
    assert "column 'given_name': the label file has 'someone-else'" in str(info.value)
    assert flow.store.labels("people").empty, "nothing stored, so nothing wrong is exported"
    assert flow.import_labels("people", sheet) == len(sheet)  # the file as generated imports


def test_train_says_when_labels_hold_only_matches(
    tmp_path: Path, people: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_table(people, tmp_path / "people.csv")
    store = ["--store", f"sqlite:///{tmp_path / 'fm.db'}"]
    create = ["transform", "create", "people", "--data", str(data), "--primary-key", PRIMARY_KEY]
    assert run(capsys, *create, *store)[0] == 0
    entity = true_entities(people)
    twins = people[entity.duplicated(keep=False)].groupby(entity).head(2)
    labels = twins.assign(labeling_set_id=entity[twins.index].to_numpy(), label="same")
    labels = labels[["labeling_set_id", "label", *people.columns]]
    path = write_table(labels, tmp_path / "labels.csv")
    code, _, err = run(capsys, "labels", "import", "people", str(path), *store)
    assert code == 0, err
    code, out, err = run(capsys, "train", "people", *store)
    assert code == 0, err
    assert "unsupervised" in out
    assert "all matches" in err and "the model is unsupervised" in err
