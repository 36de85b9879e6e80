"""Splink 5 (DuckDB) on each table of the quality suite, configured as its documentation says.

One settings function per table: fuzzy name comparisons (``NameComparison`` with term-frequency
adjustments, as the docs recommend for names), ``DateOfBirthComparison`` for dates,
Levenshtein levels for codes and numbers, exact match for categoricals, array intersection
for lists. Where the docs tell the user to clean or derive a column first (a date from three
numbers, phone digits only, a list column from a delimited string), the peer does it: that is
what a user following the docs does, and gx-findmatches gets the raw table.

Training is the same for every table, as in ``bench_splink.py``: the prior from deterministic
rules (recall 0.7), u by random sampling, m by EM on two blocking rules; links at match
probability 0.5, clustered by connected components. A partition column is added to every
blocking rule, so no pair ever crosses it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .tables import Table, load

#: Match probability at which Splink links and clusters a pair (even odds, as bench_splink.py).
THRESHOLD = 0.5
PRIOR_RECALL = 0.7


@dataclass
class Model:
    """What a Splink user writes for one table: derived columns, comparisons and rules."""

    frame: pd.DataFrame
    comparisons: list[Any]
    blocking: list[list[Any]]
    prior: list[list[Any]]
    em: list[list[Any]]


def _febrl3(table: Table) -> Model:
    import splink.comparison_library as cl

    return Model(
        table.frame,
        [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("street_number", [1]),
            cl.JaroWinklerAtThresholds("address_1", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("address_2", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("suburb", [0.92, 0.8]),
            cl.LevenshteinAtThresholds("postcode", [1, 2]),
            cl.ExactMatch("state"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
        ],
        [
            ["given_name", "surname"],
            ["date_of_birth"],
            ["postcode", "surname"],
            ["soc_sec_id"],
            ["address_1", "street_number"],
        ],
        [["given_name", "surname", "date_of_birth"], ["soc_sec_id", "date_of_birth"]],
        [["given_name", "surname"], ["date_of_birth"]],
    )


def _rldata(table: Table) -> Model:
    """Names split in two columns; a date is derived from year/month/day for Splink's date
    comparison (the docs' advice: compare a date as a date); the parts stay for blocking."""
    import splink.comparison_library as cl

    frame = table.frame.copy()
    parts = [frame[c].astype("string").str.zfill(2) for c in ("by", "bm", "bd")]
    frame["dob"] = parts[0] + "-" + parts[1] + "-" + parts[2]
    return Model(
        frame,
        [
            cl.NameComparison("fname_c1").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("fname_c2", [0.9]),
            cl.NameComparison("lname_c1").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("lname_c2", [0.9]),
            cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y-%m-%d"),
        ],
        [["fname_c1", "lname_c1"], ["dob"], ["lname_c1", "dob"], ["fname_c1", "dob"]],
        # Each RLdata duplicate carries an error in one field, so a rule on all of names and
        # date finds no match at all; pairs of fields are the deterministic rules that work.
        [["fname_c1", "lname_c1", "by"], ["fname_c1", "dob"], ["lname_c1", "dob"]],
        [["fname_c1", "lname_c1"], ["dob"]],
    )


def _patentsview(table: Table) -> Model:
    """Names, location, assignee; co-inventors and CPC subclasses as arrays (Splink's array
    intersection); title and date are left out (free text and a date that is not an identity)."""
    import splink.comparison_library as cl

    frame = table.frame.drop(columns=["title", "patent_date"]).copy()
    for column in ("coinventors", "cpc_subclasses"):
        frame[column] = frame[column].str.split("; ")
    return Model(
        frame,
        [
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("city", [0.9]).configure(term_frequency_adjustments=True),
            cl.ExactMatch("state"),
            cl.ExactMatch("country"),
            cl.JaroWinklerAtThresholds("assignee", [0.9, 0.7]),
            cl.ArrayIntersectAtSizes("coinventors", [2, 1]),
            cl.ArrayIntersectAtSizes("cpc_subclasses", [2, 1]),
        ],
        [
            ["first_name", "last_name"],
            ["last_name", "city"],
            ["last_name", "assignee"],
            ["first_name", "city"],
        ],
        [["first_name", "last_name", "city"]],
        [["first_name", "last_name"], ["city", "assignee"]],
    )


def _restaurants(table: Table) -> Model:
    """Phone numbers cleaned to digits (the two guides write them differently)."""
    import splink.comparison_library as cl

    frame = table.frame.drop(columns=["source"]).copy()
    frame["phone"] = frame["phone"].str.replace(r"\D", "", regex=True).str[:10]
    return Model(
        frame,
        [
            cl.JaroWinklerAtThresholds("name", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("addr", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("city", [0.9]),
            cl.LevenshteinAtThresholds("phone", [1, 2]),
            cl.ExactMatch("type"),
        ],
        [["phone"], ["name"], ["addr"], ["city", "type"]],
        [["phone"], ["name", "city"]],
        [["phone"], ["name"]],
    )


def _persons(table: Table) -> Model:
    """Given name, surname, birth year, city (common_names and partitioned)."""
    import splink.comparison_library as cl

    frame = table.frame.copy()
    frame["birth_year"] = frame["birth_year"].astype("string")
    return Model(
        frame,
        [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("birth_year", [1]),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
        ],
        [
            ["given_name", "surname"],
            ["surname", "birth_year"],
            ["given_name", "birth_year"],
            ["birth_year", "city"],
        ],
        [["given_name", "surname", "birth_year", "city"]],
        [["given_name", "surname"], ["birth_year", "city"]],
    )


def _addresses(table: Table) -> Model:
    import splink.comparison_library as cl

    return Model(
        table.frame,
        [
            cl.LevenshteinAtThresholds("street_number", [1, 2]),
            cl.JaroWinklerAtThresholds("street_name", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("suburb", [0.9]).configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("postcode", [1]),
        ],
        [
            ["street_number", "street_name"],
            ["postcode", "street_number"],
            ["suburb", "street_number"],
            ["postcode", "street_name"],
        ],
        [["street_number", "street_name", "suburb", "postcode"]],
        [["street_number", "street_name"], ["postcode", "suburb"]],
    )


def _bibliographic(table: Table) -> Model:
    """Titles and authors fuzzy, venue exact with term frequencies, year within one; blocking on
    a lower-cased title prefix (the docs' advice: block on a derived column)."""
    import splink.comparison_library as cl

    frame = table.frame.copy()
    frame["year"] = frame["year"].astype("string")
    frame["title_prefix"] = frame["title"].str.lower().str[:12]
    return Model(
        frame,
        [
            cl.JaroWinklerAtThresholds("title", [0.94, 0.85]),
            cl.JaroWinklerAtThresholds("authors", [0.9, 0.7]),
            cl.ExactMatch("venue").configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("year", [1]),
        ],
        [["title_prefix"], ["year", "venue"], ["authors", "year"]],
        [["title", "year"]],
        [["year", "venue"], ["title_prefix"]],
    )


def _title_comparisons(frame: pd.DataFrame) -> list[Any]:
    """Long titles: Jaro-Winkler on the whole title and the intersection of its word sets (the
    docs' advice for token lists); adds the word list and a 10-character prefix to block on."""
    import splink.comparison_library as cl

    frame["title_words"] = frame["title"].str.lower().str.split()
    frame["title_prefix"] = frame["title"].str.lower().str[:10]
    return [
        cl.JaroWinklerAtThresholds("title", [0.94, 0.85]),
        cl.ArrayIntersectAtSizes("title_words", [5, 4, 3]),
    ]


def _products(table: Table) -> Model:
    """Long titles: Jaro-Winkler on the whole title and the intersection of its word sets (the
    docs' advice for token lists); brand exact with term frequencies. Splink has no numeric
    difference comparison for prices, so price is left out."""
    import splink.comparison_library as cl

    frame = table.frame.drop(columns=["price"]).copy()
    return Model(
        frame,
        [
            *_title_comparisons(frame),
            cl.ExactMatch("brand").configure(term_frequency_adjustments=True),
        ],
        [["brand"], ["title_prefix"]],
        [["title"]],
        [["brand"], ["title_prefix"]],
    )


def _catalogues(table: Table) -> Model:
    """Two shops' listings: as for products, plus the model code a user pulls out of the
    title with a regular expression (a word of letters and digits, hyphens dropped), exact
    with term frequencies; the docs' advice to derive a column Splink should compare."""
    import splink.comparison_library as cl

    frame = table.frame.drop(columns=["price", "description"]).copy()
    codes = frame["title"].str.upper().str.findall(r"\b(?=[A-Z-]*\d)(?=[\d-]*[A-Z])[A-Z\d-]{4,}\b")
    frame["model_code"] = codes.map(lambda found: found[-1].replace("-", "") if found else None)
    return Model(
        frame,
        [
            *_title_comparisons(frame),
            cl.ExactMatch("model_code").configure(term_frequency_adjustments=True),
        ],
        [["model_code"], ["title_prefix"]],
        [["model_code"]],
        [["model_code"], ["title_prefix"]],
    )


MODELS: dict[str, Callable[[Table], Model]] = {
    "febrl3": _febrl3,
    "rldata500": _rldata,
    "rldata10000": _rldata,
    "patentsview": _patentsview,
    "restaurants": _restaurants,
    "common_names": _persons,
    "addresses": _addresses,
    "partitioned": _persons,
    "bibliographic": _bibliographic,
    "products": _products,
    "catalogues": _catalogues,
}


def run_splink(name: str) -> dict[str, Any]:
    """Train, predict and cluster with Splink on DuckDB; time the three together."""
    from gx_findmatches import pairwise_quality
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    logging.getLogger("splink").setLevel(logging.ERROR)  # training chatter, not results
    table = load(name)
    model = MODELS[name](table)
    within = [table.partition] if table.partition else []

    def rules(columns: list[list[Any]]) -> list[Any]:
        return [block_on(*c, *within) for c in columns]

    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name=table.key,
        comparisons=model.comparisons,
        blocking_rules_to_generate_predictions=rules(model.blocking),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    start = time.perf_counter()
    db_api = DuckDBAPI()
    registered = db_api.register(model.frame)
    linker = Linker(registered, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        rules(model.prior), recall=PRIOR_RECALL
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    for rule in rules(model.em):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, THRESHOLD
    ).as_pandas_dataframe()
    seconds = time.perf_counter() - start
    from benchmarks.bench_common import peak_mib

    peak = peak_mib()
    cluster_of = clusters.set_index(table.key)["cluster_id"]
    quality = pairwise_quality(table.frame[table.key].map(cluster_of), table.truth)
    counts = count_comparisons_from_blocking_rules(
        registered,
        blocking_rules=rules(model.blocking),
        link_type="dedupe_only",
        unique_id_column_name=table.key,
        record_sample_proportion=1.0,
    )
    sizes = table.truth.value_counts().to_numpy()
    return {
        "seconds": seconds,
        "peak_mib": peak,
        "rows": len(table.frame),
        "true_pairs": int((sizes * (sizes - 1) // 2).sum()),
        "candidate_pairs": int(counts[-1]["cumulative_comparison_count"]),
        **quality.to_dict(),
    }
