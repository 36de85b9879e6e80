"""How fast the command line answers when it has no data to match: ``--help``, a store
command on a store that does not exist yet, and an input error.

Each command runs in a fresh process several times; the median wall time is printed beside a
bare ``python -c pass`` of the same interpreter (the floor no CLI can beat), so a busy machine
shows in both. Target (issue 11): ``gx-findmatches --help`` under one second.

    python benchmarks/bench_cli_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = {
    "--help": ["--help"],
    "transform list (no store)": ["transform", "list", "--store", "sqlite:///{tmp}/none.db"],
    "runs (no store)": ["runs", "--store", "sqlite:///{tmp}/none.db"],
    "match, missing file": ["match", "--data", "{tmp}/missing.csv", "--primary-key", "id"],
}


def median_seconds(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    floor = median_seconds([sys.executable, "-c", "pass"], args.runs)
    print(f"{'command':<28}{'median s':>10}{'x python -c pass':>20}")
    print(f"{'python -c pass':<28}{floor:>10.3f}{1.0:>20.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, words in COMMANDS.items():
            argv = [sys.executable, "-m", "gx_findmatches.cli", *(w.format(tmp=tmp) for w in words)]
            seconds = median_seconds(argv, args.runs)
            print(f"{name:<28}{seconds:>10.3f}{seconds / floor:>20.1f}")
        assert not Path(tmp, "none.db").exists(), "a read-only command created a store"


if __name__ == "__main__":
    main()
