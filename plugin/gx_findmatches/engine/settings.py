"""Glue's FindMatches parameters, declared once: names, types, defaults, bounds and help.

Every layer derives from this module (like Splink's ``SettingsCreator``): the ``FindMatches``
keyword arguments and their checks, the store's transform columns, the workflow, the GX
expectation and data-asset fields, and the command-line flags with their help. Before, the
parameters were declared nine times with three different key lists, and the default 0.5 was
written fourteen times; a change in one place silently missed another.

Each parameter is a field of :class:`MatchSettings` whose ``metadata`` says the rest:

- ``help``: one phrase that explains it wherever it is offered (flag, field, message);
- ``glue``: Glue's own name, when Glue has the parameter;
- ``bounds``: the allowed range of a number (``None`` for an open end);
- ``training``: whether changing it needs a new model (the column plan, blocking plan and
  models are learnt with it) or only applies at match time;
- ``stored``: whether it is part of a stored transform's definition, and so a store column,
  a GX field and a command-line flag; ``False`` for options of the estimator alone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeAlias, get_args, get_type_hints

import numpy as np

from ..errors import ParameterError

__all__ = [
    "DEFAULTS",
    "PARAMETERS",
    "TRAINING_PARAMETERS",
    "TRANSFORM_PARAMETERS",
    "Columns",
    "MatchSettings",
    "Parameter",
    "parameter",
    "training_changes",
    "transform_settings",
]

#: Columns to compare: all (``None``), a list of names, or a mapping name → kind.
Columns: TypeAlias = Sequence[str] | Mapping[str, str] | None


def _about(
    help: str,
    *,
    glue: str | None = None,
    bounds: tuple[float | None, float | None] | None = None,
    training: bool = True,
    stored: bool = True,
) -> dict[str, Any]:
    return {"help": help, "glue": glue, "bounds": bounds, "training": training, "stored": stored}


@dataclass(frozen=True)
class MatchSettings:
    """One FindMatches configuration, checked when it is made.

    Raises:
        ParameterError: a value is of the wrong type or out of its bounds (the message names
            the parameter, the allowed values, what it means and its default).
    """

    primary_key: str = field(
        metadata=_about(
            "the column that identifies each record (required, unique, never null; never compared)",
            glue="PrimaryKeyColumnName",
        )
    )
    columns: Columns = field(
        default=None,
        metadata=_about(
            "the columns to compare: unset for every column but the key and the partition column "
            "(as Glue does), a list of names, or a mapping name → kind (name, text, code, "
            "categorical, number, date)"
        ),
    )
    precision_recall_tradeoff: float = field(
        default=0.5,
        metadata=_about(
            "the match-probability threshold: toward 1 fewer false matches (precision), toward "
            "0 more matches found (recall); the middle is no preference",
            glue="PrecisionRecallTradeoff",
            bounds=(0.0, 1.0),
            training=False,
        ),
    )
    accuracy_cost_tradeoff: float = field(
        default=0.5,
        metadata=_about(
            "how thorough the candidate search is: toward 1 a more thorough (costlier) search "
            "that finds more matches, toward 0 a cheaper one",
            glue="AccuracyCostTradeoff",
            bounds=(0.0, 1.0),
        ),
    )
    enforce_provided_labels: bool = field(
        default=False,
        metadata=_about(
            "whether the output must agree with the labels given for training: labelled "
            "matches then always share a match_id, labelled non-matches never do",
            glue="EnforceProvidedLabels",
            training=False,
        ),
    )
    partition_by: str | None = field(
        default=None,
        metadata=_about("a column no match group may span (Glue's label boundary)"),
    )
    max_candidate_pairs: int = field(
        default=20_000_000,
        metadata=_about(
            "a hard cap on candidate pairs: blocking that would make more raises "
            "CandidatePairLimitError rather than exhausting memory",
            bounds=(1, None),
            training=False,
            stored=False,
        ),
    )
    random_state: int = field(
        default=0,
        metadata=_about("the seed of the random pair sample and model fitting", stored=False),
    )

    def __post_init__(self) -> None:
        for declared in PARAMETERS:
            checked = declared.check(getattr(self, declared.name))
            object.__setattr__(self, declared.name, checked)

    def values(self) -> dict[str, Any]:
        """Every parameter by name (the keyword arguments of ``FindMatches``)."""
        return {p.name: getattr(self, p.name) for p in PARAMETERS}

    def transform_values(self) -> dict[str, Any]:
        """The parameters a stored transform keeps, JSON-ready (columns as names or a mapping
        of names to kinds, all text)."""
        values = {p.name: getattr(self, p.name) for p in TRANSFORM_PARAMETERS}
        columns = values["columns"]
        if isinstance(columns, Mapping):
            values["columns"] = {str(k): str(v) for k, v in columns.items()}
        elif columns is not None:
            values["columns"] = [str(c) for c in columns]
        return values

    def match_time_values(self) -> dict[str, Any]:
        """The parameters a fitted model takes as they are now: changing them needs no refit."""
        return {p.name: getattr(self, p.name) for p in PARAMETERS if not p.training}


@dataclass(frozen=True)
class Parameter:
    """The declaration of one parameter (a field of :class:`MatchSettings`)."""

    name: str
    kind: type
    default: Any
    help: str
    glue: str | None
    bounds: tuple[float | None, float | None] | None
    training: bool
    stored: bool

    @property
    def required(self) -> bool:
        """Whether the parameter has no default (only ``primary_key``)."""
        return self.default is dataclasses.MISSING

    @property
    def flag(self) -> str:
        """The command-line flag: ``--precision-recall-tradeoff``."""
        return "--" + self.name.replace("_", "-")

    @property
    def allowed(self) -> str:
        """The allowed values in words: "a number between 0 and 1", "a positive integer"."""
        low, high = self.bounds or (None, None)
        if self.kind is bool:
            return "True or False"
        if self.kind not in (int, float):
            return "a column name" if self.kind is str else "column names"
        noun = "a number" if self.kind is float else "an integer"
        if low is not None and high is not None:
            return f"{noun} between {low:g} and {high:g}"
        if self.kind is int and low == 1 and high is None:
            return "a positive integer"
        if low is not None:
            return f"{noun} of at least {low:g}"
        if high is not None:
            return f"{noun} of at most {high:g}"
        return noun

    def describe(self) -> str:
        """The help with the allowed values and the default, for flags and field docs."""
        if self.kind in (int, float):
            return f"{self.help} ({self.allowed}; default {self._default_text()})."
        if self.kind is bool:
            return f"{self.help} (default {self.default})."
        return f"{self.help}."

    def _default_text(self) -> str:
        if isinstance(self.default, bool) or self.default is None:
            return repr(self.default)
        if isinstance(self.default, float):
            return f"{self.default:g}"
        return f"{self.default:,}" if isinstance(self.default, int) else repr(self.default)

    def check(self, value: Any) -> Any:
        """``value`` as this parameter's type, or a :class:`ParameterError` saying why not."""
        if self.kind is bool:
            if not isinstance(value, (bool, np.bool_)):
                raise self._error(value)
            return bool(value)
        if self.kind not in (int, float):
            return value  # names: checked against the table they name
        numeric = (int, np.integer) if self.kind is int else (int, float, np.integer, np.floating)
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numeric):
            raise self._error(value)
        number = self.kind(value)
        low, high = self.bounds or (None, None)
        if number != number:  # NaN is within no bounds, yet compares False with both
            raise self._error(value)
        if (low is not None and number < low) or (high is not None and number > high):
            raise self._error(value)
        return number

    def _error(self, value: Any) -> ParameterError:
        return ParameterError(
            f"{self.name} must be {self.allowed}, got {value!r}; it is {self.help} (default "
            f"{self._default_text()})"
        )


