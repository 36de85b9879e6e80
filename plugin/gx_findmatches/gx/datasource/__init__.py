"""A GX fluent data source whose batches are FindMatches match results.

Importing this package registers the ``findmatches`` data source type with GX, which adds
``context.data_sources.add_findmatches``. A file-backed Data Context that has one saved in
``great_expectations.yml`` must be loaded *after* this import, as for any GX plugin.
"""

from __future__ import annotations

from .file_asset import FindMatchesFileAsset
from .findmatches_datasource import FindMatchesDatasource
from .table_asset import FindMatchesTableAsset

__all__ = ["FindMatchesDatasource", "FindMatchesFileAsset", "FindMatchesTableAsset"]
