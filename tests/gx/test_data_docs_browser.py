"""Data Docs as a browser shows them without network: a FEBRL3 checkpoint's pages in headless
Chromium with networking disabled.

The other GX tests read the HTML file GX writes; these read the DOM Chromium builds from it
(after the page's scripts ran), measure what the DOM cannot tell (icons drawn, in which
colour; which cells fit the window) and take screenshots, so they also catch content the file
holds but a browser drops or moves, and anything that still needs the network.

GX's own pages fetch their scripts, styles and icons from CDNs; :func:`make_data_docs_offline`
serves them from the site. The same pages as GX wrote them are rendered too, offline, as the
control: their index lists nothing and their icons are not drawn.

Set ``GX_FINDMATCHES_SCREENSHOTS`` to a folder (``docs/images``) to keep the screenshots.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import great_expectations as gx
import pandas as pd
import pytest
from browser_helpers import (
    ExpectationRow,
    Table,
    dump_dom,
    expectation_rows,
    find_chromium,
    parse,
    probe,
    screenshot,
)
from gx_findmatches.gx import make_data_docs_offline
from gx_helpers import KIND, PRIMARY_KEY, TRUTH, Truth, case, new_project, run_checkpoint

pytestmark = pytest.mark.slow

ORDINARY = 1200  # px: a laptop browser window; the pages must read well at this width
COMMON = {"primary_key": PRIMARY_KEY, "exclude_columns": [TRUTH, KIND]}
MATCHING = f"(FindMatches on key {PRIMARY_KEY}, precision/recall trade-off 0.5)"
GREEN, RED = "rgb(40, 167, 69)", "rgb(220, 53, 69)"  # Bootstrap's text-success, text-danger


@pytest.fixture(scope="module")
def chromium() -> str:
    return find_chromium()


# ------------------------------------------------------------------------------- the page
@pytest.fixture(scope="module")
def run(
    chromium: str,
    tmp_path_factory: pytest.TempPathFactory,
    febrl3_checked: pd.DataFrame,
    truth: Truth,
) -> dict[str, Any]:
    """A file project, a checkpoint of six expectations on FEBRL3 and its Data Docs."""
    root = tmp_path_factory.mktemp("gx_browser")
    context = new_project(root)
    low, high = round(truth.rate - 0.02, 2), round(truth.rate + 0.02, 2)
    ex = gx.expectations
    expectations = [
        case(ex.ExpectTableFuzzyDuplicateRateToBeBetween, "rate_pass", **COMMON, min_value=low),
        case(
            ex.ExpectTableFuzzyDuplicateRateToBeBetween,
            "rate_between",
            **COMMON,
            min_value=low,
            max_value=high,
        ),
        case(
            ex.ExpectMatchGroupSizesToBeBetween, "sizes_fail", **COMMON, max_value=truth.largest - 1
        ),
        case(
            ex.ExpectMatchGroupsToNotCrossLabelBoundaries, "cross_fail", **COMMON, label_column=KIND
        ),
        case(
            ex.ExpectColumnValuesToBeConsistentWithinMatchGroups,
            "consistent_fail",
            **COMMON,
            column="given_name",
        ),
        case(
            ex.ExpectMatchQualityMetricToBeBetween,
            "quality_pass",
            **COMMON,
            metric="group_f1",
            min_value=0.9,
            label_column=TRUTH,
        ),
    ]
    definition = (
        context.data_sources.add_pandas("febrl")
        .add_dataframe_asset("febrl3")
        .add_batch_definition_whole_dataframe("all")
    )
    results = run_checkpoint(
        context, "febrl3_browser", definition, expectations, {"dataframe": febrl3_checked}
    )
    site = root / "gx" / "uncommitted" / "data_docs" / "local_site"
    original = Path(shutil.copytree(site, tmp_path_factory.mktemp("as_gx_wrote") / "site"))
    assert make_data_docs_offline(context) == [site]
    pages = [p for p in site.rglob("*.html") if "validations" in p.relative_to(site).parts]
    assert len(pages) == 1, pages
    results["_site"], results["_original"] = site, original
    results["_page"] = pages[0]
    results["_bounds"] = (low, high)
    results["_work"] = tmp_path_factory.mktemp("chromium")
    return results


def _original(run: dict[str, Any], page: Path) -> Path:
    return run["_original"] / page.relative_to(run["_site"])


@pytest.fixture(scope="module")
def rows(run: dict[str, Any], chromium: str) -> dict[str, ExpectationRow]:
    """The page's expectation rows, keyed by the start of their sentence."""
    dom = dump_dom(chromium, run["_work"] / "dom", run["_page"])
    assert "Rendering failed" not in dom
    found = expectation_rows(dom)
    assert len(found) == 6, [r.sentence for r in found]
    return {r.sentence: r for r in found}


def _row(rows: dict[str, ExpectationRow], sentence: str) -> ExpectationRow:
    assert sentence in rows, f"{sentence!r} is not on the page; sentences: {list(rows)}"
    return rows[sentence]


