"""gx-findmatches expectations; importing this package registers them with GX.

GX registers an expectation type when its class is *defined* (``MetaExpectation``), so
importing these modules is all registration takes.
"""

from __future__ import annotations

from .expect_column_values_to_be_consistent_within_match_groups import (
    ExpectColumnValuesToBeConsistentWithinMatchGroups,
)
from .expect_labeling_sets_to_be_valid import ExpectLabelingSetsToBeValid
from .expect_match_group_sizes_to_be_between import ExpectMatchGroupSizesToBeBetween
from .expect_match_groups_to_not_cross_label_boundaries import (
    ExpectMatchGroupsToNotCrossLabelBoundaries,
)
from .expect_match_quality_metric_to_be_between import ExpectMatchQualityMetricToBeBetween
from .expect_table_fuzzy_duplicate_rate_to_be_between import (
    ExpectTableFuzzyDuplicateRateToBeBetween,
)
from .expect_table_rows_to_have_no_matches_in_reference import (
    ExpectTableRowsToHaveNoMatchesInReference,
)

__all__ = [
    "ExpectColumnValuesToBeConsistentWithinMatchGroups",
    "ExpectLabelingSetsToBeValid",
    "ExpectMatchGroupSizesToBeBetween",
    "ExpectMatchGroupsToNotCrossLabelBoundaries",
    "ExpectMatchQualityMetricToBeBetween",
    "ExpectTableFuzzyDuplicateRateToBeBetween",
    "ExpectTableRowsToHaveNoMatchesInReference",
]
