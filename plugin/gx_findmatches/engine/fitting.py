"""The fit step: from a table (and optional Glue-format labels) to a :class:`.Matcher`.

In order: check the table and plan the columns; collapse identical records; plan blocking and
make the candidate pairs; train the unsupervised model from random pairs and per-column
training sessions (see :mod:`.fellegi_sunter`); with labels holding both a match and a
non-match, re-learn the level weights from them (see :mod:`.supervised`).
"""

from __future__ import annotations

import dataclasses
import logging

import numpy as np
import pandas as pd

from .blocking import KeyCodes, candidate_pairs
from .blocking_plan import plan_blocking
from .columns import ColumnPlan, plan_columns
from .comparison import level_count
from .derived_columns import derived_reason, find_derived_columns
from .fellegi_sunter import fit_fellegi_sunter
from .fit_memo import FitMemo
from .identical import collapse_identical
from .labels import LabeledPairs, label_notes, label_pairs, refuse_label_column_clash
from .match_count import CandidatePairs
from .matcher import Matcher, labels_by_key
from .prepared import PreparedTable, prepare_table
from .settings import MatchSettings
from .supervised import can_fit_supervised
from .swapped_columns import find_swapped_columns, swapped_names
from .term_frequency import learn_frequencies
from .timing import Timer
from .training import random_pairs, training_sessions, within_partition_pairs
from .validation import check_table

logger = logging.getLogger(__name__)

# Random pairs for u: two per record, at least 200k (rare agreements need counts) and at most
# 1M (comparing random pairs is the cost: 1.7 s per million on FEBRL3's columns; ten per
# record made 100k rows 1.1x Splink's time for no better F1 on the quality suite).
RANDOM_PAIRS_PER_RECORD = 2
RANDOM_PAIRS_BOUNDS = (200_000, 1_000_000)


def fit_matcher(
    X: pd.DataFrame, settings: MatchSettings, labels: pd.DataFrame | None = None
) -> tuple[Matcher, FitMemo]:
    """Learn columns, blocking and models from a table and optional Glue-format labels.

    Returns the fitted model and a memo of the work done on ``X`` (prepared table, pairs,
    levels), which a ``match`` on the same table reuses.
    """
    timer = Timer()
    if labels is not None and isinstance(X, pd.DataFrame):  # other inputs: check_table says
        refuse_label_column_clash(X.columns)
    unsupervised, memo = _fit_unsupervised(X, settings, timer)
    with timer("supervised model"):
        labelled = (
            label_pairs(labels, settings.primary_key, memo.table.keys)
            if labels is not None
            else LabeledPairs.empty()
        )
        classifier = None
        if can_fit_supervised(labelled.is_match):
            classifier = unsupervised.fit_classifier(memo.table, labelled, memo)
        model = unsupervised.fellegi_sunter
        if labels is not None:  # what fit noticed about the labels goes with the model's
            # notes, which every match summary shows and the model file keeps
            notes = label_notes(labels, labelled, X, settings.primary_key)
            model = dataclasses.replace(model, notes=(*model.notes, *notes))
    matcher = Matcher(
        settings,
        unsupervised.column_plan,
        unsupervised.blocking_plan,
        model,
        classifier,
        labels_by_key(labelled, memo.table.keys),
        timer.seconds,
        unsupervised.frequencies,
    )
    logger.info(
        "fitted on %d rows, %d candidate pairs, %s model",
        len(memo.table),
        len(memo.left),
        matcher.model_kind,
    )
    return matcher, memo


def _fit_unsupervised(
    X: pd.DataFrame, settings: MatchSettings, timer: Timer
) -> tuple[Matcher, FitMemo]:
    """The column plan, blocking plan and Fellegi-Sunter model (no labels needed)."""
    with timer("prepare"):
        order = check_table(X, settings.primary_key, settings.partition_by)
        column_plan = plan_columns(X, settings.primary_key, settings.columns, settings.partition_by)
        table = prepare_table(
            X, settings.primary_key, settings.partition_by, column_plan.compared, order
        )
        if settings.columns is None:  # named columns are compared as named
            column_plan, table = _without_derived_columns(column_plan, table)
        swapped = find_swapped_columns(table.columns)
        if swapped:
            column_plan = dataclasses.replace(
                column_plan, swapped=swapped_names(table.columns, swapped)
            )
            table = dataclasses.replace(table, swapped=swapped)
        collapsed = collapse_identical(table)
        work = collapsed.table  # the engine sees one record per identical set
    with timer("blocking"):
        keys = KeyCodes(work.columns, work.partition)  # each key computed once
        plan = plan_blocking(
            work.columns, work.partition, settings.accuracy_cost_tradeoff, keys, work.swapped
        )
        left, right = candidate_pairs(
            plan, work.columns, work.partition, settings.max_candidate_pairs, keys
        )
    with timer("unsupervised model"):
        # The model learns from every record, copies included (they are true matches and
        # set the prior); blocking and scoring work on the representatives only.
        sizes = [level_count(c.spec.kind) for c in table.columns]
        sample = random_pairs(
            len(table),
            int(np.clip(RANDOM_PAIRS_PER_RECORD * len(table), *RANDOM_PAIRS_BOUNDS)),
            settings.random_state,
        )
        if collapsed.collapsed_records:
            keys = KeyCodes(table.columns, table.partition)
        sessions = training_sessions(table, keys, settings.random_state)
        del keys
        levels = work.levels(left, right)
        model = fit_fellegi_sunter(
            sessions,
            table.levels(*sample),
            sizes,
            within_partition_pairs(table.partition),
            candidates=CandidatePairs(levels, left, right, collapsed.copies, work.levels),
            records=len(table),
            names=[column.spec.name for column in table.columns],
        )
    logger.info("comparing %s", column_plan.kinds())
    for name, reason in column_plan.excluded.items():
        logger.warning("column %r set aside: %s", name, reason)
    matcher = Matcher(
        settings,
        column_plan,
        plan,
        model,
        None,
        labels_by_key(LabeledPairs.empty(), table.keys),
        frequencies=learn_frequencies(work.columns),
    )
    memo = FitMemo.of(X, matcher.blocking_settings(), table, collapsed, left, right, levels)
    return matcher, memo


def _without_derived_columns(
    plan: ColumnPlan, table: PreparedTable
) -> tuple[ColumnPlan, PreparedTable]:
    """The plan and table without columns that only repeat others (see
    :mod:`.derived_columns`), each set aside with its reason; unchanged when none does, or
    when setting them aside would leave no column."""
    derived = find_derived_columns(table.columns)
    if not derived or len(derived) == len(table.columns):
        return plan, table
    names = [column.spec.name for column in table.columns]
    excluded = dict(plan.excluded)
    for position, sources in derived.items():
        excluded[names[position]] = derived_reason(names, sources)
    kept = [k for k in range(len(names)) if k not in derived]
    plan = dataclasses.replace(
        plan, compared=tuple(plan.compared[k] for k in kept), excluded=excluded
    )
    table = dataclasses.replace(table, columns=tuple(table.columns[k] for k in kept))
    return plan, table
