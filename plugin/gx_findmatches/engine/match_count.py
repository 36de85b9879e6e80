"""How many record pairs match: the prior of the unsupervised model.

Fellegi-Sunter's prior is the chance that two random records match. Blocked candidates cannot
give it directly (they are chosen for agreeing), so it comes from the training sessions: a
session keyed on column ``c`` holds the matches that agree exactly on ``c`` with both values
present, a share ``m_c[0] * (1 - missing_c)`` of all matches, with ``m_c`` learnt where ``c``
was free. Its match count divided by that share estimates every matching pair of the table;
sessions far from the others' median are left out, and the median of the rest over all pairs
is the prior.

A session keyed on a column that is mostly empty (a note field, a month) implies nothing: the
share of matches it can see is too small to divide by. When no session implies a count (every
key sparse, as in bibliographic records where most fields are blank; or one compared column
and so no session at all), the prior was a fixed guess of 1 in 10,000. On Cora (1,879
citations, true prior 0.037) that guess held the model to recall 0.47 (F1 0.638; 0.916 now).
It is now the maximum-likelihood match share among the record pairs blocking proposes (and
the pairs of identical copies, which blocking never sees), with ``m`` and ``u`` held as
fitted, times their count over all pairs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .dependence import Link
from .em import distinct_patterns, match_share
from .log_odds import summed_log_odds

PRIOR_BOUNDS = (1e-9, 0.5)
_MIN_VISIBLE_SHARE = 0.05  # a session must see at least this share of all matches
_MAX_SESSION_SPREAD = 5.0  # a session further than this factor from the median is left out


@dataclass(frozen=True)
class SessionFit:
    """What EM learnt in one training session."""

    column: int
    m: list[np.ndarray]
    matches: float  # expected matches among all the session's pairs
    converged: bool
    free: np.ndarray  # the columns this session estimated


@dataclass(frozen=True)
class CandidatePairs:
    """The blocked candidate pairs, for the prior when no session implies a count.

    Blocking runs on one representative per set of records identical on the compared
    columns, so each candidate pair stands for ``copies[left] * copies[right]`` record pairs,
    and the records of one set pair with each other ``k (k - 1) / 2`` times. Those copy pairs
    are not all matches: rows that share only a common value (a year, a city) are copies too,
    and the engine keeps apart the sets whose representative the model does not match with
    itself (:func:`.identical.keep_matching_copies`); the prior counts the same ones.

    Attributes:
        levels: levels of the candidate pairs.
        left, right: the pairs' representatives.
        copies: how many records each representative stands for.
        compare: the levels of pairs of representatives (``PreparedTable.levels``), for a
            copy set's representative against itself; called only when this prior is needed.
    """

    levels: np.ndarray
    left: np.ndarray
    right: np.ndarray
    copies: np.ndarray
    compare: Callable[[np.ndarray, np.ndarray], np.ndarray]

    def candidate_record_pairs(self) -> np.ndarray:
        """How many record pairs each candidate pair stands for."""
        return self.copies[self.left].astype("float64") * self.copies[self.right]

    def copy_sets(self) -> tuple[np.ndarray, np.ndarray]:
        """Each copy set's representative against itself, and the set's record pairs."""
        sets = np.flatnonzero(self.copies >= 2)
        size = self.copies[sets].astype("float64")
        return self.compare(sets, sets), size * (size - 1) / 2


def implied_matches(fit: SessionFit, m: list[np.ndarray], missing_share: list[float]) -> float:
    """All matches in the table, as one session sees them: its own matches divided by the
    share of matches that agree exactly on its column (learnt where that column was free);
    NaN when that share is too small to divide by."""
    visible = m[fit.column][0] * (1.0 - missing_share[fit.column])
    if np.isnan(visible) or visible <= _MIN_VISIBLE_SHARE or fit.matches <= 0:
        return float("nan")
    return float(fit.matches / visible)


def consistent_sessions(
    fits: Sequence[SessionFit],
    m: list[np.ndarray],
    missing_share: list[float],
    notes: list[str],
    named: Callable[[int], str],
) -> list[SessionFit]:
    """The sessions whose implied match totals agree (within 5x of their median).

    Every session counts the same matches of the same table, so their implied totals should
    agree; a session far off has taken a frequent agreement for the match class (its
    non-matches agree on columns that go with its key, as addresses go with cities) and is
    left out, and said so.
    """
    totals = np.array([implied_matches(f, m, missing_share) for f in fits])
    known = ~np.isnan(totals)
    if known.sum() < 2:
        return list(fits)
    centre = float(np.median(totals[known]))
    keep = ~known | (
        (totals <= _MAX_SESSION_SPREAD * centre) & (totals >= centre / _MAX_SESSION_SPREAD)
    )
    for f, kept, total in zip(fits, keep, totals, strict=True):
        if not kept:
            notes.append(
                f"the training session on column {named(f.column)} implied {total:,.0f} matching "
                f"pairs against {centre:,.0f} from the others; it was left out"
            )
    return [f for f, kept in zip(fits, keep, strict=True) if kept]


def fitted_prior(
    fits: Sequence[SessionFit],
    m: list[np.ndarray],
    u: Sequence[np.ndarray],
    links: Sequence[Link],
    missing_share: list[float],
    total_pairs: int,
    candidates: CandidatePairs | None,
    notes: list[str],
) -> float:
    """The chance two random records match: the median of the sessions' implied totals over
    all pairs, else the candidates' match share (see the module docstring), bounded."""
    implied = [implied_matches(f, m, missing_share) for f in fits]
    estimates = [total / max(total_pairs, 1) for total in implied if not np.isnan(total)]
    if estimates:
        prior = float(np.median(estimates))
    elif candidates is not None and total_pairs > 0 and len(candidates.levels):
        prior = _candidate_prior(m, u, links, total_pairs, candidates)
        notes.append(
            "no training session could count the matches (none is keyed on a column filled "
            "in often enough, or none found any), so the share of matching pairs was "
            "estimated from all candidate pairs at once, which can take a frequent agreement "
            "for matches; label a few sets (labeling_sets) so the model learns from examples"
        )
    else:
        notes.append(
            "no training session gave a match count, so the share of matching pairs is a "
            "default guess (1 in 10,000) and few pairs may reach the threshold; label a few "
            "sets (labeling_sets) so the model learns from examples"
        )
        return 1e-4
    low, high = PRIOR_BOUNDS
    if not low <= prior <= high:
        notes.append(f"the estimated prior {prior:.3g} was outside [{low}, {high}] and bounded")
    return float(np.clip(prior, low, high))


