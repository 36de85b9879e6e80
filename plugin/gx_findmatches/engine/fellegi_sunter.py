"""The unsupervised model: Fellegi-Sunter, trained so that it cannot collapse.

Per column and agreement level we estimate ``m`` (how often true matches show that level) and
``u`` (how often non-matches do). A pair's log-odds of matching is
``logit(prior) + sum(log(m / u))`` over its columns, where a missing value adds nothing.
Each column's ``log(m / u)`` at a pair's level is its *partial match weight*; explanations show
them per column and the supervised model starts from them.

How the three parts are estimated, and why (the failure each choice prevents was measured on
a public person table, RLdata10000: EM over the blocked candidates with ``u`` re-estimated
settled on "same first name" as its match class, prior 0.56, true F1 0.003):

- ``u`` comes from uniformly random record pairs, which are almost all non-matches whatever
  the data, and is **never re-estimated by EM**: re-estimating it on the candidates lets EM
  call any frequent agreement pattern a match. Random pairs are not *all* non-matches,
  though: on a small table with duplicates, or one with huge entities, true matches among
  them make a specific column's agreement look common (on dedupe's public PATSTAT sample,
  one company in ten records: an exact assignee name had ``u`` 0.02, so weight 3.3, while no
  name is shared by two companies). So ``u`` is counted once more on the random pairs the
  first model does not take for matches (probability under one half), and the model is fit
  again with it (Splink's ``fake_1000`` F1 0.943 -> 0.986; PATSTAT 0.086 -> 0.197), when
  they are at least one random pair in a thousand (fake_1000 2.4 in a thousand, PATSTAT 15).
  Below that (FEBRL3 0.01 to 0.2, the historical sample 0.36, Chicago childcare 0.94) the
  recount moved little but moved it the wrong way as often as the right one: on FEBRL3 with
  four columns it lifted six false matches above probability 0.9, so precision no longer
  rose with ``precision_recall_tradeoff`` (0.99890 at 0.7, 0.99888 at 0.9); Chicago lost
  0.012 and the historical sample gained 0.006.
- ``m`` comes from EM in **training sessions** (as Splink's training rules): each session takes
  the record pairs that agree exactly on one column, and estimates ``m`` only for the *other*
  columns, whose agreement among those pairs is not forced by how they were chosen. A column's
  ``m`` is the average over the sessions where it was free, weighted by each session's matches.
- The **prior** (the chance two random records match) follows from a session's match count
  and the share of all matches that agree on its column (that column's ``m`` at the exact
  level, learned in other sessions), not from EM over the biased candidates; only when no
  session can count them (their keys mostly empty) from the candidates' match share with
  ``m`` and ``u`` held fixed (:mod:`.match_count`).
- Levels are kept **in order**: a closer value is never weaker evidence than a farther one
  (pool-adjacent-violators on each column's weights).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .comparison import MISSING_LEVEL
from .dependence import (
    MIN_LINK_LIFT,
    SURE_NON_MATCH,
    Link,
    agreement_lifts,
    agreement_links,
    links_from_json,
    probable_non_matches,
)
from .em import initial_m, initial_m_tables, level_frequencies, monotone_m, run_em
from .log_odds import gather_weights, sigmoid, summed_log_odds
from .match_count import CandidatePairs, SessionFit, consistent_sessions, fitted_prior


@dataclass(frozen=True)
class FellegiSunterModel:
    """Fitted ``m``/``u`` tables (one array per column, indexed by level) and prior.

    Attributes:
        iterations: how many training sessions the model was learnt from.
        notes: what training noticed (a session that did not converge, a column that no
            session could estimate, a prior that had to be bounded), for run summaries.
    """

    m: tuple[np.ndarray, ...]
    u: tuple[np.ndarray, ...]
    prior: float
    iterations: int
    notes: tuple[str, ...] = field(default=())
    links: tuple[Link, ...] = field(default=())

    @property
    def intercept(self) -> float:
        """The log-odds of a pair before any column is looked at: ``logit(prior)``."""
        return float(np.log(self.prior / (1.0 - self.prior)))

    def weight_tables(self) -> list[np.ndarray]:
        """``log(m/u)`` per level with a trailing 0, so the missing level (-1) indexes it."""
        return [np.r_[np.log(m / u), 0.0] for m, u in zip(self.m, self.u, strict=True)]

    def partial_weights(self, levels: np.ndarray) -> np.ndarray:
        """Per-column log Bayes factors ``log(m/u)`` for each pair (0 where missing), with
        each link's correction in its second column."""
        return gather_weights(self.weight_tables(), levels, self.links)

    def match_log_odds(self, levels: np.ndarray) -> np.ndarray:
        """Log-odds that each pair is a match."""
        return summed_log_odds(self.intercept, self.weight_tables(), levels, self.links)

    def predict_proba(self, levels: np.ndarray) -> np.ndarray:
        """Match probability of each pair."""
        return sigmoid(self.match_log_odds(levels))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready parameters."""
        return {
            "m": [a.tolist() for a in self.m],
            "u": [a.tolist() for a in self.u],
            "prior": self.prior,
            "iterations": self.iterations,
            "notes": list(self.notes),
            "links": [list(link) for link in self.links],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FellegiSunterModel:
        """Rebuild from :meth:`to_dict` output."""
        return cls(
            m=tuple(np.asarray(a, dtype="float64") for a in data["m"]),
            u=tuple(np.asarray(a, dtype="float64") for a in data["u"]),
            prior=float(data["prior"]),
            iterations=int(data["iterations"]),
            notes=tuple(str(n) for n in data.get("notes", ())),
            links=links_from_json(data.get("links", ())),
        )


@dataclass(frozen=True)
class TrainingSession:
    """Record pairs that agree exactly on ``column`` (a sample of them), for EM.

    Attributes:
        column: index of the column the pairs were chosen by (left out of this session).
        levels: agreement levels of the sampled pairs on every column.
        total_pairs: how many pairs agree on the column in the whole table (the sample's
            population), to turn the session's match share into a match count.
    """

    column: int
    levels: np.ndarray
    total_pairs: int


# Share of random pairs the first model must take for matches before ``u`` is counted again
# without them (see the module docstring).
MATCHES_AMONG_RANDOM_PAIRS = 1e-3


def fit_fellegi_sunter(
    sessions: Sequence[TrainingSession],
    random_levels: np.ndarray,
    sizes: Sequence[int],
    total_pairs: int,
    candidates: CandidatePairs | None = None,
    records: int | None = None,
    names: Sequence[str] = (),
) -> FellegiSunterModel:
    """Fit ``u`` on random pairs, ``m`` by EM in training sessions, and the prior.

    Args:
        sessions: blocked-on-one-column samples (see :class:`TrainingSession`).
        random_levels: levels of uniformly random record pairs.
        sizes: number of non-missing levels per column.
        total_pairs: number of record pairs in the table (``n (n - 1) / 2``, within partitions).
        candidates: every candidate pair's levels, used by one EM over all columns when no
            session can estimate a column (a one-column table, say), and for the prior when
            no session can count the matches (:mod:`.match_count`).
        records: the table's record count, which bounds a session's weight in ``m`` (see
            :func:`_combined_m`); ``None``: unbounded.
        names: the columns' names, for the notes a user reads (else their positions).
    """
    random_levels = random_levels[probable_non_matches(random_levels)]
    u = level_frequencies(random_levels, sizes, np.ones(len(random_levels)))
    missing_share = [
        float((random_levels[:, c] == MISSING_LEVEL).mean()) if len(random_levels) else 0.0
        for c in range(len(sizes))
    ]

    def passes(
        u: list[np.ndarray], links: tuple[Link, ...], lift: np.ndarray
    ) -> FellegiSunterModel:
        return _fit_passes(
            sessions,
            u,
            sizes,
            links,
            lift,
            missing_share,
            total_pairs,
            candidates,
            records,
            names,
        )

    # Pass 1 without links; its posterior on the random pairs says which of them are
    # non-matches, among which column dependence and ``u`` are measured again for pass 2.
    first_lift = agreement_lifts(random_levels)
    first = passes(u, (), first_lift)
    posterior = first.predict_proba(random_levels)
    lift = agreement_lifts(random_levels, (posterior < SURE_NON_MATCH).astype("float64"))
    links = agreement_links(lift)
    unmatched = posterior < 0.5
    recount = len(unmatched) > 0 and (~unmatched).mean() >= MATCHES_AMONG_RANDOM_PAIRS
    if not recount and not links and not _sessions_change(first_lift, lift):
        return first
    if recount:
        u = level_frequencies(random_levels, sizes, unmatched.astype("float64"))
    return passes(u, links, lift)


def _sessions_change(first_lift: np.ndarray, lift: np.ndarray) -> bool:
    """Whether the lifts among the first model's non-matches free (or hold) a column in some
    training session that the first lifts held (or freed).

    The first lifts count every random pair, true matches among them. On a small table with
    two identifying columns those matches agree on both and look like dependence: in a
    generated payments table (600 records of 300 payments; memo, date, amount) the amount
    session held the memo back and the memo session the amount, and the only session left to
    learn their ``m`` was the one keyed on the date, which holds no match (recall 0.183).
    Among the non-matches the lift was 1, and the sessions are fit again with it (recall
    0.773). Where the first model is too poor to tell the matches among random pairs, the
    lifts do not change and neither does the model: the same table drawn with another seed
    still matches nothing (docs/quality.md)."""
    changed = (first_lift >= MIN_LINK_LIFT) != (lift >= MIN_LINK_LIFT)
    return bool((changed & ~np.eye(len(lift), dtype=bool)).any())  # a session ignores its own


def _fit_passes(
    sessions: Sequence[TrainingSession],
    u: list[np.ndarray],
    sizes: Sequence[int],
    links: tuple[Link, ...],
    lift: np.ndarray,
    missing_share: list[float],
    total_pairs: int,
    candidates: CandidatePairs | None,
    records: int | None = None,
    names: Sequence[str] = (),
) -> FellegiSunterModel:
    """Sessions, consistency check, fallback EM, level order and prior: one model."""
    notes: list[str] = []

    def named(column: int) -> str:
        return repr(names[column]) if column < len(names) else f"#{column}"

    fits = [_fit_session(s, u, sizes, links, lift) for s in sessions if len(s.levels)]
    m = _combined_m(fits, sizes, records)
    consistent = consistent_sessions(fits, m, missing_share, notes, named)
    if len(consistent) < len(fits):
        fits = consistent
        m = _combined_m(fits, sizes, records)
    unestimated = [c for c, table in enumerate(m) if np.isnan(table).any()]
    if unestimated and candidates is not None and len(candidates.levels):
        free = np.zeros(len(sizes), dtype=bool)
        free[unestimated] = True
        whole = run_em(candidates.levels, u, sizes, free, initial_m_tables(sizes), links)
        for c in unestimated:
            m[c] = whole.m[c]
        notes.append(
            f"column(s) {', '.join(map(named, unestimated))}: learnt from all candidate pairs "
            f"at once (no training session could leave them out), which can mistake a "
            f"frequent agreement for a match; labels correct it"
        )
    m = [
        initial_m(size) if np.isnan(table).any() else table
        for table, size in zip(m, sizes, strict=True)
    ]
    m = [monotone_m(table, u_table) for table, u_table in zip(m, u, strict=True)]
    for f in fits:
        if f.free.any() and not f.converged:
            notes.append(f"the training session on column {named(f.column)} did not converge")
    prior = fitted_prior(fits, m, u, links, missing_share, total_pairs, candidates, notes)
    return FellegiSunterModel(tuple(m), tuple(u), prior, len(fits), tuple(notes), links)


def _combined_m(
    fits: Sequence[SessionFit], sizes: Sequence[int], records: int | None = None
) -> list[np.ndarray]:
    """Each column's ``m``: the mean over the sessions where it was free, weighted by the
    square root of each session's matches (a large session counts more, never alone).

    A session's matches count for at most one per record: a session keyed on a common value
    (a brand, a beer style) that took its look-alikes for matches claims the most matches of
    all, and outweighed the specific sessions (Magellan's public Beer table: a style session
    of 9,933 "matches" among 544 records; unsupervised F1 0.011 -> 0.205 with the bound).
    Tables of large entities lose a little (PatentsView 0.987 -> 0.981)."""
    cap = np.inf if records is None else float(records)
    m: list[np.ndarray] = []
    for col, size in enumerate(sizes):
        estimates = [(f.m[col], f.matches) for f in fits if f.free[col] and f.matches > 0]
        if estimates:
            weights = np.sqrt([min(w, cap) for _, w in estimates])
            m.append(np.average(np.vstack([e for e, _ in estimates]), axis=0, weights=weights))
        else:
            m.append(np.full(size, np.nan))
    return m


def _fit_session(
    session: TrainingSession,
    u: list[np.ndarray],
    sizes: Sequence[int],
    links: Sequence[Link],
    lift: np.ndarray,
) -> SessionFit:
    """EM on one session's pairs. Its key column is left out, and so is every column whose
    agreement goes with the key's (a suburb in a session keyed on postcode): the session's
    pairs agree on those by how they were chosen, not because they match."""
    free = lift[session.column] < MIN_LINK_LIFT
    free[session.column] = False
    if not free.any():  # nothing left to learn from: no m, no match count
        return SessionFit(session.column, [], 0.0, False, free)
    result = run_em(session.levels, u, sizes, free, initial_m_tables(sizes), links)
    return SessionFit(
        session.column,
        result.m,
        result.share * session.total_pairs,
        result.converged,
        free,
    )
