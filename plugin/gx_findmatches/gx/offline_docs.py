"""Data Docs that work offline: GX's pages, with what they fetch from CDNs served by the site.

GX's Data Docs templates (``great_expectations/render/view/templates``) link Bootstrap,
Bootstrap Table, jQuery, Popper, Font Awesome, a datepicker, a dark theme and Vega from CDNs.
Without network, ``index.html`` lists no validation (Bootstrap Table's script builds that
list), the pass/fail marks (Font Awesome icons) are missing and nothing is styled. The package
carries the very files those URLs name (``gx/static``; sources, versions and licences in its
README.md); :func:`make_site_offline` copies them into a local site's ``static/vendor`` folder
and points every page at them.

GX has no setting for these URLs, so pages are rewritten after GX writes them, and only the
``<script>``/``<link>`` tags whose URL is one of :data:`ASSETS`, plus two images GX ships
itself: the navbar logo (which GX loads from the web, with the project's id in the query
string) and the favicon (whose path GX writes one folder short on validation pages). Their
``integrity``/``crossorigin`` attributes go: browsers refuse CORS requests to ``file:`` URLs,
and the shipped files are the same bytes the hashes name (a test checks it). A page that is
already rewritten is left as it is, so rewriting after every checkpoint run is cheap and safe.
"""

from __future__ import annotations

import filecmp
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

#: Where the shipped assets are, in the package.
STATIC = Path(__file__).with_name("static")
#: Where they go in a site, relative to its root (GX's own files are in ``static/``).
VENDOR = "static/vendor"

_BOOTSTRAP_TABLE = "https://unpkg.com/bootstrap-table@1.19.1/dist/"
_FILTER_CONTROL = "extensions/filter-control/bootstrap-table-filter-control"

#: Each URL GX's templates fetch (GX 1.x) and the shipped file under :data:`STATIC` it names.
ASSETS: dict[str, str] = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery-3.7.1/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": (
        "popper.js-1.12.9/umd/popper.min.js"
    ),
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": (
        "bootstrap-4.3.1/css/bootstrap.min.css"
    ),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": (
        "bootstrap-4.3.1/js/bootstrap.min.js"
    ),
    _BOOTSTRAP_TABLE + "bootstrap-table.min.css": "bootstrap-table-1.19.1/bootstrap-table.min.css",
    _BOOTSTRAP_TABLE + "bootstrap-table.min.js": "bootstrap-table-1.19.1/bootstrap-table.min.js",
    _BOOTSTRAP_TABLE + _FILTER_CONTROL + ".min.js": (
        f"bootstrap-table-1.19.1/{_FILTER_CONTROL}.min.js"
    ),
    # GX links the filter-control styles of 1.19.0; they differ from 1.19.1's in the banner only.
    f"https://unpkg.com/bootstrap-table@1.19.0/dist/{_FILTER_CONTROL}.css": (
        f"bootstrap-table-1.19.1/{_FILTER_CONTROL}.css"
    ),
    f"https://unpkg.com/bootstrap-table@1.19.0/dist/{_FILTER_CONTROL}.min.css": (
        f"bootstrap-table-1.19.1/{_FILTER_CONTROL}.min.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css": "bootstrap-datepicker-1.9.0/css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js": "bootstrap-datepicker-1.9.0/js/bootstrap-datepicker.min.js",
    # The minified build of the same stylesheet (GX links the unminified one, 5.8 times larger).
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/"
    "bootstrap-prefers-dark.css": "bootstrap-dark-1.1.0/css/bootstrap-prefers-dark.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": (
        "fontawesome-free-6.6.0/css/all.min.css"
    ),
    # GX asks for the newest 5.x/6.x: these are the newest at the time they were shipped.
    "https://cdn.jsdelivr.net/npm/vega@5": "vega-5.33.1/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite-5.23.0/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed-6.29.0/vega-embed.min.js",
}

#: Where GX's navbar takes its logo from; GX ships the same images in the site's static/images.
REMOTE_IMAGES = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"

