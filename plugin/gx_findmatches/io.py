"""Reading and writing tables by file extension: ``.csv``, ``.tsv`` and ``.parquet``.

Writes are atomic (see :mod:`.outputs`: a temporary file renamed into place, the target's
mode kept), so a failed run never leaves a partial output file that a later pipeline step
could mistake for a result, nor a stray temporary file.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .errors import DataFileError
from .outputs import check_output_file, write_atomically

FORMATS = (".csv", ".tsv", ".parquet")

if TYPE_CHECKING:  # pandas is imported where a table is read or written: the CLI starts fast
    import pandas as pd


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
    import pandas as pd

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


def check_table_output(path: str | Path, option: str | None = None) -> Path:
    """Refuse now, before any work, a table output path of an unknown format or one that
    cannot be written (see :func:`.outputs.check_output_file`)."""
    table_format(path)
    return check_output_file(path, option)


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a table atomically in the format its extension names.

    Returns the path written (a symlink's target when ``path`` is a link).

    Raises:
        DataFileError: unknown format, or the file cannot be written (the message says
            why: full disk, no permission, ...); a previous file at ``path`` is unchanged.
    """
    suffix = table_format(path)

    def write(stream: IO[bytes]) -> None:
        if suffix == ".parquet":
            frame.to_parquet(stream, index=False)
            return
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
        frame.to_csv(text, sep="\t" if suffix == ".tsv" else ",", index=False)
        text.detach()  # the stream stays open for fsync

    return write_atomically(path, write)
