"""Labels in and out of the ``labels`` table, exactly as imported.

Every value is stored as text (or ``None`` when missing), the way a person typed it into the
labeling file, so an export gives back what was imported: the same strings, the same missing
cells, the same column order. Checking that labels make sense is the engine's job
(``engine.labels.label_pairs``); this module only refuses what cannot be stored at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from .errors import StoreError
from .names import check_ids
from .schema import Label, LabelImport, utcnow

if TYPE_CHECKING:  # pandas is imported where labels are read or written
    import pandas as pd

SET_COLUMN = "labeling_set_id"
LABEL_COLUMN = "label"
GLUE_COLUMNS = (SET_COLUMN, LABEL_COLUMN)
_DELETE_CHUNK = 500  # ids per DELETE ... IN (...): far below every database's parameter cap


def write_labels(
    session: Session,
    transform_id: int,
    run_id: str,
    labels: pd.DataFrame,
    primary_key: str,
    source: str,
    replace: bool,
) -> int:
    """Store every row of ``labels`` as one import; return the number of rows stored.

    ``replace`` deletes the transform's earlier labels first; otherwise a stored row with the
    same labeling set and primary key value as an incoming row is replaced by it. The caller
    holds the transform's write lock, so the stored rows cannot change underneath.
    """
    columns, rows = label_rows(labels, primary_key)
    if replace:
        session.execute(delete(Label).where(Label.transform_id == transform_id))
    else:
        incoming = {(row["labeling_set_id"], row["primary_key_value"]) for row in rows}
        stored = session.execute(
            select(Label.id, Label.labeling_set_id, Label.primary_key_value).where(
                Label.transform_id == transform_id
            )
        )
        stale = [id_ for id_, set_id, key in stored if (set_id, key) in incoming]
        for start in range(0, len(stale), _DELETE_CHUNK):
            session.execute(delete(Label).where(Label.id.in_(stale[start : start + _DELETE_CHUNK])))
    label_import = LabelImport(
        transform_id=transform_id,
        task_run_id=run_id,
        source=source,
        replaced=replace,
        row_count=len(rows),
        columns=columns,
        created_at=utcnow(),
    )
    session.add(label_import)
    session.flush()
    extra = {"transform_id": transform_id, "import_id": label_import.id}
    session.execute(insert(Label), [{**row, **extra} for row in rows])
    return len(rows)


def merge_labels(stored: pd.DataFrame, new: pd.DataFrame, primary_key: str) -> pd.DataFrame:
    """The labels after merging ``new`` into ``stored`` the way :func:`write_labels` does:
    a new row replaces the stored row of the same labeling set and primary key value."""
    import pandas as pd

    if stored.empty:
        return new
    if new.empty or primary_key not in new.columns or SET_COLUMN not in new.columns:
        return pd.concat([stored, new], ignore_index=True)
    incoming = set(zip(new[SET_COLUMN].map(_text), new[primary_key].map(_text), strict=True))
    replaced = [
        key in incoming
        for key in zip(stored[SET_COLUMN].map(_text), stored[primary_key].map(_text), strict=True)
    ]
    kept = stored[[not r for r in replaced]]
    return pd.concat([kept, new], ignore_index=True)


def read_labels(session: Session, transform_id: int, primary_key: str) -> pd.DataFrame:
    """The transform's labels as a Glue label table (see :func:`labels_frame`)."""
    rows = session.execute(
        select(Label.labeling_set_id, Label.label, Label.record, Label.import_id)
        .where(Label.transform_id == transform_id)
        .order_by(Label.id)
    ).all()
    columns = session.scalars(
        select(LabelImport.columns)
        .where(LabelImport.id.in_({row.import_id for row in rows}))
        .order_by(LabelImport.id)
    )
    return labels_frame(columns, rows, primary_key)


def label_rows(labels: pd.DataFrame, primary_key: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The table's column order and one row per label, ready for the ``labels`` table.

    Raises:
        StoreError: the table is empty, lacks a required column, has repeated column names,
            leaves a labeling set, label or primary key empty, or holds a labeling set or
            label that is too long or has control characters.
    """
    if labels.empty:
        raise StoreError(
            "the label table has no rows, so there is nothing to import; fill in the labeling "
            "file (generate one: `Workflow.generate_labels`) and import it again"
        )
    columns = [str(column) for column in labels.columns]
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise StoreError(f"the label table repeats column(s) {repeated}; rename or drop them")
    missing = [c for c in (*GLUE_COLUMNS, primary_key) if c not in columns]
    if missing:
        raise StoreError(
            f"the label table lacks column(s) {missing}; a label table has {SET_COLUMN!r}, "
            f"{LABEL_COLUMN!r} and the primary key {primary_key!r}"
        )
    table = labels.set_axis(columns, axis=1)
    for column in (*GLUE_COLUMNS, primary_key):
        empty = table.index[table[column].isna()].tolist()
        if empty:
            raise StoreError(
                f"column {column!r} is empty in label row(s) {empty[:5]}; every label row "
                f"needs a labeling set, a label and a primary key value"
            )
    for column in GLUE_COLUMNS:
        check_ids(table[column].map(_text), column)
    data_columns = [c for c in columns if c not in GLUE_COLUMNS]
    rows = []
    for values in table.itertuples(index=False, name=None):
        row = dict(zip(columns, map(_text, values), strict=True))
        rows.append(
            {
                "labeling_set_id": row[SET_COLUMN],
                "label": row[LABEL_COLUMN],
                "primary_key_value": row[primary_key],
                "record": {c: row[c] for c in data_columns},
            }
        )
    return columns, rows


def labels_frame(
    import_columns: Iterable[Sequence[str]], rows: Iterable[Any], primary_key: str
) -> pd.DataFrame:
    """The Glue label table: ``labeling_set_id``, ``label``, then the data columns.

    Data columns keep the order they were imported in; columns that only a later import had
    follow the earlier ones, and are ``None`` in rows imported without them.

    Args:
        import_columns: each import's column order, oldest import first.
        rows: stored labels (with ``labeling_set_id``, ``label``, ``record``) in import order.
        primary_key: the key column, the only data column of a table with no labels.
    """
    data_columns: dict[str, None] = {}  # an ordered set
    for columns in import_columns:
        data_columns.update((c, None) for c in columns if c not in GLUE_COLUMNS)
    values = [
        [row.labeling_set_id, row.label, *(row.record.get(c) for c in data_columns)] for row in rows
    ]
    names = [*GLUE_COLUMNS, *(data_columns or [primary_key])]
    import pandas as pd

    return pd.DataFrame(values, columns=names, dtype=object)


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    import pandas as pd  # loaded by now: the labels came as a DataFrame

    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None  # None, NaN, NaT and pd.NA all mean an empty cell
    return str(value)
