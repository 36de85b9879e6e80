"""Which columns take part in matching, and how each one is compared.

Glue compares every column but the primary key. We do the same by default, but first infer a
*kind* per column from the data, because a date, a postcode and a surname need different
similarity measures, and we set aside columns that can only add noise (constant columns,
all-unique identifiers) and say so, instead of letting them blur the model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd

from ..errors import ColumnError
from .model_codes import SUFFIX as MODEL_CODE_SUFFIX
from .model_codes import carries_codes
from .written_forms import clock_mask, clock_seconds, named_month_date

ColumnKind = Literal["name", "text", "code", "categorical", "number", "date", "model_code"]
COLUMN_KINDS: tuple[str, ...] = get_args(ColumnKind)

# Below this many rows an all-unique column is not evidence of an identifier.
_MIN_ROWS_FOR_ID_DETECTION = 20
_DATE_SHARE = 0.9
_DIGIT_SHARE = 0.9
_SHARE_SAMPLE = 20_000  # values read for share and length statistics
_NUMBER_SHARE = 0.9
# Formatted codes: digits with the separators people type (phones "310/550-8811", ids
# "12-345 678"); compared on their letters and digits only.
_CODE_PATTERN = r"\+?[\d\s().\-/]*\d[\d\s().\-/]*"
ANY_ALNUM = r"[^\W_]"  # a letter or a digit, in any script: a value without one is missing
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$"),
)


@dataclass(frozen=True)
class ColumnSpec:
    """One column that takes part in matching.

    Attributes:
        name: the column's name in the input table.
        kind: how values are compared (see ``COLUMN_KINDS``).
        reason: why this kind was chosen ("inferred: ..." or "given by the user").
        source: the input column the values come from, when it is not ``name`` (a model-code
            column compared beside the title it is read from).
    """

    name: str
    kind: ColumnKind
    reason: str
    source: str = ""

    @property
    def column(self) -> str:
        """The input column this spec reads."""
        return self.source or self.name


def read_columns(specs: Sequence[ColumnSpec]) -> list[str]:
    """The input columns the specs read, each once, in plan order (a model-code column reads
    its title, which is compared too)."""
    return list(dict.fromkeys(spec.column for spec in specs))


@dataclass(frozen=True)
class ColumnPlan:
    """The outcome of column selection: what is compared, and what was set aside and why."""

    compared: tuple[ColumnSpec, ...]
    excluded: Mapping[str, str]
    # Column pairs whose values records exchange (a first name given as the surname), found
    # at fit (see ``swapped_columns``); compared straight or crossed.
    swapped: tuple[tuple[str, str], ...] = ()

    def kinds(self) -> dict[str, str]:
        """Column name → kind, for reports."""
        return {spec.name: spec.kind for spec in self.compared}


def plan_columns(
    frame: pd.DataFrame,
    primary_key: str,
    columns: Sequence[str] | Mapping[str, str] | None,
    partition_by: str | None,
) -> ColumnPlan:
    """Choose the compared columns and their kinds.

    Args:
        frame: the input table (already checked to be non-empty with a valid primary key).
        primary_key: never compared; it identifies records.
        columns: ``None`` for all columns, a list of names (kinds inferred), or a mapping of
            name → kind to override inference.
        partition_by: never compared; it bounds match groups instead.

    Raises:
        ColumnError: a named column is missing, entirely null, has an unknown kind, or no
            usable column remains.
    """
    reserved = {primary_key} | ({partition_by} if partition_by else set())
    given_kinds: dict[str, str] = {}
    if columns is None:
        names = [str(c) for c in frame.columns if c not in reserved]
    elif isinstance(columns, Mapping):
        names = [str(c) for c in columns]
        given_kinds = {str(k): str(v) for k, v in columns.items()}
    else:
        names = [str(c) for c in columns]
    _check_names_exist(frame, names)
    compared: list[ColumnSpec] = []
    excluded: dict[str, str] = {}
    for name in names:
        if name in reserved:
            excluded[name] = "is the primary key or partition column, which are never compared"
            continue
        if _holds_containers(frame[name]):
            excluded[name] = (
                "holds lists or structs, which cannot be compared; flatten it into columns "
                "(one per field) to compare it"
            )
            continue
        values = canonical_values(frame[name])
        present = values.dropna()  # read once: null checks cost ~30 ms per million values
        if present.empty:
            excluded[name] = "entirely null: it holds no value to compare"
            continue
        if name in given_kinds:
            kind = given_kinds[name]
            if kind not in COLUMN_KINDS:
                raise ColumnError(
                    f"column {name!r} has unknown kind {kind!r}; use one of {list(COLUMN_KINDS)}"
                )
            compared.append(ColumnSpec(name, kind, "given by the user"))  # type: ignore[arg-type]
            continue
        distinct = present.nunique()
        noise = _noise_reason(values, present, distinct, explicit=columns is not None)
        if noise:
            excluded[name] = noise
            continue
        kind, why = infer_kind(values, present, distinct)
        compared.append(ColumnSpec(name, kind, f"inferred: {why}"))
        codes = carries_codes(_spread_sample(present)) if kind == "text" else ""
        if codes and name + MODEL_CODE_SUFFIX not in frame.columns:
            why = f"read from {name!r}: {codes}"
            compared.append(ColumnSpec(name + MODEL_CODE_SUFFIX, "model_code", why, name))
    constant = [name for name, why in excluded.items() if why.startswith("constant")]
    if not compared and constant:
        # Every record is the same on every column: they are one entity, not an error.
        for name in constant:
            del excluded[name]
            compared.append(ColumnSpec(name, "categorical", "constant, kept: nothing else varies"))
    if not compared:
        raise ColumnError(
            "no column is left to compare"
            + (f" (set aside: {excluded})" if excluded else "")
            + "; name the columns to compare with `columns`"
        )
    return ColumnPlan(tuple(compared), excluded)


def _holds_containers(values: pd.Series) -> bool:
    """Whether an object column holds lists, arrays or dicts (parquet list and struct
    columns): they have no order or similarity the engine knows, and are not hashable."""
    if values.dtype != object:
        return False
    sample = _spread_sample(values.dropna(), 1_000)
    return bool(sample.map(lambda v: isinstance(v, (list, tuple, dict, set, np.ndarray))).any())


def _check_names_exist(frame: pd.DataFrame, names: Sequence[str]) -> None:
    missing = [n for n in names if n not in frame.columns]
    if missing:
        raise ColumnError(
            f"unknown column(s) {missing}; the table has {[str(c) for c in frame.columns]}. "
            f"Fix the names in `columns`"
        )


def _noise_reason(
    values: pd.Series, present: pd.Series, distinct: int, explicit: bool
) -> str | None:
    """Why a column can only add noise, or None. Named columns are never dropped as noise."""
    if explicit:
        return None
    if distinct <= 1:
        return "constant: every record has the same value, so it cannot tell records apart"
    digits = _digit_share(_spread_sample(present))
    looks_like_id = pd.api.types.is_integer_dtype(values) or digits >= _DIGIT_SHARE
    if looks_like_id and len(values) >= _MIN_ROWS_FOR_ID_DETECTION and distinct == len(values):
        return "all-unique identifier: no two records share a value, so it never signals a match"
    return None


def infer_kind(
    values: pd.Series, present: pd.Series | None = None, distinct: int | None = None
) -> tuple[ColumnKind, str]:
    """Infer how a column should be compared, with a short human reason (``present`` and
    ``distinct``, the non-null values and their count, when the caller has them)."""
    present = values.dropna() if present is None else present
    distinct = present.nunique() if distinct is None else distinct
    n = len(present)
    if pd.api.types.is_datetime64_any_dtype(values):
        return "date", "datetime values"
    if pd.api.types.is_bool_dtype(values):
        return "categorical", "boolean values"
    few = max(2, min(50, int(0.01 * n)))  # counted on all values, not the sample
    if pd.api.types.is_numeric_dtype(values):  # numbers with fractions (see canonical_values)
        if distinct <= few:
            return "categorical", f"{distinct} distinct values in {n} records"
        return "number", "numeric values"
    text = _spread_sample(present).astype(str).str.strip()
    # placeholders ("-", "?") hold no letter or digit: missing, as preparation reads them
    text = text[text.str.contains(ANY_ALNUM)]
    if _date_share(text) >= _DATE_SHARE:
        return "date", "strings that parse as dates (YYYYMMDD, YYYY-MM-DD, or a month name)"
    if distinct <= few:
        return "categorical", f"{distinct} distinct values in {n} records"
    if _digit_share(text) >= _DIGIT_SHARE:
        return "code", "digit strings (postcodes, phone or id numbers)"
    if _number_share(text) >= _NUMBER_SHARE:
        return "number", "strings that read as numbers with fractions (amounts, durations)"
    if _code_share(text) >= _DIGIT_SHARE:
        return "code", "formatted digit strings (phone numbers, ids with separators)"
    tokens = text.str.count(r"\S+").mean()
    length = text.str.len().mean()
    if tokens >= 1.8 or length > 20:
        return "text", f"free text ({tokens:.1f} words on average)"
    return "name", f"short strings ({length:.1f} characters on average)"


def canonical_values(values: pd.Series) -> pd.Series:
    """The column as the engine reads it, the same whichever reader made it.

    A CSV read as text gives ``"1949"``; the same file read by a reader that infers types gives
    ``1949`` (or ``1949.0`` when the column has gaps). Each whole number is therefore turned
    into its digit string, value by value (so a value reads the same in any table or Spark
    batch); numbers with fractions stay numbers.
    """
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return values
    numbers = values.to_numpy(dtype="float64", na_value=np.nan)
    whole = np.isfinite(numbers) & (np.mod(numbers, 1.0) == 0) & (np.abs(numbers) < 2**53)
    if not whole.any():
        return values
    out = numbers.astype(object)
    out[np.isnan(numbers)] = None
    out[whole] = [str(int(v)) for v in numbers[whole]]
    return pd.Series(out, index=values.index, name=values.name, dtype=object)


def _spread_sample(values: pd.Series, size: int = _SHARE_SAMPLE) -> pd.Series:
    """At most ``size`` values spread evenly over the column, for share and length statistics.

    Shares of a large column are as well estimated from 20,000 values as from all of them,
    and reading every value of a million-row column costs seconds; spreading the sample over
    the whole column (not its head) keeps sorted tables honest. Deterministic.
    """
    step = max(1, -(-len(values) // size))
    return values.iloc[::step]


def _digit_share(text: pd.Series) -> float:
    if len(text) == 0:
        return 0.0
    return float(text.astype(str).str.fullmatch(r"\s*\d+\s*").mean())


def _number_share(text: pd.Series) -> float:
    if len(text) == 0:
        return 0.0
    return float(np.isfinite(read_numbers(text)).mean())


# An amount as people write it: "$1,149.99", "€ 86.50", "-1,000" (thousands separated by commas).
_AMOUNT = r"\s*[$€£¥]?\s*[-+]?[$€£¥]?\s*(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*%?\s*"


def read_numbers(values: pd.Series) -> np.ndarray:
    """The values as numbers (NaN where a value is not one), amounts with a currency sign or
    thousands separators included: a price column read as "$86.54" and "$1,149.99" is
    compared by relative difference, not as a name (measured on the public Abt-Buy product
    table, whose prices were compared by Jaro-Winkler). Durations in clock notation read as
    seconds (``written_forms``)."""
    numbers = pd.Series(pd.to_numeric(values, errors="coerce")).to_numpy(
        dtype="float64",
        na_value=np.nan,
        copy=True,  # written below: never a read-only view
    )
    if pd.api.types.is_numeric_dtype(values):
        return numbers
    unread = np.flatnonzero(np.isnan(numbers) & values.notna().to_numpy())
    if len(unread):
        text = values.iloc[unread].astype(str)
        amount = text.str.fullmatch(_AMOUNT).to_numpy(dtype=bool)
        cleaned = text[amount].str.replace(r"[\s$€£¥,%]", "", regex=True)
        numbers[unread[amount]] = pd.to_numeric(cleaned, errors="coerce")
        rest = text[~amount]
        clock = np.array(clock_mask(rest.tolist()), dtype=bool)
        numbers[unread[~amount][clock]] = [clock_seconds(v) for v in rest[clock]]
    return numbers


def _code_share(text: pd.Series) -> float:
    if len(text) == 0:
        return 0.0
    return float(text.str.fullmatch(_CODE_PATTERN).mean())


def _date_share(text: pd.Series) -> float:
    if len(text) == 0:
        return 0.0
    sample = text.iloc[: min(len(text), 2000)]
    return float(np.mean([normalize_date(v) is not None for v in sample]))


def normalize_date(value: object) -> str | None:
    """A date as ``YYYYMMDD``, or None when it does not look like a plausible date.

    Month and day only need to be in 1-12 / 1-31: corrupted dates (a swapped day and month)
    must stay comparable, since that corruption is exactly what matching has to see through.
    Dates written with a month name (``April 18 , 2011``, ``18-Apr-11``) read the same as
    their ISO form (``written_forms``).
    """
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y%m%d")
    text = str(value).strip()
    for pattern in _DATE_PATTERNS:
        found = pattern.match(text)
        if found:
            year, month, day = (int(part) for part in found.groups())
            if 1 <= month <= 31 and 1 <= day <= 31 and (month <= 12 or day <= 12):
                return f"{year:04d}{month:02d}{day:02d}"
    named = named_month_date(text)
    if named is not None:
        year, month, day = named
        return f"{year:04d}{month:02d}{day:02d}"
    return None
