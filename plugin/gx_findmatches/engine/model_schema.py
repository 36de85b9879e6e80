"""The one schema of a transform file, checked in full before any of it is used.

A model file is untrusted input: it may have been edited by hand, truncated, or crafted. Each
field it holds reaches code that trusts it (a column kind picks a comparison, a key rule name
picks a function, ``m``/``u`` tables are indexed by agreement level, ``window`` sets how many
pairs blocking builds), so every field is checked here against its type, its bounds and the
other fields before a transform is rebuilt. Whatever is wrong is reported as one
:class:`~gx_findmatches.errors.ModelFileError` naming the field, the problem and the fix.

Declared with pydantic (strict types: ``"1"`` is not a number and ``true`` is not 1; no NaN or
infinity anywhere; no unknown fields); the checks that span fields (table lengths per column
kind, columns a blocking key or link names) follow it.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    FailFast,
    Field,
    Strict,
    ValidationError,
    model_validator,
)

from ..errors import ModelFileError
from .blocking import KEY_TRANSFORMS, key_columns
from .columns import ColumnKind
from .comparison import level_count

FORMAT = "gx-findmatches-transform"
FORMAT_VERSION = 2  # 2: sessions-trained m, level-weight classifier

# Bounds. Each is far beyond what fit produces, and each keeps what a file can make the engine
# build bounded (see docs/reliability.md).
MAX_FILE_BYTES = 32 * 2**20  # a fit with 100k labelled pairs writes about 5 MB
# JSON lists and objects ("[", "{") a file may hold: fit writes a few per column and blocking
# key (at most ~100k under the bounds below). An empty object costs 64 bytes parsed from 3
# bytes of text; capped, decoding costs at most ~10x the file size (docs/reliability.md).
MAX_CONTAINERS = 200_000
MAX_COLUMNS = 1_000  # Glue allows 100
MAX_NAME_LENGTH = 1_000
MAX_TEXT_LENGTH = 10_000  # a column's reason, a training note
MAX_BLOCKING_KEYS = 10_000  # fit chooses tens to hundreds
MAX_KEY_PARTS = 8  # fit combines at most two
MAX_WINDOW = 100  # fit uses 3 to 11
MAX_CANDIDATE_PAIRS = 1_000_000_000  # ~16 bytes each while blocking: a cap in the tens of GB
MAX_FREQUENT_VALUES = 100_000  # fit keeps at most 5,000 per column
MAX_LOG_ODDS = 1_000.0  # a weight beyond ±40 already means certainty
FIX = (
    "a transform file is written by FindMatches.save (or kept by the store): fit the "
    "transform again and save it, or restore an intact copy of the file"
)

_Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME_LENGTH)]
_Text = Annotated[str, Field(max_length=MAX_TEXT_LENGTH)]
_Tradeoff = Annotated[float, Field(ge=0.0, le=1.0)]
_Probability = Annotated[float, Field(gt=0.0, le=1.0)]
_LogOdds = Annotated[float, Field(ge=-MAX_LOG_ODDS, le=MAX_LOG_ODDS)]
_Count = Annotated[int, Field(ge=0, le=2**63 - 1)]
# JSON has no tuples: a link and a key part are lists of fixed shape, read leniently as
# tuples while each item stays strict.
_Link = Annotated[tuple[_Count, _Count, _LogOdds], Strict(False)]
_KeyPart = Annotated[tuple[_Name, _Name], Strict(False)]
# Every list and mapping stops at its first bad item (FailFast): a list of a million wrong
# values would otherwise make a million error records, over a gigabyte for one load.
_Links = Annotated[list[_Link], FailFast()]
_Table = Annotated[list[_Probability], FailFast()]
_WeightTable = Annotated[list[_LogOdds], FailFast()]
_Names = Annotated[list[_Name], FailFast(), Field(max_length=MAX_COLUMNS)]
_Notes = Annotated[list[_Text], FailFast()]
_Key = Annotated[list[_KeyPart], FailFast(), Field(min_length=1, max_length=MAX_KEY_PARTS)]


def _at_most(limit: int) -> Callable[[object], object]:
    def check(value: object) -> object:
        if isinstance(value, (list, dict)) and len(value) > limit:
            raise ValueError(f"has {len(value):,} items, over the limit of {limit:,}")
        return value

    return check


class _Strict(BaseModel):
    """Strict types, no NaN or infinity, no unknown fields (and few enough of them that
    listing them stays cheap)."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _few_fields(cls, data: object) -> object:
        if isinstance(data, dict) and len(data) > 2 * len(cls.model_fields):
            raise ValueError(f"has {len(data):,} fields; it has only {sorted(cls.model_fields)}")
        return data


class ParamsEntry(_Strict):
    """``FindMatches.get_params()`` as saved."""

    primary_key: _Name
    # a union cannot carry FailFast: its length is bounded before its items are checked
    columns: Annotated[
        list[_Name] | dict[str, ColumnKind] | None, BeforeValidator(_at_most(MAX_COLUMNS))
    ]
    precision_recall_tradeoff: _Tradeoff
    accuracy_cost_tradeoff: _Tradeoff
    enforce_provided_labels: bool
    partition_by: _Name | None
    max_candidate_pairs: Annotated[int, Field(ge=1, le=MAX_CANDIDATE_PAIRS)]
    random_state: _Count


