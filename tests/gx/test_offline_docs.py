"""Offline Data Docs without a browser: the shipped assets, the page rewriting, the figures.

The browser side (the pages as Chromium shows them with networking disabled) is in
``test_data_docs_browser.py``; these tests check the parts a browser cannot see quickly: that
every URL GX's templates fetch has a shipped file, that the files are the ones GX pins, that a
GX-built site points only at files it holds, and the order of our detail tables.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from pathlib import Path
from typing import Any

import great_expectations as gx
import great_expectations.render as gx_render
import pandas as pd
import pytest
from great_expectations.core import ExpectationValidationResult
from gx_findmatches.gx import offline_docs
from gx_findmatches.gx.offline_docs import ASSETS, STATIC, make_site_offline, rewrite_page
from gx_helpers import new_project, run_checkpoint

TEMPLATES = Path(gx_render.__file__).parent / "view" / "templates"
REPOSITORY = Path(__file__).resolve().parents[2]
# <script src=...> and <link href=...> of GX's templates: what a browser fetches on its own.
FETCHED = re.compile(r"""<(?:script|link)\b[^>]*?\b(?:src|href)=["'](https?://[^"']+)["']""")
LOADED = re.compile(r"""<(?:script|link|img)\b[^>]*?\b(?:src|href)=["']([^"']+)["']""")
INTEGRITY = re.compile(r"""src="(https://[^"]+)"[^>]*integrity="(sha384-[^"]+)\"""")


def _template_urls() -> set[str]:
    return {url for path in TEMPLATES.glob("*.j2") for url in FETCHED.findall(path.read_text())}


# ------------------------------------------------------------------------------- the assets
def test_every_url_gx_templates_fetch_has_a_shipped_file() -> None:
    """A GX upgrade that links another file (or version) fails here, not silently offline."""
    urls = _template_urls()
    assert len(urls) >= 15, urls  # the templates are where they were; the pattern finds them
    assert sorted(urls - set(ASSETS)) == []
    assert sorted(set(ASSETS) - urls) == [], "a URL no template links any more"
    for local in ASSETS.values():
        assert (STATIC / local).is_file(), local


def test_pinned_files_are_the_bytes_gx_integrity_hashes_name() -> None:
    pinned = {
        url: digest
        for path in TEMPLATES.glob("*.j2")
        for url, digest in INTEGRITY.findall(path.read_text())
    }
    assert len(pinned) == 2, pinned  # popper.js and bootstrap.js
    for url, digest in pinned.items():
        data = (STATIC / ASSETS[url]).read_bytes()
        assert "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode() == digest


def test_font_awesome_fonts_are_shipped_in_the_format_browsers_read() -> None:
    css = STATIC / "fontawesome-free-6.6.0" / "css" / "all.min.css"
    fonts = set(re.findall(r"url\(\.\./webfonts/([^)]+\.woff2)\)", css.read_text()))
    assert {"fa-solid-900.woff2", "fa-regular-400.woff2"} <= fonts
    for font in fonts:
        assert (css.parent.parent / "webfonts" / font).is_file(), font


def test_every_shipped_library_has_its_licence_and_a_readme_line() -> None:
    readme = (STATIC / "README.md").read_text()
    folders = sorted(p.name for p in STATIC.iterdir() if p.is_dir() and p.name != "licenses")
    assert folders == sorted({local.split("/")[0] for local in ASSETS.values()})
    for folder in folders:
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{folder}/`")), "")
        assert row, f"{folder} has no row in README.md"
        licence = re.search(r"`licenses/([^`]+)`", row)
        assert licence and (STATIC / "licenses" / licence.group(1)).is_file(), row


def test_the_package_data_globs_take_every_shipped_file() -> None:
    package = STATIC.parent.parent
    pyproject = (REPOSITORY / "pyproject.toml").read_text()  # no tomllib on Python 3.10
    section = pyproject.split("[tool.setuptools.package-data]", 1)[1].split("\n[", 1)[0]
    globs = re.findall(r'^\s*"([^"]+)",', section, re.MULTILINE)
    assert "py.typed" in globs
    taken = {p for pattern in globs for p in package.glob(pattern) if p.is_file()}
    files = {p for p in STATIC.rglob("*") if p.is_file()}
    assert files and sorted(files - taken) == []


# ------------------------------------------------------------------------------- rewriting
@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Data Docs site GX builds for one small checkpoint, exactly as GX wrote it."""
    root = tmp_path_factory.mktemp("offline_site")
    context = new_project(root)
    definition = (
        context.data_sources.add_pandas("people")
        .add_dataframe_asset("people")
        .add_batch_definition_whole_dataframe("all")
    )
    frame = pd.DataFrame({"id": ["a", "b", "c"], "name": ["ann", "bob", None]})
    expectation = gx.expectations.ExpectColumnValuesToNotBeNull(column="name", meta={"case": "n"})
    run_checkpoint(context, "people", definition, [expectation], {"dataframe": frame})
    return root / "gx" / "uncommitted" / "data_docs" / "local_site"


@pytest.fixture
def site(built_site: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(built_site, tmp_path / "site"))


def _fetched(page: Path) -> list[str]:
    """What a browser fetches for a page on its own: scripts, stylesheets, icons, images."""
    return LOADED.findall(page.read_text())


def test_gx_pages_fetch_from_the_web_before(built_site: Path) -> None:
    pages = list(built_site.rglob("*.html"))
    assert len(pages) >= 3  # index, suite, validation
    for page in pages:
        assert any(url.startswith("https://") for url in _fetched(page)), page


def test_rewritten_pages_fetch_only_files_the_site_holds(site: Path) -> None:
    rewritten = make_site_offline(site)
    assert sorted(rewritten) == sorted(site.rglob("*.html"))
    for page in rewritten:
        text = page.read_text()
        assert "integrity=" not in text and "crossorigin=" not in text
        urls = _fetched(page)
        assert len(urls) >= 16, page
        for url in urls:
            assert not url.startswith(("http:", "https:")), (page, url)
            assert (page.parent / url).resolve().is_file(), (page, url)
    assert (site / offline_docs.VENDOR / "licenses" / "fontawesome-free.txt").is_file()


def test_rewriting_again_changes_nothing(site: Path) -> None:
    make_site_offline(site)
    before = {p: p.read_text() for p in site.rglob("*.html")}
    assert make_site_offline(site) == []
    assert {p: p.read_text() for p in site.rglob("*.html")} == before


def test_only_known_tags_are_rewritten() -> None:
    page = (
        '<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>'
        '<script src="https://example.org/other.js"></script>'
        '<a href="https://code.jquery.com/jquery-3.7.1.min.js">jQuery</a>'
    )
    assert rewrite_page(page, "../..") == (
        '<script src="../../static/vendor/jquery-3.7.1/jquery.min.js"></script>'
        '<script src="https://example.org/other.js"></script>'
        '<a href="https://code.jquery.com/jquery-3.7.1.min.js">jQuery</a>'
    )


def test_a_folder_that_is_no_site_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"no index\.html.*local_site"):
        make_site_offline(tmp_path)


def test_the_checkpoint_helpers_leave_an_offline_site(tmp_path: Path) -> None:
    from gx_findmatches.checkpoints import run_suite_checkpoint

    data = tmp_path / "people.csv"
    pd.DataFrame({"id": ["a", "b"], "name": ["ann", "bob"]}).to_csv(data, index=False)
    suite = gx.ExpectationSuite(name="people")
    suite.add_expectation(gx.expectations.ExpectColumnValuesToNotBeNull(column="name"))
    outcome = run_suite_checkpoint(tmp_path / "project", data, suite)
    assert outcome.success and outcome.data_docs_index is not None
    for page in outcome.data_docs_index.parent.rglob("*.html"):
        assert not [u for u in _fetched(page) if u.startswith("https:")], page


# ------------------------------------------------------------------------------- figures
def _rendered(expectation: Any, details: dict[str, Any], observed: Any, success: bool) -> list:
    result = ExpectationValidationResult(
        success=success,
        expectation_config=expectation.configuration,
        result={"observed_value": observed, "details": details},
    )
    tables = type(expectation)._diagnostic_unexpected_table_renderer(result=result)
    return [t.to_json_dict() for t in tables]


def _title(table: dict[str, Any]) -> str:
    return table["header"]["string_template"]["template"]


def test_figures_lead_the_duplicate_rate_details() -> None:
    expectation = gx.expectations.ExpectTableFuzzyDuplicateRateToBeBetween(
        primary_key="id", min_value=0.5
    )
    details = {
        "rows": 10,
        "rows_with_duplicates": 4,
        "groups_with_duplicates": 2,
        "largest_group": 3,
        "columns": ["id"],
        "largest_groups": [
            {"match_id": "a", "size": 3, "confidence": 0.9, "records": [{"id": k} for k in "abc"]}
        ],
    }
    tables = _rendered(expectation, details, 0.4, success=False)
    assert [_title(t) for t in tables] == ["Figures", "Largest match groups (first 1)"]
    assert tables[0]["table"] == [
        ["result", "fail"],
        ["observed", "40.00% of rows (4 of 10) in 2 groups"],
        ["rows", "10"],
        ["rows with a fuzzy duplicate", "4"],
        ["match groups with duplicates", "2"],
        ["largest group (records)", "3"],
    ]


def test_column_importances_are_listed_heaviest_first() -> None:
    expectation = gx.expectations.ExpectMatchQualityMetricToBeBetween(
        primary_key="id", metric="f1", min_value=0.5, label_column="truth"
    )
    # as a stored result comes back from JSON: keys sorted by name
    importances = {"address": 0.1, "given_name": 0.5, "postcode": 0.1, "surname": 0.3}
    details = {"metric": "f1", "f1": 0.9, "column_importances": importances}
    tables = {_title(t): t for t in _rendered(expectation, details, 0.9, success=True)}
    assert next(iter(tables)) == "Figures"
    assert tables["Figures"]["table"][:2] == [["result", "pass"], ["observed", "f1: 0.9"]]
    assert tables["Column importances"]["table"] == [
        ["given_name", "0.5"],
        ["surname", "0.3"],
        ["address", "0.1"],
        ["postcode", "0.1"],
    ]


def test_tables_of_records_scroll_in_their_cell_on_one_line_each() -> None:
    from gx_findmatches.gx.rendering import table

    narrow = table("n", ["a", "b"], [[1, 2]]).to_json_dict()["styling"]["body"]
    wide = table("w", list("abcdef"), [list(range(6))]).to_json_dict()["styling"]["body"]
    assert not narrow.get("styles")  # figures and counts: as wide as their text, wrapped
    assert wide["styles"]["overflow-x"] == "auto" and wide["styles"]["width"] == "0"
    assert wide["styles"]["white-space"] == "nowrap"
