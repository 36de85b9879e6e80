"""The fitted FindMatches model and the match step: what every consumer of a fit uses.

A :class:`Matcher` holds everything ``fit`` learnt (column plan, blocking plan, the
unsupervised model, the classifier when labels trained one, the labelled pairs by key) and the
settings it was learnt under, and applies them: prepare a table, score pairs, block, cluster.
Evaluation, explanations, incremental matching, labeling sets, persistence and the Spark
backend all work on a ``Matcher`` through these public methods; ``FindMatches`` is the thin
scikit-learn face that makes one (see :mod:`.fitting`). Keeping the state here, not in the
estimator, is what lets those modules exist without importing the estimator back (they did,
through six function-level imports, and reached into its private methods).

A ``Matcher`` is immutable: :meth:`with_settings` and :meth:`with_classifier` make variants
(the match-time parameters of a later run; a cross-validation fold's classifier).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import LabelError
from .blocking import BlockingPlan, candidate_pairs
from .clustering import Clusters, Constraints, cluster
from .columns import ColumnPlan, read_columns
from .fellegi_sunter import FellegiSunterModel
from .fit_memo import FitMemo
from .identical import collapse_identical, keep_matching_copies
from .labels import LabeledPairs
from .log_odds import sigmoid
from .prepared import PreparedTable, prepare_table
from .prior_width import choose_prior_width
from .results import MatchResult, MatchSummary
from .settings import MatchSettings
from .supervised import LevelWeightClassifier, f1_balanced_shift, fit_supervised
from .term_frequency import ValueFrequencies, frequency_adjustments, summed_adjustment
from .timing import Timer
from .validation import check_trained_columns

logger = logging.getLogger(__name__)

THRESHOLD_FLOOR = 0.01  # the threshold stays in [0.01, 0.99]: 0 or 1 would match all or none


@dataclass(frozen=True)
class Matcher:
    """A fitted FindMatches model.

    Attributes:
        settings: the parameters it runs with: those of the fit, or of the estimator after
            ``set_params`` (see ``FindMatches.matcher``), or the match-time ones of a stored
            transform (:meth:`with_settings`). Plans and models always come from the fit.
        labels: the labelled pairs by primary key as text (``left_key``, ``right_key``,
            ``is_match``), kept to enforce them on any later table.
        fit_seconds: time per fitting step (empty for a model read from a file).
        frequencies: how common each value of the name columns was at fit, for the
            term-frequency adjustment (:mod:`.term_frequency`); empty for a model file
            written before it.
    """

    settings: MatchSettings
    column_plan: ColumnPlan
    blocking_plan: BlockingPlan
    fellegi_sunter: FellegiSunterModel
    classifier: LevelWeightClassifier | None
    labels: pd.DataFrame
    fit_seconds: dict[str, float] = field(default_factory=dict)
    frequencies: tuple[ValueFrequencies, ...] = ()

    # ------------------------------------------------------------------------- variants
    def with_settings(self, settings: MatchSettings) -> Matcher:
        """This model under the match-time parameters of ``settings`` (the threshold,
        enforcing labels, the pair cap); training parameters stay those of the fit."""
        return dataclasses.replace(
            self, settings=dataclasses.replace(self.settings, **settings.match_time_values())
        )

    def with_classifier(
        self, classifier: LevelWeightClassifier | None, enforce_labels: bool = False
    ) -> Matcher:
        """This model scoring with ``classifier`` (``None``: the unsupervised model), labels
        enforced or not: a cross-validation fold, whose held-out labels must not steer it."""
        settings = dataclasses.replace(self.settings, enforce_provided_labels=enforce_labels)
        return dataclasses.replace(self, classifier=classifier, settings=settings)

    # ------------------------------------------------------------------------- scoring
    @property
    def scoring_model(self) -> FellegiSunterModel | LevelWeightClassifier:
        """The classifier when labels trained one, else the unsupervised model; both are
        weight tables per column plus an intercept."""
        return self.classifier if self.classifier is not None else self.fellegi_sunter

    @property
    def model_kind(self) -> str:
        """``supervised`` or ``unsupervised``."""
        return "supervised" if self.classifier is not None else "unsupervised"

    @property
    def threshold(self) -> float:
        """The match-probability threshold set by ``precision_recall_tradeoff``."""
        return match_threshold(self.settings)

    @property
    def feature_names(self) -> list[str]:
        """The compared columns, in plan order."""
        return [spec.name for spec in self.column_plan.compared]

    @property
    def trained_columns(self) -> list[str]:
        """The columns a table must have to be matched: key, compared columns, partition."""
        partition = [self.settings.partition_by] if self.settings.partition_by is not None else []
        read = read_columns(self.column_plan.compared)
        return [self.settings.primary_key, *read, *partition]

    def blocking_settings(self) -> tuple[object, ...]:
        """What shapes the candidate pairs besides the table itself."""
        return (self.settings.partition_by, self.settings.max_candidate_pairs)

    def prepare(self, X: pd.DataFrame) -> PreparedTable:
        """``X`` checked, sorted by key and normalized as this model compares it."""
        plan = self.column_plan
        return prepare_table(
            X,
            self.settings.primary_key,
            self.settings.partition_by,
            plan.compared,
            swapped=plan.swapped,
        )

    def pair_probabilities(
        self, table: PreparedTable, left: np.ndarray, right: np.ndarray
    ) -> np.ndarray:
        """Match probability of record pairs given as positions into a prepared table."""
        if len(left) == 0:
            return np.empty(0, dtype="float64")
        return self.probability_of_levels(
            table.levels(left, right), self.adjustment(table, left, right)
        )

    def adjustment(self, table: PreparedTable, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Each pair's term-frequency adjustment of the log-odds (see :mod:`.term_frequency`)."""
        return summed_adjustment(table.columns, self.frequencies, left, right)

    def probability_of_levels(self, levels: np.ndarray, adjustment: np.ndarray) -> np.ndarray:
        """Match probability of pairs given by their agreement levels and term-frequency
        adjustments (:meth:`adjustment`)."""
        log_odds = self.scoring_model.match_log_odds(levels) + adjustment
        return np.asarray(sigmoid(log_odds), dtype="float64")

    def contributions(
        self, table: PreparedTable, left: np.ndarray, right: np.ndarray, levels: np.ndarray
    ) -> np.ndarray:
        """Each pair's additive contribution to the log-odds on each column, ``(pairs,
        columns)``: the model's weight of its level, plus a name column's term-frequency
        adjustment (the intercept aside, they sum to the pair's log-odds)."""
        weights = self.scoring_model.partial_weights(levels)
        for column, adjustment in frequency_adjustments(
            table.columns, self.frequencies, left, right
        ):
            weights[:, column] += adjustment
        return weights

    def fit_classifier(
        self, table: PreparedTable, labelled: LabeledPairs, memo: FitMemo | None = None
    ) -> LevelWeightClassifier:
        """Level weights re-learnt from labelled pairs, starting from the unsupervised ones
        (this model is not changed). With ``memo`` (fit's candidate pairs of the table), the
        intercept is moved so that 0.5 lies near the cut of best expected F1 over them (see
        :func:`.supervised.f1_balanced_shift`)."""
        model = self.fellegi_sunter
        levels = table.levels(labelled.left, labelled.right)
        start = [weights[:-1] for weights in model.weight_tables()]
        offset = self.adjustment(table, labelled.left, labelled.right)
        width = choose_prior_width(
            levels,
            labelled.is_match,
            labelled.labeling_set,
            start,
            model.intercept,
            model.links,
            offset=offset,
        )
        classifier = fit_supervised(
            levels, labelled.is_match, start, model.intercept, model.links, offset, width
        )
        if memo is None:
            return classifier
        representatives = memo.collapsed.table
        log_odds = classifier.match_log_odds(memo.levels) + self.adjustment(
            representatives, memo.left, memo.right
        )
        shift = f1_balanced_shift(log_odds)
        return dataclasses.replace(
            classifier, intercept=classifier.intercept + shift, balance=shift
        )

    def candidate_pairs(self, table: PreparedTable) -> tuple[np.ndarray, np.ndarray]:
        """The blocking plan's candidate pairs on a prepared table."""
        return candidate_pairs(
            self.blocking_plan,
            table.columns,
            table.partition,
            self.settings.max_candidate_pairs,
        )

    def constraints(self, table: PreparedTable) -> Constraints:
        """The labelled pairs as must/cannot-link constraints when labels are enforced.

        Raises:
            LabelError: a labelled match crosses the partition column.
        """
        if not self.settings.enforce_provided_labels or self.labels.empty:
            return Constraints.none()
        positions = pd.Series(np.arange(len(table)), index=table.keys.astype(str).to_numpy())
        known = self.labels["left_key"].isin(positions.index) & self.labels["right_key"].isin(
            positions.index
        )
        labels = self.labels[known]
        a = positions.loc[labels["left_key"]].to_numpy()
        b = positions.loc[labels["right_key"]].to_numpy()
        left, right = np.minimum(a, b), np.maximum(a, b)
        is_match = labels["is_match"].to_numpy(dtype=bool)
        crossing = is_match & (table.partition[left] != table.partition[right])
        if crossing.any():
            first = labels[crossing].iloc[0]
            raise LabelError(
                f"labels say records {first['left_key']!r} and {first['right_key']!r} match, "
                f"but they lie in different '{self.settings.partition_by}' partitions, which "
                f"no group may cross; fix the label or drop partition_by"
            )
        return Constraints(left[is_match], right[is_match], left[~is_match], right[~is_match])

    # ------------------------------------------------------------------------- matching
    def match(self, X: pd.DataFrame, memo: FitMemo | None = None) -> MatchResult:
        """Find match groups in a table; ``memo`` is fit's work on the same table, reused
        when it fits ``X`` (see :mod:`.fit_memo`)."""
        check_trained_columns(X, self.trained_columns)
        timer = Timer()
        with timer("prepare"):
            reused = memo if memo is not None and memo.fits(X, self.blocking_settings()) else None
            table = reused.table if reused is not None else self.prepare(X)
        return self.match_prepared(X, table, timer, reused=reused)

    def match_prepared(
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
        constraints = self.constraints(table)
        collapsed = None
        if new is None:  # incremental runs keep every record: existing groups are fixed
            found = reused.collapsed if reused is not None else collapse_identical(table)
            collapsed = keep_matching_copies(
                found,
                table,
                lambda rows: self.pair_probabilities(table, rows, rows),
                self.threshold,
            )
            if collapsed is not found:  # fit's pairs are between other representatives
                reused = None
            reduced = collapsed.constraints(constraints)
            if reduced is None:  # labels keep two identical records apart: no collapse
                collapsed, reused = None, None
            else:
                constraints = reduced
        work = collapsed.table if collapsed is not None else table
        with timer("blocking"):
            left, right = (
                (reused.left, reused.right) if reused is not None else self.candidate_pairs(work)
            )
            skipped = 0
            if new is not None:
                keep = new[left] | new[right]
                skipped = int((~keep).sum())
                left, right = left[keep], right[keep]
        frozen = None if frozen_ids is None else pd.factorize(frozen_ids)[0]
        with timer("scoring"):
            probability = (
                self.probability_of_levels(reused.levels, self.adjustment(work, left, right))
                if reused is not None
                else self.pair_probabilities(work, left, right)
            )
        with timer("clustering"):
            clusters = cluster(
                len(work),
                left,
                right,
                probability,
                self.threshold,
                score=lambda a, b: self.pair_probabilities(work, a, b),
                constraints=constraints,
                frozen=frozen,
            )
        if collapsed is not None:
            clusters = collapsed.expand(clusters)
            left, right = collapsed.full_positions(left), collapsed.full_positions(right)
        folded = 0 if collapsed is None else collapsed.collapsed_records
        pairs = _Pairs(left, right, probability)
        return self._result(X, table, pairs, clusters, timer.seconds, frozen_ids, skipped, folded)

    def _result(
        self,
        X: pd.DataFrame,
        table: PreparedTable,
        pairs: _Pairs,
        clusters: Clusters,
        seconds: dict[str, float],
        frozen_ids: np.ndarray | None,
        skipped_pairs: int,
        collapsed_records: int,
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
        pair_frame = pd.DataFrame(
            {
                "left_key": keys[pairs.left],
                "right_key": keys[pairs.right],
                "probability": pairs.probability,
                "same_group": clusters.group[pairs.left] == clusters.group[pairs.right],
            }
        )
        sizes = np.bincount(clusters.group, minlength=len(table))
        group_sizes = sizes[sizes > 0]
        summary = MatchSummary(
            rows=len(table),
            candidate_pairs=len(pairs.left),
            matched_pairs=int((pairs.probability >= self.threshold).sum()),
            match_groups=len(group_sizes),
            groups_with_duplicates=int((group_sizes > 1).sum()),
            records_in_duplicate_groups=int(group_sizes[group_sizes > 1].sum()),
            largest_group=int(group_sizes.max()),
            skipped_pairs=skipped_pairs,
            collapsed_records=collapsed_records,
            notes=list(self.fellegi_sunter.notes),
            model=self.model_kind,
            seconds=seconds,
        )
        logger.info(
            "matched %d rows: %d candidate pairs, %d groups with duplicates",
            summary.rows,
            summary.candidate_pairs,
            summary.groups_with_duplicates,
        )
        return MatchResult(frame, pair_frame, summary)


@dataclass(frozen=True)
class _Pairs:
    left: np.ndarray
    right: np.ndarray
    probability: np.ndarray


def match_threshold(settings: MatchSettings) -> float:
    """The match-probability threshold ``precision_recall_tradeoff`` sets."""
    value = settings.precision_recall_tradeoff
    return float(np.clip(value, THRESHOLD_FLOOR, 1.0 - THRESHOLD_FLOOR))


def labels_by_key(labelled: LabeledPairs, keys: pd.Series) -> pd.DataFrame:
    """Labelled pairs by primary key (as text), so they apply to any later table."""
    text = keys.astype(str).to_numpy()
    return pd.DataFrame(
        {
            "left_key": text[labelled.left],
            "right_key": text[labelled.right],
            "is_match": labelled.is_match.astype(bool),
        }
    )