class ColumnEntry(_Strict):
    """A compared column (``ColumnSpec``)."""

    name: _Name
    kind: ColumnKind
    reason: _Text
    # The input column read, when not ``name`` (a model-code column); "" = ``name``. Files
    # written before it existed have none.
    source: Annotated[str, Field(max_length=MAX_NAME_LENGTH)] = ""


class BlockingEntry(_Strict):
    """The blocking plan (``BlockingPlan``)."""

    keys: Annotated[list[_Key], FailFast(), Field(max_length=MAX_BLOCKING_KEYS)]
    window: Annotated[int, Field(ge=0, le=MAX_WINDOW)]
    neighbourhood_columns: _Names
    budget: _Count
    rejected: Annotated[dict[str, _Count], FailFast()]


class FellegiSunterEntry(_Strict):
    """The unsupervised model (``FellegiSunterModel``)."""

    m: Annotated[list[_Table], FailFast()]
    u: Annotated[list[_Table], FailFast()]
    prior: Annotated[float, Field(gt=0.0, lt=1.0)]
    iterations: _Count
    notes: _Notes = []
    links: _Links = []


class ClassifierEntry(_Strict):
    """The supervised model (``LevelWeightClassifier``)."""

    weights: Annotated[list[_WeightTable], FailFast()]
    intercept: _LogOdds
    links: _Links = []
    balance: _LogOdds = 0.0


class FrequenciesEntry(_Strict):
    """How common one column's values were at fit (``ValueFrequencies``)."""

    column: _Name
    values: Annotated[list[_Text], FailFast(), Field(max_length=MAX_FREQUENT_VALUES)]
    shares: Annotated[list[_Probability], FailFast(), Field(max_length=MAX_FREQUENT_VALUES)]
    rare_share: _Probability | None
    agreement: _Probability

    @model_validator(mode="after")
    def _one_share_per_value(self) -> FrequenciesEntry:
        if len(self.values) != len(self.shares):
            raise ValueError(
                f"{len(self.values)} values but {len(self.shares)} shares; each value needs one"
            )
        if len(set(self.values)) != len(self.values):
            raise ValueError("a value is listed twice; each value has one share")
        return self


class LabelsEntry(_Strict):
    """Labelled pairs by primary key (as text), kept for ``enforce_provided_labels``."""

    left_key: Annotated[list[str], FailFast()]
    right_key: Annotated[list[str], FailFast()]
    is_match: Annotated[list[bool], FailFast()]


class ModelFile(_Strict):
    """A whole transform file, version 2."""

    format: Literal["gx-findmatches-transform"]
    version: Literal[2]
    params: ParamsEntry
    columns: Annotated[list[ColumnEntry], FailFast(), Field(min_length=1, max_length=MAX_COLUMNS)]
    excluded_columns: Annotated[dict[str, _Text], FailFast()]
    # Files written before swapped columns were found have none.
    swapped_columns: Annotated[
        list[Annotated[list[_Name], Field(min_length=2, max_length=2)]],
        FailFast(),
        Field(max_length=MAX_COLUMNS),
    ] = []
    blocking: BlockingEntry
    fellegi_sunter: FellegiSunterEntry
    # Files written before term frequencies were learnt have none (scored without them).
    term_frequencies: Annotated[
        list[FrequenciesEntry], FailFast(), Field(max_length=MAX_COLUMNS)
    ] = []
    classifier: ClassifierEntry | None
    labels: LabelsEntry


def validate_model_file(data: object, saving: bool = False) -> ModelFile:
    """Check a decoded transform file in full; the validated file, or ModelFileError.

    ``saving``: the dictionary is about to be written, so a transform whose file could not be
    loaded back (a parameter beyond the file's bounds) is refused before it is written.

    Raises:
        ModelFileError: not a transform file, another version, or any field of the wrong
            type, out of bounds or inconsistent with the others (the message names it).
    """
    check_header(data)
    try:
        try:
            model = ModelFile.model_validate(data)
        except ValidationError as error:
            problems = [_describe(e) for e in error.errors(include_url=False)]
            raise _damaged(problems[:3], len(problems)) from None
        _check_consistency(model)
    except ModelFileError as error:
        if not saving:
            raise
        problem = str(error).removeprefix(_DAMAGED).split(". Fix: ")[0]
        raise ModelFileError(
            f"this transform cannot be saved as a file that loads back: {problem}; bring the "
            f"parameter within its bound with set_params, or fit again"
        ) from None
    return model


