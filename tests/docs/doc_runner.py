"""Runs a doc's snippets as a reader would: in order, in one working directory and namespace.

Each snippet is its own test, but a snippet may build on the ones above it; so running one
runs first every earlier snippet of its file that has not run yet (a ``-k`` selection works),
and a failure above fails the snippets below it by name rather than with a confusing
``NameError``. Python snippets are compiled with their file's name and line numbers, so a
traceback points at the line in the doc.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from doc_snippets import ROOT, Snippet, read_snippets
from doc_workspaces import fill_in_labels, prepare

PROCESS_TIMEOUT_SECONDS = 900
SHOWN_OUTPUT_CHARS = 4000


class SnippetFailed(AssertionError):
    """A snippet raised, or its shell commands exited non-zero (message: what and where)."""


@contextlib.contextmanager
def working_directory(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


@dataclass
class DocRun:
    """The state of one doc's run: its workspace, its namespace, what ran and how it went."""

    snippets: list[Snippet]  # every snippet of the doc, in order
    workspace: Path
    namespace: dict[str, Any] = field(default_factory=lambda: {"__name__": "__doc_snippet__"})
    failures: dict[int, str] = field(default_factory=dict)  # line -> what went wrong
    ran: set[int] = field(default_factory=set)

    def run(self, snippet: Snippet, env: Mapping[str, str]) -> None:
        """Run ``snippet`` after the earlier snippets it may build on.

        Raises:
            SnippetFailed: an earlier snippet failed, or this one did.
        """
        for earlier in self.snippets:
            if earlier.line >= snippet.line:
                break
            if earlier.runner and earlier.server is None and earlier.line not in self.ran:
                with contextlib.suppress(Exception):  # recorded; reported below
                    self._run_once(earlier, env)
        above = [f"{snippet.doc}:{line}" for line in sorted(self.failures) if line < snippet.line]
        if above:
            raise SnippetFailed(f"{snippet.id} builds on {', '.join(above)}, which failed")
        if snippet.line in self.ran:  # it ran as an earlier snippet of another test
            if snippet.line in self.failures:
                raise SnippetFailed(self.failures[snippet.line])
            return
        self._run_once(snippet, env)

    def _run_once(self, snippet: Snippet, env: Mapping[str, str]) -> None:
        self.ran.add(snippet.line)
        try:
            label = snippet.directive("label")
            if label is not None:
                fill_in_labels(self.workspace / label.argument.split()[0])
            if snippet.runner == "python" and snippet.server == "spark":
                run_python_process(snippet, self.workspace, env)
            elif snippet.runner == "python":
                # Blocks that need a server are leaves: later blocks never see their names.
                names = dict(self.namespace) if snippet.server else self.namespace
                run_python(snippet, names, self.workspace)
            else:
                run_bash(snippet, self.workspace, env)
        except BaseException as error:
            said = f"{snippet.id}: {type(error).__name__}: {error}"
            self.failures[snippet.line] = str(error) if isinstance(error, SnippetFailed) else said
            raise


def run_python(snippet: Snippet, namespace: dict[str, Any], workspace: Path) -> None:
    """Execute a python snippet in ``namespace``, with the doc's line numbers."""
    source = "\n" * snippet.line + snippet.code + "\n"
    code = compile(source, str(ROOT / snippet.doc), "exec")
    with working_directory(workspace):
        exec(code, namespace)


# Runs a snippet read from stdin as if it stood in the doc: tracebacks name the doc's lines.
_BOOT = (
    "import sys; exec(compile('\\n' * int(sys.argv[2]) + sys.stdin.read(), sys.argv[1], 'exec'))"
)


def run_python_process(snippet: Snippet, workspace: Path, env: Mapping[str, str]) -> None:
    """Execute a python snippet in a new process of this interpreter, in the workspace.

    For Spark snippets: Spark resolves relative paths against its JVM's working directory,
    which a ``chdir`` in this process cannot move, so they run where a reader would run them.

    Raises:
        SnippetFailed: the snippet raised (its traceback is in the message).
    """
    command = [sys.executable, "-c", _BOOT, str(ROOT / snippet.doc), str(snippet.line)]
    _check(snippet, command, workspace, env, stdin=snippet.code)


def run_bash(snippet: Snippet, workspace: Path, env: Mapping[str, str]) -> None:
    """Run a shell snippet with ``bash -e -o pipefail`` in the workspace.

    Raises:
        SnippetFailed: the commands exited non-zero (their output is in the message).
    """
    _check(snippet, ["bash", "-e", "-o", "pipefail", "-c", snippet.code], workspace, env)


def _check(
    snippet: Snippet,
    command: list[str],
    workspace: Path,
    env: Mapping[str, str],
    stdin: str | None = None,
) -> None:
    done = subprocess.run(
        command,
        input=stdin,
        cwd=workspace,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        raise SnippetFailed(
            f"{snippet.id}: {Path(command[0]).name} exited {done.returncode}\n"
            f"--- stdout (end) ---\n{done.stdout[-SHOWN_OUTPUT_CHARS:]}\n"
            f"--- stderr (end) ---\n{done.stderr[-SHOWN_OUTPUT_CHARS:]}"
        )


def spark_environment() -> dict[str, str]:
    """What a Spark snippet's process needs: the tests' interpreter on the workers, and the
    small local session the tests use (``tests/conftest.py``), set as spark-submit would."""
    settings = {
        "spark.sql.shuffle.partitions": "4",
        "spark.default.parallelism": "4",
        "spark.ui.enabled": "false",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
    }
    confs = " ".join(f"--conf {name}={value}" for name, value in settings.items())
    return {
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
        "PYSPARK_SUBMIT_ARGS": f"--master local[2] --driver-memory 2g {confs} pyspark-shell",
    }


def shell_environment(extra: Mapping[str, str]) -> dict[str, str]:
    """This process's environment, with this interpreter's scripts (``gx-findmatches``,
    ``python``) first on PATH and no store chosen from outside."""
    env = {k: v for k, v in os.environ.items() if k != "GX_FINDMATCHES_STORE"}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return {**env, **extra}


class DocRuns:
    """One :class:`DocRun` per doc, its workspace made when its first snippet runs."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self._factory = factory
        self._runs: dict[str, DocRun] = {}

    def __getitem__(self, doc: str) -> DocRun:
        if doc not in self._runs:
            snippets, _ = read_snippets()
            folder = self._factory.mktemp(doc.replace("/", "_").removesuffix(".md"))
            self._runs[doc] = DocRun([s for s in snippets if s.doc == doc], prepare(doc, folder))
        return self._runs[doc]
