"""The store action can keep the match result itself, in the store's database, with the run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from gx_findmatches.checkpoints import FindMatchesStoreAction, run_suite_checkpoint
from gx_findmatches.datasets.febrl import load_febrl
from gx_findmatches.io import write_table
from gx_findmatches.sources import DataSource
from gx_findmatches.store import Store
from gx_findmatches.workflow import Workflow

pytestmark = pytest.mark.slow
SUITE = Path(__file__).resolve().parents[2] / "expectations" / "febrl_people.json"


def test_the_match_result_lands_in_the_store_with_its_run(tmp_path: Path) -> None:
    people = load_febrl("febrl3")
    data = write_table(people, tmp_path / "people.csv")
    store_url = f"sqlite:///{tmp_path / 'fm.db'}"
    with Store(store_url) as store:
        flow = Workflow(store)
        flow.create_transform("people", DataSource(str(data)), "rec_id")
        flow.train("people")
    action = FindMatchesStoreAction(
        name="store", transform_name="people", store_url=store_url, result_table="people_matches"
    )
    outcome = run_suite_checkpoint(tmp_path / "gx", data, SUITE, actions=[action])
    assert outcome.success is False  # the suite's intentional failure

    engine = sa.create_engine(store_url)
    with engine.connect() as connection:
        stored = pd.read_sql(sa.text("SELECT * FROM people_matches"), connection)
    engine.dispose()
    assert len(stored) == len(people) and stored["rec_id"].is_unique
    assert {"match_id", "match_confidence_score"} <= set(stored.columns)
    with Store(store_url) as store:
        run = store.runs("people")[0]
    assert (run.type, run.status) == ("FIND_MATCHES", "SUCCEEDED")
    assert run.row_counts["result_table"] == "people_matches"
    assert run.row_counts["rows"] == len(people)
    assert (
        run.row_counts["groups_with_duplicates"]
        == stored.loc[stored.duplicated("match_id", keep=False), "match_id"].nunique()
    )
