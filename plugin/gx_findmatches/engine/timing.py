"""Wall time per named step: logged as each step ends, reported in run summaries; each step's
start is also reported to :func:`.progress.on_step` listeners."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from .progress import step_started

logger = logging.getLogger("gx_findmatches.engine")


class Timer:
    """Collects ``{step: seconds}``; use as ``with timer("blocking"): ...``."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, step: str) -> Iterator[None]:
        step_started(step)
        logger.info("%s ...", step)
        start = time.perf_counter()
        yield
        self.seconds[step] = round(time.perf_counter() - start, 4)
        logger.info("%s done in %.2f s", step, self.seconds[step])
