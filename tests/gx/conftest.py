"""Shared fixtures of the GX layer tests: FEBRL3 with its truth columns and truth facts.

Importing GX takes seconds and a FindMatches run on FEBRL3 about one, so each test module
builds one file-mode project and runs one checkpoint whose results many tests read. Expected
values are computed from the FEBRL truth here, never hard-coded.
"""

from __future__ import annotations

import pandas as pd
import pytest
from gx_helpers import KIND, PRIMARY_KEY, TRUTH, Truth


@pytest.fixture(scope="session")
def febrl3_checked(febrl3: pd.DataFrame, febrl3_truth: pd.Series) -> pd.DataFrame:
    """FEBRL3 plus the true entity and the record kind, columns the matcher must not see."""
    kind = febrl3[PRIMARY_KEY].str.contains("-org").map({True: "org", False: "dup"})
    return febrl3.assign(**{TRUTH: febrl3_truth.to_numpy(), KIND: kind.to_numpy()})


@pytest.fixture(scope="session")
def truth(febrl3_truth: pd.Series) -> Truth:
    sizes = febrl3_truth.value_counts()
    duplicate = sizes[sizes >= 2]
    return Truth(
        rows=len(febrl3_truth),
        rows_in_groups=int(duplicate.sum()),
        groups=len(duplicate),
        largest=int(sizes.max()),
        groups_of_largest=int((sizes == sizes.max()).sum()),
    )
