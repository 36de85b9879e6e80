"""Saving and loading fitted transforms as plain JSON: safe to read, diff and version.

No pickle: a model file may come from anyone, and JSON can only ever be data. Everything a
fitted transform needs is numbers, strings and lists (column plan, blocking plan, m/u tables,
classifier coefficients, labelled pairs by key), so a reloaded transform makes identical
predictions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ModelFileError, ParameterError
from ..outputs import write_text_atomically
from .blocking import BlockingPlan
from .columns import ColumnPlan, ColumnSpec
from .fellegi_sunter import FellegiSunterModel
from .matcher import Matcher
from .settings import MatchSettings
from .supervised import LevelWeightClassifier

FORMAT = "gx-findmatches-transform"
FORMAT_VERSION = 2  # 2: sessions-trained m, level-weight classifier


def matcher_to_dict(matcher: Matcher) -> dict[str, Any]:
    """A fitted model as a JSON-ready dictionary."""
    plan = matcher.blocking_plan
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "params": _json_params(matcher.settings.values()),
        "columns": [vars(spec) for spec in matcher.column_plan.compared],
        "excluded_columns": dict(matcher.column_plan.excluded),
        "blocking": {
            "keys": [[list(part) for part in key] for key in plan.keys],
            "window": plan.window,
            "neighbourhood_columns": list(plan.neighbourhood_columns),
            "budget": plan.budget,
            "rejected": plan.rejected,
        },
        "fellegi_sunter": matcher.fellegi_sunter.to_dict(),
        "classifier": matcher.classifier.to_dict() if matcher.classifier else None,
        "labels": {
            column: matcher.labels[column].tolist()
            for column in ("left_key", "right_key", "is_match")
        },
    }


def matcher_from_dict(data: dict[str, Any]) -> Matcher:
    """Rebuild a fitted model from :func:`matcher_to_dict` output."""
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
        settings = MatchSettings(**data["params"])
        specs = tuple(ColumnSpec(**spec) for spec in data["columns"])
        blocking = data["blocking"]
        plan = BlockingPlan(
            keys=tuple(tuple((col, tf) for col, tf in key) for key in blocking["keys"]),
            window=int(blocking["window"]),
            neighbourhood_columns=tuple(blocking["neighbourhood_columns"]),
            budget=int(blocking["budget"]),
            rejected=dict(blocking["rejected"]),
        )
        classifier = data["classifier"]
        labels = data["labels"]
        return Matcher(
            settings=settings,
            column_plan=ColumnPlan(specs, dict(data["excluded_columns"])),
            blocking_plan=plan,
            fellegi_sunter=FellegiSunterModel.from_dict(data["fellegi_sunter"]),
            classifier=LevelWeightClassifier.from_dict(classifier) if classifier else None,
            labels=pd.DataFrame(
                {
                    "left_key": pd.Series(labels["left_key"], dtype=object),
                    "right_key": pd.Series(labels["right_key"], dtype=object),
                    "is_match": pd.Series(labels["is_match"], dtype=bool),
                }
            ),
        )
    except (KeyError, TypeError, ValueError, ParameterError) as error:
        raise ModelFileError(
            f"the transform file is damaged ({type(error).__name__}: {error}); "
            f"refit and save the transform again"
        ) from error


def save_matcher(matcher: Matcher, path: str | Path) -> Path:
    """Write atomically: a crash mid-write never leaves a half-written model file."""
    text = json.dumps(matcher_to_dict(matcher), indent=1, sort_keys=False)
    return write_text_atomically(path, text)


def load_matcher(path: str | Path) -> Matcher:
    """Read a model file written by :func:`save_matcher`."""
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
    return matcher_from_dict(data)


def _json_params(params: dict[str, Any]) -> dict[str, Any]:
    columns = params.get("columns")
    if columns is not None and not isinstance(columns, dict):
        params["columns"] = list(columns)
    elif isinstance(columns, dict):
        params["columns"] = {str(k): str(v) for k, v in columns.items()}
    return params