def _group_table_is_whole(table: Table) -> None:
    """Every listed group shows as many record rows as its size, with its records' keys."""
    assert table.header[:3] == ["match_id", "size", "confidence"]
    assert PRIMARY_KEY in table.header and "given_name" in table.header
    groups = table.column("match_id")
    sizes = dict(zip(groups, table.column("size"), strict=True))
    assert sizes, table.title
    for group, size in sizes.items():
        assert groups.count(group) == int(size), group
    assert all(key.startswith("rec-") for key in table.column(PRIMARY_KEY))


# ------------------------------------------------------------------------------- tests
def test_every_expectation_is_on_the_page_with_its_status(
    rows: dict[str, ExpectationRow], run: dict[str, Any]
) -> None:
    outcomes = {name: r.success for name, r in run.items() if not name.startswith("_")}
    assert outcomes == {
        "rate_pass": True,
        "rate_between": True,
        "sizes_fail": False,
        "cross_fail": False,
        "consistent_fail": False,
        "quality_pass": True,
    }
    assert sorted(r.success for r in rows.values()) == sorted(outcomes.values())
    assert all(r.sentence.endswith(".") and r.observed for r in rows.values())


def test_duplicate_rate_rows_list_the_largest_groups(
    rows: dict[str, ExpectationRow], run: dict[str, Any], truth: Truth
) -> None:
    low, high = run["_bounds"]
    at_least = _row(
        rows, f"The share of rows with a fuzzy duplicate must be at least {low} {MATCHING}."
    )
    between = _row(
        rows,
        f"The share of rows with a fuzzy duplicate must be between {low} and {high} {MATCHING}.",
    )
    for row in (at_least, between):
        assert row.success is True
        assert re.fullmatch(r"\d+\.\d\d% of rows \(\d+ of 5000\) in \d+ groups", row.observed)
        assert list(row.tables) == ["Figures", "Largest match groups (first 10)"]
        figures = row.tables["Figures"].as_dict()
        assert list(figures)[:2] == ["result", "observed"]
        assert figures["result"] == "pass" and figures["observed"] == row.observed
        assert figures["rows"] == "5000"
        assert (
            0
            < int(figures["match groups with duplicates"])
            <= int(figures["rows with a fuzzy duplicate"])
        )
        assert int(figures["largest group (records)"]) <= truth.largest
        table = row.tables["Largest match groups (first 10)"]
        _group_table_is_whole(table)
        assert len(set(table.column("match_id"))) == 10
        assert max(int(s) for s in table.column("size")) <= truth.largest


def test_group_size_row_counts_sizes_and_lists_the_offending_groups(
    rows: dict[str, ExpectationRow], truth: Truth
) -> None:
    row = _row(
        rows, f"No fuzzy match group may have more than {truth.largest - 1} records {MATCHING}."
    )
    assert row.success is False
    assert row.observed.startswith(f"largest group: {truth.largest} records (")
    figures = row.tables["Figures"].as_dict()
    assert figures["result"] == "fail" and figures["observed"] == row.observed
    assert int(figures["groups outside the size range"]) == truth.groups_of_largest
    by_size = row.tables["Groups with duplicates by size"]
    assert by_size.header == ["size", "groups"]
    assert str(truth.largest) in by_size.column("size")
    offending = row.tables["Groups outside the size range"]
    _group_table_is_whole(offending)
    assert set(offending.column("size")) == {str(truth.largest)}


def test_crossing_row_lists_groups_with_both_record_kinds(
    rows: dict[str, ExpectationRow],
) -> None:
    row = _row(
        rows,
        f"No fuzzy match group may hold records with different values of {KIND} "
        f"{MATCHING}, matched without partition.",
    )
    assert row.success is False
    assert re.fullmatch(r"\d+ of \d+ groups cross", row.observed)
    table = row.tables["Match groups crossing the label boundary"]
    _group_table_is_whole(table)
    assert table.header[3] == "labels"
    assert all("org" in labels and "dup" in labels for labels in table.column("labels"))


def test_consistency_row_lists_inconsistent_groups_with_their_values(
    rows: dict[str, ExpectationRow],
) -> None:
    row = _row(
        rows,
        f"The records of each fuzzy match group must share one value of given_name {MATCHING}.",
    )
    assert row.success is False
    assert re.fullmatch(r"\d+ of \d+ groups inconsistent", row.observed)
    table = row.tables["Inconsistent match groups"]
    _group_table_is_whole(table)
    assert table.header[3] == "values"
    for values, name in zip(table.column("values"), table.column("given_name"), strict=True):
        assert not name or f"{name}: " in values  # counts of the group's values, e.g. "kylee: 3"


