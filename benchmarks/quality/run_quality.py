"""Match quality of gx-findmatches beside Splink 5 on tables of different shapes.

Per table: gx-findmatches unsupervised; gx-findmatches after 50 and 200 labelled records, with
``active`` and ``random`` labeling sets (answered from the truth); Splink 5 on DuckDB configured
as its docs recommend. Every job runs in a fresh process (``bench_common.measure``), so peak
memory is its own. Prints progress per job, writes a JSON file and, with ``--write-docs``, the
results page (its Notes section is kept).

    python benchmarks/quality/run_quality.py --write-docs docs/quality.md --json quality.json
    python benchmarks/quality/run_quality.py --tables febrl3 rldata500 --configs unsupervised
    python benchmarks/quality/run_quality.py --engine-commit a1af0d5   # measure that engine
    python benchmarks/quality/run_quality.py --from-json docs/quality.json   # rewrite the page

``--engine-commit`` measures ``plugin/`` as committed at that commit (exported with ``git
archive`` into the cache), so a before/after comparison needs no checkout and ignores
uncommitted engine work in the tree.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_common import machine, measure, versions  # noqa: E402
from benchmarks.quality import gx_jobs, report, splink_peer  # noqa: E402
from benchmarks.quality.tables import CACHE, LOADERS, describe  # noqa: E402

CONFIGS = ("unsupervised", "active", "random", "splink")


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
    ).stdout.strip()


def use_engine(commit: str) -> str:
    """Export ``plugin/`` at ``commit`` and put it first on sys.path (children inherit it)."""
    sha = _git("rev-parse", "--short", commit)
    if not sha:
        raise SystemExit(f"unknown commit {commit!r}")
    target = CACHE / f"engine-{sha}"
    if not (target / "plugin" / "gx_findmatches").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", sha, "plugin"], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    sys.path.insert(0, str(target / "plugin"))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(target / "plugin"), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    return sha


def engine_description(exported: str | None) -> dict[str, str]:
    """Which engine was measured: an exported commit, or the tree (with its dirty state)."""
    import gx_findmatches

    head = _git("rev-parse", "--short", "HEAD")
    if exported:
        return {"engine": f"plugin/ at commit {exported}", "repository_head": head}
    dirty = _git("status", "--porcelain", "--", "plugin")
    state = " with uncommitted changes in plugin/" if dirty else ""
    return {
        "engine": f"working tree at {head}{state} ({Path(gx_findmatches.__file__).parent})",
        "repository_head": head,
    }


def run_job(table: str, config: str) -> dict[str, Any]:
    """One (table, configuration) job in a fresh process."""
    if config == "unsupervised":
        return measure(gx_jobs.run_unsupervised, table)
    if config in ("active", "random"):
        return measure(gx_jobs.run_labelled, table, config)
    return measure(splink_peer.run_splink, table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", nargs="*", choices=list(LOADERS), default=list(LOADERS))
    parser.add_argument("--configs", nargs="*", choices=CONFIGS, default=list(CONFIGS))
    parser.add_argument("--write-docs", type=Path, default=None, help="e.g. docs/quality.md")
    parser.add_argument("--json", type=Path, default=None, help="write every figure here")
    parser.add_argument(
        "--engine-commit", default=None, help="measure plugin/ as committed at this commit"
    )
    parser.add_argument(
        "--from-json", type=Path, default=None, help="only rewrite --write-docs from this file"
    )
    args = parser.parse_args()
    if args.from_json:
        report.write_docs(
            args.write_docs or Path("docs/quality.md"), json.loads(args.from_json.read_text())
        )
        return
    exported = use_engine(args.engine_commit) if args.engine_commit else None
    started = time.perf_counter()
    meta = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "versions": versions(),
        **engine_description(exported),
        "command": " ".join(["python benchmarks/quality/run_quality.py", *sys.argv[1:]]),
    }
    print(f"engine: {meta['engine']}; machine: {meta['machine']}", flush=True)
    tables: dict[str, Any] = {}
    results: dict[str, dict[str, Any]] = {}
    for name in args.tables:
        # Described in a fresh process too: a parent that loaded a big table would hand its
        # peak RSS to every child it spawns (Linux keeps ru_maxrss across fork and exec).
        tables[name] = measure(describe, name)
        tables[name].pop("peak_mib", None)
        results[name] = {}
        for config in args.configs:
            tick = time.perf_counter()
            figures = run_job(name, config)
            results[name][config] = figures
            print(report.progress_line(name, config, figures, time.perf_counter() - tick))
            sys.stdout.flush()
    meta["suite_seconds"] = time.perf_counter() - started
    print(f"suite: {meta['suite_seconds']:.0f} s")
    payload = {"meta": meta, "tables": tables, "results": results}
    print(report.summary_text(payload))
    if args.json:
        args.json.write_text(json.dumps(payload, indent=1, default=str) + "\n")
    if args.write_docs:
        report.write_docs(args.write_docs, payload)
        print(f"wrote {args.write_docs}")


if __name__ == "__main__":
    main()
