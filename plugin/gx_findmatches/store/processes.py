"""Which process runs a task run, and whether it still does.

A run killed by ``kill -9``, the out-of-memory killer or a power cut never gets to mark itself
FAILED; its row says RUNNING forever. Each run therefore records its host and process id, and
the next store opened on that host asks the operating system whether the process is still
there. Only runs of *this* host are judged: a process id means nothing elsewhere.

"This host" is the host name plus, on Linux, the process-id namespace, so two containers that
share a host name (``--network host``) but not their process ids never judge each other's
runs. A process id reused by a newer process is told apart by its start time.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta, timezone
from pathlib import Path

# a process that started this much after the run it supposedly runs is another process
# (the boot time behind /proc start times is whole seconds, and clocks drift a little)
_START_SLACK = timedelta(seconds=5)


def this_host() -> str:
    """The host name, with the process-id namespace where there is one (at most 255 chars)."""
    name = socket.gethostname()[:200]
    try:
        return f"{name} {os.readlink('/proc/self/ns/pid')}"
    except OSError:  # not Linux
        return name


def is_running(pid: int, since: datetime) -> bool:
    """Whether the process ``pid`` of this host still runs a run started at ``since``.

    Errs on the side of "running": a live run must never be declared dead. Without a way to
    ask (Windows, where ``os.kill(pid, 0)`` would send Ctrl-C), every process counts as
    running.
    """
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        pass
    state, started = _linux_process(pid)
    if state == "Z":  # killed, waiting for its parent to reap it
        return False
    return started is None or started <= since + _START_SLACK


def _linux_process(pid: int) -> tuple[str | None, datetime | None]:
    """The state letter and start time of a process, from ``/proc`` (``None`` elsewhere)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(
            int(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
        # "pid (command) state ppid ...": the command may hold spaces and parentheses
        fields = stat[stat.rindex(")") + 2 :].split()
        ticks = int(fields[19])  # field 22 of proc(5), the start time in clock ticks
        started = boot + ticks / os.sysconf("SC_CLK_TCK")
        return fields[0], datetime.fromtimestamp(started, timezone.utc)
    except (OSError, ValueError, IndexError, StopIteration):
        return None, None