def test_quality_row_shows_estimates_confusion_matrix_and_column_importances(
    rows: dict[str, ExpectationRow],
) -> None:
    row = _row(
        rows,
        f"The cross-validated match group_f1 must be at least 0.9, labels drawn from {TRUTH} "
        f"{MATCHING}.",
    )
    assert row.success is True
    number = r"[01](\.\d+)?"
    assert re.fullmatch(rf"group_f1: {number} \[{number}, {number}\]", row.observed), row.observed
    assert list(row.tables) == [
        "Figures",
        "Quality estimates",
        "Confusion matrix (labelled pairs, held out)",
        "Column importances",
    ]
    estimates = dict(row.tables["Quality estimates"].rows)
    assert float(estimates["f1"]) >= 0.9
    group = [float(estimates[name]) for name in ("group_f1_low", "group_f1", "group_f1_high")]
    assert group[1] >= 0.9 and group == sorted(group)
    assert estimates["group estimate"] == "ok"
    matrix = row.tables["Confusion matrix (labelled pairs, held out)"]
    assert matrix.header == ["", "predicted match", "predicted no match"]
    assert [r[0] for r in matrix.rows] == ["labelled match", "labelled no match"]
    assert all(cell.isdigit() for r in matrix.rows for cell in r[1:])
    assert row.tables["Figures"].as_dict() == {"result": "pass", "observed": row.observed}
    importances = row.tables["Column importances"]
    weights = [float(w) for w in importances.column("share")]
    assert weights == sorted(weights, reverse=True) and len(set(weights)) > 1
    assert "given_name" in importances.column("column")
    assert TRUTH not in importances.column("column")
    assert KIND not in importances.column("column")


# ------------------------------------------------------------------------------- offline
def _validation_links(dom: str) -> list[str]:
    """The validation pages the index's "Validation Results" table links (rows exist only
    once Bootstrap Table's script built them)."""
    tables = [
        t
        for t in parse(dom).find_all("table")
        if "ge-index-page-validation-results-table" in t.classes
    ]
    assert len(tables) == 1
    return [
        str(tr.attributes.get("data-href"))
        for tr in tables[0].find_all("tr")
        if "data-href" in tr.attributes
    ]


def test_index_lists_the_validation_offline(run: dict[str, Any], chromium: str) -> None:
    index = run["_site"] / "index.html"
    links = _validation_links(dump_dom(chromium, run["_work"] / "index", index))
    assert links == [run["_page"].relative_to(run["_site"]).as_posix()]
    as_gx_wrote = dump_dom(chromium, run["_work"] / "index_gx", _original(run, index))
    assert _validation_links(as_gx_wrote) == []  # the control: without network, nothing


def _drawn(icon: dict[str, Any]) -> bool:
    return icon["box"]["width"] > 0 and "Font Awesome" in icon["font"]


def test_pass_and_fail_icons_are_drawn_in_colour_offline(
    run: dict[str, Any], chromium: str
) -> None:
    found = probe(chromium, run["_work"] / "probe", run["_page"], ORDINARY)
    icons = found["icons"]
    assert len(icons) == 6 and all(_drawn(i) for i in icons), icons
    colours = sorted(i["color"] for i in icons)
    assert colours == sorted([GREEN] * 3 + [RED] * 3)
    for icon in icons:
        assert (icon["color"] == GREEN) == ("fa-check-circle" in icon["classes"])
    assert found["body_font"].startswith("-apple-system")  # Bootstrap's, not the browser's
    index = probe(chromium, run["_work"] / "probe_index", run["_site"] / "index.html", ORDINARY)
    assert [i["color"] for i in index["icons"]] == [RED] and _drawn(index["icons"][0])
    as_gx_wrote = probe(chromium, run["_work"] / "probe_gx", _original(run, run["_page"]), ORDINARY)
    assert len(as_gx_wrote["icons"]) == 6  # the control: the same icons, none drawn
    assert not any(_drawn(i) for i in as_gx_wrote["icons"])


def test_observed_values_and_figures_fit_an_ordinary_window(
    run: dict[str, Any], chromium: str
) -> None:
    """At 1,200 px every observed value and every row's first table (the figures) is in view:
    the group tables scroll inside their cell instead of widening the page."""
    found = probe(chromium, run["_work"] / "layout", run["_page"], ORDINARY)
    assert found["viewport"] == ORDINARY and len(found["rows"]) == 6
    for row in found["rows"]:
        assert row["observed"]["right"] <= ORDINARY, row
        assert row["observed"]["width"] >= 120, row  # room for "83.26% of rows (...)"
        assert row["first_table"]["right"] <= row["expectation"]["right"] <= ORDINARY, row


def test_screenshots_offline(run: dict[str, Any], chromium: str) -> None:
    """The validation page (top, and the quality row) and the index, offline, 1,200 px wide;
    kept in ``$GX_FINDMATCHES_SCREENSHOTS`` when set (how docs/images are made)."""
    shots = {
        "data_docs_validation.png": (run["_page"], (ORDINARY, 1100), ""),
        "data_docs_validation_quality.png": (
            run["_page"],
            (ORDINARY, 1250),
            "The cross-validated match",
        ),
        "data_docs_index.png": (run["_site"] / "index.html", (ORDINARY, 450), ""),
    }
    keep = os.environ.get("GX_FINDMATCHES_SCREENSHOTS")
    for name, (page, size, scroll_to) in shots.items():
        data = screenshot(chromium, run["_work"] / name, page, size, scroll_to)
        if keep:
            Path(keep, name).write_bytes(data)
