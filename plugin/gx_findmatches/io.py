"""Reading and writing tables by file extension: ``.csv``, ``.tsv`` and ``.parquet``.

Writes are atomic (a temporary file renamed into place), so a failed run never leaves a
partial output file that a later pipeline step could mistake for a result.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from .errors import DataFileError

FORMATS = (".csv", ".tsv", ".parquet")


def table_format(path: str | Path) -> str:
    """The table format a path names, by its extension."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise DataFileError(
            f"unknown table format {suffix or '(no extension)'!r} for {path}; "
            f"use one of {', '.join(FORMATS)}"
        )
    return suffix


def read_table(path: str | Path, text_columns: bool = True) -> pd.DataFrame:
    """Read a table; with ``text_columns`` CSV/TSV cells stay strings (postcodes keep leading
    zeros, ids stay ids) and empty cells become missing values."""
    source = Path(path)
    suffix = table_format(source)
    if not source.is_file():
        raise DataFileError(f"no file at {source}; check the path")
    try:
        if suffix == ".parquet":
            return pd.read_parquet(source)
        return pd.read_csv(
            source,
            sep="\t" if suffix == ".tsv" else ",",
            dtype=str if text_columns else None,
            keep_default_na=False,
            na_values=[""],
            encoding="utf-8",
        )
    except (ValueError, OSError, UnicodeDecodeError) as error:
        raise DataFileError(
            f"cannot read {source} as {suffix[1:]} ({error}); check that the "
            f"file is a valid, UTF-8 {suffix[1:]} file"
        ) from error


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a table atomically in the format its extension names."""
    target = Path(path)
    suffix = table_format(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=suffix + ".tmp")
    os.close(handle)
    try:
        if suffix == ".parquet":
            frame.to_parquet(temporary, index=False)
        else:
            frame.to_csv(temporary, sep="\t" if suffix == ".tsv" else ",", index=False)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
