"""gx-findmatches: an open, self-hosted AWS Glue FindMatches, as Great Expectations checks.

The engine is usable on its own::

    from gx_findmatches import FindMatches, read_table
    frame = read_table("customers.csv")
    matched = FindMatches(primary_key="customer_id").fit(frame).transform(frame)

Importing this package never imports Great Expectations (which is slow to import); the GX
layer lives in ``gx_findmatches.gx``.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers see; at run time the names load on first use
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

# Each public name and the module that defines it. Loaded on first use (PEP 562), because
# the engine pulls in scikit-learn, pandas and recordlinkage (seconds), and the command line
# must start in well under a second for ``--help`` and store commands.
_ERRORS = (
    "CandidatePairLimitError ColumnError DataFileError EmptyTableError FindMatchesError "
    "InputError LabelError ModelFileError NotFittedError NotTrainedError ParameterError "
    "PrimaryKeyError"
)
_WHERE: dict[str, str] = {
    "FindMatches": ".engine.transform",
    "MatchResult": ".engine.results",
    "MatchSummary": ".engine.results",
    "MatchSettings": ".engine.settings",
    "PairwiseQuality": ".engine.pairwise_quality",
    "QualityReport": ".engine.evaluation",
    "pairwise_quality": ".engine.pairwise_quality",
    "read_table": ".io",
    "write_table": ".io",
    **{name: ".errors" for name in _ERRORS.split()},
}


def __getattr__(name: str) -> Any:
    """Load a public name from its module the first time it is asked for."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


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
