"""A small, plain summary of a checkpoint run: what passed, what was seen, why, where the docs are.

GX reports an expectation that could not run with ``success: False`` and an empty result; the
reason sits in ``exception_info``, keyed by the metric that raised (one level deeper than the
expectation-level form). Both forms are read here, so a caller sees *why*, not "observed None".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from great_expectations.expectations.metadata_types import FailureSeverity


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result.

    Attributes:
        type: the expectation type, e.g. ``expect_table_fuzzy_duplicate_rate_to_be_between``.
        success: whether it passed.
        observed_value: the value it measured (``None`` if it raised, or for map expectations,
            which report ``unexpected_count`` in ``result`` instead).
        kwargs: its configuration.
        meta: its ``meta`` (shipped suites say there why the check exists).
        exception: why it could not run (the error message) if evaluating it raised, else
            ``None``.
        severity: its GX failure severity: ``"critical"`` (the default), ``"warning"`` or
            ``"info"``; only a critical failure fails a pipeline.
        result: GX's whole ``result`` dict, as much as the run's result format asked for.
    """

    type: str
    success: bool
    observed_value: Any
    kwargs: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    exception: str | None = None
    severity: str = FailureSeverity.CRITICAL.value
    result: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """``"pass"``, or the severity of the failure: ``"critical"``, ``"warning"``, ``"info"``."""
        return "pass" if self.success else self.severity


@dataclass(frozen=True)
class CheckpointOutcome:
    """A checkpoint run, reduced to what a caller or a CI job acts on.

    Attributes:
        success: every expectation of every validation passed (GX's own verdict, which
            counts warning failures too).
        expectations: each expectation's outcome, in suite order.
        data_docs_index: the local Data Docs site's ``index.html`` (``None`` if none is built).
        result: the full GX ``CheckpointResult``, for anything else.
    """

    success: bool
    expectations: tuple[ExpectationOutcome, ...]
    data_docs_index: Path | None
    result: Any = field(repr=False, compare=False)

    @property
    def failed_severity(self) -> str | None:
        """The highest severity among failed expectations (``None`` if none failed), as GX's
        ``get_max_severity_failure`` orders them: critical > warning > info."""
        failed = [FailureSeverity(e.severity) for e in self.expectations if not e.success]
        return max(failed).value if failed else None

    @property
    def critical_success(self) -> bool:
        """No *critical* expectation failed: what decides a pipeline's exit code."""
        return self.failed_severity in (None, "warning", "info")

    def by_type(self, type_: str) -> list[ExpectationOutcome]:
        """The outcomes of one expectation type."""
        return [e for e in self.expectations if e.type == type_]


def summarize(result: Any, context: Any) -> CheckpointOutcome:
    """Reduce a GX ``CheckpointResult`` to a :class:`CheckpointOutcome`."""
    outcomes = []
    for run in result.run_results.values():
        for item in run.results:
            config = item.expectation_config
            details = dict(item.result or {})
            outcomes.append(
                ExpectationOutcome(
                    type=config.type,
                    success=bool(item.success),
                    observed_value=details.get("observed_value"),
                    kwargs={k: v for k, v in config.kwargs.items() if k != "batch_id"},
                    meta=dict(config.meta or {}),
                    exception=exception_message(item.exception_info),
                    severity=FailureSeverity(config.severity or "critical").value,
                    result=details,
                )
            )
    return CheckpointOutcome(
        success=bool(result.success),
        expectations=tuple(outcomes),
        data_docs_index=_docs_index(context),
        result=result,
    )


def exception_message(info: Mapping[str, Any] | None) -> str | None:
    """The error message(s) in a GX ``exception_info``, or ``None`` if nothing raised.

    GX writes it flat (``{"raised_exception": True, "exception_message": ...}``) when the
    expectation itself raised, and keyed by metric (``{"MetricConfigurationID(...)": {...}}``)
    when a metric it needs raised; several metrics can fail for the same reason.
    """
    if not info:
        return None
    entries = [info] if "raised_exception" in info else list(info.values())
    messages = [
        str(entry.get("exception_message") or "raised an exception without a message")
        for entry in entries
        if isinstance(entry, Mapping) and entry.get("raised_exception")
    ]
    return "; ".join(dict.fromkeys(messages)) or None


def _docs_index(context: Any) -> Path | None:
    for site in context.get_docs_sites_urls():
        url = site.get("site_url") or ""
        if url.startswith("file://"):
            path = Path(unquote(urlparse(url).path))
            if path.is_file():
                return path
    return None
