"""Stored transforms for the other layers: read a transform's settings, labels or trained model
from a store (open, or a URL opened and closed here) without driving the workflow.

The GX layer reads stored transforms only through these functions, so it never opens the
store's tables itself and never loads a model just to read its parameters.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd

from .engine.settings import MatchSettings
from .engine.transform import FindMatches
from .store import Store
from .workflow import Workflow


def stored_transform_settings(store: Store | str | None, name: str) -> MatchSettings:
    """A stored transform's parameters, read from its record (no model is loaded).

    Args:
        store: an open store, or a store URL (``None``: ``$GX_FINDMATCHES_STORE``, else
            ``sqlite:///findmatches.db``), opened and closed here.
        name: the transform.
    """
    with _opened(store) as opened:
        return Workflow(opened).settings(name)


def stored_labels(store: Store | str | None, name: str) -> pd.DataFrame:
    """Every label imported for a stored transform, as a Glue label table."""
    with _opened(store) as opened:
        return opened.labels(name)


def trained_transform(store: Store | str | None, name: str) -> FindMatches:
    """A stored transform's latest trained model, with its stored match-time parameters.

    Raises:
        NotTrainedError: the transform was never trained.
    """
    with _opened(store) as opened:
        return Workflow(opened).trained(name)


@contextmanager
def _opened(store: Store | str | None) -> Iterator[Store]:
    """The store itself, or one opened from a URL for the block and closed after it."""
    if isinstance(store, Store):
        yield store
        return
    with Store(store) as opened:
        yield opened
