"""Progress bars for long engine steps, shown only where someone is watching.

A million-row run spends minutes in blocking and comparison; on a terminal that needs a
moving bar, in a library call or a pipeline it must print nothing. So the engine only *reports*
progress here, and bars appear only inside :func:`show_progress`, which the command line
enters when stderr is a terminal (or when asked) and never under ``--json``. The switch is a
context variable, so concurrent library calls in other threads stay silent.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO, Any, TypeVar

from tqdm import tqdm

T = TypeVar("T")

_stream: ContextVar[IO[str] | None] = ContextVar("gx_findmatches_progress", default=None)


@contextmanager
def show_progress(enabled: bool = True, stream: IO[str] | None = None) -> Iterator[None]:
    """Show progress bars (on ``stream``, default stderr) for engine work inside the block."""
    token = _stream.set((stream or sys.stderr) if enabled else None)
    try:
        yield
    finally:
        _stream.reset(token)


def progress_enabled() -> bool:
    """Whether the current context shows progress bars."""
    return _stream.get() is not None


def track(items: Iterable[T], description: str, total: int | None = None) -> Iterable[T]:
    """``items`` unchanged, with a progress bar while :func:`show_progress` is active."""
    stream = _stream.get()
    if stream is None:
        return items
    return _bar(items, description, total, stream)


def _bar(items: Iterable[T], description: str, total: int | None, stream: IO[str]) -> Iterator[T]:
    options: dict[str, Any] = {"desc": description, "file": stream, "leave": False}
    if total is not None:
        options["total"] = total
    with tqdm(items, dynamic_ncols=True, **options) as bar:
        yield from bar
