"""Shared fixtures: real FEBRL data, fitted once per session and reused.

Fitting and matching FEBRL3 takes seconds, so every test that only *reads* a fitted transform
or its result shares the session fixtures below. Tests must not mutate them: copy a transform
(``copy.deepcopy``) before calling ``set_params`` on it.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from gx_findmatches import FindMatches, MatchResult
from gx_findmatches.datasets.febrl import PRIMARY_KEY, labels_from_truth, load_febrl, true_entities
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# No example database: the suite must not write files into the repository.
settings.register_profile("gx-findmatches", database=None, deadline=None)
settings.load_profile("gx-findmatches")

LABELLED_RECORDS = 200


@pytest.fixture(autouse=True)
def _restore_package_logger() -> Iterator[None]:
    """The CLI points the package logger at the current ``sys.stderr`` (captured by pytest);
    put the logger back afterwards so later tests never log into a closed capture stream."""
    logger = logging.getLogger("gx_findmatches")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield
    logger.handlers[:], logger.level, logger.propagate = saved[0], saved[1], saved[2]


# ------------------------------------------------------------------------------- FEBRL3
@pytest.fixture(scope="session")
def febrl3() -> pd.DataFrame:
    """FEBRL3: 5,000 person records, 6,538 true duplicate pairs (read-only)."""
    return load_febrl("febrl3")


@pytest.fixture(scope="session")
def febrl3_truth(febrl3: pd.DataFrame) -> pd.Series:
    """The true entity of every FEBRL3 record, in row order."""
    return true_entities(febrl3)


@pytest.fixture(scope="session")
def febrl3_labels(febrl3: pd.DataFrame, febrl3_truth: pd.Series) -> pd.DataFrame:
    """A Glue-format label table for at most 200 FEBRL3 records, answered from the truth."""
    return labels_from_truth(febrl3, febrl3_truth, PRIMARY_KEY, max_records=LABELLED_RECORDS)


@pytest.fixture(scope="session")
def febrl3_unsupervised(febrl3: pd.DataFrame) -> FindMatches:
    """FindMatches fitted without labels on FEBRL3, automatic columns, default trade-offs."""
    return FindMatches(primary_key=PRIMARY_KEY).fit(febrl3)


@pytest.fixture(scope="session")
def febrl3_unsupervised_result(
    febrl3_unsupervised: FindMatches, febrl3: pd.DataFrame
) -> MatchResult:
    return febrl3_unsupervised.match(febrl3)


@pytest.fixture(scope="session")
def febrl3_supervised(febrl3: pd.DataFrame, febrl3_labels: pd.DataFrame) -> FindMatches:
    """FindMatches fitted with the 200-record label table on FEBRL3."""
    return FindMatches(primary_key=PRIMARY_KEY).fit(febrl3, febrl3_labels)


@pytest.fixture(scope="session")
def febrl3_supervised_result(febrl3_supervised: FindMatches, febrl3: pd.DataFrame) -> MatchResult:
    return febrl3_supervised.match(febrl3)


# ------------------------------------------------------------------------------- helpers
def true_pair_keys(
    frame: pd.DataFrame, truth: pd.Series, primary_key: str = PRIMARY_KEY
) -> set[frozenset[str]]:
    """Every unordered pair of primary keys that belong to the same true entity."""
    pairs: set[frozenset[str]] = set()
    for keys in frame[primary_key].groupby(truth.to_numpy()).agg(list):
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                pairs.add(frozenset((a, b)))
    return pairs


def candidate_pair_keys(result: MatchResult) -> set[frozenset[str]]:
    """The candidate pairs of a run as unordered primary-key pairs."""
    pairs = result.pairs
    return {frozenset(p) for p in zip(pairs["left_key"], pairs["right_key"], strict=True)}


@pytest.fixture(scope="session")
def pair_completeness() -> Callable[[MatchResult, pd.DataFrame, pd.Series], float]:
    """Blocking pair completeness: share of true pairs among a run's candidate pairs."""

    def completeness(result: MatchResult, frame: pd.DataFrame, truth: pd.Series) -> float:
        truth_pairs = true_pair_keys(frame, truth)
        assert truth_pairs, "the data has no true pairs; completeness would be meaningless"
        return len(truth_pairs & candidate_pair_keys(result)) / len(truth_pairs)

    return completeness


@pytest.fixture(scope="session")
def pair_keys() -> Callable[[MatchResult], set[frozenset[str]]]:
    """The candidate pairs of a run as a set of unordered primary-key pairs."""
    return candidate_pair_keys


# ---- stores: an empty store URL per backend (SQLite file, PostgreSQL schema) -------------
PG_URL_VARIABLE = "GX_FINDMATCHES_TEST_PG_URL"
DEFAULT_PG_URL = "postgresql+psycopg://gxfm:gxfm@localhost:5432/gxfm_test"


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL URL, once the server has answered."""
    url = os.environ.get(PG_URL_VARIABLE, DEFAULT_PG_URL)
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 5})
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    except Exception as error:  # no driver, no server, bad credentials: all the same here
        shown = make_url(url).render_as_string(hide_password=True)
        message = f"PostgreSQL at {shown} is unreachable ({type(error).__name__}: {error})"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must run the PostgreSQL tests", pytrace=False)
        pytest.skip(f"{message}; set {PG_URL_VARIABLE} or start a server")
    return url


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A store URL on a new, empty PostgreSQL schema, dropped after the test."""
    schema = f"gxfm_{uuid.uuid4().hex[:16]}"
    admin = create_engine(postgres_server)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(postgres_server).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty store, once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


# ---- Spark in local mode -------------------------------------------------------------------
@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A real SparkSession in local mode (``local[2]``), shared by the whole session.

    Workers run the interpreter running the tests (``PYSPARK_PYTHON``), so they import the same
    installed ``gx_findmatches``; few shuffle partitions keep small test jobs quick.
    """
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        message = "Spark needs Java 17 (apt-get install openjdk-17-jre-headless)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("gx-findmatches-tests")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
