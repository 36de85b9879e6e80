"""Fit time on wide tables: few rows, hundreds of columns (issue 10, item 16).

Blocking used to plan in time quadratic in the number of columns: every coarse key (a
categorical column, a short code) was costed in a two-column combination with every other,
so 300 rows with 200 columns took 31-73 s and 400 columns 84 s, almost all of it planning.
This script times ``FindMatches.fit`` + ``match`` on generated wide tables and prints the
engine's own step timings, so the planning share is visible:

    python benchmarks/bench_wide_tables.py                    # 300 rows, 200 and 400 columns
    python benchmarks/bench_wide_tables.py --columns 100 200 400 800 --profile

The table mixes the column shapes of a wide survey export, cycling through them: two survey
answers (a handful of short words, each a coarse blocking key), a name drawn from a small
vocabulary, a 4-digit code and a date. A quarter of the rows are copies of another row with
one field blanked, so there is something to find. Figures go to docs/benchmarks.md (Notes,
"Wide tables").
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import platform
import pstats
import time

import numpy as np
import pandas as pd

_SYLLABLES = ("ka", "ro", "mi", "ten", "sa", "lu", "ber", "do", "vi", "an", "el", "gor")
_ANSWERS = ("yes", "no", "maybe", "unknown", "often", "never", "daily", "weekly")


def make_wide_table(rows: int, columns: int, seed: int = 0) -> pd.DataFrame:
    """``rows`` records with ``columns`` attribute columns and an ``id`` (seeded)."""
    rng = np.random.default_rng(seed)
    originals = rows - rows // 4
    data: dict[str, list[str | None]] = {}
    for j in range(columns):
        shape = j % 5
        if shape in (0, 1):  # survey answers: a handful of short words, inferred as names
            values = list(rng.choice(_ANSWERS[: 4 + j % 5], originals))
        elif shape == 2:
            vocabulary = ["".join(rng.choice(_SYLLABLES, 3)) for _ in range(40)]
            values = list(rng.choice(vocabulary, originals))
        elif shape == 3:
            values = [f"{v:04d}" for v in rng.integers(0, 10_000, originals)]
        else:
            days = rng.integers(0, 20_000, originals)
            values = [str(d) for d in (np.datetime64("1950-01-01") + days).astype("datetime64[D]")]
        data[f"col_{j:03d}"] = values
    frame = pd.DataFrame(data)
    copies = frame.iloc[rng.integers(0, originals, rows - originals)].copy()
    for row in range(len(copies)):  # one changed field per copy
        column = copies.columns[rng.integers(0, columns)]
        copies.iloc[row, copies.columns.get_loc(column)] = None
    table = pd.concat([frame, copies], ignore_index=True)
    table.insert(0, "id", [f"r{i}" for i in range(len(table))])
    return table


def time_fit(rows: int, columns: int, profile: bool) -> dict[str, object]:
    """Fit + match once; wall time, the engine's step timings and the blocking passes."""
    from gx_findmatches import FindMatches

    frame = make_wide_table(rows, columns)
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    transform = FindMatches(primary_key="id").fit(frame)
    result = transform.match(frame)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - started
    figures: dict[str, object] = {
        "rows": rows,
        "columns": columns,
        "seconds": round(seconds, 2),
        "steps": transform.fit_seconds_,
        "passes": len(transform.blocking_plan_.keys),
        "candidate_pairs": result.summary.candidate_pairs,
    }
    if profiler:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
        figures["profile"] = text.getvalue()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--columns", type=int, nargs="+", default=[200, 400])
    parser.add_argument("--profile", action="store_true", help="print the cProfile top 25")
    args = parser.parse_args()
    logging.getLogger("gx_findmatches").setLevel(logging.ERROR)
    print(f"machine: {platform.machine()}, {platform.python_version()}, {time.strftime('%F')}")
    print(
        f"{'rows':>6} {'columns':>8} {'fit+match s':>12} {'prepare':>8} {'blocking':>9} "
        f"{'model':>7} {'passes':>7} {'pairs':>8}"
    )
    for columns in args.columns:
        found = time_fit(args.rows, columns, args.profile)
        steps = found["steps"]
        assert isinstance(steps, dict)
        print(
            f"{found['rows']:>6} {found['columns']:>8} {found['seconds']:>12.2f} "
            f"{steps.get('prepare', 0):>8.2f} {steps.get('blocking', 0):>9.2f} "
            f"{steps.get('unsupervised model', 0):>7.2f} {found['passes']:>7} "
            f"{found['candidate_pairs']:>8,}"
        )
        if args.profile:
            print(found["profile"])


if __name__ == "__main__":
    main()
