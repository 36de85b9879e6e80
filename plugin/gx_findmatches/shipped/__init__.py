"""The shipped GX suites (``expectations/``) and checkpoint definitions (``checkpoints/``).

They travel inside the package, so the demo and ``gx-findmatches validate --suite NAME`` work
from an installed wheel in any folder; the repository's top-level ``expectations/`` and
``checkpoints/`` are links to these folders, where they are edited.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from ..errors import DataFileError

KINDS = ("expectations", "checkpoints")


def shipped_file(kind: str, name: str) -> Path:
    """The path of a shipped suite or checkpoint file (``name`` with or without ``.json``)."""
    file_name = name if name.endswith(".json") else f"{name}.json"
    candidate = Path(str(files(__name__).joinpath(kind, file_name)))
    if not candidate.is_file():
        known = sorted(p.stem for p in Path(str(files(__name__).joinpath(kind))).glob("*.json"))
        raise DataFileError(f"no shipped {kind[:-1]} {name!r}; the package ships {known}")
    return candidate
