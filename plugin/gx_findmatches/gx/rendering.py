"""Small builders for the legacy Data Docs content our expectations render.

Data Docs (file mode) build validation pages from the *legacy* renderers only: the
prescriptive sentence, the observed value and the "unexpected table" slot, which the
validation-results table appends under the sentence
(``render/renderer/content_block/validation_results_table_content_block.py``). A result's
``details`` are never shown unless a legacy renderer turns them into content, so every table
we want on the page is built here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from great_expectations.render import RenderedStringTemplateContent, RenderedTableContent

_BADGE = {"classes": ["badge", "badge-secondary"]}
_TABLE_CLASSES = ["table-bordered", "table-sm", "mt-3"]
# A table of more than four columns lists records (one column per batch column). It scrolls
# sideways inside the expectation's cell instead of widening it: a block of width 0 that grows
# to the cell (min-width) adds nothing to the cell's minimum width, so the results table keeps
# the observed-value column in view at ordinary widths (FEBRL's groups needed 2,400 px). Its
# cells keep to one line, a record per row, and the cells' own borders draw the grid (the
# block's border would outline the empty space right of a short table).
_NARROW = 4
_SCROLLS = {
    "display": "block",
    "width": "0",
    "min-width": "100%",
    "overflow-x": "auto",
    "white-space": "nowrap",
    "border": "none",
}
# Headline figures of a result, in the order shown, from the ``details`` keys that have them.
FIGURES = (
    ("rows", "rows"),
    ("rows_with_duplicates", "rows with a fuzzy duplicate"),
    ("groups_with_duplicates", "match groups with duplicates"),
    ("largest_group", "largest group (records)"),
    ("offending_groups", "groups outside the size range"),
    ("crossing_groups", "groups crossing the label boundary"),
    ("share_not_crossing", "share of groups not crossing"),
    ("inconsistent_groups", "inconsistent groups"),
    ("share_consistent", "share of groups consistent"),
    ("reference_rows", "reference rows"),
    ("matching_rows", "rows matching the reference"),
    ("same_key_rows", "rows whose key is in the reference"),
    ("share_not_matching", "share of rows not matching"),
)


def kwargs_of(configuration: Any, result: Any) -> dict[str, Any]:
    """The expectation kwargs from a configuration, or from a result's configuration: the
    dispatcher passes either, or neither (``expectation.py`` notes on renderer contracts)."""
    if configuration is None and result is not None:
        configuration = getattr(result, "expectation_config", None)
    return dict(getattr(configuration, "kwargs", None) or {})


def result_of(result: Any) -> dict[str, Any]:
    """A validation result's ``result`` dict ({} when there is none, e.g. BOOLEAN_ONLY)."""
    return dict(getattr(result, "result", None) or {}) if result is not None else {}


def condition_clause(kwargs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """ "For rows where <condition>: " when the expectation has a ``row_condition``, else
    nothing. Stored conditions are dicts; GX's ``repr`` of the condition object reads best."""
    condition = kwargs.get("row_condition")
    if not condition:
        return "", {}
    if isinstance(condition, Mapping):
        from great_expectations.expectations.row_conditions import deserialize_row_condition

        condition = deserialize_row_condition(dict(condition))
    text = condition if isinstance(condition, str) else repr(condition)
    return "For rows where $row_condition: ", {"row_condition": text}


def sentence(
    template: str, params: Mapping[str, Any], runtime_configuration: Mapping[str, Any] | None
) -> list[RenderedStringTemplateContent]:
    """A prescriptive sentence; ``$name`` placeholders are filled from ``params``."""
    styling = dict((runtime_configuration or {}).get("styling") or {})
    styling.setdefault("default", _BADGE)
    return [
        RenderedStringTemplateContent(
            content_block_type="string_template",
            string_template={"template": template, "params": dict(params), "styling": styling},
        )
    ]


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> RenderedTableContent:
    """A titled table of text cells."""
    return RenderedTableContent(
        content_block_type="table",
        header=RenderedStringTemplateContent(
            content_block_type="string_template",
            string_template={"template": title, "tag": "h6"},
        ),
        header_row=list(header),
        table=[[cell_text(cell) for cell in row] for row in rows],
        styling={"body": {"classes": _TABLE_CLASSES, "styles": _styles(len(header))}},
    )


def _styles(columns: int) -> dict[str, str]:
    return {} if columns <= _NARROW else _SCROLLS


def figures(success: bool, observed: str, details: Mapping[str, Any]) -> RenderedTableContent:
    """The table that leads a result's details: pass or fail, the observed value as a
    sentence, then the counts behind it (:data:`FIGURES`). It sits under the expectation's
    sentence, so the figures are read first, before any list of groups."""
    rows: list[list[Any]] = [["result", "pass" if success else "fail"], ["observed", observed]]
    rows += [[label, details[key]] for key, label in FIGURES if details.get(key) is not None]
    return table("Figures", ["figure", "value"], rows)


def by_weight(weights: Mapping[str, float] | None) -> list[list[Any]]:
    """``[name, weight]`` rows, heaviest first (ties by name): stored results come back from
    JSON with their keys sorted by name, whatever order they were computed in."""
    ranked = sorted((weights or {}).items(), key=lambda item: (-float(item[1]), item[0]))
    return [[name, weight] for name, weight in ranked]


def cell_text(value: Any) -> str:
    """A value as table text: numbers shortened, missing shown as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value)


def group_rows(
    details: Mapping[str, Any], key: str, extra: str | None = None, max_groups: int = 10
) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of a table listing the records of the first ``max_groups`` groups in
    ``details[key]`` (from ``details.group_entries``), one record per row, group columns
    first, then the batch's columns in batch order (``details["columns"]``: stored results
    come back from JSON with their keys sorted)."""
    shown = list(details.get(key) or [])[:max_groups]
    columns = record_columns(details, [r for group in shown for r in group["records"]])
    header = ["match_id", "size", "confidence", *([extra] if extra else []), *columns]
    rows = []
    for group in shown:
        lead = [group["match_id"], group["size"], group["confidence"]]
        lead += [group.get(extra)] if extra else []
        for record in group["records"]:
            rows.append([*lead, *(record.get(c) for c in columns)])
    return header, rows


def record_columns(details: Mapping[str, Any], rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The columns of listed records: batch order first, then any others."""
    columns = [str(c) for c in details.get("columns") or []]
    for row in rows:
        columns += [c for c in row if c not in columns]
    return columns
