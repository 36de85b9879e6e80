"""The working directory each doc's snippets run in: the files the doc names, made from FEBRL.

No network: every table is a slice of the bundled FEBRL3 (5,000 person records, 2,000
people), cut along whole people so that the slices keep FEBRL's duplicates (83 % of rows have
one). The primary key stays FEBRL's record id (``rec-12-org``, ``rec-12-dup-0``), renamed to
the key the doc uses, so the truth can be read off any key and a labeling file can be filled
in as a person would. Like the root of a clone, every workspace also holds ``expectations/``
and ``checkpoints/``.
"""

from __future__ import annotations

import functools
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from doc_snippets import ROOT
from gx_findmatches.datasets.febrl import PRIMARY_KEY, labels_from_truth, load_febrl, true_entities

TRUE_ENTITY = re.compile(r"^rec-(\d+)-(?:org|dup-\d+)$")
KNOWN = range(0, 400)  # the people of the main table: about 1,000 records
FEW = range(0, 120)  # for Spark, whose local jobs cost seconds per step: about 300 records
ARRIVING = range(380, 400)  # their duplicates arrive later, in new_people.csv
NEWCOMERS = range(400, 420)  # people not known before, also in new_people.csv
OTHER = range(600, 700)  # another table with the same columns

Table = Callable[[], pd.DataFrame]


@functools.cache
def _febrl3() -> pd.DataFrame:
    return load_febrl("febrl3")


def people(entities: range, key: str = PRIMARY_KEY, arrived: bool = True) -> Table:
    """The FEBRL3 records of some people, key renamed; ``arrived=False`` leaves out the
    duplicates in ``ARRIVING`` (they come in ``new_people.csv``)."""

    def build() -> pd.DataFrame:
        frame = _febrl3()
        entity = true_entities(frame).astype(int)
        keep = entity.isin(entities)
        if not arrived:
            keep &= ~(entity.isin(ARRIVING) & frame[PRIMARY_KEY].str.contains("-dup-"))
        return frame[keep].rename(columns={PRIMARY_KEY: key}).reset_index(drop=True)

    return build


def new_people(key: str) -> Table:
    """Records arriving after the main table: late duplicates of known people, and newcomers."""

    def build() -> pd.DataFrame:
        late = people(ARRIVING, key)()
        late = late[late[key].str.contains("-dup-")]
        return pd.concat([late, people(NEWCOMERS, key)()], ignore_index=True)

    return build


def labels(table: Table, key: str) -> Table:
    """A Glue-format label table for 100 records of a table, answered from the truth."""

    def build() -> pd.DataFrame:
        frame = table()
        truth = frame[key].str.extract(TRUE_ENTITY, expand=False)
        return labels_from_truth(frame, truth, key, max_records=100)

    return build


Column = Callable[[pd.DataFrame], "pd.Series[str] | str"]


def with_columns(table: Table, **columns: Column) -> Table:
    """A table with extra columns computed from it (``entity_id``, ``country``, ...)."""

    def build() -> pd.DataFrame:
        frame = table()
        for name, make in columns.items():
            frame[name] = make(frame)
        return frame

    return build


def _entity(key: str) -> Column:
    return lambda frame: frame[key].str.extract(TRUE_ENTITY, expand=False)


def _australia(frame: pd.DataFrame) -> str:
    return "au"  # FEBRL's people all live in Australia


@dataclass(frozen=True)
class Workspace:
    """The files a doc's snippets read (path -> table), and the database tables its
    ``postgres`` snippets read (name -> table)."""

    files: Mapping[str, Table]
    tables: Mapping[str, Table] = field(default_factory=dict)


WORKSPACES: dict[str, Workspace] = {
    "README.md": Workspace(
        {
            "customers.csv": people(KNOWN, "customer_id"),
            "labels.csv": labels(people(KNOWN, "customer_id"), "customer_id"),
        }
    ),
    "docs/engine.md": Workspace(
        {
            "people.csv": people(KNOWN, "person_id"),
            "labels.csv": labels(people(KNOWN, "person_id"), "person_id"),
        }
    ),
    "docs/spark.md": Workspace(
        {
            "people/part-00000.parquet": people(FEW, "person_id"),
            "people.parquet": people(FEW, "person_id"),
            "labels.csv": labels(people(FEW, "person_id"), "person_id"),
            "new_people.csv": new_people("person_id"),
        }
    ),
    "docs/workflow.md": Workspace(
        {
            "people.csv": people(KNOWN, "person_id", arrived=False),
            "new_people.csv": new_people("person_id"),
            "people_2024.csv": people(OTHER, "person_id"),
        },
        tables={"customers": with_columns(people(KNOWN, "customer_id"), country=_australia)},
    ),
    "docs/gx_user_guide.md": Workspace(
        {
            "customers.csv": with_columns(
                people(KNOWN, "customer_id"),
                entity_id=_entity("customer_id"),
                country=_australia,
            ),
            "labels/customers_labels.csv": labels(people(KNOWN, "customer_id"), "customer_id"),
            "people.csv": people(KNOWN),
            "people/part-00000.parquet": people(FEW),
        }
    ),
}


def prepare(doc: str, folder: Path) -> Path:
    """Fill ``folder`` with what ``doc``'s snippets read; returns it."""
    for shipped in ("expectations", "checkpoints"):
        shutil.copytree(ROOT / shipped, folder / shipped)
    workspace = WORKSPACES.get(doc, Workspace({}))
    for name, table in workspace.files.items():
        write(table(), folder / name)
    return folder


def write(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)


def fill_in_labels(path: Path) -> int:
    """Answer a labeling file from the truth (the person in each record's key), as a person
    with a spreadsheet would; returns the number of rows labelled."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    keys = [c for c in frame.columns if frame[c].str.fullmatch(TRUE_ENTITY.pattern).all()]
    assert len(keys) == 1, f"{path}: no single FEBRL key column among {list(frame.columns)}"
    assert "label" in frame.columns, f"{path} has no 'label' column to fill in"
    frame["label"] = "person-" + frame[keys[0]].str.extract(TRUE_ENTITY, expand=False)
    frame.to_csv(path, index=False)
    return len(frame)