def check_header(data: object) -> None:
    """The format name and version, checked first so a foreign or newer file is called what
    it is rather than a list of field errors."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelFileError(
            "this is not a gx-findmatches transform file (no 'format': "
            f"{FORMAT!r} at its top level); save one with FindMatches.save or "
            "`gx-findmatches match --save-model`"
        )
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ModelFileError(
            f"the transform file's 'version' is {_short(version)} ({type(version).__name__}), "
            f"not a whole number; this "
            f"release reads version {FORMAT_VERSION} files: {FIX}"
        )
    if version != FORMAT_VERSION:
        raise ModelFileError(
            f"transform file version {version} is not supported by this release (it reads "
            f"version {FORMAT_VERSION}); refit the transform and save it again"
        )


def _check_consistency(model: ModelFile) -> None:
    """What spans fields: one table per column, of its kind's length; names that exist."""
    names = [c.name for c in model.columns]
    kinds = [c.kind for c in model.columns]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise _damaged([f"`columns`: column(s) {repeated} appear more than once"])
    known = set(names)
    for k, key in enumerate(model.blocking.keys):
        for p, (column, rule) in enumerate(key):
            if rule not in KEY_TRANSFORMS:
                raise _damaged(
                    [
                        f"`blocking.keys[{k}][{p}]`: unknown key rule {rule!r}; the rules are "
                        f"{list(KEY_TRANSFORMS)}"
                    ]
                )
            if not set(key_columns(column)) <= known:
                raise _damaged(
                    [
                        f"`blocking.keys[{k}][{p}]`: names column {column!r}, which is not "
                        f"among the compared `columns` {names}"
                    ]
                )
    for i, column in enumerate(model.blocking.neighbourhood_columns):
        if column not in known:
            raise _damaged(
                [
                    f"`blocking.neighbourhood_columns[{i}]`: names column {column!r}, which is "
                    f"not among the compared `columns` {names}"
                ]
            )
    for i, pair in enumerate(model.swapped_columns):
        unknown = [column for column in pair if column not in known]
        if unknown or pair[0] == pair[1]:
            raise _damaged(
                [
                    f"`swapped_columns[{i}]`: {list(pair)} must be two different compared "
                    f"`columns` {names}"
                ]
            )
    for i, entry in enumerate(model.term_frequencies):
        if entry.column not in known:
            raise _damaged(
                [
                    f"`term_frequencies[{i}]`: names column {entry.column!r}, which is not "
                    f"among the compared `columns` {names}"
                ]
            )
    fs = model.fellegi_sunter
    _check_tables("fellegi_sunter.m", fs.m, names, kinds)
    _check_tables("fellegi_sunter.u", fs.u, names, kinds)
    _check_links("fellegi_sunter.links", fs.links, len(names))
    if model.classifier is not None:
        _check_tables("classifier.weights", model.classifier.weights, names, kinds)
        _check_links("classifier.links", model.classifier.links, len(names))
    labels = model.labels
    lengths = {len(labels.left_key), len(labels.right_key), len(labels.is_match)}
    if len(lengths) > 1:
        raise _damaged(
            [
                f"`labels`: left_key, right_key and is_match have different lengths "
                f"({len(labels.left_key)}, {len(labels.right_key)}, {len(labels.is_match)})"
            ]
        )


def _check_tables(
    field: str, tables: Sequence[Sequence[float]], names: Sequence[str], kinds: Sequence[str]
) -> None:
    if len(tables) != len(names):
        raise _damaged(
            [
                f"`{field}`: holds {len(tables)} table(s) for {len(names)} compared column(s); "
                f"there is one per column"
            ]
        )
    for i, (table, name, kind) in enumerate(zip(tables, names, kinds, strict=True)):
        expected = level_count(kind)
        if len(table) != expected:
            raise _damaged(
                [
                    f"`{field}[{i}]` (column {name!r}, kind {kind!r}): has {len(table)} "
                    f"value(s), but a {kind!r} column has {expected} agreement levels"
                ]
            )


def _check_links(field: str, links: Sequence[tuple[int, int, float]], columns: int) -> None:
    for i, (a, b, _) in enumerate(links):
        if a >= columns or b >= columns or a == b:
            raise _damaged(
                [
                    f"`{field}[{i}]`: links columns {a} and {b}, but a link joins two different "
                    f"columns numbered 0 to {columns - 1}"
                ]
            )


def _describe(error: Any) -> str:
    """One pydantic error as ```field.path[0]`: problem (got value)``."""
    path = ""
    for part in error["loc"]:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    got = "" if error["type"] == "missing" else f" (got {_short(error.get('input'))})"
    return f"`{path or 'file'}`: {error['msg']}{got}"


def _short(value: object) -> str:
    """A bounded repr: a crafted value may be huge or deeply nested."""
    shortener = reprlib.Repr()
    shortener.maxlevel, shortener.maxstring, shortener.maxother = 2, 40, 40
    shortener.maxlist = shortener.maxdict = 4
    return shortener.repr(value)


_DAMAGED = "the transform file is damaged: "


def _damaged(problems: list[str], total: int | None = None) -> ModelFileError:
    more = f" (and {total - len(problems)} more)" if total and total > len(problems) else ""
    return ModelFileError(f"{_DAMAGED}{'; '.join(problems)}{more}. Fix: {FIX}")
