"""Errors of the store, under the package's one ``FindMatchesError`` tree.

```
FindMatchesError
└── StoreError                   the store cannot do what was asked
    ├── TransformNotFoundError   no transform of that name (also a LookupError)
    ├── TransformExistsError     a transform of that name already exists
    ├── ModelNotFoundError       no model of that version (also a LookupError)
    ├── StoreNotFoundError       no store in that database yet (also a LookupError)
    ├── TaskRunNotFoundError     no task run of that id (also a LookupError)
    ├── TaskRunCancelledError    the run was cancelled from elsewhere and stopped
    └── SchemaVersionError       the database was written by a newer gx-findmatches
```

Like every error of the package, each message names the problem and the fix.
"""

from __future__ import annotations

from ..errors import FindMatchesError

__all__ = [
    "ModelNotFoundError",
    "SchemaVersionError",
    "StoreError",
    "StoreNotFoundError",
    "TaskRunCancelledError",
    "TaskRunNotFoundError",
    "TransformExistsError",
    "TransformNotFoundError",
]


class StoreError(FindMatchesError):
    """The store cannot do what was asked (bad argument, empty labels, unusable database)."""


class TransformNotFoundError(StoreError, LookupError):
    """No transform of that name exists in the store."""


class TransformExistsError(StoreError):
    """A transform of that name already exists; names are unique per store."""


class ModelNotFoundError(StoreError, LookupError):
    """The transform has no trained model of the requested version."""


class StoreNotFoundError(StoreError, LookupError):
    """The database holds no store yet, and the store was opened with ``create=False``."""


class TaskRunNotFoundError(StoreError, LookupError):
    """No task run has that id (or a unique id beginning with it)."""


class TaskRunCancelledError(StoreError):
    """The task run was cancelled (``Store.cancel_run``, maybe from another process) and
    stopped at its next step; the store records it CANCELLED, with nothing it did kept."""


class SchemaVersionError(StoreError):
    """The database schema is newer than this release understands; refusing to touch it."""
