"""Incremental matching: new records against an already matched table.

Glue's FindIncrementalMatches, with the guarantee Glue users ask for: existing ``match_id``
values never change. New records may join an existing group (taking its id) or form new groups
(named, as always, by their smallest primary key). Candidate pairs between two existing records
are never scored, which is where the saving against a full re-run comes from; the summary's
``skipped_pairs`` counts them.

The existing table is a previous output: its rows carry ``match_id`` and
``match_confidence_score``, which are kept as they were.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import ColumnError, InputError, PrimaryKeyError
from .matcher import Matcher
from .results import MatchResult
from .timing import Timer
from .validation import OUTPUT_COLUMNS


def match_incremental(matcher: Matcher, existing: pd.DataFrame, new: pd.DataFrame) -> MatchResult:
    """See :meth:`FindMatches.match_incremental`. Output rows: existing rows, then new rows."""
    data_columns = incremental_columns(list(existing.columns), list(new.columns))
    key = matcher.settings.primary_key
    reused = pd.Index(new[key]).intersection(pd.Index(existing[key])) if key in new else []
    refuse_reused_keys(len(reused), list(reused[:5]))
    combined = pd.concat([existing[data_columns], new[data_columns]], ignore_index=True)
    timer = Timer()
    with timer("prepare"):
        table = matcher.prepare(combined)
    is_new = table.order >= len(existing)
    frozen_ids = np.full(len(table), None, dtype=object)
    frozen_ids[~is_new] = existing["match_id"].to_numpy(dtype=object)[table.order[~is_new]]
    result = matcher.match_prepared(combined, table, timer, new=is_new, frozen_ids=frozen_ids)
    frame = result.frame
    old_rows = np.arange(len(existing))
    kept_scores = pd.to_numeric(existing["match_confidence_score"], errors="coerce")
    frame.loc[old_rows, "match_confidence_score"] = kept_scores.to_numpy(dtype="float64")
    return MatchResult(frame, result.pairs, result.summary)


def incremental_columns(existing: Sequence[object], new: Sequence[object]) -> list[object]:
    """The data columns of an incremental run: the existing table's columns but the output
    ones, which the new records must have too (in any order). Shared by both engines.

    Raises:
        InputError: the existing table is not an earlier output (no ``match_id`` or score).
        ColumnError: the new records have other columns than the existing table.
    """
    missing = [c for c in OUTPUT_COLUMNS if c not in existing]
    if missing:
        raise InputError(
            f"the existing table lacks {missing}; pass the output of an earlier match run "
            f"(it carries match_id and match_confidence_score)"
        )
    data_columns = [c for c in existing if c not in OUTPUT_COLUMNS]
    if set(new) != set(data_columns):
        raise ColumnError(
            f"new records have columns {sorted(map(str, new))} but the existing table "
            f"has {sorted(map(str, data_columns))}; give both the same columns"
        )
    return data_columns


def refuse_reused_keys(count: int, examples: Sequence[object]) -> None:
    """Refuse new records whose primary keys existing records already have: a key names one
    record, and an existing record's group must not change. Shared by both engines.

    Raises:
        PrimaryKeyError: ``count`` new keys are reused (``examples``: a few of them).
    """
    if count:
        raise PrimaryKeyError(
            f"{count} new record(s) reuse primary keys of existing records (e.g. "
            f"{list(examples)}); new records need new keys, or update the existing table"
        )
