"""Progress bars for long engine steps, shown only where someone is watching.

A million-row run spends minutes in blocking and comparison; on a terminal that needs a
moving bar, in a library call or a pipeline it must print nothing. So the engine only *reports*
progress here, and bars appear only inside :func:`show_progress`, which the command line
enters when stderr is a terminal (or when asked) and never under ``--json``. The switch is a
context variable, so concurrent library calls in other threads stay silent.

The engine also reports the start of each named step (``prepare``, ``blocking``, ...) to the
listeners of :func:`on_step`: that is where a stored task run looks whether it was cancelled
from another process, without the engine knowing anything about stores.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO, Any, TypeVar

from tqdm import tqdm

T = TypeVar("T")

_stream: ContextVar[IO[str] | None] = ContextVar("gx_findmatches_progress", default=None)
_listeners: ContextVar[tuple[Callable[[str], None], ...]] = ContextVar(
    "gx_findmatches_step_listeners", default=()
)


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


@contextmanager
def on_step(listener: Callable[[str], None]) -> Iterator[None]:
    """Call ``listener(step)`` as each engine step inside the block starts.

    A listener may raise to stop the work there (the exception propagates out of the engine
    call). Listeners nest: an outer one is called before an inner one.
    """
    token = _listeners.set((*_listeners.get(), listener))
    try:
        yield
    finally:
        _listeners.reset(token)


def step_started(step: str) -> None:
    """Tell the :func:`on_step` listeners that ``step`` starts now."""
    for listener in _listeners.get():
        listener(step)
