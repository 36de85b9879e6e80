"""A small, plain summary of a checkpoint run: what passed, what was seen, where the docs are."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result.

    Attributes:
        type: the expectation type, e.g. ``expect_table_fuzzy_duplicate_rate_to_be_between``.
        success: whether it passed.
        observed_value: the value it measured (``None`` if it raised).
        kwargs: its configuration.
        meta: its ``meta`` (shipped suites say there why the check exists).
        exception: the error message if evaluating it raised, else ``None``.
    """

    type: str
    success: bool
    observed_value: Any
    kwargs: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    exception: str | None = None


@dataclass(frozen=True)
class CheckpointOutcome:
    """A checkpoint run, reduced to what a caller or a CI job acts on.

    Attributes:
        success: every expectation of every validation passed.
        expectations: each expectation's outcome, in suite order.
        data_docs_index: the local Data Docs site's ``index.html`` (``None`` if none is built).
        result: the full GX ``CheckpointResult``, for anything else.
    """

    success: bool
    expectations: tuple[ExpectationOutcome, ...]
    data_docs_index: Path | None
    result: Any = field(repr=False, compare=False)

    def by_type(self, type_: str) -> list[ExpectationOutcome]:
        """The outcomes of one expectation type."""
        return [e for e in self.expectations if e.type == type_]


def summarize(result: Any, context: Any) -> CheckpointOutcome:
    """Reduce a GX ``CheckpointResult`` to a :class:`CheckpointOutcome`."""
    outcomes = []
    for run in result.run_results.values():
        for item in run.results:
            info = item.exception_info or {}
            raised = info.get("exception_message") if info.get("raised_exception") else None
            outcomes.append(
                ExpectationOutcome(
                    type=item.expectation_config.type,
                    success=bool(item.success),
                    observed_value=(item.result or {}).get("observed_value"),
                    kwargs=dict(item.expectation_config.kwargs),
                    meta=dict(item.expectation_config.meta or {}),
                    exception=raised,
                )
            )
    return CheckpointOutcome(
        success=bool(result.success),
        expectations=tuple(outcomes),
        data_docs_index=_docs_index(context),
        result=result,
    )


def _docs_index(context: Any) -> Path | None:
    for site in context.get_docs_sites_urls():
        url = site.get("site_url") or ""
        if url.startswith("file://"):
            path = Path(unquote(urlparse(url).path))
            if path.is_file():
                return path
    return None
