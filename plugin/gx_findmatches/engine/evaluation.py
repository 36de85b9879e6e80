"""Quality estimates from labels, as Glue's "estimate quality", plus what Glue leaves out.

Labelled pairs are split by *labeling set* (``GroupKFold``): a set's pairs are never split
between training and testing, so the estimate is honestly held-out. Every pair gets an
out-of-fold probability from a model that never saw its set; the metrics come from those.

Reported, as in the Glue console: area under the precision-recall curve, precision, recall
(Glue's "recall upper limit": recall of the *model* on labelled pairs), max F1, confusion
matrix and column importances. Glue never reports how many true matches blocking loses, so
we add ``blocking_recall`` (the share of labelled matching pairs that blocking proposes,
measured on the full table given) and ``end_to_end_recall`` (labelled matches both proposed
by blocking *and* predicted a match out of fold).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import average_precision_score, precision_recall_curve
from sklearn.model_selection import GroupKFold

from ..errors import LabelError
from .labels import label_pairs
from .supervised import can_fit_supervised, fit_supervised
from .timing import Timer as _Timer

if TYPE_CHECKING:
    from .transform import FindMatches

BLOCKING_NOTE = (
    "end_to_end_recall = labelled matching pairs that blocking proposes on the full table "
    "AND that the held-out model predicts a match, divided by all labelled matching pairs; "
    "blocking_recall counts the first condition only. Both are measured on labelled pairs, "
    "so they are estimates for the whole table."
)


@dataclass(frozen=True)
class QualityReport:
    """A cross-validated quality estimate; ``to_dict`` gives the JSON the CLI prints."""

    area_under_pr_curve: float
    precision: float
    recall: float
    f1: float
    max_f1: float
    threshold: float
    confusion_matrix: dict[str, int]
    column_importances: dict[str, float]
    blocking_recall: float
    end_to_end_recall: float
    labelled_pairs: int
    labelled_matches: int
    labeling_sets: int
    folds: int
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (importances keep their descending order)."""
        return asdict(self)


def evaluate(
    transform: FindMatches, X: pd.DataFrame, labels: pd.DataFrame, n_splits: int = 5
) -> QualityReport:
    """Estimate the quality ``transform`` (fitted or not) would reach on ``X`` with ``labels``.

    Raises:
        LabelError: labels lack a matching or a non-matching pair, or span fewer than two
            labeling sets (nothing could be held out).
    """
    unsupervised = clone(transform)
    table, left, right = unsupervised._fit_unsupervised(X, _Timer())
    labelled = label_pairs(labels, unsupervised.primary_key, table.keys)
    if not can_fit_supervised(labelled.is_match):
        raise LabelError(
            "the labels need at least one matching and one non-matching pair to "
            "estimate quality; label more sets (a set mixing matches and "
            "non-matches gives both)"
        )
    sets = pd.factorize(labelled.labeling_set)[0]
    n_sets = int(sets.max()) + 1
    if n_sets < 2:
        raise LabelError(
            "quality is estimated by holding out labeling sets, so at least two "
            "labeling sets are needed; generate and label another set"
        )
    model = unsupervised.fellegi_sunter_
    features = model.partial_weights(table.levels(labelled.left, labelled.right))
    y = labelled.is_match
    soft_features, soft_probability = unsupervised._soft_labelled_sample(table, left, right)
    held_out = np.full(len(y), np.nan)
    folds = min(n_splits, n_sets)
    for train, test in GroupKFold(n_splits=folds).split(features, y, groups=sets):
        if can_fit_supervised(y[train]):
            classifier = fit_supervised(
                features[train],
                y[train],
                soft_features,
                soft_probability,
                random_state=transform.random_state,
            )
            held_out[test] = classifier.predict_proba(features[test])
        else:  # a fold with one class: fall back to the unsupervised model for its test pairs
            held_out[test] = model.predict_proba(
                table.levels(labelled.left[test], labelled.right[test])
            )
    threshold = unsupervised.threshold_
    predicted = held_out >= threshold
    tp = int((predicted & y).sum())
    fp = int((predicted & ~y).sum())
    fn = int((~predicted & y).sum())
    tn = int((~predicted & ~y).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    curve_p, curve_r, _ = precision_recall_curve(y, held_out)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1_curve = np.where(curve_p + curve_r > 0, 2 * curve_p * curve_r / (curve_p + curve_r), 0)
    proposed = np.isin(labelled.left * len(table) + labelled.right, left * len(table) + right)
    full = fit_supervised(
        features, y, soft_features, soft_probability, random_state=transform.random_state
    )
    return QualityReport(
        area_under_pr_curve=float(np.clip(average_precision_score(y, held_out), 0.0, 1.0)),
        precision=precision,
        recall=recall,
        f1=_f1(precision, recall),
        max_f1=float(np.max(f1_curve)),
        threshold=threshold,
        confusion_matrix={
            "true_positives": tp,
            "false_positives": fp,
            "true_negatives": tn,
            "false_negatives": fn,
        },
        column_importances=column_importances(
            full.contributions(features), [c.spec.name for c in table.columns]
        ),
        blocking_recall=float(proposed[y].mean()),
        end_to_end_recall=float((proposed & predicted)[y].mean()),
        labelled_pairs=len(y),
        labelled_matches=int(y.sum()),
        labeling_sets=n_sets,
        folds=folds,
        notes=[BLOCKING_NOTE],
    )


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def column_importances(contributions: np.ndarray, names: list[str]) -> dict[str, float]:
    """How much each column moves the match score across pairs, summing to 1, descending.

    A column's importance is the standard deviation of its additive contribution to the
    log-odds: a column that never changes the score (constant, or weightless) scores 0.
    """
    spread = contributions.std(axis=0) if len(contributions) else np.zeros(len(names))
    total = spread.sum()
    shares = spread / total if total > 0 else np.full(len(names), 1.0 / max(len(names), 1))
    ranked = sorted(zip(names, shares, strict=True), key=lambda item: (-item[1], item[0]))
    return {name: float(share) for name, share in ranked}
