"""The base of the FindMatches data assets: a table plus the transform that matches it.

A batch of such an asset is the match result of the whole table: every input row plus
``match_id`` and ``match_confidence_score``. Any GX expectation then checks match results
(e.g. that every row got a match id) without knowing about FindMatches at all.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

import pandas as pd
from great_expectations.compatibility import pydantic
from great_expectations.core.batch import LegacyBatchDefinition
from great_expectations.core.batch_spec import RuntimeDataBatchSpec
from great_expectations.datasource.fluent import BatchRequest
from great_expectations.datasource.fluent.batch_identifier_util import make_batch_identifier
from great_expectations.datasource.fluent.constants import _DATA_CONNECTOR_NAME
from great_expectations.datasource.fluent.interfaces import Batch
from great_expectations.datasource.fluent.pandas_datasource import _PandasDataAsset

from ..expectations.matching_expectation import EXCLUDE_COLUMNS, LABELS_PATH, settings_field
from ..params import MATCH_KEYS
from .matching import inline_match, stored_match

TRANSFORM_NAME = "A transform in the gx-findmatches store whose latest trained model matches."
STORE_URL = "The store's SQLAlchemy URL (default: $GX_FINDMATCHES_STORE or ./findmatches.db)."
#: The fields of inline matching: every matching key but the stored transform's.
INLINE_KEYS = tuple(key for key in MATCH_KEYS if key not in ("transform_name", "store_url"))


class FindMatchesAssetBase(_PandasDataAsset):
    """A table and a transform: inline matching parameters, or a stored, trained transform.

    The leading underscore keeps GX from registering this base as an asset type of its own.
    Glue's parameters take their defaults, bounds and descriptions from ``engine.settings``
    (``primary_key`` is optional here: ``transform_name`` is the other way to match).
    """

    primary_key: str | None = settings_field("primary_key", default=None)
    columns: list[str] | dict[str, str] | None = settings_field("columns")
    precision_recall_tradeoff: float = settings_field("precision_recall_tradeoff")
    accuracy_cost_tradeoff: float = settings_field("accuracy_cost_tradeoff")
    enforce_provided_labels: bool = settings_field("enforce_provided_labels")
    partition_by: str | None = settings_field("partition_by")
    exclude_columns: list[str] | None = pydantic.Field(default=None, description=EXCLUDE_COLUMNS)
    labels_path: str | None = pydantic.Field(default=None, description=LABELS_PATH)
    transform_name: str | None = pydantic.Field(default=None, description=TRANSFORM_NAME)
    store_url: str | None = pydantic.Field(default=None, description=STORE_URL)

    @pydantic.root_validator(skip_on_failure=True)
    def _one_transform(cls, values: dict[str, Any]) -> dict[str, Any]:
        """Exactly one way to match: a stored model ignores inline parameters, so allowing
        both would silently validate something other than what the config says."""
        stored, inline = values.get("transform_name"), values.get("primary_key")
        if stored is None and inline is None:
            raise ValueError(
                "give the matching setup: primary_key (and optional parameters) to fit on the "
                "data, or transform_name (and store_url) of a trained transform"
            )
        if stored is not None and inline is not None:
            raise ValueError(
                "give either primary_key (inline matching) or transform_name (a stored "
                "transform), not both: the stored model has its own key and parameters"
            )
        return values

    @abstractmethod
    def read_table(self) -> pd.DataFrame:
        """The table to match, read now."""

    def match_frame(self) -> pd.DataFrame:
        """The match result of the table: input rows + ``match_id`` + confidence."""
        frame = self.read_table()
        if self.transform_name is not None:
            return stored_match(frame, self.store_url, self.transform_name, self.exclude_columns)
        return inline_match(frame, {key: getattr(self, key) for key in INLINE_KEYS})

    def get_batch_parameters_keys(self, partitioner: Any = None) -> tuple[str, ...]:
        """No batch parameters: a batch is always the whole table's match result."""
        return ()

    def get_batch(self, batch_request: BatchRequest) -> Batch:
        """Read and match the table, and hand the frame to the pandas execution engine (as
        GX's own dataframe asset does with a frame it is given)."""
        self._validate_batch_request(batch_request)
        batch_spec = RuntimeDataBatchSpec(batch_data=self.match_frame())
        execution_engine = self.datasource.get_execution_engine()
        data, markers = execution_engine.get_batch_data_and_markers(batch_spec=batch_spec)
        batch_definition = LegacyBatchDefinition(
            datasource_name=self.datasource.name,
            data_connector_name=_DATA_CONNECTOR_NAME,
            data_asset_name=self.name,
            batch_identifiers=make_batch_identifier(batch_request.options),
            batch_spec_passthrough=None,
        )
        return Batch(
            datasource=self.datasource,
            data_asset=self,
            batch_request=batch_request,
            data=data,
            metadata=self._get_batch_metadata_from_batch_request(batch_request=batch_request),
            batch_markers=markers,
            batch_spec=batch_spec,
            batch_definition=batch_definition,
        )
