"""FindMatchesDatasource: GX batches that are FindMatches match results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal, Union

from great_expectations.datasource.fluent.interfaces import DataAsset
from great_expectations.datasource.fluent.pandas_datasource import _PandasDatasource

from .file_asset import FindMatchesFileAsset
from .table_asset import FindMatchesTableAsset


class FindMatchesDatasource(_PandasDatasource):
    """A data source whose assets are tables matched by FindMatches.

    Defining the class registers it with GX (``type`` names it in ``great_expectations.yml``)
    and adds ``context.data_sources.add_findmatches``. A batch is the input table plus
    ``match_id`` and ``match_confidence_score``, computed by the pandas engine when GX asks
    for it, so every core GX expectation can check match results.

    Example::

        source = context.data_sources.add_findmatches(name="people")
        asset = source.add_file_asset("febrl3", path="febrl3.csv", primary_key="rec_id")
        batch = asset.add_batch_definition_whole_dataframe("all").get_batch()
    """

    asset_types: ClassVar[Sequence[type[DataAsset]]] = [
        FindMatchesFileAsset,
        FindMatchesTableAsset,
    ]
    type: Literal["findmatches"] = "findmatches"
    # typing.Union (not `|`): pydantic v1 evaluates this annotation at class creation
    assets: list[Union[FindMatchesFileAsset, FindMatchesTableAsset]] = []  # noqa: UP007, RUF012

    def test_connection(self, test_assets: bool = True) -> None:
        """Check the assets' sources (file paths); there is no connection of its own."""
        if test_assets:
            for asset in self.assets:
                asset.test_connection()

    def add_file_asset(self, name: str, path: str, **transform: Any) -> FindMatchesFileAsset:
        """Add a data file (CSV, TSV, Parquet) and how to match it.

        Args:
            name: the asset's name.
            path: the data file.
            **transform: inline matching (``primary_key`` and optional ``columns``,
                ``exclude_columns``, trade-offs, ``partition_by``, ``labels_path``,
                ``enforce_provided_labels``) or ``transform_name`` and ``store_url`` of a
                trained transform in a gx-findmatches store.
        """
        asset = FindMatchesFileAsset(name=name, path=str(path), **transform)
        return self._add_asset(asset)

    def add_table_asset(
        self, name: str, connection_string: str, table_name: str, **transform: Any
    ) -> FindMatchesTableAsset:
        """Add a SQL table (a SQLAlchemy URL and a table name) and how to match it.

        Args:
            name: the asset's name.
            connection_string: the database's SQLAlchemy URL.
            table_name: the table to match.
            **transform: as for :meth:`add_file_asset`.
        """
        asset = FindMatchesTableAsset(
            name=name, connection_string=connection_string, table_name=table_name, **transform
        )
        return self._add_asset(asset)
