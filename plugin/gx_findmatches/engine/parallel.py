"""Both cores for the heavy numpy work, with results in input order and memory bounded.

Blocking passes and column comparisons are independent pieces of numpy / pandas / rapidfuzz
work, which release the GIL for their inner loops (sorting, gathering, hashing, string
measures), so plain threads run them side by side: no pickling, no copies of the table. At
most ``workers + 1`` pieces are in flight, so a million-row run never holds more than a couple
of passes' pairs beyond what the caller keeps. Results come back in input order, so the output
never depends on scheduling.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from ..errors import ParameterError

T = TypeVar("T")
R = TypeVar("R")


def worker_count() -> int:
    """Threads to use: the cores this process may run on (``GX_FINDMATCHES_THREADS`` overrides)."""
    configured = os.environ.get("GX_FINDMATCHES_THREADS", "").strip()
    if configured:
        if not configured.isdigit() or int(configured) < 1:
            raise ParameterError(
                f"GX_FINDMATCHES_THREADS={configured!r} is not a positive whole number; "
                f"set it to the number of threads to use (1 turns threading off) or unset it"
            )
        return int(configured)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def ordered_map(function: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
    """``map(function, items)`` on :func:`worker_count` threads, yielding in input order."""
    workers = worker_count()
    if workers == 1:
        yield from map(function, items)
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gx-findmatches") as pool:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(pool.submit(function, item))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
