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
from .model_schema import (
    FORMAT,
    FORMAT_VERSION,
    MAX_CONTAINERS,
    MAX_FILE_BYTES,
    validate_model_file,
)
from .settings import MatchSettings
from .supervised import LevelWeightClassifier
from .term_frequency import frequencies_from_dicts


def matcher_to_dict(matcher: Matcher) -> dict[str, Any]:
    """A fitted model as a JSON-ready dictionary."""
    plan = matcher.blocking_plan
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "params": _json_params(matcher.settings.values()),
        "columns": [vars(spec) for spec in matcher.column_plan.compared],
        "excluded_columns": dict(matcher.column_plan.excluded),
        "swapped_columns": [list(pair) for pair in matcher.column_plan.swapped],
        "blocking": {
            "keys": [[list(part) for part in key] for key in plan.keys],
            "window": plan.window,
            "neighbourhood_columns": list(plan.neighbourhood_columns),
            "budget": plan.budget,
            "rejected": plan.rejected,
        },
        "fellegi_sunter": matcher.fellegi_sunter.to_dict(),
        "term_frequencies": [f.to_dict() for f in matcher.frequencies],
        "classifier": matcher.classifier.to_dict() if matcher.classifier else None,
        "labels": {
            column: matcher.labels[column].tolist()
            for column in ("left_key", "right_key", "is_match")
        },
    }


def matcher_from_dict(data: dict[str, Any]) -> Matcher:
    """Rebuild a fitted model from :func:`matcher_to_dict` output, after checking it in full
    against the schema (:mod:`.model_schema`): the dictionary may come from anyone.

    Raises:
        ModelFileError: it is not a transform, or any field is wrong (the message names it).
    """
    model = validate_model_file(data)
    try:
        settings = MatchSettings(**model.params.model_dump())
    except ParameterError as error:
        raise ModelFileError(
            f"the transform file's params are invalid ({error}); refit and save the transform again"
        ) from error
    specs = tuple(ColumnSpec(c.name, c.kind, c.reason, c.source) for c in model.columns)
    blocking = model.blocking
    classifier = model.classifier
    labels = model.labels
    return Matcher(
        settings=settings,
        column_plan=ColumnPlan(
            specs,
            dict(model.excluded_columns),
            tuple((a, b) for a, b in model.swapped_columns),
        ),
        blocking_plan=BlockingPlan(
            keys=tuple(tuple((column, rule) for column, rule in key) for key in blocking.keys),
            window=blocking.window,
            neighbourhood_columns=tuple(blocking.neighbourhood_columns),
            budget=blocking.budget,
            rejected=dict(blocking.rejected),
        ),
        fellegi_sunter=FellegiSunterModel.from_dict(model.fellegi_sunter.model_dump()),
        classifier=LevelWeightClassifier.from_dict(classifier.model_dump()) if classifier else None,
        labels=pd.DataFrame(
            {
                "left_key": pd.Series(labels.left_key, dtype=object),
                "right_key": pd.Series(labels.right_key, dtype=object),
                "is_match": pd.Series(labels.is_match, dtype=bool),
            }
        ),
        frequencies=frequencies_from_dicts([f.model_dump() for f in model.term_frequencies]),
    )


def save_matcher(matcher: Matcher, path: str | Path) -> Path:
    """Write atomically: a crash mid-write never leaves a half-written model file.

    Raises:
        ModelFileError: the model's file would not load back (a parameter beyond the bounds
            of :mod:`.model_schema`); nothing is written.
    """
    data = matcher_to_dict(matcher)
    validate_model_file(data, saving=True)  # never write a file that would not load back
    text = json.dumps(data, indent=1, sort_keys=False)
    return write_text_atomically(path, text)


def load_matcher(path: str | Path) -> Matcher:
    """Read a model file written by :func:`save_matcher`.

    The file is untrusted: its size is bounded before it is read, and nesting too deep for
    the JSON decoder is reported like any other damage.
    """
    source = Path(path)
    if not source.is_file():
        raise ModelFileError(f"no transform file at {source}; check the path")
    size = source.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ModelFileError(
            f"{source} is {size / 2**20:,.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB a "
            f"transform file may have (FindMatches.save writes a few MB at most); check the "
            f"path, or fit the transform again and save it"
        )
    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise _not_json(source, str(error)) from None
    containers = text.count("[") + text.count("{")  # brackets inside strings count too: fine
    if containers > MAX_CONTAINERS:
        raise ModelFileError(
            f"{source} holds {containers:,} JSON lists and objects, over the "
            f"{MAX_CONTAINERS:,} a transform file may have (FindMatches.save writes a few per "
            f"column and blocking key); check the path, or fit the transform again and save it"
        )
    try:
        data = json.loads(text)
    except RecursionError:
        raise _not_json(source, "nested too deeply") from None
    except ValueError as error:  # bad JSON, or a number too long to convert (4,300 digits)
        raise _not_json(source, str(error)) from None
    return matcher_from_dict(data)


def _not_json(source: Path, problem: str) -> ModelFileError:
    return ModelFileError(
        f"{source} is not a JSON transform file ({problem}); save transforms with FindMatches.save"
    )


def _json_params(params: dict[str, Any]) -> dict[str, Any]:
    columns = params.get("columns")
    if columns is not None and not isinstance(columns, dict):
        params["columns"] = list(columns)
    elif isinstance(columns, dict):
        params["columns"] = {str(k): str(v) for k, v in columns.items()}
    return params
