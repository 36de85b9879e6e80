"""Store fixtures: every test gets an empty store, on SQLite and on PostgreSQL (the URLs come
from ``store_url`` in ``tests/conftest.py``).

SQLite stores are files in ``tmp_path``. PostgreSQL stores are a fresh schema per test (the
URL sets ``search_path``), dropped afterwards, so runs never see each other's tables, even
two CI jobs sharing one database.

PostgreSQL is at ``postgresql+psycopg://gxfm:gxfm@localhost:5432/gxfm_test`` unless
``GX_FINDMATCHES_TEST_PG_URL`` says otherwise. When it cannot be reached the PostgreSQL tests
are skipped, except under CI (``CI`` set), where a missing server must fail the build rather
than silently test half the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pandas as pd
import pytest
from gx_findmatches.store import Store


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An empty store (closed afterwards, so no connection outlives the test)."""
    with Store(store_url) as opened:
        yield opened


@pytest.fixture
def customers(store: Store) -> str:
    """A registered transform named ``customers``; returns its name."""
    store.create_transform("customers", "data/customers.csv", "id", columns=["name", "city"])
    return "customers"


LabelTable = Callable[..., pd.DataFrame]


@pytest.fixture
def label_table() -> LabelTable:
    """Builds a Glue label table (``labeling_set_id``, ``label``, ``id``, then ``extra``)."""

    def build(rows: list[tuple[object, ...]], extra: tuple[str, ...] = ("name",)) -> pd.DataFrame:
        columns = ["labeling_set_id", "label", "id", *extra]
        return pd.DataFrame(rows, columns=columns, dtype=object)

    return build
