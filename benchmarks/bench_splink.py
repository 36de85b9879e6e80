"""Time gx-findmatches against Splink on DuckDB, same data, same machine, same run.

Splink is the open-source tool people reach for when they need probabilistic record linkage at
scale, so it is the baseline a reader will ask about. Each job runs in a fresh ``spawn`` process
(peak RSS is that job's own) on the synthetic person tables, and the script prints wall time,
peak memory, candidate pairs (comparisons scored), pairwise precision/recall/F1 against the
true entities and the ratios gx-findmatches / Splink.

The Splink model is configured the way its documentation recommends for person data, not as a
straw man: one comparison per column with fuzzy levels, five blocking rules for prediction,
``probability_two_random_records_match`` from deterministic rules, u from random sampling and m
from two expectation-maximisation sessions. End-to-end time covers training, prediction and
clustering (not loading the table, for either tool).

    python benchmarks/bench_splink.py                         # 10000 and 100000 rows
    python benchmarks/bench_splink.py --rows 1000000 --jobs splink

Needs the ``bench`` extra (``splink``, ``duckdb``). Not part of the test gate: figures go to
docs/results.md by hand, with machine and date. ``bench_scale.py`` runs the same two jobs plus
the recordlinkage baseline and writes docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import logging
import time
from typing import Any

from bench_common import (
    TABLE_HEADER,
    load,
    machine,
    measure,
    peak_mib,
    run_gx_findmatches,
    table_row,
)

#: Match probability at which Splink links and clusters a pair: even odds, not tuned to the truth.
THRESHOLD = 0.5


def splink_settings() -> Any:
    """A Splink model for the person table, per column as Splink's own examples configure it.

    Names and free-text address parts get Jaro-Winkler levels (typos, transpositions); codes
    and numbers get Levenshtein levels (one or two wrong digits); the date of birth gets
    Splink's date comparison; state is exact. The prediction blocking rules are the union a
    careful user would write so that each kind of corruption (a changed name, a moved address,
    a missing date) still leaves some rule under which the pair is compared.
    """
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="person_id",
        comparisons=[
            cl.JaroWinklerAtThresholds("given_name", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("surname", [0.92, 0.8]),
            cl.LevenshteinAtThresholds("street_number", [1]),
            cl.JaroWinklerAtThresholds("address", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("suburb", [0.92, 0.8]),
            cl.LevenshteinAtThresholds("postcode", [1, 2]),
            cl.ExactMatch("state"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.LevenshteinAtThresholds("id_number", [1, 2]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("surname", "given_name"),
            block_on("date_of_birth"),
            block_on("postcode", "surname"),
            block_on("id_number"),
            block_on("address", "street_number"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def run_splink(dataset: str) -> dict[str, Any]:
    """Train, predict and cluster with Splink on DuckDB; time the three together."""
    from gx_findmatches import pairwise_quality
    from splink import DuckDBAPI, Linker, block_on
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    frame, key, truth = load(dataset)
    settings = splink_settings()
    steps: dict[str, float] = {}
    start = time.perf_counter()
    db_api = DuckDBAPI()
    table = db_api.register(frame)
    linker = Linker(table, settings, log_level=logging.WARNING)
    tick = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("given_name", "surname", "date_of_birth"),
            block_on("id_number", "date_of_birth"),
        ],
        recall=0.7,
    )
    steps["train:prior"] = time.perf_counter() - tick
    tick = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    steps["train:u"] = time.perf_counter() - tick
    tick = time.perf_counter()
    # Each session estimates m for the columns outside its rule: names from the second.
    for rule in (block_on("given_name", "surname"), block_on("date_of_birth")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    steps["train:em"] = time.perf_counter() - tick
    tick = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    steps["predict"] = time.perf_counter() - tick
    tick = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, THRESHOLD
    ).as_pandas_dataframe()
    steps["cluster"] = time.perf_counter() - tick
    seconds = time.perf_counter() - start
    peak = peak_mib()  # before the comparison count below, which is bookkeeping only
    cluster_of = clusters.set_index("person_id")["cluster_id"]
    quality = pairwise_quality(frame[key].map(cluster_of), truth)
    # Comparisons scored = distinct pairs over all prediction rules, counted exactly (not timed).
    counts = count_comparisons_from_blocking_rules(
        table,
        blocking_rules=settings.blocking_rules_to_generate_predictions,
        link_type="dedupe_only",
        unique_id_column_name="person_id",
        record_sample_proportion=1.0,
    )
    return {
        "seconds": seconds,
        "peak_mib": peak,
        "pairs": int(counts[-1]["cumulative_comparison_count"]),
        "steps": steps,
        "links": len(predictions.as_duckdbpyrelation()),
        **quality.to_dict(),
    }


JOBS = ("gx-findmatches", "splink")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows",
        type=int,
        nargs="*",
        default=[10_000, 100_000],
        help="synthetic table sizes (default 10000 100000)",
    )
    parser.add_argument(
        "--jobs",
        nargs="*",
        choices=JOBS,
        default=list(JOBS),
        help="which tools to run (default both)",
    )
    parser.add_argument(
        "--max-candidate-pairs",
        type=int,
        default=None,
        help="raise gx-findmatches' pair cap (bench_scale.py never does)",
    )
    args = parser.parse_args()
    import splink

    host = machine()
    print(
        f"machine: {host['platform']}, {host['cores']} cores, {host['ram']}, "
        f"splink {splink.__version__}"
    )
    print(TABLE_HEADER)
    for rows in args.rows:
        dataset = f"synthetic-{rows}"
        figures = {}
        for job in args.jobs:
            if job == "splink":
                r = measure(run_splink, dataset)
            else:
                r = measure(run_gx_findmatches, dataset, args.max_candidate_pairs)
            print(table_row(dataset, job, rows, r), flush=True)
            if "error" not in r:
                figures[job] = r
        for job, r in figures.items():
            steps = {k: round(v, 2) for k, v in r["steps"].items()}
            links = f", links at p >= {THRESHOLD}: {r['links']:,}" if "links" in r else ""
            print(f"  {job} steps: {steps}{links}")
        if len(figures) < 2:
            continue
        ours, base = figures["gx-findmatches"], figures["splink"]
        print(
            f"  ratio gx-findmatches / splink: time {ours['seconds'] / base['seconds']:.2f}x, "
            f"peak memory {ours['peak_mib'] / base['peak_mib']:.2f}x, "
            f"pairs {ours['pairs'] / base['pairs']:.2f}x, "
            f"F1 {ours['f1'] - base['f1']:+.4f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
