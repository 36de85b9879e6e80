"""``findmatches.match_result``: the one FindMatches run a batch needs, shared by every check.

Every matching expectation depends on this metric (through the metric it reads) with the same
value keys, so GX's metric graph resolves it once per batch and parameter set, however many
expectations of a suite use it. Each run logs one INFO record on this module's logger
(``gx_findmatches.gx.metrics.match_result``), so a log, or a test, can count the runs.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

import pandas as pd

from ..matched_batch import MatchedBatch, columns_set_aside
from ..params import MATCH_DEFAULTS, MATCH_KEYS, MATCH_RESULT, MatchParameters
from .batch_frame_metric import BatchFrameMetric

logger = logging.getLogger(__name__)


class FindMatchesMatchResult(BatchFrameMetric):
    """Fit FindMatches on the batch and match it: a :class:`MatchedBatch`.

    Value keys: ``primary_key``, ``columns``, ``exclude_columns``,
    ``precision_recall_tradeoff``, ``accuracy_cost_tradeoff``, ``partition_by`` and
    ``labels_path`` (a Glue label file; labels make the model supervised).
    """

    metric_name = MATCH_RESULT
    value_keys = MATCH_KEYS
    # GX declares this an instance variable but reads it from the class (a ClassVar)
    default_kwarg_values: ClassVar[dict[str, Any]] = dict(MATCH_DEFAULTS)  # type: ignore[misc]

    @classmethod
    def _from_frame(cls, frame: pd.DataFrame, value_kwargs: dict[str, Any]) -> MatchedBatch:
        parameters = MatchParameters.from_kwargs(value_kwargs)
        data = parameters.matching_frame(frame)
        transform = parameters.fitted(data)
        result = transform.match(data)
        logger.info("matched a batch of %d rows: %s", len(frame), result.summary.to_dict())
        aside = columns_set_aside(transform, data)
        return MatchedBatch(data=frame, result=result, parameters=parameters, set_aside=aside)
