"""The same expectations on FEBRL3 stored in SQLite and in PostgreSQL: the SQL batch is read
whole, then matched."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import great_expectations as gx
import pandas as pd
import pytest
import sqlalchemy as sa
from great_expectations.expectations.row_conditions import Column
from gx_findmatches import FindMatches, write_table
from gx_helpers import (
    KIND,
    PRIMARY_KEY,
    TRUTH,
    Truth,
    case,
    counting_engine_runs,
    exception_messages,
    new_project,
    run_checkpoint,
)

COMMON = {"primary_key": PRIMARY_KEY, "exclude_columns": [TRUTH, KIND]}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty database: a SQLite file, or a fresh PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('gx_sqlite') / 'febrl.db'}"
        return
    server: str = request.getfixturevalue("postgres_server")
    schema = f"gxfm_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(server)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.engine.make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module")
def run(
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    febrl3_checked: pd.DataFrame,
    febrl3_labels: pd.DataFrame,
    truth: Truth,
) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("gx_sql")
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        febrl3_checked.to_sql("febrl3", connection, index=False)
        febrl3_labels.to_sql("labels", connection, index=False)
    engine.dispose()
    labels_path = str(write_table(febrl3_labels, root / "labels.csv"))
    context = new_project(root)
    sources = context.data_sources
    source = (
        sources.add_sqlite("crm", connection_string=database_url)
        if database_url.startswith("sqlite")
        else sources.add_postgres("crm", connection_string=database_url)
    )
    definition = source.add_table_asset(
        "febrl3", table_name="febrl3"
    ).add_batch_definition_whole_table("all")
    ex = gx.expectations
    expectations = [
        case(
            ex.ExpectTableFuzzyDuplicateRateToBeBetween,
            "rate",
            **COMMON,
            min_value=truth.rate - 0.02,
            max_value=truth.rate + 0.02,
        ),
        case(ex.ExpectMatchGroupSizesToBeBetween, "sizes", **COMMON, max_value=truth.largest),
        case(
            ex.ExpectMatchGroupsToNotCrossLabelBoundaries,
            "cross",
            **COMMON,
            label_column=TRUTH,
            mostly=0.99,
        ),
        case(
            ex.ExpectColumnValuesToBeConsistentWithinMatchGroups,
            "consistent",
            **COMMON,
            column=TRUTH,
            mostly=0.99,
        ),
        case(
            ex.ExpectTableFuzzyDuplicateRateToBeBetween,
            "rate_fail",
            **COMMON,
            max_value=truth.rate - 0.1,
        ),
        case(
            ex.ExpectTableFuzzyDuplicateRateToBeBetween,
            "supervised",
            **COMMON,
            labels_path=labels_path,
            min_value=truth.rate - 0.02,
            max_value=truth.rate + 0.02,
        ),
    ]
    with counting_engine_runs() as runs:
        results = run_checkpoint(context, "febrl3_sql", definition, expectations)
    results["_engine_calls"] = runs.count
    results["_context"] = context
    return results


def test_sql_batches_pass_and_fail_like_pandas_ones(run: dict[str, Any]) -> None:
    for name in ("rate", "sizes", "cross", "consistent", "supervised", "rate_fail"):
        assert not exception_messages(run[name]), name
    for name in ("rate", "sizes", "cross", "consistent", "supervised"):
        assert run[name].success is True, name
    assert run["rate_fail"].success is False


def test_sql_batch_gives_the_engines_result_on_the_same_rows(
    run: dict[str, Any], febrl3: pd.DataFrame
) -> None:
    result = FindMatches(primary_key=PRIMARY_KEY).fit(febrl3).match(febrl3)
    expected = result.summary.records_in_duplicate_groups / result.summary.rows
    assert run["rate"].result["observed_value"] == pytest.approx(expected)
    assert run["sizes"].result["observed_value"] == result.summary.largest_group


def test_a_row_condition_is_applied_before_matching_on_sql(
    run: dict[str, Any], febrl3: pd.DataFrame
) -> None:
    """Measured before: with a row condition GX hands over a SELECT, which SQLAlchemy refuses
    to select from, so every matching expectation raised instead of matching the chosen rows."""
    asset = run["_context"].data_sources.get("crm").get_asset("febrl3")
    batch = asset.get_batch_definition("all").get_batch()
    result = batch.validate(
        gx.expectations.ExpectTableFuzzyDuplicateRateToBeBetween(
            **COMMON, max_value=1.0, row_condition=Column("state") == "nsw"
        )
    )
    assert not exception_messages(result)
    rows = febrl3[febrl3["state"] == "nsw"]
    assert 0 < len(rows) < len(febrl3)
    assert result.result["details"]["rows"] == len(rows)
    summary = FindMatches(primary_key=PRIMARY_KEY).fit(rows).match(rows).summary
    expected = summary.records_in_duplicate_groups / summary.rows
    assert result.result["observed_value"] == pytest.approx(expected)


def test_one_engine_run_per_parameter_set(run: dict[str, Any]) -> None:
    assert run["_engine_calls"] == 2  # unsupervised (five expectations) + supervised


def test_a_label_table_in_sql_is_validated(
    run: dict[str, Any], febrl3_labels: pd.DataFrame
) -> None:
    labels = run["_context"].data_sources.get("crm").add_table_asset("labels", table_name="labels")
    batch = labels.add_batch_definition_whole_table("all").get_batch()
    result = batch.validate(
        gx.expectations.ExpectLabelingSetsToBeValid(primary_key=PRIMARY_KEY, max_set_size=5)
    )
    assert result.success is False  # FEBRL label sets have 10 records
    assert result.result["observed_value"] == febrl3_labels["labeling_set_id"].nunique()
    assert any("more than 5 records" in p for p in result.result["details"]["problems"])
