"""One gx-findmatches blocking key as a ``recordlinkage`` index algorithm.

For users who build their own ``recordlinkage`` pipelines: the same key rules the engine
blocks on (:data:`.blocking.KEY_FUNCTIONS`), on one column, deduplication only.
"""

from __future__ import annotations

import pandas as pd
from recordlinkage.base import BaseIndexAlgorithm

from .blocking import KEY_FUNCTIONS, key_codes, pairs_within_groups
from .columns import ColumnSpec
from .comparison import prepare_column


class KeyBlock(BaseIndexAlgorithm):  # type: ignore[misc]
    """One gx-findmatches blocking key as a ``recordlinkage`` index algorithm (deduplication).

    Example:
        >>> import recordlinkage
        >>> indexer = recordlinkage.Index()
        >>> indexer.add(KeyBlock("surname", "soundex"))
    """

    def __init__(self, column: str, rule: str = "exact") -> None:
        super().__init__()
        if rule not in KEY_FUNCTIONS:
            raise ValueError(f"unknown key rule {rule!r}; use one of {sorted(KEY_FUNCTIONS)}")
        self.column = column
        self.rule = rule

    def _dedup_index(self, df_a: pd.DataFrame) -> pd.MultiIndex:
        prepared = prepare_column(
            ColumnSpec(self.column, "name", "given by the user"), df_a[self.column]
        )
        left, right = pairs_within_groups(key_codes(prepared, self.rule))
        return pd.MultiIndex.from_arrays([df_a.index[right], df_a.index[left]])

    def _link_index(self, df_a: pd.DataFrame, df_b: pd.DataFrame) -> pd.MultiIndex:
        raise NotImplementedError("KeyBlock supports deduplication (one table) only")
