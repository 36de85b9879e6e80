"""The prior when no training session can count the matches (engine/match_count.py).

Sessions are keyed on the most specific columns, and in bibliographic records those are the
mostly empty ones (a note, a month). A session keyed on a column present in 4 % of records
sees too small a share of the matches to imply their total, so the prior used to fall back to
a fixed 1 in 10,000; on Cora (true prior 0.037) that held recall to 0.47.
"""

from __future__ import annotations

import string

import numpy as np
import pandas as pd
from gx_findmatches import FindMatches
from gx_findmatches.engine.blocking import pairs_within_groups
from gx_findmatches.engine.em import match_share
from gx_findmatches.engine.log_odds import sigmoid

SPARSE_COLUMNS = ["note", "month", "tech", "institution", "address", "editor"]


def _citations(seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """400 papers cited 2-5 times each, with typos in title and authors; six columns are
    filled in 4 % of records, so every training session is keyed on a mostly empty one."""
    rng = np.random.default_rng(seed)
    letters = list(string.ascii_lowercase)
    words = ["".join(rng.choice(letters, rng.integers(3, 9))) for _ in range(3000)]
    surnames = ["".join(rng.choice(letters, rng.integers(4, 9))) for _ in range(800)]

    def typo(text: str) -> str:
        if rng.random() < 0.5 or len(text) < 4:
            return text
        cut = int(rng.integers(0, len(text)))
        return text[:cut] + text[cut + 1 :]

    rows, truth = [], []
    for paper in range(400):
        title = " ".join(rng.choice(words, rng.integers(4, 9)))
        authors = " and ".join(rng.choice(surnames, rng.integers(1, 4)))
        year = str(rng.integers(1980, 2000))
        for _ in range(int(rng.integers(2, 6))):
            row = {"title": typo(title), "authors": typo(authors)}
            row["year"] = year if rng.random() < 0.9 else None
            for column in SPARSE_COLUMNS:
                row[column] = str(rng.choice(words[:40])) if rng.random() < 0.04 else None
            rows.append(row)
            truth.append(paper)
    frame = pd.DataFrame(rows)
    frame.insert(0, "id", range(len(frame)))
    return frame, np.array(truth)


def _pairs(groups: np.ndarray) -> set[tuple[int, int]]:
    left, right = pairs_within_groups(pd.factorize(groups)[0])
    return set(zip(left.tolist(), right.tolist(), strict=True))


def test_sessions_on_empty_columns_leave_the_prior_to_the_candidates() -> None:
    """Measured on this table (seed 2): prior 1.88e-3 against a true 2.03e-3, pair recall
    0.994; with the fixed guess of 1e-4, recall 0.260."""
    frame, truth = _citations(seed=2)
    fitted = FindMatches(primary_key="id").fit(frame)
    model = fitted.fellegi_sunter_
    true_pairs = _pairs(truth)
    n = len(frame)
    true_prior = len(true_pairs) / (n * (n - 1) / 2)
    assert true_prior / 1.5 <= model.prior <= true_prior * 1.5
    assert any("estimated from all candidate pairs" in note for note in model.notes)
    found = _pairs(fitted.transform(frame).sort_values("id")["match_id"].to_numpy())
    hits = len(found & true_pairs)
    assert hits / len(true_pairs) >= 0.97
    assert hits / len(found) >= 0.99


def test_match_share_recovers_the_share_of_a_known_mixture() -> None:
    """Pairs drawn from a known mixture: 3 % matches with log-ratio +6, the rest -4 or 0."""
    rng = np.random.default_rng(0)
    is_match = rng.random(200_000) < 0.03
    ratios = np.where(is_match, 6.0, rng.choice([-4.0, 0.0], len(is_match), p=[0.9, 0.1]))
    patterns, counts = np.unique(ratios, return_counts=True)
    share = match_share(patterns, counts.astype("float64"))
    # The exact EM fixed point for these three patterns, found independently by bisection.
    low, high = 1e-6, 0.5
    for _ in range(100):
        mid = (low + high) / 2
        posterior = sigmoid(np.log(mid / (1 - mid)) + patterns)
        low, high = (mid, high) if (posterior * counts).sum() / counts.sum() > mid else (low, mid)
    assert abs(share - low) < 1e-4
    assert abs(share - is_match.mean()) < 0.005


def test_copies_count_as_the_record_pairs_they_stand_for() -> None:
    """Every record given twice: blocking sees one representative per pair of copies, yet
    each candidate pair stands for four record pairs. Measured: prior 1.57e-3 against a true
    2.39e-3 (6.95e-4 counting each representative pair once)."""
    frame, truth = _citations(seed=2)
    doubled = pd.concat([frame, frame.assign(id=frame["id"] + len(frame))], ignore_index=True)
    truth = np.r_[truth, truth]
    n = len(doubled)
    true_prior = len(_pairs(truth)) / (n * (n - 1) / 2)
    prior = FindMatches(primary_key="id").fit(doubled).fellegi_sunter_.prior
    assert true_prior / 2 <= prior <= true_prior * 2


def test_rows_sharing_only_a_common_value_stay_apart() -> None:
    """300 rows holding only a year are one set of copies to blocking, but not one entity:
    the prior does not count their 44,850 pairs as matches, and each stays its own group."""
    frame, _ = _citations(seed=2)
    blanks = pd.DataFrame({"id": range(len(frame), len(frame) + 300), "year": "1990"})
    table = pd.concat([frame, blanks], ignore_index=True)
    fitted = FindMatches(primary_key="id").fit(table)
    n = len(table)
    assert fitted.fellegi_sunter_.prior < 44_850 / (n * (n - 1) / 2) / 2  # 0.0129 < 0.0158
    matched = fitted.transform(table).set_index("id")["match_id"]
    assert matched.loc[blanks["id"]].nunique() == 300


def test_match_share_is_exact_where_the_evidence_is_weak() -> None:
    """Two patterns at log-ratios +0.3 and -0.3 in equal numbers: the maximum-likelihood share
    is one half (EM's own steps had crawled to 0.47 in 200 iterations)."""
    share = match_share(np.array([0.3, -0.3]), np.array([1000.0, 1000.0]))
    assert abs(share - 0.5) < 1e-6
