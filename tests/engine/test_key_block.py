"""``KeyBlock``: an engine blocking key used from a plain ``recordlinkage`` pipeline."""

from __future__ import annotations

import pandas as pd
import pytest
import recordlinkage
from gx_findmatches.engine.key_block import KeyBlock


def test_key_block_pairs_records_sharing_a_phonetic_key() -> None:
    frame = pd.DataFrame({"surname": ["Smith", "Smyth", "Jones", "Johns", "Brown"]})
    indexer = recordlinkage.Index()
    indexer.add(KeyBlock("surname", "soundex"))
    pairs = {tuple(sorted(p)) for p in indexer.index(frame)}
    assert pairs == {(0, 1), (2, 3)}


def test_key_block_refuses_an_unknown_transform() -> None:
    with pytest.raises(ValueError, match="unknown key rule"):
        KeyBlock("surname", "no-such-key")
