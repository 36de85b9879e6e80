"""The supervised model: logistic regression over Fellegi-Sunter partial weights, calibrated.

With labels we keep the unsupervised model's per-column partial match weights as features
(they already turn every column kind into one well-scaled number) and let a regularised
logistic regression re-weight them from the labelled pairs. Few features means a few hundred
labelled records are enough. Probabilities are Platt-calibrated on held-out folds
(scikit-learn ``CalibratedClassifierCV``, ``ensemble=False``), because ``precision_recall_
tradeoff`` is read as a probability threshold and must mean what it says.

The fitted scikit-learn objects are reduced to plain numbers (:class:`LinearMatchClassifier`),
which both the live transform and a reloaded one use, so predictions after ``load`` are
identical, and the saved file needs no pickle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

_MAX_CALIBRATION_FOLDS = 5


@dataclass(frozen=True)
class LinearMatchClassifier:
    """``p = sigmoid(-(a * f + b))`` with ``f = ((x - mean) / scale) @ coef + intercept``."""

    coef: np.ndarray
    intercept: float
    mean: np.ndarray
    scale: np.ndarray
    platt_a: float = -1.0  # (-1, 0) is the identity calibration
    platt_b: float = 0.0

    def contributions(self, features: np.ndarray) -> np.ndarray:
        """Per-feature additive contributions to the decision value."""
        return (features - self.mean) / self.scale * self.coef

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Calibrated match probability of each pair."""
        decision = self.contributions(features).sum(axis=1) + self.intercept
        return 1.0 / (1.0 + np.exp(np.clip(self.platt_a * decision + self.platt_b, -500, 500)))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready parameters."""
        return {
            "coef": self.coef.tolist(), "intercept": self.intercept,
            "mean": self.mean.tolist(), "scale": self.scale.tolist(),
            "platt_a": self.platt_a, "platt_b": self.platt_b,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearMatchClassifier:
        """Rebuild from :meth:`to_dict` output."""
        return cls(
            coef=np.asarray(data["coef"], dtype="float64"), intercept=float(data["intercept"]),
            mean=np.asarray(data["mean"], dtype="float64"),
            scale=np.asarray(data["scale"], dtype="float64"),
            platt_a=float(data["platt_a"]), platt_b=float(data["platt_b"]),
        )


def can_fit_supervised(is_match: np.ndarray) -> bool:
    """A classifier needs at least one labelled match and one labelled non-match."""
    return bool(is_match.any()) and bool((~is_match).any())


def fit_supervised(
    features: np.ndarray, is_match: np.ndarray, random_state: int
) -> LinearMatchClassifier:
    """Fit and calibrate the classifier on labelled pairs (both classes must be present)."""
    y = is_match.astype(int)
    minority = int(min(y.sum(), len(y) - y.sum()))
    base = make_pipeline(
        StandardScaler(), LogisticRegression(C=1.0, max_iter=2000, random_state=random_state)
    )
    folds = min(_MAX_CALIBRATION_FOLDS, minority)
    if folds >= 2:
        calibrated = CalibratedClassifierCV(base, method="sigmoid", cv=folds, ensemble=False)
        calibrated.fit(features, y)
        fitted = calibrated.calibrated_classifiers_[0]
        pipeline, calibrator = fitted.estimator, fitted.calibrators[0]
        platt_a, platt_b = float(calibrator.a_), float(calibrator.b_)
    else:
        pipeline = base.fit(features, y)
        platt_a, platt_b = -1.0, 0.0
    scaler, logistic = pipeline[0], pipeline[-1]
    return LinearMatchClassifier(
        coef=logistic.coef_[0].astype("float64"),
        intercept=float(logistic.intercept_[0]),
        mean=scaler.mean_.astype("float64"),
        scale=np.where(scaler.scale_ > 0, scaler.scale_, 1.0).astype("float64"),
        platt_a=platt_a,
        platt_b=platt_b,
    )
