"""JSON-safe result details, cut to what the expectation's ``result_format`` asks for.

Validation results are written to JSON stores and rendered into Data Docs, so every value in
``result["details"]`` must be a plain Python value: no numpy scalars, no ``NaN`` (invalid JSON).
Metrics compute complete lists once; expectations cut them per ``result_format``, so the same
cached metric serves BASIC and COMPLETE alike.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .matched_batch import CONFIDENCE, MATCH_ID

DEFAULT_LIMIT = 20


def plain(value: Any) -> Any:
    """A JSON-safe version of a scalar or a nested list/dict (missing values become None)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return str(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a frame as JSON-safe dicts."""
    columns = [str(c) for c in frame.columns]
    return [dict(zip(columns, map(plain, row), strict=True)) for row in frame.itertuples(False)]


def group_entries(groups: pd.DataFrame, **extra: Any) -> list[dict[str, Any]]:
    """One entry per match group of a ``duplicate_groups`` style frame (order kept): its id,
    size, confidence and records. ``extra`` maps an entry key to a function of the group's rows.
    """
    # Rows become dicts in one pass over the whole frame; each group then picks its rows by
    # position (per-group drop/itertuples cost 60 % of a checkpoint: measured).
    all_records = records(groups.drop(columns=[MATCH_ID, CONFIDENCE]))
    confidence = groups[CONFIDENCE].to_numpy()
    entries = []
    for match_id, positions in groups.groupby(MATCH_ID, sort=False).indices.items():
        entry: dict[str, Any] = {
            "match_id": plain(match_id),
            "size": len(positions),
            "confidence": plain(round(float(confidence[positions[0]]), 4)),
        }
        if extra:
            rows = groups.iloc[positions]
            for key, compute in extra.items():
                entry[key] = plain(compute(rows))
        entry["records"] = [all_records[i] for i in positions]
        entries.append(entry)
    return entries


def limit_of(runtime_configuration: Mapping[str, Any] | None) -> int | None:
    """How many listed items a result keeps: all for COMPLETE, else ``partial_unexpected_count``
    (20 unless set); BOOLEAN_ONLY results are emptied by GX itself afterwards."""
    result_format = (runtime_configuration or {}).get("result_format") or {}
    if isinstance(result_format, str):
        result_format = {"result_format": result_format}
    name = result_format.get("result_format", "")
    if str(getattr(name, "value", name)).upper() == "COMPLETE":
        return None
    count = result_format.get("partial_unexpected_count", DEFAULT_LIMIT)
    return DEFAULT_LIMIT if count is None else max(int(count), 0)


def cut(items: Sequence[Any] | Iterable[Any], limit: int | None) -> list[Any]:
    """The first ``limit`` items (all when ``limit`` is None)."""
    items = list(items)
    return items if limit is None else items[:limit]
