"""Labels in the AWS Glue FindMatches format, turned into labelled record pairs.

A label table has ``labeling_set_id``, ``label``, the primary key and (optionally) the data's
columns. Inside one labeling set, records with the same label match and records with different
labels do not. Labels never cross labeling sets: "A" in set 1 and "A" in set 2 say nothing
about each other, so pairs are only ever formed *within* a set. Labels are case-sensitive
strings ("a" and "A" are different labels).

A label file is untrusted input like a model file: the labelled pairs it expands into are
bounded (``MAX_LABELLED_PAIRS``) before they are made, and what it says that the engine cannot
use, or that contradicts the data, is said (see :func:`label_notes` and ``data`` in
:func:`label_pairs`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ColumnError, LabelError
from .columns import canonical_values, normalize_date

logger = logging.getLogger(__name__)

SET_COLUMN = "labeling_set_id"
LABEL_COLUMN = "label"
RECOMMENDED_MAX_SET_SIZE = 50
# Pairs the labeling sets may expand into: a set of s records is s (s - 1) / 2 pairs, so one
# set of 100k records would be 5 billion. 250,000 pairs is 200 full 50-record sets, or 5,000
# sets of 10 (Glue's loop asks ~10 sets of 10 a round), and fits a model file (~15 MB).
MAX_LABELLED_PAIRS = 250_000


@dataclass(frozen=True)
class LabeledPairs:
    """Record pairs a person has judged, as positions into the data (``left < right``)."""

    left: np.ndarray
    right: np.ndarray
    is_match: np.ndarray  # bool
    labeling_set: np.ndarray  # object: the set each pair came from

    def __len__(self) -> int:
        return len(self.left)

    @property
    def record_count(self) -> int:
        """Distinct records covered by the labels."""
        return len(np.union1d(self.left, self.right))

    @classmethod
    def empty(cls) -> LabeledPairs:
        """No labels at all."""
        empty = np.empty(0, dtype="int64")
        return cls(empty, empty, np.empty(0, dtype=bool), np.empty(0, dtype=object))


def refuse_label_column_clash(columns: Iterable[object]) -> None:
    """Refuse a table with a column named like a label file's own columns.

    A Glue label file is ``labeling_set_id``, ``label``, then the data's columns: a data
    column called ``label`` (a place name, say) would stand twice in the file, the labeller
    would not see its values, and the labels could not be read back.

    Raises:
        ColumnError: naming the column and the fix.
    """
    clashes = [str(c) for c in columns if str(c) in (SET_COLUMN, LABEL_COLUMN)]
    if clashes:
        raise ColumnError(
            f"the table has column(s) {clashes}, which Glue label files use for the labeling "
            f"set and the label; rename them (e.g. {clashes[0]!r} to '{clashes[0]}_value') "
            f"before writing labeling sets or fitting with labels"
        )


def label_pairs(
    labels: pd.DataFrame,
    primary_key: str,
    data_keys: pd.Series,
    max_set_size: int | None = None,
    data: pd.DataFrame | None = None,
) -> LabeledPairs:
    """Validate a Glue label table and expand each labeling set into labelled pairs.

    Args:
        labels: the label table (``labeling_set_id``, ``label``, primary key, ...).
        max_set_size: refuse sets larger than this (the workflow refuses over 50, as Glue
            warns they label poorly); ``None`` only warns.
        primary_key: the primary key column, present in both tables.
        data_keys: the data's primary key values in data order (positions are taken from it).
        data: the data table; when given, label rows whose data columns disagree with it for
            the same primary key are refused (what a label import does, so the stored and
            exported labels never carry values the data does not have).

    Raises:
        LabelError: a required column is missing, a label or key is empty, a key is not in the
            data, a set has a single record, the sets expand into more than
            ``MAX_LABELLED_PAIRS`` pairs, the labels contradict each other, or (with
            ``data``) a label row's values contradict the data.
    """
    missing = [c for c in (SET_COLUMN, LABEL_COLUMN, primary_key) if c not in labels.columns]
    if missing:
        raise LabelError(
            f"the label table lacks column(s) {missing}; a Glue label file starts with "
            f"'{SET_COLUMN}' and '{LABEL_COLUMN}', then the data's columns including the "
            f"primary key '{primary_key}'"
        )
    if labels.empty:
        return LabeledPairs.empty()
    table = pd.DataFrame(
        {
            "set": _as_text(labels[SET_COLUMN]),
            "label": _as_text(labels[LABEL_COLUMN]),
            "key": _as_text(labels[primary_key], strip=False),
        }
    )
    for column, name in (("set", SET_COLUMN), ("label", LABEL_COLUMN), ("key", primary_key)):
        empty_rows = table.index[table[column].isna()].tolist()
        if empty_rows:
            raise LabelError(
                f"label rows {_rows(empty_rows)} have an empty '{name}'; every row needs a "
                f"labeling set, a label and a primary key (give a record with no match a "
                f"label of its own)"
            )
    positions = pd.Series(np.arange(len(data_keys)), index=data_keys.astype(str).to_numpy())
    unknown = ~table["key"].isin(positions.index)
    if unknown.any():
        keys = table.loc[unknown, "key"].head(5).tolist()
        raise LabelError(
            f"{int(unknown.sum())} label row(s) name primary keys not in the data (e.g. {keys}, "
            f"rows {_rows(table.index[unknown].tolist())}); label records of this table, or "
            f"remove those rows"
        )
    table["position"] = positions.loc[table["key"]].to_numpy()
    _check_sets(table, max_set_size)
    if data is not None:
        found = value_disagreements(labels, data, primary_key)
        if found:
            raise LabelError(f"{found}; {_DISAGREEMENT_FIX}")
    return _expand(table)


_DISAGREEMENT_FIX = (
    "labels name records by primary key, and the data's values are the ones matched: copy "
    "the values from the data into the label file, or drop its data columns (only "
    f"'{SET_COLUMN}', '{LABEL_COLUMN}' and the primary key are needed)"
)


def label_notes(
    labels: pd.DataFrame, labelled: LabeledPairs, data: pd.DataFrame, primary_key: str
) -> list[str]:
    """What ``fit`` should tell the user about labels it could not use as given.

    - Labels of one kind only (all matches or all non-matches) cannot train the supervised
      model, which needs both; the model stays unsupervised. This is not an error: with
      ``enforce_provided_labels`` the labels still bind the output, and Glue's loop starts
      with few labels. But it must not pass silently.
    - Label rows whose data columns disagree with the data: the data wins (pairs are
      compared on the data's values), and the note names where they differ.

    Each note is also logged as a warning.
    """
    notes = []
    if len(labelled):
        matches = int(labelled.is_match.sum())
        if matches in (0, len(labelled)):
            kind, other = ("matches", "non-matches") if matches else ("non-matches", "matches")
            how = (
                "give records that are different entities different labels within a set"
                if matches
                else "give records of one entity the same label within a set"
            )
            notes.append(
                f"the labels hold {len(labelled)} labelled pair(s), all {kind}: the supervised "
                f"model needs {other} too, so the model is unsupervised (the labels still "
                f"bind the output with enforce_provided_labels); to train one, {how}"
            )
    found = value_disagreements(labels, data, primary_key)
    if found:
        notes.append(f"{found}; the data's values were used")
    for note in notes:
        logger.warning(note)
    return notes


def value_disagreements(
    labels: pd.DataFrame, data: pd.DataFrame, primary_key: str, examples: int = 3
) -> str | None:
    """Where a label row's data columns differ from the data for the same primary key, as
    one sentence naming rows, records and columns; None when they agree.

    Values are compared as the engine reads them: numbers by value (``"1949"`` and ``1949``
    agree), dates by day, text with surrounding spaces ignored; a missing value agrees only
    with a missing value.
    """
    reserved = {SET_COLUMN, LABEL_COLUMN, primary_key}
    shared = [c for c in labels.columns if c in data.columns and c not in reserved]
    if not shared or labels.empty or primary_key not in labels.columns:
        return None
    data_keys = pd.Index(data[primary_key].astype(str))
    if not data_keys.is_unique:  # the caller reports duplicate keys; compare the first rows
        keep = ~data_keys.duplicated()
        data, data_keys = data[keep], data_keys[keep]
    rows = data_keys.get_indexer(pd.Index(_as_text(labels[primary_key], strip=False).fillna("")))
    known = rows >= 0
    found: list[tuple[object, str, str, str, str]] = []
    count = 0
    for column in shared:
        ours = _comparable(labels[column][known], data[column])
        theirs = _comparable(data[column].iloc[rows[known]], data[column])
        differ = np.flatnonzero([a != b for a, b in zip(ours, theirs, strict=True)])
        count += len(differ)
        label_rows = labels.index[known]
        for i in differ[: max(0, examples - len(found))]:
            key = str(data_keys[rows[known][i]])
            found.append((label_rows[i], key, column, _shown(ours[i]), _shown(theirs[i])))
    if not count:
        return None
    shown = "; ".join(
        f"row {row}, record {key!r}, column {column!r}: the label file has {ours}, the data "
        f"{theirs}"
        for row, key, column, ours, theirs in found
    )
    more = f" and {count - len(found)} more" if count > len(found) else ""
    return f"{count} label cell(s) disagree with the data for the same primary key ({shown}{more})"


def _comparable(values: pd.Series, like: pd.Series) -> list[str | None]:
    """Values as text in the form the data column ``like`` gives them (see
    :func:`value_disagreements`)."""
    text = [None if _missing(v) or str(v).strip() == "" else str(v).strip() for v in values]
    if pd.api.types.is_datetime64_any_dtype(like):
        return [
            None if _missing(v) else normalize_date(v) or t
            for v, t in zip(values, text, strict=True)
        ]
    if pd.api.types.is_numeric_dtype(like) and not pd.api.types.is_bool_dtype(like):
        try:
            numbers = canonical_values(pd.to_numeric(values, errors="coerce"))
        except (TypeError, ValueError):  # containers: compared as text
            return text
        # a value that is not a number stays as typed, so the message shows it
        return [t if _missing(n) else str(n) for n, t in zip(numbers, text, strict=True)]
    return text


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _shown(value: str | None) -> str:
    if value is None:
        return "no value"
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _as_text(values: pd.Series, strip: bool = True) -> pd.Series:
    """Values as strings, empty ones missing; labels stay case-sensitive. Keys are never
    stripped: ``"a "`` and ``"a"`` are different records."""
    text = values.astype("string")
    text = text.str.strip() if strip else text
    return pd.Series(
        [None if pd.isna(v) or v == "" else str(v) for v in text], index=values.index, dtype=object
    )


def _rows(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:5])
    return shown + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")


def _check_sets(table: pd.DataFrame, max_set_size: int | None) -> None:
    conflicting = table.groupby(["set", "key"])["label"].nunique()
    conflicting = conflicting[conflicting > 1]
    if len(conflicting):
        labeling_set, key = conflicting.index[0]
        raise LabelError(
            f"record {key!r} appears in labeling set {labeling_set!r} with different labels; "
            f"a record has one label per set: keep one of its rows"
        )
    sizes = table.drop_duplicates(["set", "key"]).groupby("set").size()
    single = sizes[sizes < 2]
    if len(single):
        raise LabelError(
            f"labeling set(s) {single.index[:5].tolist()} have a single record, which says "
            f"nothing about matches; add the records it should be compared with, or drop it"
        )
    pairs = int((sizes * (sizes - 1) // 2).sum())
    if pairs > MAX_LABELLED_PAIRS:
        raise LabelError(
            f"the labeling sets would make {pairs:,} labelled pairs, over the limit of "
            f"{MAX_LABELLED_PAIRS:,} (a set of n records makes n(n-1)/2 pairs; the largest, "
            f"{sizes.idxmax()!r}, has {sizes.max():,} records); split large sets into sets of "
            f"10 to 50 records, as Glue recommends"
        )
    if max_set_size is not None and (sizes > max_set_size).any():
        over = sizes[sizes > max_set_size]
        raise LabelError(
            f"labeling set(s) {over.index[:5].tolist()} have {over.max()} records, over the "
            f"limit of {max_set_size} (large sets label poorly); split them into smaller sets"
        )
    large = sizes[sizes > RECOMMENDED_MAX_SET_SIZE]
    if len(large):
        logger.warning(
            "labeling sets %s have over %d records; Glue warns such sets label poorly",
            large.index[:5].tolist(),
            RECOMMENDED_MAX_SET_SIZE,
        )


def _expand(table: pd.DataFrame) -> LabeledPairs:
    records = table.drop_duplicates(["set", "key"])[["set", "label", "position"]]
    joined = records.merge(records, on="set", suffixes=("_a", "_b"))
    joined = joined[joined["position_a"] < joined["position_b"]]
    pairs = pd.DataFrame(
        {
            "left": joined["position_a"].to_numpy(dtype="int64"),
            "right": joined["position_b"].to_numpy(dtype="int64"),
            "is_match": (joined["label_a"] == joined["label_b"]).to_numpy(),
            "set": joined["set"].to_numpy(),
        }
    )
    verdicts = pairs.groupby(["left", "right"])["is_match"].nunique()
    contradicted = verdicts[verdicts > 1]
    if len(contradicted):
        left, right = contradicted.index[0]
        sets = pairs.loc[(pairs.left == left) & (pairs.right == right), "set"].unique().tolist()
        raise LabelError(
            f"labeling sets {sets} contradict each other: one labels the same two records a "
            f"match, another a non-match; fix the label in one of them"
        )
    pairs = pairs.sort_values(["left", "right", "set"], kind="stable")
    return LabeledPairs(
        pairs["left"].to_numpy(),
        pairs["right"].to_numpy(),
        pairs["is_match"].to_numpy(dtype=bool),
        pairs["set"].to_numpy(dtype=object),
    )


def labels_from_truth(
    frame: pd.DataFrame,
    entities: pd.Series,
    primary_key: str,
    max_records: int = 200,
    set_size: int = 10,
    sort_by: tuple[str, ...] = ("surname", "given_name"),
    seed: int = 0,
) -> pd.DataFrame:
    """A Glue-format label table answered from the truth, as a careful person would.

    Lives with the label semantics it produces: the GX quality metric uses it to label a batch
    from a column of true entity ids, and the demo and benchmarks to simulate a labeller.

    Sets are windows of records adjacent in name order, the kind of set a labeller gets:
    similar records, some true matches, many near misses. Each record's label is its true
    entity, so within a set equal labels mean a match. Labels are scoped to their set, as in
    Glue: the same entity in two sets gets unrelated labels ("A" in each).

    Returns:
        ``labeling_set_id``, ``label`` and the frame's columns, for at most ``max_records``
        distinct records.
    """
    rng = np.random.default_rng(seed)
    sort_columns = [c for c in sort_by if c in frame.columns] or [primary_key]
    order = frame.sort_values(sort_columns, kind="stable").index.to_numpy()
    windows = np.arange(0, len(order) - set_size + 1, set_size)
    chosen = rng.choice(windows, size=min(len(windows), max_records // set_size), replace=False)
    parts = []
    for number, start in enumerate(sorted(chosen)):
        rows = frame.loc[order[start : start + set_size]]
        letters = {e: _letter(i) for i, e in enumerate(pd.unique(entities.loc[rows.index]))}
        labels = entities.loc[rows.index].map(letters)
        parts.append(rows.assign(labeling_set_id=f"set-{number:03d}", label=labels.to_numpy()))
    table = pd.concat(parts, ignore_index=True)
    return table[["labeling_set_id", "label", *frame.columns]]


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
