"""Fixtures of the docs test: one run per doc (workspace + namespace), shared by its snippets."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from doc_runner import DocRuns, spark_environment
from doc_snippets import Snippet
from doc_workspaces import WORKSPACES, Workspace
from sqlalchemy import create_engine


@pytest.fixture(scope="session")
def doc_runs(tmp_path_factory: pytest.TempPathFactory) -> DocRuns:
    return DocRuns(tmp_path_factory)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, snippet: Snippet) -> Iterator[str]:
    """An empty PostgreSQL schema (``postgres_url``) holding the doc's database tables."""
    url: str = request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    try:
        for name, table in WORKSPACES.get(snippet.doc, Workspace({})).tables.items():
            table().to_sql(name, engine, index=False)
    finally:
        engine.dispose()
    yield url


@pytest.fixture
def spark_process_env() -> dict[str, str]:
    """The environment of a Spark snippet's process; needs Java, as the ``spark`` fixture of
    ``tests/conftest.py`` does (whose session lives in this process and cannot be shared)."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        message = "Spark needs Java 17 (apt-get install openjdk-17-jre-headless)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return spark_environment()
