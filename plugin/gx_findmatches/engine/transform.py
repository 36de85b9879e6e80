"""``FindMatches``: the Glue FindMatches transform as a scikit-learn style estimator.

Data flows one way: input table → blocking (candidate pairs) → comparison (agreement levels)
→ model (pair probabilities) → clustering (``match_id``, confidence). ``fit`` learns the
column plan, the blocking plan, the unsupervised Fellegi-Sunter model and, when labels are
given, the supervised classifier; ``match``/``transform`` apply them to any table with the same
columns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from ..errors import NotFittedError
from .blocking import BlockingPlan
from .columns import ColumnPlan, read_columns
from .evaluation import QualityReport, evaluate
from .explain import explain_pairs
from .fellegi_sunter import FellegiSunterModel
from .fit_memo import FitMemo
from .fitting import fit_matcher
from .incremental import match_incremental
from .labeling_sets import generate_labeling_sets
from .labels import LabeledPairs, refuse_label_column_clash
from .matcher import Matcher, match_threshold
from .persistence import load_matcher, save_matcher
from .prepared import PreparedTable
from .results import MatchResult
from .settings import DEFAULTS, Columns, MatchSettings
from .supervised import LevelWeightClassifier
from .validation import check_trained_columns


class FindMatches(BaseEstimator):  # type: ignore[misc]
    """Find records that refer to the same entity, as AWS Glue's FindMatches transform.

    The keyword arguments are the parameters of :class:`~.settings.MatchSettings`, where each
    is declared once with its default, bounds and meaning (``primary_key``, ``columns``,
    ``precision_recall_tradeoff``, ``accuracy_cost_tradeoff``, ``enforce_provided_labels``,
    ``partition_by``, ``max_candidate_pairs``, ``random_state``). As scikit-learn asks,
    ``__init__`` stores them as given; ``fit`` and ``match`` check them.

    Example:
        >>> fm = FindMatches(primary_key="rec_id").fit(frame)
        >>> matched = fm.transform(frame)   # frame + match_id + match_confidence_score
    """

    def __init__(
        self,
        primary_key: str,
        columns: Columns = DEFAULTS["columns"],
        precision_recall_tradeoff: float = DEFAULTS["precision_recall_tradeoff"],
        accuracy_cost_tradeoff: float = DEFAULTS["accuracy_cost_tradeoff"],
        enforce_provided_labels: bool = DEFAULTS["enforce_provided_labels"],
        partition_by: str | None = DEFAULTS["partition_by"],
        max_candidate_pairs: int = DEFAULTS["max_candidate_pairs"],
        random_state: int = DEFAULTS["random_state"],
    ) -> None:
        self.primary_key = primary_key
        self.columns = columns
        self.precision_recall_tradeoff = precision_recall_tradeoff
        self.accuracy_cost_tradeoff = accuracy_cost_tradeoff
        self.enforce_provided_labels = enforce_provided_labels
        self.partition_by = partition_by
        self.max_candidate_pairs = max_candidate_pairs
        self.random_state = random_state
        self._fit_memo: FitMemo | None = None

    # ----------------------------------------------------------------------------- learning
    def fit(self, X: pd.DataFrame, labels: pd.DataFrame | None = None) -> FindMatches:
        """Learn columns, blocking and models from a table and optional Glue-format labels."""
        self.matcher_: Matcher
        self.matcher_, self._fit_memo = fit_matcher(X, self.get_settings(), labels)
        self._set_feature_names()
        return self

    @classmethod
    def from_matcher(cls, matcher: Matcher) -> FindMatches:
        """A fitted transform around a fitted model (e.g. one read from a file)."""
        transform = cls(**matcher.settings.values())
        transform.matcher_ = matcher
        transform._set_feature_names()
        return transform

    def _set_feature_names(self) -> None:
        # sklearn's meaning: the input columns read (a model-code column reads its title)
        read = read_columns(self.matcher_.column_plan.compared)
        self.feature_names_in_ = np.array(read, dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)

    @property
    def matcher(self) -> Matcher:
        """The fitted model under this transform's current parameters: as scikit-learn
        users expect, ``set_params`` after ``fit`` applies to the next ``match`` wherever
        the parameter is read at match time (the threshold, enforcing labels, the pair cap,
        the key and partition columns); the plans and models stay those of ``fit``."""
        self._check_fitted()
        return dataclasses.replace(self.matcher_, settings=self.get_settings())

    @property
    def column_plan_(self) -> ColumnPlan:
        """Which columns are compared, as which kind, and which were set aside and why."""
        return self.matcher.column_plan

    @property
    def blocking_plan_(self) -> BlockingPlan:
        """The blocking passes chosen at fit time."""
        return self.matcher.blocking_plan

    @property
    def fellegi_sunter_(self) -> FellegiSunterModel:
        """The unsupervised model."""
        return self.matcher.fellegi_sunter

    @property
    def classifier_(self) -> LevelWeightClassifier | None:
        """The model re-learnt from labels, or ``None`` without usable labels."""
        return self.matcher.classifier

    @property
    def labels_(self) -> pd.DataFrame:
        """The labelled pairs given to ``fit``, by primary key as text."""
        return self.matcher.labels

    @property
    def fit_seconds_(self) -> dict[str, float]:
        """Seconds per fitting step."""
        return self.matcher.fit_seconds

    @property
    def scoring_model_(self) -> FellegiSunterModel | LevelWeightClassifier:
        """The model that scores pairs: the classifier when labels trained one, else the
        unsupervised model."""
        return self.matcher.scoring_model

    @property
    def trained_columns_(self) -> list[str]:
        """The columns a table must have to be matched: key, compared columns, partition."""
        return self.matcher.trained_columns

    @property
    def model_kind_(self) -> str:
        """``supervised`` when labels with both classes were given to ``fit``, else
        ``unsupervised``."""
        return self.matcher.model_kind

    @property
    def threshold_(self) -> float:
        """The match-probability threshold set by ``precision_recall_tradeoff``."""
        return match_threshold(self.get_settings())

    def prepare(self, X: pd.DataFrame) -> PreparedTable:
        """``X`` checked, sorted by key and normalized as this fitted transform compares it
        (the table ``fit`` prepared, when ``X`` is the table it saw)."""
        matcher = self.matcher
        memo = self._fit_memo
        if memo is not None and memo.fits(X, matcher.blocking_settings()):
            return memo.table
        return matcher.prepare(X)

    def fit_classifier(self, table: PreparedTable, labelled: LabeledPairs) -> LevelWeightClassifier:
        """Level weights re-learnt from labelled pairs (the fitted transform is not changed)."""
        return self.matcher.fit_classifier(table, labelled)

    def pair_probabilities(
        self, table: PreparedTable, left: np.ndarray, right: np.ndarray
    ) -> np.ndarray:
        """Match probability of record pairs given as positions into a prepared table."""
        return self.matcher.pair_probabilities(table, left, right)

    # ----------------------------------------------------------------------------- matching
    def match(self, X: pd.DataFrame) -> MatchResult:
        """Find match groups in a table: output table, scored pairs and a run summary."""
        matcher = self.matcher
        memo, self._fit_memo = self._fit_memo, None  # fit's work is reused once at most
        return matcher.match(X, memo)

    def match_incremental(self, existing: pd.DataFrame, new: pd.DataFrame) -> MatchResult:
        """Match new records against an already matched table (Glue's FindIncrementalMatches).

        Existing ``match_id`` values never change; new records join existing groups or form
        new ones; only new-vs-all pairs are compared (see :mod:`.incremental`).
        """
        matcher = self.matcher
        check_trained_columns(new, matcher.trained_columns, table="the table of new records")
        return match_incremental(matcher, existing, new)

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """The input plus ``match_id`` and ``match_confidence_score`` (see :meth:`match`)."""
        return self.match(X).frame

    def fit_transform(self, X: pd.DataFrame, labels: pd.DataFrame | None = None) -> pd.DataFrame:
        """``fit`` then ``transform`` on the same table."""
        return self.fit(X, labels).transform(X)

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
        :mod:`.labeling_sets`); works before ``fit`` too (a copy is fitted without labels)."""
        if isinstance(X, pd.DataFrame):  # the one check for written sets, before any fit
            refuse_label_column_clash(X.columns)
        fitted = self if self._is_fitted() else clone(self).fit(X)
        return generate_labeling_sets(
            fitted.matcher,
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
        return explain_pairs(self.matcher, X, pairs)

    def evaluate(self, X: pd.DataFrame, labels: pd.DataFrame, n_splits: int = 5) -> QualityReport:
        """Cross-validated quality estimate from labels (see :mod:`.evaluation`); this
        transform's parameters are used, fitted or not."""
        return evaluate(self.get_settings(), X, labels, n_splits=n_splits)

    def save(self, path: str | Path) -> Path:
        """Write the fitted transform to a JSON file (no pickle); returns the path."""
        return save_matcher(self.matcher, path)

    @classmethod
    def load(cls, path: str | Path) -> FindMatches:
        """Read a transform written by :meth:`save`."""
        return cls.from_matcher(load_matcher(path))

    def _is_fitted(self) -> bool:
        return "matcher_" in vars(self)

    def _check_fitted(self) -> None:
        if not self._is_fitted():
            raise NotFittedError(
                "this FindMatches transform is not fitted yet; call "
                "fit(table) first, or FindMatches.load(path)"
            )

    def _check_params(self) -> None:
        self.get_settings()

    def get_settings(self) -> MatchSettings:
        """The parameters as one checked, frozen :class:`~.settings.MatchSettings`.

        Raises:
            ParameterError: a parameter is of the wrong type or out of its bounds.
        """
        return MatchSettings(**self.get_params())

    @classmethod
    def from_settings(cls, settings: MatchSettings) -> FindMatches:
        """An unfitted transform with these settings."""
        return cls(**settings.values())
