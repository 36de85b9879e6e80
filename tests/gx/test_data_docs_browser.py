"""Data Docs as a browser shows them: a FEBRL3 checkpoint's validation page in headless Chromium.

The other GX tests read the HTML file GX writes; this one reads the DOM Chromium builds from it
(``--dump-dom``, after the page's scripts ran) and takes a screenshot, so it also catches
content the file holds but a browser drops or moves (broken markup, unclosed tables).
Chromium runs as a plain subprocess, without a driver. Without Chromium the module is skipped,
except under CI (``CI`` set), where it fails: CI installs Chromium (``.ci/services.sh``) and
must not silently lose this check.

Data Docs link their CSS and scripts from CDNs; without network the page renders unstyled,
which changes neither the DOM's content nor these assertions.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import great_expectations as gx
import pandas as pd
import pytest
from gx_helpers import KIND, PRIMARY_KEY, TRUTH, Truth, case, new_project, run_checkpoint

pytestmark = pytest.mark.slow

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
CHROMIUM_TIMEOUT = 120  # seconds; a page takes about two
WINDOW = (1400, 3000)
COMMON = {"primary_key": PRIMARY_KEY, "exclude_columns": [TRUTH, KIND]}
MATCHING = f"(FindMatches on key {PRIMARY_KEY}, precision/recall trade-off 0.5)"


# ------------------------------------------------------------------------------- the DOM
@dataclass
class Node:
    """An element of the dumped DOM: enough of a tree to find rows, cells and tables."""

    tag: str
    classes: tuple[str, ...] = ()
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return " ".join(self._raw().split())

    def _raw(self) -> str:
        return "".join(c if isinstance(c, str) else c._raw() for c in self.children)

    def elements(self) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node)]

    def find_all(self, tag: str) -> list[Node]:
        """Descendants with this tag, in document order."""
        found = []
        for child in self.elements():
            if child.tag == tag:
                found.append(child)
            found += child.find_all(tag)
        return found


class _TreeBuilder(HTMLParser):
    VOID = frozenset({"area", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = tuple((dict(attrs).get("class") or "").split())
        node = Node(tag, classes)
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]

    def column(self, name: str) -> list[str]:
        index = self.header.index(name)
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class ExpectationRow:
    """One row of the validation results table: status, sentence, tables, observed value."""

    success: bool
    sentence: str
    tables: dict[str, Table]
    observed: str


def expectation_rows(dom: str) -> list[ExpectationRow]:
    """The expectation rows of a validation page: table rows whose first cell is a status
    icon (GX: ``fa-check-circle`` on success, ``fa-times`` on failure)."""
    builder = _TreeBuilder()
    builder.feed(dom)
    found = []
    for tr in builder.root.find_all("tr"):
        cells = [c for c in tr.elements() if c.tag == "td"]
        icons = [i.classes for i in cells[0].find_all("i")] if len(cells) == 3 else []
        if not icons:
            continue
        expectation = cells[1]
        spans = [s for s in expectation.elements()[0].elements() if s.tag == "span"]
        titles = [h.text() for h in expectation.find_all("h6")]
        tables = [_table(t) for t in expectation.find_all("table")]
        assert len(titles) == len(tables), f"tables without a title: {titles}"
        found.append(
            ExpectationRow(
                success="fa-check-circle" in icons[0],
                sentence=spans[0].text() if spans else expectation.text(),
                tables={t: Table(t, *table) for t, table in zip(titles, tables, strict=True)},
                observed=cells[2].text(),
            )
        )
    return found


def _table(node: Node) -> tuple[list[str], list[list[str]]]:
    header = [th.text() for th in node.find_all("th")]
    body = node.find_all("tbody")
    rows = [[td.text() for td in tr.find_all("td")] for b in body for tr in b.find_all("tr")]
    return header, rows


# ------------------------------------------------------------------------------- Chromium
@pytest.fixture(scope="module")
def chromium() -> str:
    """The Chromium binary; skipped without one, failed without one under CI."""
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    message = f"headless Chromium is not installed (looked for {', '.join(CHROMIUM_NAMES)})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must run the Data Docs browser test", pytrace=False)
    pytest.skip(f"{message}; install it (Debian: apt-get install chromium) to run this test")


def run_chromium(binary: str, profile: Path, *arguments: str) -> str:
    """Run headless Chromium once with a new profile directory; its stdout."""
    profile.mkdir(parents=True)
    try:
        done = subprocess.run(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments],
            capture_output=True,
            text=True,
            timeout=CHROMIUM_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"Chromium took over {CHROMIUM_TIMEOUT} s: {arguments}", pytrace=False)
    if done.returncode != 0:
        pytest.fail(f"Chromium exited {done.returncode}: {done.stderr[-2000:]}", pytrace=False)
    return done.stdout


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
            metric="f1",
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
    pages = [p for p in site.rglob("*.html") if "validations" in p.relative_to(site).parts]
    assert len(pages) == 1, pages
    results["_page"] = pages[0]
    results["_bounds"] = (low, high)
    results["_work"] = tmp_path_factory.mktemp("chromium")
    return results


@pytest.fixture(scope="module")
def rows(run: dict[str, Any], chromium: str) -> dict[str, ExpectationRow]:
    """The page's expectation rows, keyed by the start of their sentence."""
    dom = run_chromium(chromium, run["_work"] / "dom", "--dump-dom", run["_page"].as_uri())
    assert "</html>" in dom, dom[-500:]
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
        assert list(row.tables) == ["Largest match groups (first 10)"]
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
        f"The cross-validated match f1 must be at least 0.9, labels drawn from {TRUTH} {MATCHING}.",
    )
    assert row.success is True
    assert re.fullmatch(r"f1: [01](\.\d+)?", row.observed)
    assert list(row.tables) == [
        "Quality estimates",
        "Confusion matrix (labelled pairs, held out)",
        "Column importances",
    ]
    estimates = dict(row.tables["Quality estimates"].rows)
    assert float(estimates["f1"]) >= 0.9
    matrix = row.tables["Confusion matrix (labelled pairs, held out)"]
    assert matrix.header == ["", "predicted match", "predicted no match"]
    assert [r[0] for r in matrix.rows] == ["labelled match", "labelled no match"]
    assert all(cell.isdigit() for r in matrix.rows for cell in r[1:])
    importances = row.tables["Column importances"]
    assert "given_name" in importances.column("column")
    assert TRUTH not in importances.column("column")
    assert KIND not in importances.column("column")


def test_screenshot_of_the_page(run: dict[str, Any], chromium: str) -> None:
    png = run["_work"] / "page.png"
    run_chromium(
        chromium,
        run["_work"] / "screenshot",
        f"--screenshot={png}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        run["_page"].as_uri(),
    )
    assert png.is_file(), "Chromium wrote no screenshot"
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == WINDOW  # IHDR width, height
    assert len(data) > 100_000, f"a {len(data)}-byte screenshot is blank or nearly so"
