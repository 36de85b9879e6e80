"""Explanations Glue lacks: why two records were (or were not) matched.

For each pair and each compared column we show both values, the similarity, the agreement
level and the column's additive contribution to the pair's match log-odds. The contributions
plus the baseline (prior, or the classifier's intercept) sum exactly to the log-odds whose
sigmoid is the reported probability, so the explanation is the model, not an approximation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from .blocking import pairs_within_groups
from .matcher import Matcher

BASELINE = "(baseline)"


def explain_pairs(
    fitted: Matcher, X: pd.DataFrame, pairs: Sequence[tuple[object, object]]
) -> pd.DataFrame:
    """Per-column explanation of record pairs given by primary key.

    Returns:
        One row per pair and column (plus a ``(baseline)`` row per pair): ``left_key``,
        ``right_key``, ``column``, ``left_value``, ``right_value``, ``similarity``,
        ``level``, ``contribution`` (log-odds) and the pair's ``probability``.
    """
    table = fitted.prepare(X)
    position = pd.Series(np.arange(len(table)), index=table.keys.astype(str).to_numpy())
    wanted = pd.DataFrame(list(pairs), columns=["left_key", "right_key"], dtype=object)
    asked = {str(key) for key in wanted.to_numpy().ravel()}
    unknown = sorted(asked - {str(key) for key in position.index})
    if unknown:
        raise InputError(
            f"primary keys {unknown[:5]} are not in the table; explain pairs of its records"
        )
    left = position.loc[wanted["left_key"].astype(str)].to_numpy()
    right = position.loc[wanted["right_key"].astype(str)].to_numpy()
    features = table.compare(left, right)
    model = fitted.scoring_model
    contributions = fitted.contributions(table, left, right, features.levels)
    baseline = np.full(len(left), model.intercept)
    probability = 1 / (1 + np.exp(-(baseline + contributions.sum(axis=1))))
    ordered = X.iloc[table.order].reset_index(drop=True)
    # A column read from another (a title's model codes) shows what it compared.
    shown = [
        column.values if column.spec.source else ordered[column.spec.name].to_numpy()
        for column in table.columns
    ]
    rows = []
    for k in range(len(left)):
        common = {
            "left_key": wanted["left_key"].iloc[k],
            "right_key": wanted["right_key"].iloc[k],
            "probability": float(probability[k]),
        }
        rows.append({**common, "column": BASELINE, "contribution": float(baseline[k])})
        for c, column in enumerate(table.columns):
            rows.append(
                {
                    **common,
                    "column": column.spec.name,
                    "left_value": shown[c][int(left[k])],
                    "right_value": shown[c][int(right[k])],
                    "similarity": float(features.similarities[k, c]),
                    "level": int(features.levels[k, c]),
                    "contribution": float(contributions[k, c]),
                }
            )
    columns = [
        "left_key",
        "right_key",
        "column",
        "left_value",
        "right_value",
        "similarity",
        "level",
        "contribution",
        "probability",
    ]
    return pd.DataFrame(rows).reindex(columns=columns)


def explain_group(fitted: Matcher, matched: pd.DataFrame, match_id: object) -> pd.DataFrame:
    """Explain every pair inside one match group of a match output (``transform`` result)."""
    if "match_id" not in matched.columns:
        raise InputError("pass the output of a match run: it has a match_id column")
    members = matched.loc[matched["match_id"] == match_id, fitted.settings.primary_key].to_numpy()
    if len(members) == 0:
        raise InputError(f"no match group has match_id {match_id!r}")
    if len(members) == 1:
        return explain_pairs(
            fitted, matched.drop(columns=["match_id", "match_confidence_score"]), []
        )
    left, right = pairs_within_groups(np.zeros(len(members), dtype="int64"))
    data = matched.drop(columns=["match_id", "match_confidence_score"])
    return explain_pairs(fitted, data, list(zip(members[left], members[right], strict=True)))
