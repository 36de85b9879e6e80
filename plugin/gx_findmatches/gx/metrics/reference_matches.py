"""``findmatches.reference_matches``: batch rows that match a record of a reference table."""

from __future__ import annotations

from typing import Any, ClassVar

import pandas as pd

from ...errors import ColumnError
from ...io import read_table
from ..details import plain, records
from ..matched_batch import CONFIDENCE, MATCH_ID, columns_set_aside
from ..params import MATCH_DEFAULTS, MATCH_KEYS, MatchParameters
from .batch_frame_metric import BatchFrameMetric

_SOURCE = "_findmatches_source"


class FindMatchesReferenceMatches(BatchFrameMetric):
    """Match the batch together with the reference table at ``reference_path``.

    The two are matched as one table (fitted on both), and a batch row *matches the
    reference* when its match group holds a reference record: it is the same entity as a
    record already on file. A batch row whose primary key is already in the reference is the
    same record and counts as matching without being matched again. Reference columns the
    batch lacks, and earlier output columns (``match_id``, ``match_confidence_score``), are
    ignored.

    Value: ``rows``, ``matching_rows``, ``same_key_rows``, ``reference_rows`` and
    ``matches`` (per matching batch row: its key, the reference keys it matched, confidence
    and the batch record).
    """

    metric_name = "findmatches.reference_matches"
    value_keys = (*MATCH_KEYS, "reference_path")
    # GX declares this an instance variable but reads it from the class (a ClassVar)
    default_kwarg_values: ClassVar[dict[str, Any]] = dict(MATCH_DEFAULTS)  # type: ignore[misc]

    @classmethod
    def _from_frame(cls, frame: pd.DataFrame, value_kwargs: dict[str, Any]) -> dict[str, Any]:
        parameters = MatchParameters.from_kwargs(value_kwargs)
        key = parameters.primary_key
        batch = parameters.matching_frame(frame.reset_index(drop=True))
        reference, batch = _aligned(read_table(value_kwargs["reference_path"]), batch)
        same_key = batch[key].astype(str).isin(set(reference[key].astype(str)))
        combined = pd.concat(
            [reference.assign(**{_SOURCE: False}), batch[~same_key].assign(**{_SOURCE: True})],
            ignore_index=True,
        )
        data = combined.drop(columns=_SOURCE)
        transform = parameters.fitted(data)
        output = transform.match(data).frame
        output[_SOURCE] = combined[_SOURCE].to_numpy()
        has_reference = ~output.groupby(MATCH_ID)[_SOURCE].transform("all")
        reference_keys = output[~output[_SOURCE]].groupby(MATCH_ID)[key].agg(list)
        matched = output[output[_SOURCE] & has_reference]
        batch_records = dict(zip(batch[key], records(batch), strict=True))
        matches = [
            {
                "key": plain(row[key]),
                "reference_keys": plain(reference_keys.get(row[MATCH_ID], [])),
                "confidence": plain(round(float(row[CONFIDENCE]), 4)),
                "record": batch_records[row[key]],
            }
            for _, row in matched.iterrows()
        ]
        matches += [
            {"key": plain(k), "reference_keys": [plain(k)], "confidence": 1.0, "record": r}
            for k, r in zip(batch.loc[same_key, key], records(batch[same_key]), strict=True)
        ]
        return {
            "rows": len(batch),
            "reference_rows": len(reference),
            "matching_rows": len(matches),
            "same_key_rows": int(same_key.sum()),
            "columns": [str(c) for c in batch.columns],
            "matches": matches,
            "columns_set_aside": columns_set_aside(transform, data),
        }


def _aligned(reference: pd.DataFrame, batch: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The reference's copy of the batch's columns, and the batch, with matching dtypes.

    CSV references are read as text; a batch column holding numbers would otherwise meet
    strings in the same column. The reference takes the batch's dtype where it converts,
    else both sides of that column become text.
    """
    missing = [str(c) for c in batch.columns if c not in reference.columns]
    if missing:
        raise ColumnError(
            f"the reference table lacks the batch's column(s) {missing}; give a reference "
            f"with the same columns as the batch (extra columns are ignored)"
        )
    reference = reference[list(batch.columns)].copy()
    batch = batch.copy()
    for column in batch.columns:
        if reference[column].dtype == batch[column].dtype:
            continue
        try:
            reference[column] = reference[column].astype(batch[column].dtype)
        except (TypeError, ValueError):
            reference[column] = _as_text(reference[column])
            batch[column] = _as_text(batch[column])
    return reference, batch


def _as_text(values: pd.Series) -> pd.Series:
    return values.map(lambda v: None if pd.isna(v) else str(v)).astype(object)
