"""FindMatchesTableAsset: the match result of a table in a SQL database."""

from __future__ import annotations

from typing import Literal

import pandas as pd
from great_expectations.compatibility import pydantic

from .match_asset import FindMatchesAssetBase


class FindMatchesTableAsset(FindMatchesAssetBase):
    """A database table reached through a SQLAlchemy URL, read whole, then matched.

    FindMatches compares records with each other, so the whole table is read into pandas;
    the table name goes through SQLAlchemy reflection, never into SQL text.
    """

    type: Literal["findmatches_table"] = "findmatches_table"
    connection_string: str = pydantic.Field(description="SQLAlchemy URL of the database.")
    table_name: str = pydantic.Field(description="The table to match.")

    class Config:
        extra = pydantic.Extra.forbid

    def test_connection(self) -> None:
        """Nothing to test cheaply; a missing table fails when the batch is read."""

    def read_table(self) -> pd.DataFrame:
        from ...sources import DataSource

        return DataSource(self.connection_string, self.table_name).read()
