"""The gx-findmatches jobs of the quality suite: unsupervised, and the Glue labelling loop.

Each job is a module-level function of a table name, so ``bench_common.measure`` can run it in
a fresh ``spawn`` process (peak memory is the job's own). The labelling loop plays the person
at the console: it asks the current transform for labeling sets, answers them from the truth
(within a set, records of one true entity share a label letter, as a careful labeller would),
refits with every label so far, and at 50 and 200 labelled records measures the true F1 of
``match`` and the transform's own estimate from ``evaluate``, which is the figure a user without
truth would rely on.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from .tables import Table, load

#: Labelled records at which the labelling loop reports; rounds are of 50 records (5 x 10).
CHECKPOINTS = (50, 200)
SETS_PER_ROUND = 5
SET_SIZE = 10


def _pair_completeness(fm: Any, table: Table, pairs: pd.DataFrame) -> tuple[int, float]:
    """True pairs in the whole table, and the share of them blocking proposes.

    The engine collapses records identical on the compared columns (after normalization)
    into one representative before blocking, so a true pair is proposed when its two records
    share a representative or their representatives form a candidate pair; counting candidate
    pairs alone undercounts tables with many exact copies."""
    from gx_findmatches.engine.identical import collapse_identical

    prepared = fm.prepare(table.frame)
    keys = prepared.keys.astype(str).to_numpy()
    representative = pd.Series(collapse_identical(prepared).representative_of, index=keys)
    truth = pd.Series(table.truth.to_numpy(), index=table.frame[table.key].astype(str).to_numpy())
    records = pd.DataFrame({"entity": truth.loc[keys].to_numpy(), "rep": representative.to_numpy()})
    records["row"] = np.arange(len(records))
    true = records.merge(records, on="entity")
    true = true[true["row_x"] < true["row_y"]]
    span = int(representative.max()) + 1
    a = representative.loc[pairs["left_key"].astype(str)].to_numpy()
    b = representative.loc[pairs["right_key"].astype(str)].to_numpy()
    candidates = np.unique(np.minimum(a, b) * span + np.maximum(a, b))
    x, y = true["rep_x"].to_numpy(), true["rep_y"].to_numpy()
    proposed = (x == y) | np.isin(np.minimum(x, y) * span + np.maximum(x, y), candidates)
    return len(true), float(proposed.mean()) if len(true) else float("nan")


def _match(fm: Any, table: Table) -> dict[str, Any]:
    """Match the table and score it against the truth (pairwise P/R/F1, pair completeness)."""
    from gx_findmatches import pairwise_quality

    result = fm.match(table.frame)
    quality = pairwise_quality(result.frame["match_id"], table.truth)
    true_pairs, completeness = _pair_completeness(fm, table, result.pairs)
    return {
        "candidate_pairs": int(result.summary.candidate_pairs),
        "true_pairs": true_pairs,
        "pair_completeness": completeness,
        **quality.to_dict(),
    }


def run_unsupervised(name: str) -> dict[str, Any]:
    """Fit without labels and match, timed together (loading the table is not timed)."""
    from gx_findmatches import FindMatches

    table = load(name)
    start = time.perf_counter()
    fm = FindMatches(primary_key=table.key, partition_by=table.partition).fit(table.frame)
    figures = _match(fm, table)
    figures["seconds"] = time.perf_counter() - start
    figures["rows"] = len(table.frame)
    return figures


def answer(sets: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Fill ``label`` from the truth: per set, one letter per true entity, in order of first
    appearance (labels are scoped to their set, as in Glue); drop the suggestion column."""
    from gx_findmatches.engine.labels import LABEL_COLUMN, SET_COLUMN

    truth_of = pd.Series(table.truth.to_numpy(), index=table.frame[table.key].to_numpy())
    entity = truth_of.reindex(sets[table.key].to_numpy()).to_numpy()
    codes = (
        pd.DataFrame({"set": sets[SET_COLUMN].to_numpy(), "entity": entity})
        .groupby("set", sort=False)["entity"]
        .transform(lambda e: pd.Series(pd.factorize(e)[0], index=e.index))
        .to_numpy()
    )
    answered = sets.drop(columns=["suggested_label"], errors="ignore").copy()
    answered[LABEL_COLUMN] = [chr(ord("A") + int(c)) for c in codes]
    return answered


def matching_pairs(labels: pd.DataFrame) -> int:
    """Labelled matching pairs: records sharing a label within a set, counted as pairs."""
    from gx_findmatches.engine.labels import LABEL_COLUMN, SET_COLUMN

    sizes = labels.groupby([SET_COLUMN, LABEL_COLUMN]).size().to_numpy()
    return int((sizes * (sizes - 1) // 2).sum())


def _estimate(fm: Any, table: Table, labels: pd.DataFrame) -> dict[str, Any]:
    """The transform's own F1 estimate from the labels; a refusal is a figure, not a crash.

    The evaluate API is changing: ``report.end_to_end.f1`` (with its interval) when present,
    else the old pairwise ``report.f1`` marked as such."""
    try:
        report = fm.evaluate(table.frame, labels)
    except Exception as error:  # too few labels, say: report why
        return {"estimate": None, "estimate_note": f"n/a: {str(error)[:160]}"}
    end_to_end = getattr(report, "end_to_end", None)
    if end_to_end is not None:
        if getattr(end_to_end, "f1", None) is None:  # e.g. too few labelled matches to say
            return {"estimate": None, "estimate_note": "n/a: evaluate gave no end-to-end F1"}
        return {
            "estimate": float(end_to_end.f1),
            "estimate_low": _float_or_none(getattr(end_to_end, "f1_low", None)),
            "estimate_high": _float_or_none(getattr(end_to_end, "f1_high", None)),
            "estimate_note": "end-to-end",
        }
    return {"estimate": float(report.f1), "estimate_note": "pairwise (old)"}


def _float_or_none(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def run_labelled(name: str, strategy: str) -> dict[str, Any]:
    """The labelling loop with ``strategy`` (``active`` or ``random``) up to 200 records.

    Wall time covers the whole loop (labeling sets, refits, matches, estimates)."""
    from gx_findmatches import FindMatches

    table = load(name)
    start = time.perf_counter()
    params = {"primary_key": table.key, "partition_by": table.partition}
    fm = FindMatches(**params).fit(table.frame)
    labels = pd.DataFrame()
    checkpoints: dict[str, Any] = {}
    for round_ in range(1, max(CHECKPOINTS) // (SETS_PER_ROUND * SET_SIZE) + 1):
        done = labels[table.key].tolist() if len(labels) else []
        sets = fm.labeling_sets(
            table.frame,
            n_sets=SETS_PER_ROUND,
            set_size=SET_SIZE,
            exclude_keys=done,
            strategy=strategy,
        )
        labels = pd.concat([labels, answer(sets, table)], ignore_index=True)
        fm = FindMatches(**params).fit(table.frame, labels)
        target = round_ * SETS_PER_ROUND * SET_SIZE
        if target in CHECKPOINTS:
            tick = time.perf_counter()
            figures = _match(fm, table)
            figures.update(_estimate(fm, table, labels))
            figures["labelled_records"] = len(labels)
            figures["labelled_matching_pairs"] = matching_pairs(labels)
            figures["model"] = fm.model_kind_
            figures["checkpoint_seconds"] = time.perf_counter() - tick
            checkpoints[str(target)] = figures
    return {
        "seconds": time.perf_counter() - start,
        "rows": len(table.frame),
        "checkpoints": checkpoints,
        "strategy": strategy,
        "labelled_share_of_rows": float(np.float64(len(labels)) / len(table.frame)),
    }
