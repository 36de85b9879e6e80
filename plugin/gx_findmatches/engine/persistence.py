"""Saving and loading fitted transforms as plain JSON: safe to read, diff and version.

No pickle: a model file may come from anyone, and JSON can only ever be data. Everything a
fitted transform needs is numbers, strings and lists (column plan, blocking plan, m/u tables,
classifier coefficients, labelled pairs by key), so a reloaded transform makes identical
predictions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import ModelFileError
from ..outputs import write_text_atomically
from .blocking import BlockingPlan
from .columns import ColumnPlan, ColumnSpec
from .fellegi_sunter import FellegiSunterModel
from .supervised import LevelWeightClassifier

if TYPE_CHECKING:
    from .transform import FindMatches

FORMAT = "gx-findmatches-transform"
FORMAT_VERSION = 2  # 2: sessions-trained m, level-weight classifier


def transform_to_dict(transform: FindMatches) -> dict[str, Any]:
    """A fitted transform as a JSON-ready dictionary."""
    transform._check_fitted()
    plan = transform.blocking_plan_
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "params": _json_params(transform.get_params()),
        "columns": [vars(spec) for spec in transform.column_plan_.compared],
        "excluded_columns": dict(transform.column_plan_.excluded),
        "blocking": {
            "keys": [[list(part) for part in key] for key in plan.keys],
            "window": plan.window,
            "neighbourhood_columns": list(plan.neighbourhood_columns),
            "budget": plan.budget,
            "rejected": plan.rejected,
        },
        "fellegi_sunter": transform.fellegi_sunter_.to_dict(),
        "classifier": transform.classifier_.to_dict() if transform.classifier_ else None,
        "labels": {
            column: transform.labels_[column].tolist()
            for column in ("left_key", "right_key", "is_match")
        },
    }


def transform_from_dict(data: dict[str, Any]) -> FindMatches:
    """Rebuild a fitted transform from :func:`transform_to_dict` output."""
    from .transform import FindMatches

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelFileError(
            "this is not a gx-findmatches transform file; save one with "
            "FindMatches.save or `gx-findmatches match --save-model`"
        )
    if data.get("version") != FORMAT_VERSION:
        raise ModelFileError(
            f"transform file version {data.get('version')} is not supported "
            f"by this release (reads version {FORMAT_VERSION}); refit and "
            f"save the transform again"
        )
    try:
        transform = FindMatches(**data["params"])
        specs = tuple(ColumnSpec(**spec) for spec in data["columns"])
        transform.column_plan_ = ColumnPlan(specs, dict(data["excluded_columns"]))
        blocking = data["blocking"]
        transform.blocking_plan_ = BlockingPlan(
            keys=tuple(tuple((col, tf) for col, tf in key) for key in blocking["keys"]),
            window=int(blocking["window"]),
            neighbourhood_columns=tuple(blocking["neighbourhood_columns"]),
            budget=int(blocking["budget"]),
            rejected=dict(blocking["rejected"]),
        )
        transform.fellegi_sunter_ = FellegiSunterModel.from_dict(data["fellegi_sunter"])
        classifier = data["classifier"]
        transform.classifier_ = LevelWeightClassifier.from_dict(classifier) if classifier else None
        labels = data["labels"]
        transform.labels_ = pd.DataFrame(
            {
                "left_key": pd.Series(labels["left_key"], dtype=object),
                "right_key": pd.Series(labels["right_key"], dtype=object),
                "is_match": pd.Series(labels["is_match"], dtype=bool),
            }
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ModelFileError(
            f"the transform file is damaged ({type(error).__name__}: {error}); "
            f"refit and save the transform again"
        ) from error
    transform.feature_names_in_ = pd.Index([s.name for s in specs]).to_numpy(dtype=object)
    transform.n_features_in_ = len(specs)
    transform.fit_seconds_ = {}
    return transform


def save_transform(transform: FindMatches, path: str | Path) -> Path:
    """Write atomically: a crash mid-write never leaves a half-written model file."""
    text = json.dumps(transform_to_dict(transform), indent=1, sort_keys=False)
    return write_text_atomically(path, text)


def load_transform(path: str | Path) -> FindMatches:
    """Read a transform file written by :func:`save_transform`."""
    source = Path(path)
    if not source.is_file():
        raise ModelFileError(f"no transform file at {source}; check the path")
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFileError(
            f"{source} is not a JSON transform file ({error}); save "
            f"transforms with FindMatches.save"
        ) from error
    return transform_from_dict(data)


def _json_params(params: dict[str, Any]) -> dict[str, Any]:
    columns = params.get("columns")
    if columns is not None and not isinstance(columns, dict):
        params["columns"] = list(columns)
    elif isinstance(columns, dict):
        params["columns"] = {str(k): str(v) for k, v in columns.items()}
    return params
