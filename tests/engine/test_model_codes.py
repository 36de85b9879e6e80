"""Model codes inside product titles: read, compared as their own column, and used by labels.

On a union of two shops' listings, neighbouring products of one shop (sizes and colours of
one line) have closer titles than the two listings of one product, and only the model code
tells them apart. Without a model-code column the engine found no match there, with or
without labels (the suite's generated ``catalogues`` table: F1 0.000; the public Abt-Buy
union: 0.006 unsupervised, 0.000 with 200 labelled records).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from gx_findmatches import FindMatches, pairwise_quality
from gx_findmatches.datasets.febrl import PRIMARY_KEY
from gx_findmatches.engine.model_codes import (
    AGREE,
    DIFFERENT,
    RELATED,
    code_tokens,
    model_code_form,
    model_code_similarity,
)
from gx_findmatches.errors import ColumnError

from benchmarks.quality.gx_jobs import SET_SIZE, SETS_PER_ROUND, answer
from benchmarks.quality.tables import Table, load

CODE_COLUMN = "title (model code)"


@pytest.fixture(scope="module")
def catalogues() -> Table:
    return load("catalogues")


def test_codes_are_words_of_letters_and_digits_longest_first() -> None:
    title = "Linksys EtherFast 8-Port 10/100 Switch - EZXS88W"
    assert code_tokens(title) == ["ezxs88w", "8port"]
    assert code_tokens("Proceedings of VLDB 2003, pages 10-20") == []  # years, plain numbers
    assert model_code_form("Panasonic KX-TG9372B cordless") == "kxtg9372b"


def test_code_levels_agree_related_or_different() -> None:
    left = np.array(["kxtg9372b", "kxtg9372", "ln46a650 1080p", "ln46a650"], dtype=object)
    right = np.array(["kxtg9372b", "kxtg9372b", "ln52a650 1080p", "ln46a550"], dtype=object)
    similarity = model_code_similarity(left, right)
    # the same code; one code extending the other (a dropped colour letter); a shared
    # attribute code only; one character apart (a neighbouring product, not a typo)
    assert similarity.tolist() == [AGREE, RELATED, RELATED, DIFFERENT]


def test_a_catalogue_title_gets_a_model_code_column_read_from_it(catalogues: Table) -> None:
    fm = FindMatches(primary_key=catalogues.key).fit(catalogues.frame)
    spec = next(s for s in fm.column_plan_.compared if s.name == CODE_COLUMN)
    assert spec.kind == "model_code" and spec.column == "title"
    assert "'title'" in spec.reason and "model code" in spec.reason
    assert CODE_COLUMN not in fm.trained_columns_  # a table needs only its title
    assert list(fm.feature_names_in_) == ["title", "description", "price"]


def test_columns_without_identifying_codes_get_none(febrl3: pd.DataFrame) -> None:
    """Person tables, one-word codes (an email is a code itself) and titles whose codes
    name attributes shared by many records ("1080p") get no model-code column."""
    frame = febrl3.head(400).copy()
    frame["email"] = frame["given_name"].fillna("x") + frame.index.astype(str) + "@mail.com"
    frame["blurb"] = np.where(frame.index % 2 == 0, "hd tv 1080p black", "hd tv 720p white")
    fm = FindMatches(primary_key=PRIMARY_KEY).fit(frame)
    assert not [s for s in fm.column_plan_.compared if s.kind == "model_code"]


def test_a_named_kind_map_compares_only_what_it_names(catalogues: Table) -> None:
    kinds = {"title": "text", "description": "text", "price": "number"}
    fm = FindMatches(primary_key=catalogues.key, columns=kinds).fit(catalogues.frame)
    assert fm.column_plan_.kinds() == kinds


def test_the_model_code_column_finds_the_catalogue_matches_without_labels(
    catalogues: Table,
) -> None:
    kinds = {"title": "text", "description": "text", "price": "number"}
    without = FindMatches(primary_key=catalogues.key, columns=kinds).fit(catalogues.frame)
    with_codes = FindMatches(primary_key=catalogues.key).fit(catalogues.frame)
    f1 = {
        name: pairwise_quality(fm.transform(catalogues.frame)["match_id"], catalogues.truth).f1
        for name, fm in (("without", without), ("with", with_codes))
    }
    assert f1["with"] >= 0.77, f1  # measured 0.795 (0.000 without the column)
    assert f1["with"] >= f1["without"] + 0.5, f1


def test_active_rounds_hold_matches_and_labels_keep_the_result(catalogues: Table) -> None:
    """The first round holds matching pairs even where the model's own matches are few, and
    four rounds of correct labels (200 records) end at least as good as no labels."""
    fm = FindMatches(primary_key=catalogues.key).fit(catalogues.frame)
    unsupervised = pairwise_quality(fm.transform(catalogues.frame)["match_id"], catalogues.truth)
    labels = pd.DataFrame()
    for round_ in range(4):
        done = labels[catalogues.key].tolist() if len(labels) else []
        sets = fm.labeling_sets(
            catalogues.frame, n_sets=SETS_PER_ROUND, set_size=SET_SIZE, exclude_keys=done
        )
        answered = answer(sets, catalogues)
        if round_ == 0:
            sizes = answered.groupby(["labeling_set_id", "label"]).size()
            assert (sizes >= 2).sum() >= 5, "the first round holds too few matching pairs"
        labels = pd.concat([labels, answered], ignore_index=True)
        fm = FindMatches(primary_key=catalogues.key).fit(catalogues.frame, labels)
    assert fm.model_kind_ == "supervised"
    labelled = pairwise_quality(fm.transform(catalogues.frame)["match_id"], catalogues.truth)
    assert labelled.f1 >= unsupervised.f1, (labelled.f1, unsupervised.f1)


def test_a_saved_model_reads_codes_from_the_title_again(catalogues: Table, tmp_path: Path) -> None:
    fm = FindMatches(primary_key=catalogues.key).fit(catalogues.frame)
    loaded = FindMatches.load(fm.save(tmp_path / "catalogue.json"))
    spec = next(s for s in loaded.column_plan_.compared if s.name == CODE_COLUMN)
    assert spec.column == "title"
    expected = fm.transform(catalogues.frame)
    pd.testing.assert_frame_equal(loaded.transform(catalogues.frame), expected)
    with pytest.raises(ColumnError, match="'title'"):
        loaded.transform(catalogues.frame.drop(columns=["title"]))


def test_explanations_show_the_codes_compared(catalogues: Table) -> None:
    fm = FindMatches(primary_key=catalogues.key).fit(catalogues.frame)
    frame = catalogues.frame
    titles = frame.set_index(catalogues.key)["title"]
    pair = (titles.index[0], titles.index[1])
    rows = fm.explain(frame, [pair]).set_index("column")
    assert rows.at[CODE_COLUMN, "left_value"] == model_code_form(titles.iloc[0].lower())
    assert rows.at["title", "left_value"] == titles.iloc[0]
