"""The error the suite guard raises (part of the ``FindMatchesError`` tree)."""

from __future__ import annotations

from ..errors import FindMatchesError


class UnregisteredExpectationError(FindMatchesError, LookupError):
    """A suite names expectation types GX does not know, so GX would drop them silently.

    Attributes:
        missing: the expectation types that are not registered, or were dropped on load.
    """

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


class SuiteError(FindMatchesError, ValueError):
    """A suite file or suite JSON that GX would refuse with a traceback, or silently drop parts of.

    Raised for malformed JSON, a top level that is not a suite object, expectations with
    unknown, wrong-typed or out-of-range kwargs, and placeholders (``"${name}"``) left without
    a value. The message names the expectation (position and type), the problem and the fix.
    """
