"""The ``findmatches`` GX data source: batches that are match results, for core expectations.

One module-scoped file project holds a file asset (inline matching), a SQL table asset and a
stored-transform asset; a second process reloads the project from great_expectations.yml.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import great_expectations as gx
import gx_findmatches.gx.datasource  # noqa: F401  (registers the data source type)
import pandas as pd
import pytest
import sqlalchemy as sa
from great_expectations.compatibility.pydantic import ValidationError as PydanticV1ValidationError
from gx_findmatches import write_table
from gx_findmatches.sources import DataSource
from gx_findmatches.store import Store
from gx_findmatches.workflow import Workflow

KEY = "rec_id"
SOURCE = "people"


@pytest.fixture(scope="module")
def people(febrl3: pd.DataFrame) -> pd.DataFrame:
    """1,000 FEBRL3 records: every batch of the file assets is a fit and a match of them."""
    return febrl3.head(1000).reset_index(drop=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, people: pd.DataFrame) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("gx_datasource")
    data = write_table(people, root / "febrl3.csv")
    database = f"sqlite:///{root / 'people.db'}"
    engine = sa.create_engine(database)
    with engine.begin() as connection:
        people.head(500).to_sql("people", connection, index=False)
    engine.dispose()
    store_url = f"sqlite:///{root / 'findmatches.db'}"
    with Store(store_url) as store:
        workflow = Workflow(store)
        workflow.create_transform("febrl3", DataSource(str(data)), KEY)
        workflow.train("febrl3")
    context = gx.get_context(mode="file", project_root_dir=root)
    source = context.data_sources.add_findmatches(name=SOURCE)
    assets = [
        source.add_file_asset("inline", path=str(data), primary_key=KEY),
        source.add_table_asset(
            "sql", connection_string=database, table_name="people", primary_key=KEY
        ),
        source.add_file_asset(
            "stored", path=str(data), transform_name="febrl3", store_url=store_url
        ),
    ]
    for asset in assets:
        asset.add_batch_definition_whole_dataframe("all")
    return {"root": root, "context": context, "data": data}


def _batch(context: Any, asset: str) -> Any:
    return context.data_sources.get(SOURCE).get_asset(asset).get_batch_definition("all").get_batch()


@pytest.fixture(scope="module")
def inline_batch(project: dict[str, Any]) -> Any:
    return _batch(project["context"], "inline")


def test_a_batch_is_the_match_result(inline_batch: Any, people: pd.DataFrame) -> None:
    frame = inline_batch.data.dataframe
    assert list(frame.columns) == [*people.columns, "match_id", "match_confidence_score"]
    assert frame[KEY].tolist() == people[KEY].tolist()


def test_core_expectations_run_on_match_results(inline_batch: Any) -> None:
    ex = gx.expectations
    assert inline_batch.validate(ex.ExpectColumnValuesToNotBeNull(column="match_id")).success
    assert inline_batch.validate(ex.ExpectColumnValuesToBeUnique(column=KEY)).success
    # FEBRL3 is mostly duplicates: match ids repeat
    assert not inline_batch.validate(ex.ExpectColumnValuesToBeUnique(column="match_id")).success


def test_a_checkpoint_validates_the_match_result(project: dict[str, Any]) -> None:
    context = project["context"]
    asset = context.data_sources.get(SOURCE).get_asset("inline")
    suite = context.suites.add(gx.ExpectationSuite(name="match_result"))
    suite.add_expectation(gx.expectations.ExpectColumnValuesToNotBeNull(column="match_id"))
    suite.add_expectation(
        gx.expectations.ExpectColumnValuesToBeBetween(
            column="match_confidence_score", min_value=0, max_value=1
        )
    )
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(
            name="match_result",
            data=asset.add_batch_definition_whole_dataframe("checkpoint"),
            suite=suite,
        )
    )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name="match_result",
            validation_definitions=[definition],
            actions=[gx.checkpoint.UpdateDataDocsAction(name="docs")],
        )
    )
    assert checkpoint.run().success
    assert (project["root"] / "gx/uncommitted/data_docs/local_site/index.html").is_file()


def test_sql_table_asset(project: dict[str, Any]) -> None:
    frame = _batch(project["context"], "sql").data.dataframe
    assert len(frame) == 500
    assert frame["match_id"].notna().all()


def test_stored_transform_asset_matches_with_the_trained_model(
    project: dict[str, Any], inline_batch: Any
) -> None:
    stored = _batch(project["context"], "stored").data.dataframe
    inline = inline_batch.data.dataframe
    assert stored["match_id"].notna().all()
    # both fit unsupervised on the same data: the same partition of the records
    same = pd.crosstab(stored["match_id"], inline["match_id"]).gt(0).sum(axis=1)
    assert (same == 1).all()


def test_an_asset_needs_exactly_one_transform(project: dict[str, Any]) -> None:
    source = project["context"].data_sources.get(SOURCE)
    with pytest.raises(PydanticV1ValidationError, match="primary_key"):
        source.add_file_asset("nothing", path=str(project["data"]))
    with pytest.raises(PydanticV1ValidationError, match="not both"):
        source.add_file_asset(
            "both", path=str(project["data"]), primary_key=KEY, transform_name="x"
        )


def test_the_saved_data_source_reloads_in_a_new_process(project: dict[str, Any]) -> None:
    script = textwrap.dedent(
        f"""
        import great_expectations as gx
        import gx_findmatches.gx.datasource
        context = gx.get_context(mode="file", project_root_dir={str(project["root"])!r})
        asset = context.data_sources.get({SOURCE!r}).get_asset("sql")
        batch = asset.get_batch_definition("all").get_batch()
        result = batch.validate(gx.expectations.ExpectColumnValuesToNotBeNull(column="match_id"))
        print(type(asset).__name__, len(batch.data.dataframe), result.success)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-3:] == ["FindMatchesTableAsset", "500", "True"]