def _declarations() -> tuple[Parameter, ...]:
    hints = get_type_hints(MatchSettings)
    declared = []
    for spec in dataclasses.fields(MatchSettings):
        kinds = [k for k in get_args(hints[spec.name]) or (hints[spec.name],) if k is not None]
        kinds = [k for k in kinds if k is not type(None)]  # an optional str is a str
        scalar = kinds[0] if len(kinds) == 1 and kinds[0] in (str, float, int, bool) else list
        declared.append(Parameter(spec.name, scalar, spec.default, **spec.metadata))
    return tuple(declared)


#: Every parameter, in ``FindMatches``' keyword order.
PARAMETERS: tuple[Parameter, ...] = _declarations()
#: The parameters kept with a stored transform: store columns, GX fields and CLI flags.
TRANSFORM_PARAMETERS: tuple[Parameter, ...] = tuple(p for p in PARAMETERS if p.stored)
#: The stored parameters a model is learnt with: changing one makes the stored model stale.
TRAINING_PARAMETERS: tuple[str, ...] = tuple(p.name for p in TRANSFORM_PARAMETERS if p.training)
#: The default of every parameter that has one.
DEFAULTS: Mapping[str, Any] = MappingProxyType(
    {p.name: p.default for p in PARAMETERS if not p.required}
)
_BY_NAME = {p.name: p for p in PARAMETERS}


def parameter(name: str) -> Parameter:
    """The declaration of one parameter, by name."""
    return _BY_NAME[name]


def training_changes(trained: MatchSettings, now: MatchSettings) -> dict[str, tuple[Any, Any]]:
    """The training parameters a model was learnt with (``trained``) that differ ``now``, as
    ``(trained, now)``: any one of them makes the model stale."""
    before, after = trained.transform_values(), now.transform_values()
    return {k: (before[k], after[k]) for k in TRAINING_PARAMETERS if before[k] != after[k]}


def transform_settings(primary_key: str, **values: Any) -> MatchSettings:
    """Settings for a stored transform: only the parameters a transform keeps are accepted.

    Raises:
        ParameterError: a name that is not a transform parameter (the message lists them), or
            a value out of its bounds.
    """
    unknown = sorted(set(values) - {p.name for p in TRANSFORM_PARAMETERS})
    if unknown:
        names = ", ".join(p.name for p in TRANSFORM_PARAMETERS)
        raise ParameterError(
            f"{', '.join(unknown)} is not a parameter a stored transform keeps; use some of: "
            f"{names}"
        )
    return MatchSettings(primary_key=primary_key, **values)
