"""The store's public surface: a complete ``__all__``; one error tree; no GX import."""

from __future__ import annotations

import subprocess
import sys

import gx_findmatches.store as store_package
from gx_findmatches.errors import FindMatchesError
from gx_findmatches.store import errors


def test_all_is_unique_and_exists() -> None:
    # the order is ruff's (RUF022: constants, then classes), checked by ``ruff check``
    assert len(set(store_package.__all__)) == len(store_package.__all__)
    assert [n for n in store_package.__all__ if not hasattr(store_package, n)] == []


def test_errors_are_exported_under_find_matches_error() -> None:
    for name in errors.__all__:
        assert getattr(store_package, name) is getattr(errors, name)
        assert issubclass(getattr(errors, name), FindMatchesError)


def test_importing_the_store_does_not_import_great_expectations() -> None:
    code = (
        "import sys, gx_findmatches.store; "
        "assert 'great_expectations' not in sys.modules, 'the store imported GX'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
