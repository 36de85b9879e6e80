"""``findmatches.labeling_set_problems``: what is wrong with a Glue label table, if anything."""

from __future__ import annotations

from typing import Any, ClassVar

import pandas as pd

from ...engine.labels import LABEL_COLUMN, SET_COLUMN, label_pairs
from ...errors import ColumnError, FindMatchesError
from ...io import read_table
from ..details import plain
from .batch_frame_metric import BatchFrameMetric


class FindMatchesLabelingSetProblems(BatchFrameMetric):
    """Validate the batch as a Glue label table, collecting every problem found.

    The engine's own label validation (``label_pairs``: required columns, empty cells,
    conflicting or contradicting labels, one-record sets, keys missing from the data at
    ``data_path``) runs first; set-size bounds are checked on top. Value: ``sets``, ``rows``,
    ``records``, ``pairs``, ``matching_pairs``, ``smallest_set``, ``largest_set``,
    ``set_sizes`` and ``problems`` (messages).
    """

    metric_name = "findmatches.labeling_set_problems"
    value_keys = ("primary_key", "data_path", "min_set_size", "max_set_size")
    # GX declares this an instance variable but reads it from the class (a ClassVar)
    default_kwarg_values: ClassVar[dict[str, Any]] = {  # type: ignore[misc]
        "data_path": None,
        "min_set_size": 2,
        "max_set_size": 50,
    }

    @classmethod
    def _from_frame(cls, frame: pd.DataFrame, value_kwargs: dict[str, Any]) -> dict[str, Any]:
        key = value_kwargs["primary_key"]
        problems: list[str] = []
        pairs = matching = 0
        try:
            labelled = label_pairs(frame, key, _data_keys(frame, key, value_kwargs["data_path"]))
            pairs, matching = len(labelled), int(labelled.is_match.sum())
        except FindMatchesError as error:
            problems.append(str(error))
        sizes = pd.Series(dtype="int64")
        if {SET_COLUMN, LABEL_COLUMN, key} <= set(frame.columns):
            records = frame.dropna(subset=[SET_COLUMN]).drop_duplicates([SET_COLUMN, key])
            sizes = records.groupby(SET_COLUMN).size()
            small = sizes[sizes < int(value_kwargs["min_set_size"])]
            large = sizes[sizes > int(value_kwargs["max_set_size"])]
            if len(small):
                problems.append(
                    f"{len(small)} labeling set(s) have fewer than {value_kwargs['min_set_size']} "
                    f"records (e.g. {_examples(small)}); add the records each should be compared "
                    f"with, or drop the set"
                )
            if len(large):
                problems.append(
                    f"{len(large)} labeling set(s) have more than {value_kwargs['max_set_size']} "
                    f"records (e.g. {_examples(large)}); split them: people label large sets "
                    f"poorly"
                )
        return {
            "sets": len(sizes),
            "rows": len(frame),
            "records": int(frame[key].nunique()) if key in frame.columns else 0,
            "pairs": pairs,
            "matching_pairs": matching,
            "smallest_set": int(sizes.min()) if len(sizes) else 0,
            "largest_set": int(sizes.max()) if len(sizes) else 0,
            "set_sizes": plain(sizes.to_dict()),
            "problems": problems,
        }


def _data_keys(frame: pd.DataFrame, key: str, data_path: str | None) -> pd.Series:
    """The keys labels may name: the data's at ``data_path``, else the label table's own."""
    if data_path is None:
        keys = frame[key] if key in frame.columns else pd.Series(dtype=object)
        return pd.Series(keys.dropna().astype(str).unique())
    data = read_table(data_path)
    if key not in data.columns:
        raise ColumnError(
            f"the data at {data_path} has no primary key column {key!r}; point data_path at "
            f"the table the labels were made from"
        )
    return data[key].drop_duplicates()


def _examples(sizes: pd.Series) -> str:
    return ", ".join(f"{name!s} ({count})" for name, count in sizes.head(5).items())
