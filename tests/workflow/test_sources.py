"""Data sources: SQL tables through SQLAlchemy URLs, checked against the catalogue."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from gx_findmatches.datasets.febrl import PRIMARY_KEY, load_febrl
from gx_findmatches.errors import DataFileError, LabelError
from gx_findmatches.sources import DataSource
from gx_findmatches.store import Store
from gx_findmatches.workflow import Workflow


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        load_febrl("febrl3").head(300).to_sql("people", connection, index=False)
    engine.dispose()
    return url


def test_a_sql_table_is_read_whole(database: str) -> None:
    frame = DataSource(database, "people").read()
    assert len(frame) == 300 and frame[PRIMARY_KEY].is_unique


@pytest.mark.parametrize("name", ["missing", "people; DROP TABLE people", 'people" --'])
def test_unknown_or_hostile_table_names_are_refused_and_harmless(database: str, name: str) -> None:
    with pytest.raises(DataFileError, match="no table"):
        DataSource(database, name).read()
    assert len(DataSource(database, "people").read()) == 300


def test_a_database_needs_a_table_name(database: str) -> None:
    with pytest.raises(DataFileError, match="name the table"):
        DataSource(database)


def test_results_go_to_a_new_table_and_never_overwrite_silently(database: str) -> None:
    frame = pd.DataFrame({"a": [1, 2]})
    DataSource(database, "out").write(frame)
    with pytest.raises(DataFileError, match="already exists"):
        DataSource(database, "out").write(frame)
    DataSource(database, "out").write(frame.head(1), replace=True)
    assert len(DataSource(database, "out").read()) == 1


def test_transforms_on_sql_tables_and_oversized_label_sets(database: str, tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'fm.db'}") as store:
        flow = Workflow(store)
        flow.create_transform("crm", DataSource(database, "people"), PRIMARY_KEY)
        data = flow.data("crm")
        big = data.head(51).assign(labeling_set_id="s1", label="A")
        with pytest.raises(LabelError, match="over the limit of 50"):
            flow.import_labels("crm", big)
        assert store.labels("crm").empty
