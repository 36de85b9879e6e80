"""gx-findmatches: an open, self-hosted AWS Glue FindMatches, as Great Expectations checks.

The engine is usable on its own::

    from gx_findmatches import FindMatches, read_table
    frame = read_table("customers.csv")
    matched = FindMatches(primary_key="customer_id").fit(frame).transform(frame)

Importing this package never imports Great Expectations (which is slow to import); the GX
layer lives in ``gx_findmatches.gx``.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .engine.evaluation import QualityReport
from .engine.pairwise_quality import PairwiseQuality, pairwise_quality
from .engine.results import MatchResult, MatchSummary
from .engine.settings import MatchSettings
from .engine.transform import FindMatches
from .errors import (
    CandidatePairLimitError,
    ColumnError,
    DataFileError,
    EmptyTableError,
    FindMatchesError,
    InputError,
    LabelError,
    ModelFileError,
    NotFittedError,
    NotTrainedError,
    ParameterError,
    PrimaryKeyError,
)
from .io import read_table, write_table

try:
    __version__ = version("gx-findmatches")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "CandidatePairLimitError",
    "ColumnError",
    "DataFileError",
    "EmptyTableError",
    "FindMatches",
    "FindMatchesError",
    "InputError",
    "LabelError",
    "MatchResult",
    "MatchSettings",
    "MatchSummary",
    "ModelFileError",
    "NotFittedError",
    "NotTrainedError",
    "PairwiseQuality",
    "ParameterError",
    "PrimaryKeyError",
    "QualityReport",
    "__version__",
    "pairwise_quality",
    "read_table",
    "write_table",
]