def _candidate_prior(
    m: list[np.ndarray],
    u: Sequence[np.ndarray],
    links: Sequence[Link],
    total_pairs: int,
    candidates: CandidatePairs,
) -> float:
    """Expected matches among the record pairs the candidates stand for (the share by
    :func:`.em.match_share`, ``m`` and ``u`` fixed), plus the pairs of the copy sets that
    this prior would match with themselves, over all pairs.

    Candidate pairs count as the record pairs they stand for: Cora holds many exact copies
    (prior 0.035 against a true 0.037; 0.011 counting each representative pair once). Copy
    sets are not in the share: 300 rows holding only a year are 44,850 pairs agreeing on it
    alone, and the share rose to call them matches (a generated citation table: prior 0.044
    against a true 0.0014; 0.013 now, the rows' candidate pairs with the papers of that
    year still agreeing on the year alone; groups unchanged). Matches blocking never
    proposes are not counted; an ``m`` that took a frequent agreement for the match class
    counts too many (JedAI's TMDB-TVDB: 1.2e-3 against a true 1.1e-5).
    """
    tables = [np.r_[np.log(m_c / u_c), 0.0] for m_c, u_c in zip(m, u, strict=True)]
    patterns, counts = distinct_patterns(candidates.levels, candidates.candidate_record_pairs())
    matches = match_share(summed_log_odds(0.0, tables, patterns, links), counts) * counts.sum()
    copy_levels, set_pairs = candidates.copy_sets()
    self_evidence = summed_log_odds(0.0, tables, copy_levels, links)
    kept = 0.0
    for _ in range(len(set_pairs) + 1):  # more kept sets raise the prior: stops rising
        prior = np.clip((matches + kept) / total_pairs, *PRIOR_BOUNDS)
        now = float(set_pairs[np.log(prior / (1 - prior)) + self_evidence >= 0].sum())
        if now == kept:
            break
        kept = now
    return float((matches + kept) / total_pairs)
