"""Every code block of README.md and docs/*.md runs, so no documented snippet can rot.

One test per block (``README.md:55``). How a block is run, and how a doc marks a block that
is not run or needs a server, is in ``doc_snippets.py``; the files the blocks read are made
from the bundled FEBRL data by ``doc_workspaces.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doc_runner import DocRun, DocRuns, SnippetFailed, shell_environment
from doc_snippets import Snippet, parse, read_snippets

SNIPPETS, PROBLEMS = read_snippets()
# Blocks never run: install commands (CI runs them itself), the test suite, a benchmark of
# minutes. Raising this needs a reason that convinces a reviewer.
NOT_RUN_LIMIT = 6


def _case(snippet: Snippet) -> object:
    marks = [pytest.mark.slow]
    if snippet.server:
        marks.append(getattr(pytest.mark, snippet.server))
    return pytest.param(snippet, id=snippet.id, marks=marks)


@pytest.mark.parametrize("snippet", [_case(s) for s in SNIPPETS if s.runner])
def test_snippet_runs(
    snippet: Snippet,
    doc_runs: DocRuns,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    extra: dict[str, str] = {}
    if snippet.server == "spark":
        extra.update(request.getfixturevalue("spark_process_env"))
    if snippet.server == "postgres":
        extra["DATABASE_URL"] = request.getfixturevalue("database_url")
    if "DATABASE_URL" in extra:
        monkeypatch.setenv("DATABASE_URL", extra["DATABASE_URL"])
    failure = None
    try:
        doc_runs[snippet.doc].run(snippet, shell_environment(extra))
    except SnippetFailed as error:  # a python snippet's own error keeps its traceback
        failure = str(error)
    if failure is not None:
        pytest.fail(failure, pytrace=False)


def test_every_block_is_marked() -> None:
    """A fence names its language, directives are known and sit on a fence, and a block
    that is not run says why."""
    assert SNIPPETS, "no code blocks found in README.md and docs/*.md"
    assert not PROBLEMS, "\n".join(PROBLEMS)


def test_few_blocks_are_not_run() -> None:
    not_run = [s for s in SNIPPETS if s.directive("not-run")]
    shown = [f"{s.id}: {s.directive('not-run')}" for s in not_run]
    assert len(not_run) <= NOT_RUN_LIMIT, "\n".join(shown)


# ------------------------------------------------------------------ the convention itself
MARKDOWN = """\
Intro.

<!-- snippet: not-run: installs packages -->
```bash
pip install .
```

1. A list item:

   <!-- snippet: spark -->
   ```python
   x = 1
   ```

```
no language
```

~~~cobol
DISPLAY 'HI'.
~~~

<!-- snippet: not-run -->

```sh
true
```

<!-- snippet: teleport -->
```json
{}
```

<!-- snippet: not-run -->
```bash
rm -rf /
```

```python
unclosed = True
"""


def test_parser_reads_blocks_and_directives() -> None:
    snippets, _ = parse(MARKDOWN, "x.md")
    install, spark, bare, cobol, shell, data, reasonless, unclosed = snippets
    assert (install.id, install.runner, install.code) == ("x.md:4", None, "pip install .")
    assert (spark.line, spark.runner, spark.server, spark.code) == (11, "python", "spark", "x = 1")
    assert bare.runner is None and cobol.runner is None and data.runner is None
    assert reasonless.runner is None
    assert (shell.runner, shell.directives) == ("bash", ())
    assert unclosed.code == "unclosed = True"


def test_parser_names_every_marking_problem() -> None:
    _, problems = parse(MARKDOWN, "x.md")
    assert problems == [
        "x.md:15: a fence without a language; mark it ```text (or ```json ...)",
        "x.md:19: unknown fence language 'cobol'; use one of "
        "['bash', 'console', 'json', 'python', 'sh', 'text', 'toml', 'yaml']",
        "x.md:23: a snippet directive must sit right above a fence",
        "x.md:29: unknown snippet directive 'teleport'; use one of "
        "['label', 'not-run', 'postgres', 'spark']",
        "x.md:30: a ```json block is never run; drop its snippet directives",
        "x.md:35: 'not-run' needs a reason: <!-- snippet: not-run: WHY -->",
        "x.md:39: the fence is never closed",
    ]


def _doc_run(tmp_path: Path, *blocks: tuple[str, str]) -> DocRun:
    text = "\n\n".join(f"```{language}\n{code}\n```" for language, code in blocks)
    snippets, problems = parse(text, "x.md")
    assert not problems
    return DocRun(snippets, tmp_path)


def test_blocks_share_a_namespace_and_a_folder(tmp_path: Path) -> None:
    run = _doc_run(
        tmp_path,
        ("python", "answer = 6 * 7"),
        ("bash", "echo made > made.txt"),
        ("python", "from pathlib import Path\nseen = Path('made.txt').read_text()"),
    )
    run.run(run.snippets[2], shell_environment({}))  # runs the two blocks above first
    assert (run.namespace["answer"], run.namespace["seen"]) == (42, "made\n")


def test_a_failure_is_named_where_it_happened(tmp_path: Path) -> None:
    run = _doc_run(tmp_path, ("bash", "true\nfalse\necho never"), ("python", "x = 1"))
    with pytest.raises(SnippetFailed, match=r"x\.md:7 builds on x\.md:1, which failed"):
        run.run(run.snippets[1], shell_environment({}))
    with pytest.raises(SnippetFailed, match=r"^x\.md:1: bash exited 1"):
        run.run(run.snippets[0], shell_environment({}))


def test_a_python_traceback_points_at_the_doc_line(tmp_path: Path) -> None:
    run = _doc_run(tmp_path, ("python", "x = 1\nundefined_name"))
    with pytest.raises(NameError) as raised:
        run.run(run.snippets[0], shell_environment({}))
    frame = raised.traceback[-1]
    assert (Path(str(frame.path)).name, frame.lineno + 1) == ("x.md", 3)


def test_a_spark_block_runs_in_its_own_process_in_the_folder(tmp_path: Path) -> None:
    (tmp_path / "people.txt").write_text("ann")
    text = "<!-- snippet: spark -->\n```python\nname = open('people.txt').read()\n1 / 0\n```\n"
    snippets, _ = parse(text, "x.md")
    run = DocRun(snippets, tmp_path)
    with pytest.raises(SnippetFailed) as raised:
        run.run(snippets[0], shell_environment({}))
    assert 'x.md", line 4' in str(raised.value)
    assert "ZeroDivisionError" in str(raised.value)  # so it read people.txt in the folder
    assert "name" not in run.namespace
