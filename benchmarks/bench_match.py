"""Time ``FindMatches`` fit + match and report rows/s, peak memory and pairwise quality.

Each job runs in a fresh process (so peak RSS is that job's own) and, in the same run on the
same machine, a baseline: the plain recordlinkage pipeline (see ``run_recordlinkage``) on the
same data. Ratios are gx-findmatches / baseline.

    python benchmarks/bench_match.py                 # FEBRL3 + 100k synthetic rows
    python benchmarks/bench_match.py --rows 10000    # other synthetic sizes
    python benchmarks/bench_match.py --skip-baseline-above 20000

Not part of the test gate: figures go to docs/results.md by hand, with machine and date;
``bench_scale.py`` runs this baseline next to Splink and writes docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import pandas as pd
from bench_common import TABLE_HEADER, load, machine, measure, run_gx_findmatches, table_row

#: Blocking passes (union of all): the same keys as Splink's prediction rules in
#: bench_splink.py, so each kind of corruption leaves some pass that still proposes the pair.
#: Compound keys, because a single name alone proposes over 10^7 pairs at 100k rows.
RECORDLINKAGE_BLOCKS = (
    ("surname", "given_name"),
    ("date_of_birth",),
    ("postcode", "surname"),
    ("id_number",),
    ("address", "street_number"),
)
#: Jaro-Winkler agreement threshold for names and free text (recordlinkage's own examples).
JARO_WINKLER = 0.85
#: Levenshtein similarity (1 - distance / longer length) thresholds for codes: one wrong
#: digit of nine (0.89) or of four (0.75) still agrees, two wrong digits do not.
LEVENSHTEIN = {"id_number": 0.85, "postcode": 0.75}


def gx_findmatches_index(data: pd.DataFrame, key: str) -> pd.MultiIndex:
    """gx-findmatches' own candidate pairs (default blocking plan) as a recordlinkage index."""
    from gx_findmatches.engine.blocking import KeyCodes, candidate_pairs
    from gx_findmatches.engine.blocking_plan import plan_blocking
    from gx_findmatches.engine.columns import plan_columns
    from gx_findmatches.engine.prepared import prepare_table

    frame = data.reset_index()
    columns = plan_columns(frame, key, None, None)
    table = prepare_table(frame, key, None, columns.compared)
    codes = KeyCodes(table.columns, table.partition)
    plan = plan_blocking(table.columns, table.partition, 0.5, codes)
    left, right = candidate_pairs(plan, table.columns, table.partition, 20_000_000, codes)
    keys = table.keys.to_numpy()
    return pd.MultiIndex.from_arrays([keys[left], keys[right]])


def run_recordlinkage_on_gx_pairs(dataset: str) -> dict[str, Any]:
    """The same recordlinkage pipeline over gx-findmatches' candidate pairs (its blocking,
    timed too): what recordlinkage's Python-level comparisons cost for the same work."""
    return run_recordlinkage(dataset, index_with="gx-findmatches")


def run_recordlinkage(dataset: str, index_with: str = "blocks") -> dict[str, Any]:
    """The plain recordlinkage pipeline a user would write from its documentation.

    Python-level string comparisons over a pandas MultiIndex of candidate pairs, configured
    for person data as recordlinkage's documentation shows, not as a straw man:

    * ``recordlinkage.Index`` with five ``block`` passes (union): surname + given name, date
      of birth, postcode + surname, identity number, address + street number.
    * ``recordlinkage.Compare``: ``string(method="jarowinkler", threshold=0.85)`` for given
      name, surname, address and suburb; ``string(method="levenshtein")`` with a threshold of
      one wrong digit for identity number and postcode; ``exact`` for street number and
      state; ``date`` on the parsed date of birth with a swapped day and month counted as
      agreement (the generator's date noise). Every feature is 0/1, missing values 0.
    * ``ECMClassifier`` (unsupervised expectation-conditional maximisation, Fellegi-Sunter
      on binary features), then connected components of the predicted links.

    Everything from indexing to the groups is timed; loading the table is not.
    """
    import numpy as np
    import recordlinkage
    from gx_findmatches import pairwise_quality
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    frame, key, truth = load(dataset)
    start = time.perf_counter()
    data = frame.set_index(key)
    if index_with == "gx-findmatches":
        pairs = gx_findmatches_index(data, key)
    else:
        indexer = recordlinkage.Index()
        for block in RECORDLINKAGE_BLOCKS:
            if all(column in data.columns for column in block):
                indexer.block(list(block))
        pairs = indexer.index(data)
    compare = recordlinkage.Compare()
    for column in ("given_name", "surname", "address", "suburb"):
        if column in data.columns:
            compare.string(column, column, method="jarowinkler", threshold=JARO_WINKLER)
    for column, threshold in LEVENSHTEIN.items():
        if column in data.columns:
            compare.string(column, column, method="levenshtein", threshold=threshold)
    for column in ("street_number", "state"):
        if column in data.columns:
            compare.exact(column, column)
    if "date_of_birth" in data.columns:
        data["born"] = pd.to_datetime(data["date_of_birth"], format="%Y%m%d", errors="coerce")
        compare.date("born", "born", swap_month_day=1.0, swap_months=0)
    features = compare.compute(pairs, data)
    matches = recordlinkage.ECMClassifier().fit_predict(features)
    position = pd.Series(np.arange(len(data)), index=data.index)
    left = position.loc[matches.get_level_values(0)].to_numpy()
    right = position.loc[matches.get_level_values(1)].to_numpy()
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(len(data), len(data)))
    _, groups = connected_components(graph, directed=False)
    seconds = time.perf_counter() - start
    quality = pairwise_quality(pd.Series(groups), truth.reset_index(drop=True))
    return {"seconds": seconds, "pairs": len(pairs), "links": len(matches), **quality.to_dict()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows",
        type=int,
        nargs="*",
        default=[100_000],
        help="synthetic table sizes (default 100000)",
    )
    parser.add_argument(
        "--skip-baseline-above",
        type=int,
        default=200_000,
        help="skip the recordlinkage baseline above this many rows",
    )
    args = parser.parse_args()
    datasets = ["febrl3", *(f"synthetic-{n}" for n in args.rows)]
    host = machine()
    print(f"machine: {host['platform']}, {host['cores']} cores, {host['ram']}")
    print(TABLE_HEADER)
    for dataset in datasets:
        rows = 5000 if dataset == "febrl3" else int(dataset.split("-")[1])
        figures = {"gx-findmatches": measure(run_gx_findmatches, dataset)}
        if rows <= args.skip_baseline_above:
            figures["recordlinkage"] = measure(run_recordlinkage, dataset)
        for job, r in figures.items():
            print(table_row(dataset, job, rows, r), flush=True)
        ours, base = figures["gx-findmatches"], figures.get("recordlinkage", {})
        if "steps" in ours:
            print(f"  steps: { {k: round(v, 2) for k, v in ours['steps'].items()} }")
        if "error" not in ours and base and "error" not in base:
            print(
                f"  recordlinkage / gx-findmatches: time {base['seconds'] / ours['seconds']:.2f}x"
                f", peak memory {base['peak_mib'] / ours['peak_mib']:.2f}x; "
                f"F1 gx - recordlinkage {ours['f1'] - base['f1']:+.4f}"
            )


if __name__ == "__main__":
    main()