_TAG = re.compile(r"<(?:script|link|img)\b[^>]*>", re.IGNORECASE)
_URL = re.compile(r"""\b(src|href)=(["'])([^"']+)\2""", re.IGNORECASE)
_IMAGE = re.compile(r"^(?:\.\./|\./)*static/images/([^/?#]+)$")
_CORS = re.compile(r"""\s+(?:integrity|crossorigin)=(["'])[^"']*\1""", re.IGNORECASE)


def make_data_docs_offline(context: Any) -> list[Path]:
    """Make every local Data Docs site of a GX Data Context work offline.

    Call it after anything that builds Data Docs (a checkpoint with ``UpdateDataDocsAction``,
    ``context.build_data_docs()``); the checkpoint helpers of :mod:`gx_findmatches.checkpoints`
    do. Sites in remote stores (S3, GCS, Azure) are left alone: they are served over the web.

    Returns:
        The folders of the sites made offline.
    """
    sites = []
    for site in context.get_docs_sites_urls(only_if_exists=True):
        url = urlparse(site.get("site_url") or "")
        if url.scheme == "file":
            index = Path(unquote(url.path))
            make_site_offline(index.parent)
            sites.append(index.parent)
    return sites


def make_site_offline(site: str | os.PathLike[str]) -> list[Path]:
    """Copy the shipped assets into a local Data Docs site and point its pages at them.

    Args:
        site: the site's folder, the one holding ``index.html``.

    Returns:
        The pages rewritten by this call (pages rewritten before are skipped).
    """
    root = Path(site)
    if not (root / "index.html").is_file():
        raise FileNotFoundError(
            f"{root} is not a Data Docs site (no index.html); pass the folder GX builds the "
            "site in, e.g. gx/uncommitted/data_docs/local_site"
        )
    _copy_tree(STATIC, root / VENDOR)
    images = {p.name for p in (root / "static" / "images").glob("*")}
    rewritten = []
    for page in sorted(root.rglob("*.html")):
        if VENDOR in page.relative_to(root).as_posix():
            continue
        text = page.read_text(encoding="utf-8")
        new = rewrite_page(text, _relative_root(page, root), images)
        if new != text:
            page.write_text(new, encoding="utf-8")
            rewritten.append(page)
    return rewritten


def rewrite_page(html: str, root: str, images: Iterable[str] = ()) -> str:
    """A page's HTML with the known CDN assets (and GX's logo, if ``images`` has it) taken
    from the site: ``root`` is the relative path from the page's folder to the site's root."""
    shipped = set(images)

    def tag(match: re.Match[str]) -> str:
        text = match.group(0)
        found = _URL.search(text)
        if not found:
            return text
        url = found.group(3)
        local = _local(url, root, shipped)
        if local is None:
            return text
        quote = found.group(2)
        text = text.replace(found.group(0), f"{found.group(1)}={quote}{local}{quote}", 1)
        return _CORS.sub("", text)

    return _TAG.sub(tag, html)


def _local(url: str, root: str, images: set[str]) -> str | None:
    if url in ASSETS:
        return f"{root}/{VENDOR}/{ASSETS[url]}"
    if url.startswith(REMOTE_IMAGES):
        name = urlparse(url).path.rsplit("/", 1)[-1]
    else:
        image = _IMAGE.match(url)
        name = image.group(1) if image else ""
    local = f"{root}/static/images/{name}"
    return local if name in images and local != url else None


def _relative_root(page: Path, root: Path) -> str:
    depth = len(page.relative_to(root).parts) - 1
    return "/".join([".."] * depth) or "."


def _copy_tree(source: Path, target: Path) -> None:
    """Copy files that are missing or differ (a site is rewritten after every run)."""
    for path in source.rglob("*"):
        if path.is_dir() or path.name.startswith(("_", ".")) or path.suffix == ".py":
            continue
        destination = target / path.relative_to(source)
        if destination.is_file() and filecmp.cmp(path, destination, shallow=True):
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
