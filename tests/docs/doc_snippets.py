"""The fenced code blocks of README.md and docs/*.md, and how the docs test runs each one.

The convention, visible in the Markdown source:

* a ```` ```python ```` block runs in this interpreter, in the file's working directory; a
  file's python blocks run in order in one namespace, so a later block may use what an earlier
  one defined (as a reader would);
* a ```` ```bash ```` (or ```` ```sh ````) block runs with ``bash -e -o pipefail`` in the file's
  working directory (shared by the file's blocks, prepared by ``doc_workspaces``), with this
  interpreter's ``gx-findmatches`` and ``python`` first on PATH;
* any other fence must name what it holds (```` ```text ````, ```` ```json ````, ...), and is
  not run; a fence without a language is an error;
* HTML comments directly above a fence change how it runs, one per line:

  ``<!-- snippet: not-run: REASON -->``    never run (install commands); the reason is required
  ``<!-- snippet: spark -->``              needs Spark (``spark`` marker): runs in a process of
                                           its own, on a small local Spark
  ``<!-- snippet: postgres -->``           needs PostgreSQL (``postgres`` marker); the block
                                           gets ``$DATABASE_URL``, a database holding the
                                           file's tables
  ``<!-- snippet: label FILE ... -->``     first fill in the ``label`` column of FILE from the
                                           truth, as a person would in a spreadsheet

  Text after the keyword (and its FILE) is a note for readers of the source. Blocks that need
  a server are leaves: later blocks never see their names (python ones run in a copy of the
  namespace), so a run without Spark or PostgreSQL skips those blocks and nothing else.

Only fences as these docs write them are read (backticks or tildes, indented inside list
items), which is why this is a few lines here rather than a Markdown parser as a dependency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN_LANGUAGES = {"python": "python", "bash": "bash", "sh": "bash"}
SHOWN_LANGUAGES = frozenset({"text", "console", "json", "yaml", "toml"})
KINDS = frozenset({"not-run", "spark", "postgres", "label"})
SERVERS = ("spark", "postgres")

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)[^`]*$")
_DIRECTIVE = re.compile(r"^\s*<!--\s*snippet:\s*(?P<kind>[a-z-]+)(?P<rest>.*?)-->\s*$")


@dataclass(frozen=True)
class Directive:
    """One ``<!-- snippet: KIND ARGUMENT -->`` line above a fence."""

    kind: str
    argument: str


@dataclass(frozen=True)
class Snippet:
    """A fenced block: where it is, its language, its code and the directives above it."""

    doc: str  # the file, relative to the repository root
    line: int  # 1-based line of the opening fence
    language: str
    code: str  # without the fence's indentation (a block inside a list item)
    directives: tuple[Directive, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.line}"

    @property
    def runner(self) -> str | None:
        """``python`` or ``bash``, or None for a block that is shown, not run."""
        if self.directive("not-run") is not None:
            return None
        return RUN_LANGUAGES.get(self.language)

    @property
    def server(self) -> str | None:
        """The server the block needs (``spark`` or ``postgres``), if any."""
        return next((kind for kind in SERVERS if self.directive(kind) is not None), None)

    def directive(self, kind: str) -> Directive | None:
        return next((d for d in self.directives if d.kind == kind), None)


def doc_files(root: Path = ROOT) -> list[Path]:
    """README.md and every docs/*.md, in a stable order."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def parse(text: str, doc: str) -> tuple[list[Snippet], list[str]]:
    """The fenced blocks of a Markdown text, and the problems with how they are marked."""
    snippets: list[Snippet] = []
    problems: list[str] = []
    lines = text.splitlines()
    pending: list[tuple[int, Directive]] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        directive = _DIRECTIVE.match(line)
        opening = _FENCE.match(line)
        if directive:
            pending.append((index + 1, _directive(directive, f"{doc}:{index + 1}", problems)))
        elif opening:
            start = index
            index, body = _body(lines, index, opening)
            where = f"{doc}:{start + 1}"
            if index >= len(lines):
                problems.append(f"{where}: the fence is never closed")
            language = opening["info"].lower()
            _check_language(language, where, problems)
            indent = len(opening["indent"])
            code = "\n".join(row[indent:] if row[:indent].isspace() else row for row in body)
            found = Snippet(doc, start + 1, language, code, tuple(d for _, d in pending))
            _check_directives(found, problems)
            snippets.append(found)
            pending = []
        else:
            for at, _ in pending:
                problems.append(f"{doc}:{at}: a snippet directive must sit right above a fence")
            pending = []
        index += 1
    for at, _ in pending:
        problems.append(f"{doc}:{at}: a snippet directive must sit right above a fence")
    return snippets, problems


def read_snippets(root: Path = ROOT) -> tuple[list[Snippet], list[str]]:
    """Every fenced block of the docs, and every marking problem."""
    snippets: list[Snippet] = []
    problems: list[str] = []
    for path in doc_files(root):
        found, wrong = parse(path.read_text(encoding="utf-8"), str(path.relative_to(root)))
        snippets += found
        problems += wrong
    return snippets, problems


def _body(lines: list[str], index: int, opening: re.Match[str]) -> tuple[int, list[str]]:
    """The lines inside a fence, and the index of its closing line."""
    fence = opening["fence"]
    closing = re.compile(rf"^ *{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    body: list[str] = []
    index += 1
    while index < len(lines) and not closing.match(lines[index]):
        body.append(lines[index])
        index += 1
    return index, body


def _directive(match: re.Match[str], where: str, problems: list[str]) -> Directive:
    kind, argument = match["kind"], match["rest"].strip().removeprefix(":").strip()
    if kind not in KINDS:
        problems.append(f"{where}: unknown snippet directive {kind!r}; use one of {sorted(KINDS)}")
    return Directive(kind, argument)


def _check_language(language: str, where: str, problems: list[str]) -> None:
    if not language:
        problems.append(f"{where}: a fence without a language; mark it ```text (or ```json ...)")
    elif language not in RUN_LANGUAGES and language not in SHOWN_LANGUAGES:
        known = sorted({*RUN_LANGUAGES, *SHOWN_LANGUAGES})
        problems.append(f"{where}: unknown fence language {language!r}; use one of {known}")


def _check_directives(snippet: Snippet, problems: list[str]) -> None:
    not_run = snippet.directive("not-run")
    if not_run is not None and not not_run.argument:
        problems.append(f"{snippet.id}: 'not-run' needs a reason: <!-- snippet: not-run: WHY -->")
    if snippet.language not in RUN_LANGUAGES and snippet.directives:
        problems.append(
            f"{snippet.id}: a ```{snippet.language} block is never run; drop its snippet directives"
        )
    label = snippet.directive("label")
    if label is not None and not label.argument:
        problems.append(f"{snippet.id}: 'label' needs the file: <!-- snippet: label FILE -->")
