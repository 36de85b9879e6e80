"""Helpers of the Data Docs browser tests: headless Chromium without network, and its DOM.

Chromium runs as a plain subprocess, without a driver, with networking disabled: every host
name fails to resolve and every request goes to a proxy that is not there. ``--dump-dom``
gives the DOM after the page's scripts ran. What the DOM cannot tell (is an icon drawn, in
which colour, where does a cell end) is measured by :data:`PROBE`: a page that loads the page
under test in a frame of a given width and writes what it measured into its own DOM as JSON.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import struct
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
OFFLINE = (
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    *OFFLINE,
)
CHROMIUM_TIMEOUT = 120  # seconds; a page takes about two

PROBE = """
const frame = document.getElementById("page");
frame.addEventListener("load", async () => {
  const doc = frame.contentDocument, win = frame.contentWindow;
  await doc.fonts.ready;
  const box = (e) => {
    const r = e.getBoundingClientRect();
    return {left: r.left, right: r.right, width: r.width, height: r.height};
  };
  const icons = [...doc.querySelectorAll("td i.fas")].map((i) => ({
    classes: i.className, box: box(i), color: win.getComputedStyle(i).color,
    font: win.getComputedStyle(i).fontFamily,
  }));
  const rows = [...doc.querySelectorAll("tr")].filter((tr) =>
    tr.children.length === 3 && tr.children[0].querySelector("i.fas")
  ).map((tr) => ({
    expectation: box(tr.children[1]),
    observed: box(tr.children[2]),
    first_table: tr.children[1].querySelector("table")
      ? box(tr.children[1].querySelector("table")) : null,
  }));
  const out = {
    viewport: win.innerWidth, icons, rows, body_font: win.getComputedStyle(doc.body).fontFamily,
  };
  document.getElementById("probe").textContent = JSON.stringify(out);
});
"""


def find_chromium() -> str:
    """The Chromium binary; skipped without one, failed without one under CI (``CI`` set):
    CI installs Chromium (``.ci/services.sh``) and must not silently lose these checks."""
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    message = f"headless Chromium is not installed (looked for {', '.join(CHROMIUM_NAMES)})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must run the Data Docs browser test", pytrace=False)
    pytest.skip(f"{message}; install it (Debian: apt-get install chromium) to run this test")


def run_chromium(binary: str, profile: Path, *arguments: str) -> str:
    """Run headless Chromium once, offline, with a new profile directory; its stdout."""
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


def dump_dom(binary: str, work: Path, page: Path) -> str:
    """The page's DOM after its scripts ran."""
    dom = run_chromium(binary, work / "profile", "--dump-dom", page.as_uri())
    assert "</html>" in dom, dom[-500:]
    return dom


def probe(binary: str, work: Path, page: Path, width: int) -> dict[str, Any]:
    """Measure a page shown ``width`` pixels wide (see :data:`PROBE`)."""
    work.mkdir(parents=True)
    (work / "probe.js").write_text(PROBE)
    harness = work / "probe.html"
    harness.write_text(
        '<!doctype html><html><body><pre id="probe">pending</pre>'
        f'<iframe id="page" src="{page.as_uri()}" style="width:{width}px;height:900px;border:0">'
        '</iframe><script src="probe.js"></script></body></html>'
    )
    dom = run_chromium(
        binary,
        work / "profile",
        "--allow-file-access-from-files",  # the harness reads the framed page's DOM
        "--virtual-time-budget=10000",  # and waits for its fonts before the DOM is dumped
        f"--window-size={width + 100},1000",
        "--dump-dom",
        harness.as_uri(),
    )
    builder = TreeBuilder()
    builder.feed(dom)
    text = next(p.text() for p in builder.root.find_all("pre"))
    assert text != "pending", "the probe did not finish"
    return json.loads(text)


SCROLL = """
const frame = document.getElementById("page");
frame.addEventListener("load", async () => {
  const start = document.body.dataset.scrollTo;
  if (!start) return;
  const doc = frame.contentDocument, win = frame.contentWindow;
  await doc.fonts.ready;  // rows move once the icon font is in
  const starts = (td) => td.textContent.trim().startsWith(start);
  const cell = [...doc.querySelectorAll("td")].find(starts);
  const top = cell.closest("tr").getBoundingClientRect().top;
  win.scrollTo(0, top + win.scrollY - 90);  // below the navbar, which stays on top
});
"""


def screenshot(
    binary: str, work: Path, page: Path, size: tuple[int, int], scroll_to: str = ""
) -> bytes:
    """A PNG of a page in a window of ``size`` (width, height), scrolled to the row of the
    first table cell whose text starts with ``scroll_to``; checked to be that size and not
    blank. (A URL fragment does not do: Bootstrap Table rebuilds the rows after the browser
    scrolled to it. The frame's size is fixed in pixels: Chromium resizes the window before it
    takes the shot, and GX caps a cell's height at 80 % of the window's.)"""
    work.mkdir(parents=True)
    (work / "scroll.js").write_text(SCROLL)
    harness = work / "shot.html"
    harness.write_text(
        f'<!doctype html><html><body style="margin:0;overflow:hidden" '
        f'data-scroll-to="{html.escape(scroll_to)}">'
        f'<iframe id="page" src="{page.as_uri()}" style="width:{size[0]}px;'
        f'height:{size[1]}px;border:0;display:block"></iframe>'
        '<script src="scroll.js"></script></body></html>'
    )
    png = work / "shot.png"
    run_chromium(
        binary,
        work / "profile",
        "--allow-file-access-from-files",
        "--virtual-time-budget=10000",
        f"--screenshot={png}",
        f"--window-size={size[0]},{size[1]}",
        harness.as_uri(),
    )
    assert png.is_file(), "Chromium wrote no screenshot"
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == size  # IHDR width, height
    # a blank page compresses to a few kB; these pages take 80+ bytes per 1,000 pixels
    assert len(data) > size[0] * size[1] // 25, f"a {len(data)}-byte screenshot is blank"
    return data


# ------------------------------------------------------------------------------- the DOM
@dataclass
class Node:
    """An element of the dumped DOM: enough of a tree to find rows, cells and tables."""

    tag: str
    classes: tuple[str, ...] = ()
    attributes: dict[str, str | None] = field(default_factory=dict)
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


class TreeBuilder(HTMLParser):
    VOID = frozenset({"area", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        node = Node(tag, tuple((attributes.get("class") or "").split()), attributes)
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


def parse(dom: str) -> Node:
    builder = TreeBuilder()
    builder.feed(dom)
    return builder.root


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]

    def column(self, name: str) -> list[str]:
        index = self.header.index(name)
        return [row[index] for row in self.rows]

    def as_dict(self) -> dict[str, str]:
        """A two-column table (name, value) as a dict."""
        return {row[0]: row[1] for row in self.rows}


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
    found = []
    for tr in parse(dom).find_all("tr"):
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
