"""FindMatchesFileAsset: the match result of a CSV, TSV or Parquet file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd
from great_expectations.compatibility import pydantic
from great_expectations.datasource.fluent.interfaces import TestConnectionError

from .match_asset import FindMatchesAssetBase


class FindMatchesFileAsset(FindMatchesAssetBase):
    """A data file, read as text the way the engine reads it, then matched.

    Reading every column as text (as ``gx_findmatches.read_table`` does) keeps keys and codes
    such as postcodes intact; pandas' type guessing would turn ``"0800"`` into ``800``.
    """

    type: Literal["findmatches_file"] = "findmatches_file"
    path: str = pydantic.Field(description="The data file (CSV, TSV or Parquet).")

    class Config:
        extra = pydantic.Extra.forbid

    def test_connection(self) -> None:
        """Fail early, at asset creation, on a path that does not exist."""
        if not Path(self.path).is_file():
            raise TestConnectionError(f"FindMatches file asset {self.name!r}: no file {self.path}")

    def read_table(self) -> pd.DataFrame:
        from ...io import read_table

        return read_table(self.path)
