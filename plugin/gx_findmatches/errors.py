"""The one documented tree of errors gx-findmatches raises.

Every message names the problem *and* the fix, because the people who meet these errors run
pipelines, not debuggers. The command line maps every ``FindMatchesError`` to exit code 2.

```
FindMatchesError
├── InputError                 the data handed to a transform is unusable
│   ├── DataFileError          a file is missing, unreadable or of an unknown format
│   ├── PrimaryKeyError        missing, duplicate or null primary keys
│   ├── ColumnError            unknown, entirely-null or unusable columns
│   └── EmptyTableError        no rows
├── ParameterError             a transform parameter is out of range or of the wrong type
├── LabelError                 a label table is malformed or contradicts itself or the data
├── CandidatePairLimitError    blocking would produce more pairs than the configured cap
├── ModelFileError             a saved transform cannot be read back
└── NotFittedError             (also a scikit-learn NotFittedError) used before ``fit``
    └── NotTrainedError        a stored transform has no trained model yet
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "CandidatePairLimitError",
    "ColumnError",
    "DataFileError",
    "EmptyTableError",
    "FindMatchesError",
    "InputError",
    "LabelError",
    "ModelFileError",
    "NotFittedError",
    "NotTrainedError",
    "ParameterError",
    "PrimaryKeyError",
]


class FindMatchesError(Exception):
    """Base of every error raised on purpose by gx-findmatches."""


class InputError(FindMatchesError, ValueError):
    """The input table cannot be matched as given."""


class DataFileError(InputError):
    """A data or label file is missing, unreadable, or of an unknown format."""


class PrimaryKeyError(InputError):
    """The primary key column is missing, or has duplicate or null values."""


class ColumnError(InputError):
    """A named column does not exist, is entirely null, or cannot be compared."""


class EmptyTableError(InputError):
    """The table has no rows."""


class ParameterError(FindMatchesError, ValueError):
    """A transform parameter is out of range or of the wrong type."""


class LabelError(FindMatchesError, ValueError):
    """A label table is malformed, contradicts itself, or names records not in the data."""


class CandidatePairLimitError(FindMatchesError, RuntimeError):
    """Blocking would produce more candidate pairs than ``max_candidate_pairs`` allows."""


class ModelFileError(FindMatchesError, ValueError):
    """A saved transform file is missing, corrupt, or from an incompatible version."""


if TYPE_CHECKING:
    from sklearn.exceptions import NotFittedError as _SklearnNotFittedError

    class NotFittedError(FindMatchesError, _SklearnNotFittedError):
        """The transform was used before ``fit`` (also a scikit-learn ``NotFittedError``)."""

    class NotTrainedError(NotFittedError):
        """A stored transform is asked to match before its first training."""


def __getattr__(name: str) -> Any:
    """``NotFittedError`` and ``NotTrainedError``, defined on first use.

    ``NotFittedError`` is also scikit-learn's, so defining it imports scikit-learn, which
    takes seconds; the command line imports this module to catch ``FindMatchesError`` and
    must start in well under a second, so the two classes wait until someone asks for them.
    """
    if name not in ("NotFittedError", "NotTrainedError"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from sklearn.exceptions import NotFittedError as sklearn_not_fitted

    class NotFittedError(FindMatchesError, sklearn_not_fitted):  # type: ignore[no-redef]
        """The transform was used before ``fit`` (also a scikit-learn ``NotFittedError``)."""

    class NotTrainedError(NotFittedError):  # type: ignore[no-redef]
        """A stored transform is asked to match before its first training (Glue's
        NOT_READY)."""

    for defined in (NotFittedError, NotTrainedError):
        defined.__qualname__ = defined.__name__
        globals()[defined.__name__] = defined
    return globals()[name]
