"""gx-findmatches as Great Expectations (GX Core 1.x) checks.

Importing this package registers the ``findmatches.*`` metrics and the expectations below
with GX, and also exposes the expectations as ``great_expectations.expectations.<Name>``::

    import great_expectations as gx
    import gx_findmatches.gx  # registers the plugin

    suite.add_expectation(
        gx.expectations.ExpectTableFuzzyDuplicateRateToBeBetween(
            primary_key="customer_id", max_value=0.05
        )
    )

Suites saved as JSON name expectation types only; a process that loads them without this
import gets them silently dropped by GX. Use :func:`load_suite` or :func:`ensure_registered`.
"""

from __future__ import annotations

import great_expectations.expectations as _gx_expectations

from . import datasource as datasource
from . import metrics as metrics
from .errors import SuiteError, UnregisteredExpectationError
from .expectations import (
    ExpectColumnValuesToBeConsistentWithinMatchGroups,
    ExpectLabelingSetsToBeValid,
    ExpectMatchGroupSizesToBeBetween,
    ExpectMatchGroupsToNotCrossLabelBoundaries,
    ExpectMatchQualityMetricToBeBetween,
    ExpectTableFuzzyDuplicateRateToBeBetween,
    ExpectTableRowsToHaveNoMatchesInReference,
)
from .guard import ensure_registered, load_suite
from .offline_docs import make_data_docs_offline, make_site_offline

__all__ = [
    "ExpectColumnValuesToBeConsistentWithinMatchGroups",
    "ExpectLabelingSetsToBeValid",
    "ExpectMatchGroupSizesToBeBetween",
    "ExpectMatchGroupsToNotCrossLabelBoundaries",
    "ExpectMatchQualityMetricToBeBetween",
    "ExpectTableFuzzyDuplicateRateToBeBetween",
    "ExpectTableRowsToHaveNoMatchesInReference",
    "SuiteError",
    "UnregisteredExpectationError",
    "ensure_registered",
    "load_suite",
    "make_data_docs_offline",
    "make_site_offline",
]

# GX's own expectations are attributes of ``great_expectations.expectations``; registration
# alone does not add ours there, so `gx.expectations.<Name>` would fail without this.
for _name in __all__:
    if _name.startswith("Expect"):
        setattr(_gx_expectations, _name, globals()[_name])
