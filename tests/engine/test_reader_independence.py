"""The same file gives the same groups whatever reads it: as text (the CLI) or typed (GX).

Measured before: a person table whose birth year, month and day are numbers with gaps gave
110 groups read as text and 1,787 read by pandas' type inference (years became floats like
``1970.0`` and were compared as relative numbers). Whole numbers are now read as their digits.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from gx_findmatches import FindMatches, read_table

from benchmarks.synthetic import make_person_table

KEY = "person_id"


@pytest.fixture(scope="module")
def csv_with_number_parts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    frame = make_person_table(1_500, duplicate_share=0.2, seed=5).drop(columns="entity_id")
    dates = pd.to_datetime(frame.pop("date_of_birth"), format="%Y%m%d", errors="coerce")
    frame["birth_year"] = dates.dt.year.astype("Int64")
    frame["birth_month"] = dates.dt.month.astype("Int64")
    frame["birth_day"] = dates.dt.day.astype("Int64")
    gaps = np.random.default_rng(0).random(len(frame)) < 0.1
    frame.loc[gaps, "birth_year"] = pd.NA  # a column with gaps reads back as floats
    path = tmp_path_factory.mktemp("reader") / "people.csv"
    frame.to_csv(path, index=False)
    return path


def _groups(frame: pd.DataFrame) -> pd.Series:
    matched = FindMatches(primary_key=KEY).fit_transform(frame)
    order = matched[KEY].astype(str).argsort()
    return pd.Series(pd.factorize(matched["match_id"].astype(str).to_numpy()[order])[0])


def test_text_and_typed_readers_give_the_same_kinds_and_groups(
    csv_with_number_parts: Path,
) -> None:
    as_text = read_table(csv_with_number_parts)
    typed = pd.read_csv(csv_with_number_parts)
    assert typed["birth_year"].dtype == "float64"  # the trap: 1970.0, not "1970"
    text_kinds = FindMatches(primary_key=KEY).fit(as_text).column_plan_.kinds()
    typed_kinds = FindMatches(primary_key=KEY).fit(typed).column_plan_.kinds()
    assert text_kinds == typed_kinds
    assert _groups(as_text).equals(_groups(typed))


def test_formatted_phone_numbers_are_one_value() -> None:
    phones = ["310/550-8811", "310-550-8811", "(310) 550 8811", "212/807-1801", "212-807-1801"]
    frame = pd.DataFrame(
        {
            "id": range(25),
            "phone": (phones * 5)[:25],
            "name": ["arnie mortons"] * 3 + [f"place {i}" for i in range(22)],
        }
    )
    spec = FindMatches(primary_key="id").fit(frame).column_plan_.kinds()
    assert spec["phone"] == "code"
    from gx_findmatches.engine.columns import ColumnSpec
    from gx_findmatches.engine.comparison import prepare_column

    prepared = prepare_column(ColumnSpec("phone", "code", "test"), frame["phone"].head(5))
    assert prepared.codes is not None
    assert len(set(prepared.codes[:3].tolist())) == 1  # three ways of writing one number
    assert prepared.codes[3] == prepared.codes[4]


def test_repeated_index_labels_and_mixed_numbers_are_read_value_by_value() -> None:
    # after pd.concat an index repeats; a column may mix whole numbers and fractions
    frame = pd.DataFrame(
        {
            "id": range(40),
            "name": ["anna", "anne", "bert", "bart"] * 10,
            "size": [12.0, 3.5, np.nan, 7.0] * 10,
        },
        index=[0] * 40,
    )
    matched = FindMatches(primary_key="id").fit_transform(frame)
    assert len(matched) == 40 and matched["id"].tolist() == list(range(40))
    from gx_findmatches.engine.columns import canonical_values

    alone = canonical_values(pd.Series([12.0]))
    mixed = canonical_values(pd.Series([12.0, 3.5]))
    assert alone.iloc[0] == mixed.iloc[0] == "12"  # a value reads the same in any table


def test_prices_written_with_a_currency_sign_and_thousands_are_numbers() -> None:
    """On the public Abt-Buy table prices read as "$86.54" and "$1,149.99" were taken for
    names and compared by Jaro-Winkler; they are amounts, compared by relative difference,
    and read the same as the typed number (index labels repeat, as after a concat)."""
    from gx_findmatches.engine.columns import ColumnSpec, infer_kind
    from gx_findmatches.engine.comparison import prepare_column

    written = pd.Series(["$86.54", "$1,149.99", None, "€ 5", "1,2", "-1,000.50"], index=[0] * 6)
    spec = ColumnSpec("price", "number", "test")
    read = prepare_column(spec, written)
    assert read.values[[0, 1, 3, 5]].tolist() == [86.54, 1149.99, 5.0, -1000.5]
    assert read.missing.tolist() == [False, False, True, False, True, False]  # "1,2": unread
    typed = prepare_column(spec, pd.Series([86.54, 1149.99]))
    assert typed.values.tolist() == read.values[:2].tolist()
    prices = pd.Series([f"${p:,.2f}" for p in np.linspace(5, 2_500, 300)])
    assert infer_kind(prices)[0] == "number"


def test_percentages_are_numbers_and_placeholders_are_missing() -> None:
    """A beer table's strength reads "5.50 %" and "-" where it is unknown (Magellan's public
    Beer table, one value in nine): the column is a number, and "-" says nothing, in number
    and string columns alike."""
    from gx_findmatches.engine.columns import ColumnSpec, infer_kind
    from gx_findmatches.engine.comparison import prepare_column

    strength = pd.Series([f"{v:.2f} %" for v in np.linspace(3, 12, 270)] + ["-"] * 30)
    assert infer_kind(strength)[0] == "number"
    read = prepare_column(ColumnSpec("abv", "number", "test"), pd.Series(["5.50 %", "6 %", "-"]))
    assert read.values[:2].tolist() == [5.5, 6.0]
    assert read.missing.tolist() == [False, False, True]
    names = pd.Series(["Pike Brewing", "-", "?", "--", "Aiken Brewing"])
    text = prepare_column(ColumnSpec("brewery", "text", "test"), names)
    assert text.missing.tolist() == [False, True, True, True, False]
