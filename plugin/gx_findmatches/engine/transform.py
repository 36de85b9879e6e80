"""``FindMatches``: the Glue FindMatches transform as a scikit-learn style estimator.

Data flows one way: input table → blocking (candidate pairs) → comparison (agreement levels)
→ model (pair probabilities) → clustering (``match_id``, confidence). ``fit`` learns the
column plan, the blocking plan, the unsupervised Fellegi-Sunter model and, when labels are
given, the supervised classifier; ``match``/``transform`` apply them to any table with the same
columns.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from ..errors import LabelError, NotFittedError
from .blocking import BlockingPlan, KeyCodes, candidate_pairs, plan_blocking
from .clustering import Constraints, cluster
from .columns import ColumnPlan, plan_columns
from .comparison import level_count
from .fellegi_sunter import FellegiSunterModel, fit_fellegi_sunter
from .fit_memo import FitMemo
from .identical import collapse_identical
from .labels import LabeledPairs, label_notes, label_pairs
from .prepared import PreparedTable, prepare_table
from .results import MatchResult, MatchSummary
from .supervised import LevelWeightClassifier, can_fit_supervised, fit_supervised
from .timing import Timer
from .training import random_pairs, training_sessions, within_partition_pairs
from .validation import check_positive_int, check_table, check_tradeoff

if TYPE_CHECKING:
    from .evaluation import QualityReport

logger = logging.getLogger(__name__)

# Random pairs for u: two per record, at least 200k (rare agreements need counts) and at most
# 1M (comparing random pairs is the cost: 1.7 s per million on FEBRL3's columns; ten per
# record made 100k rows 1.1x Splink's time for no better F1 on the quality suite).
_RANDOM_PAIRS_PER_RECORD = 2
_RANDOM_PAIRS_BOUNDS = (200_000, 1_000_000)
_THRESHOLD_FLOOR = 0.01


class FindMatches(BaseEstimator):  # type: ignore[misc]
    """Find records that refer to the same entity, as AWS Glue's FindMatches transform.

    Args:
        primary_key: column that identifies each record (required, unique, never null).
        columns: columns to compare: ``None`` for all but the key and partition column (as in
            Glue), a list of names, or a mapping name → kind (``name``, ``text``, ``code``,
            ``categorical``, ``number``, ``date``) to override inference.
        precision_recall_tradeoff: 0.5 = no preference; toward 1 fewer false matches, toward 0
            more matches found. It is the match-probability threshold.
        accuracy_cost_tradeoff: toward 1 a more thorough (costlier) candidate search, which
            raises recall; toward 0 a cheaper one.
        enforce_provided_labels: force the output to agree with the labels given to ``fit``.
        partition_by: optional column no match group may ever span (the "label boundary").
        max_candidate_pairs: hard cap on candidate pairs; hitting it raises
            ``CandidatePairLimitError`` rather than exhausting memory.
        random_state: seed of the random pair sample and model fitting.

    Example:
        >>> fm = FindMatches(primary_key="rec_id").fit(frame)
        >>> matched = fm.transform(frame)   # frame + match_id + match_confidence_score
    """

    def __init__(
        self,
        primary_key: str,
        columns: Sequence[str] | Mapping[str, str] | None = None,
        precision_recall_tradeoff: float = 0.5,
        accuracy_cost_tradeoff: float = 0.5,
        enforce_provided_labels: bool = False,
        partition_by: str | None = None,
        max_candidate_pairs: int = 20_000_000,
        random_state: int = 0,
    ) -> None:
        self.primary_key = primary_key
        self.columns = columns
        self.precision_recall_tradeoff = precision_recall_tradeoff
        self.accuracy_cost_tradeoff = accuracy_cost_tradeoff
        self.enforce_provided_labels = enforce_provided_labels
        self.partition_by = partition_by
        self.max_candidate_pairs = max_candidate_pairs
        self.random_state = random_state

    # ----------------------------------------------------------------------------- learning
    def fit(self, X: pd.DataFrame, labels: pd.DataFrame | None = None) -> FindMatches:
        """Learn columns, blocking and models from a table and optional Glue-format labels."""
        timer = Timer()
        table, left, _ = self._fit_unsupervised(X, timer)
        with timer("supervised model"):
            labelled = (
                label_pairs(labels, self.primary_key, table.keys)
                if labels is not None
                else LabeledPairs.empty()
            )
            classifier = None
            if can_fit_supervised(labelled.is_match):
                classifier = self.fit_classifier(table, labelled)
            if labels is not None:
                self._add_notes(label_notes(labels, labelled, X, self.primary_key))
        self.classifier_: LevelWeightClassifier | None = classifier
        self.labels_: pd.DataFrame = _labels_by_key(labelled, table.keys)
        self.fit_seconds_: dict[str, float] = timer.seconds
        logger.info(
            "fitted on %d rows, %d candidate pairs, %s model",
            len(table),
            len(left),
            self.model_kind_,
        )
        return self

    def _fit_unsupervised(
        self, X: pd.DataFrame, timer: Timer
    ) -> tuple[PreparedTable, np.ndarray, np.ndarray]:
        """Learn the column plan, blocking plan and Fellegi-Sunter model (no labels needed).

        Returns the prepared table and its candidate pairs, for callers that go on with them.
        """
        self._check_params()
        with timer("prepare"):
            order = check_table(X, self.primary_key, self.partition_by)
            column_plan = plan_columns(X, self.primary_key, self.columns, self.partition_by)
            table = prepare_table(
                X, self.primary_key, self.partition_by, column_plan.compared, order
            )
            collapsed = collapse_identical(table)
            work = collapsed.table  # the engine sees one record per identical set
        with timer("blocking"):
            keys = KeyCodes(work.columns, work.partition)  # each key computed once
            plan = plan_blocking(work.columns, work.partition, self.accuracy_cost_tradeoff, keys)
            left, right = candidate_pairs(
                plan, work.columns, work.partition, self.max_candidate_pairs, keys
            )
        with timer("unsupervised model"):
            # The model learns from every record, copies included (they are true matches and
            # set the prior); blocking and scoring work on the representatives only.
            sizes = [level_count(c.spec.kind) for c in table.columns]
            sample = random_pairs(
                len(table),
                int(np.clip(_RANDOM_PAIRS_PER_RECORD * len(table), *_RANDOM_PAIRS_BOUNDS)),
                self.random_state,
            )
            if collapsed.collapsed_records:
                keys = KeyCodes(table.columns, table.partition)
            sessions = training_sessions(table, keys, self.random_state)
            del keys
            levels = work.levels(left, right)
            model = fit_fellegi_sunter(
                sessions,
                table.levels(*sample),
                sizes,
                within_partition_pairs(table.partition),
                fallback_levels=levels,
            )
            self._fit_memo: FitMemo | None = FitMemo.of(
                X, self._blocking_settings(), table, collapsed, left, right, levels
            )
        self.column_plan_: ColumnPlan = column_plan
        logger.info("comparing %s", column_plan.kinds())
        for name, reason in column_plan.excluded.items():
            logger.warning("column %r set aside: %s", name, reason)
        self.blocking_plan_: BlockingPlan = plan
        self.fellegi_sunter_: FellegiSunterModel = model
        self.classifier_ = None
        self.labels_ = _labels_by_key(LabeledPairs.empty(), table.keys)
        self.feature_names_in_ = np.array([c.spec.name for c in table.columns], dtype=object)
        self.n_features_in_ = len(table.columns)
        return table, left, right

    def _add_notes(self, notes: Sequence[str]) -> None:
        """Keep what fit noticed with the model's notes, which every match summary shows
        (and the model file keeps)."""
        model = self.fellegi_sunter_
        self.fellegi_sunter_ = replace(model, notes=(*model.notes, *notes))

    def prepare(self, X: pd.DataFrame) -> PreparedTable:
        """``X`` checked, sorted by key and normalized as this fitted transform compares it
        (the table ``fit`` prepared, when ``X`` is the table it saw)."""
        self._check_fitted()
        memo = getattr(self, "_fit_memo", None)
        if memo is not None and memo.fits(X, self._blocking_settings()):
            return memo.table
        return prepare_table(X, self.primary_key, self.partition_by, self.column_plan_.compared)

    def fit_classifier(self, table: PreparedTable, labelled: LabeledPairs) -> LevelWeightClassifier:
        """Level weights re-learnt from labelled pairs, starting from the unsupervised ones
        (the fitted transform is not changed)."""
        model = self.fellegi_sunter_
        return fit_supervised(
            table.levels(labelled.left, labelled.right),
            labelled.is_match,
            [weights[:-1] for weights in model.weight_tables()],
            model.intercept,
            model.links,
        )

    @property
    def model_kind_(self) -> str:
        """``supervised`` when labels with both classes were given to ``fit``, else
        ``unsupervised``."""
        self._check_fitted()
        return "supervised" if self.classifier_ is not None else "unsupervised"

    @property
    def threshold_(self) -> float:
        """The match-probability threshold set by ``precision_recall_tradeoff``."""
        value = check_tradeoff("precision_recall_tradeoff", self.precision_recall_tradeoff)
        return float(np.clip(value, _THRESHOLD_FLOOR, 1.0 - _THRESHOLD_FLOOR))

    # ----------------------------------------------------------------------------- matching
    def match(self, X: pd.DataFrame) -> MatchResult:
        """Find match groups in a table: output table, scored pairs and a run summary."""
        self._check_fitted()
        self._check_params()
        timer = Timer()
        with timer("prepare"):
            memo, self._fit_memo = getattr(self, "_fit_memo", None), None  # used once at most
            reused = memo if memo is not None and memo.fits(X, self._blocking_settings()) else None
            table = (
                reused.table
                if reused is not None
                else prepare_table(
                    X, self.primary_key, self.partition_by, self.column_plan_.compared
                )
            )
        return self._match_prepared(X, table, timer, reused=reused)

    def _blocking_settings(self) -> tuple[object, ...]:
        """What shapes the candidate pairs besides the table itself."""
        return (self.partition_by, self.max_candidate_pairs)

    def match_incremental(self, existing: pd.DataFrame, new: pd.DataFrame) -> MatchResult:
        """Match new records against an already matched table (Glue's FindIncrementalMatches).

        Existing ``match_id`` values never change; new records join existing groups or form
        new ones; only new-vs-all pairs are compared (see :mod:`.incremental`).
        """
        from .incremental import match_incremental

        return match_incremental(self, existing, new)

    def _match_prepared(
        self,
        X: pd.DataFrame,
        table: PreparedTable,
        timer: Timer,
        new: np.ndarray | None = None,
        frozen_ids: np.ndarray | None = None,
        reused: FitMemo | None = None,
    ) -> MatchResult:
        """Block, score and cluster a prepared table; ``new`` / ``frozen_ids`` (per record in
        key order) restrict the work to new records for incremental matching; ``reused``
        carries fit's pairs and levels when this is the table fit saw."""
        constraints = self._constraints(table)
        collapsed = None
        if new is None:  # incremental runs keep every record: existing groups are fixed
            collapsed = reused.collapsed if reused is not None else collapse_identical(table)
            reduced = collapsed.constraints(constraints)
            if reduced is None:  # labels keep two identical records apart: no collapse
                collapsed, reused = None, None
            else:
                constraints = reduced
        work = collapsed.table if collapsed is not None else table
        with timer("blocking"):
            if reused is not None:
                left, right = reused.left, reused.right
            else:
                left, right = candidate_pairs(
                    self.blocking_plan_, work.columns, work.partition, self.max_candidate_pairs
                )
            skipped = 0
            if new is not None:
                keep = new[left] | new[right]
                skipped = int((~keep).sum())
                left, right = left[keep], right[keep]
        frozen = None if frozen_ids is None else pd.factorize(frozen_ids)[0]
        with timer("scoring"):
            if reused is not None:
                probability = self._probability_of_levels(reused.levels)
            else:
                probability = self._probability(work, left, right)
        with timer("clustering"):
            clusters = cluster(
                len(work),
                left,
                right,
                probability,
                self.threshold_,
                score=lambda a, b: self._probability(work, a, b),
                constraints=constraints,
                frozen=frozen,
            )
        if collapsed is not None:
            clusters = collapsed.expand(clusters)
            left, right = collapsed.full_positions(left), collapsed.full_positions(right)
        folded = 0 if collapsed is None else collapsed.collapsed_records
        return self._result(
            X, table, left, right, probability, clusters, timer.seconds, frozen_ids, skipped, folded
        )

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """The input plus ``match_id`` and ``match_confidence_score`` (see :meth:`match`)."""
        return self.match(X).frame

    def fit_transform(self, X: pd.DataFrame, labels: pd.DataFrame | None = None) -> pd.DataFrame:
        """``fit`` then ``transform`` on the same table."""
        return self.fit(X, labels).transform(X)

    def pair_probabilities(
        self, table: PreparedTable, left: np.ndarray, right: np.ndarray
    ) -> np.ndarray:
        """Match probability of record pairs given as positions into a prepared table."""
        self._check_fitted()
        return self._probability(table, left, right)

    def _probability(self, table: PreparedTable, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        if len(left) == 0:
            return np.empty(0, dtype="float64")
        return self._probability_of_levels(table.levels(left, right))

    def _probability_of_levels(self, levels: np.ndarray) -> np.ndarray:
        return self.scoring_model_.predict_proba(levels)

    @property
    def scoring_model_(self) -> FellegiSunterModel | LevelWeightClassifier:
        """The model that scores pairs: the classifier when labels trained one, else the
        unsupervised model. Both are weight tables per column plus an intercept."""
        self._check_fitted()
        return self.classifier_ if self.classifier_ is not None else self.fellegi_sunter_

    def _constraints(self, table: PreparedTable) -> Constraints:
        if not self.enforce_provided_labels or self.labels_.empty:
            return Constraints.none()
        positions = pd.Series(np.arange(len(table)), index=table.keys.astype(str).to_numpy())
        known = self.labels_["left_key"].isin(positions.index) & self.labels_["right_key"].isin(
            positions.index
        )
        labels = self.labels_[known]
        a = positions.loc[labels["left_key"]].to_numpy()
        b = positions.loc[labels["right_key"]].to_numpy()
        left, right = np.minimum(a, b), np.maximum(a, b)
        is_match = labels["is_match"].to_numpy(dtype=bool)
        crossing = is_match & (table.partition[left] != table.partition[right])
        if crossing.any():
            first = labels[crossing].iloc[0]
            raise LabelError(
                f"labels say records {first['left_key']!r} and {first['right_key']!r} match, "
                f"but they lie in different '{self.partition_by}' partitions, which no group "
                f"may cross; fix the label or drop partition_by"
            )
        return Constraints(left[is_match], right[is_match], left[~is_match], right[~is_match])

    def _result(
        self,
        X: pd.DataFrame,
        table: PreparedTable,
        left: np.ndarray,
        right: np.ndarray,
        probability: np.ndarray,
        clusters: Any,
        seconds: dict[str, float],
        frozen_ids: np.ndarray | None = None,
        skipped_pairs: int = 0,
        collapsed_records: int = 0,
    ) -> MatchResult:
        keys = table.keys.to_numpy()
        match_id = keys[clusters.group]
        if frozen_ids is not None:  # a group holding existing records keeps their match_id
            kept = pd.Series(frozen_ids).groupby(clusters.group).first()
            inherited = kept.reindex(clusters.group).to_numpy()
            match_id = np.where(pd.isna(inherited), match_id, inherited)
        frame = X.copy()
        frame["match_id"] = table.restore_order(match_id)
        frame["match_confidence_score"] = table.restore_order(clusters.confidence)
        same_group = clusters.group[left] == clusters.group[right]
        pairs = pd.DataFrame(
            {
                "left_key": keys[left],
                "right_key": keys[right],
                "probability": probability,
                "same_group": same_group,
            }
        )
        sizes = np.bincount(clusters.group, minlength=len(table))
        group_sizes = sizes[sizes > 0]
        summary = MatchSummary(
            rows=len(table),
            candidate_pairs=len(left),
            matched_pairs=int((probability >= self.threshold_).sum()),
            match_groups=len(group_sizes),
            groups_with_duplicates=int((group_sizes > 1).sum()),
            records_in_duplicate_groups=int(group_sizes[group_sizes > 1].sum()),
            largest_group=int(group_sizes.max()),
            skipped_pairs=skipped_pairs,
            collapsed_records=collapsed_records,
            notes=list(self.fellegi_sunter_.notes),
            model=self.model_kind_,
            seconds=seconds,
        )
        logger.info(
            "matched %d rows: %d candidate pairs, %d groups with duplicates",
            summary.rows,
            summary.candidate_pairs,
            summary.groups_with_duplicates,
        )
        return MatchResult(frame, pairs, summary)

    # ----------------------------------------------------------------------------- helpers
    def labeling_sets(
        self,
        X: pd.DataFrame,
        n_sets: int = 10,
        set_size: int = 10,
        exclude_keys: Sequence[object] = (),
        strategy: str = "active",
        suggest: bool = True,
    ) -> pd.DataFrame:
        """A Glue labeling file of the records the model is least sure about (see
        :mod:`.labeling_sets`); works before ``fit`` too."""
        from .labeling_sets import generate_labeling_sets

        return generate_labeling_sets(
            self,
            X,
            n_sets,
            set_size,
            exclude_keys,
            strategy,  # type: ignore[arg-type]
            suggest,
            self.random_state,
        )

    def explain(self, X: pd.DataFrame, pairs: Sequence[tuple[object, object]]) -> pd.DataFrame:
        """Per-column similarity and log-odds contribution for record pairs given by key."""
        from .explain import explain_pairs

        return explain_pairs(self, X, pairs)

    def evaluate(self, X: pd.DataFrame, labels: pd.DataFrame, n_splits: int = 5) -> QualityReport:
        """Cross-validated quality estimate from labels (see :mod:`.evaluation`)."""
        from .evaluation import evaluate

        return evaluate(self, X, labels, n_splits=n_splits)

    def save(self, path: str | Path) -> Path:
        """Write the fitted transform to a JSON file (no pickle); returns the path."""
        from .persistence import save_transform

        return save_transform(self, path)

    @classmethod
    def load(cls, path: str | Path) -> FindMatches:
        """Read a transform written by :meth:`save`."""
        from .persistence import load_transform

        return load_transform(path)

    def _check_fitted(self) -> None:
        if not hasattr(self, "fellegi_sunter_"):
            raise NotFittedError(
                "this FindMatches transform is not fitted yet; call "
                "fit(table) first, or FindMatches.load(path)"
            )

    def _check_params(self) -> None:
        check_tradeoff("precision_recall_tradeoff", self.precision_recall_tradeoff)
        check_tradeoff("accuracy_cost_tradeoff", self.accuracy_cost_tradeoff)
        check_positive_int("max_candidate_pairs", self.max_candidate_pairs)


def _labels_by_key(labelled: LabeledPairs, keys: pd.Series) -> pd.DataFrame:
    """Labelled pairs by primary key (as text), so they apply to any later table."""
    text = keys.astype(str).to_numpy()
    return pd.DataFrame(
        {
            "left_key": text[labelled.left],
            "right_key": text[labelled.right],
            "is_match": labelled.is_match.astype(bool),
        }
    )
