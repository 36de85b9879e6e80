"""Turn a table into its FindMatches match result, for the data source's batches.

Kept apart from the asset classes so the pydantic models stay declarations: everything that
touches the engine or the store is here, and is imported only when a batch is built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ..matched_batch import MatchedBatch
from ..params import MatchParameters


def inline_match(frame: pd.DataFrame, setup: Mapping[str, Any]) -> pd.DataFrame:
    """Fit FindMatches on ``frame`` with the asset's inline parameters, and match it.

    Fitting on the batch itself is what Glue does for a transform without a trained model
    (and what the matching expectations do), so a batch is reproducible from its config alone.
    """
    params = MatchParameters.from_kwargs(setup)
    matcher_frame = params.matching_frame(frame)
    result = params.transform().fit(matcher_frame, params.labels()).match(matcher_frame)
    return MatchedBatch(frame, result, params).labelled()


def stored_match(
    frame: pd.DataFrame,
    store_url: str | None,
    transform_name: str,
    exclude_columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Match ``frame`` with the latest trained model of a stored transform.

    The model is not refitted: a batch then shows what the production transform does to the
    data, which is the thing to validate.
    """
    from ...stored import trained_transform  # the store is imported only when used

    fitted = trained_transform(store_url, transform_name)
    params = MatchParameters(fitted.get_settings(), exclude_columns=tuple(exclude_columns or ()))
    result = fitted.match(params.matching_frame(frame))
    return MatchedBatch(frame, result, params).labelled()
