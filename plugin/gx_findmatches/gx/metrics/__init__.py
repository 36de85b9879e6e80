"""GX metric providers of gx-findmatches; importing this package registers them with GX.

``findmatches.match_result`` runs the engine once per batch and parameter set; the
``findmatches.*`` metrics built on it only read its result. Metrics that need a different
engine computation (quality estimate, reference matching, label-table validation) read the
batch themselves.
"""

from __future__ import annotations

from .group_consistency import FindMatchesGroupConsistency
from .label_boundary_crossings import FindMatchesLabelBoundaryCrossings
from .labeling_set_problems import FindMatchesLabelingSetProblems
from .match_groups import FindMatchesMatchGroups
from .match_result import FindMatchesMatchResult
from .quality_report import FindMatchesQualityReport
from .reference_matches import FindMatchesReferenceMatches

__all__ = [
    "FindMatchesGroupConsistency",
    "FindMatchesLabelBoundaryCrossings",
    "FindMatchesLabelingSetProblems",
    "FindMatchesMatchGroups",
    "FindMatchesMatchResult",
    "FindMatchesQualityReport",
    "FindMatchesReferenceMatches",
]
