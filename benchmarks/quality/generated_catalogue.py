"""A generated two-shop catalogue: one product listed by two shops, told apart by model codes.

The shape of the public Abt-Buy benchmark (two electronics shops, about 1,100 products each),
which is not redistributable: shop A writes long titles that end in the model code and long
descriptions; shop B writes short titles in its own words, with the code written its own way.
A product line holds two to six *neighbours* (sizes, colours, series of one model) whose
titles differ only in a number and a code of one or two characters: they are different
products, so a tool that matches on title similarity pays for it. The noise rates were set
from what the public table shows, before any engine ran on this one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .tables import Table

SEED = 20261207

#: Brand -> the letters its model codes start with.
BRANDS = {
    "Samsung": "LN",
    "Panasonic": "KX",
    "Sony": "DSC",
    "Canon": "PG",
    "Sharp": "LC",
    "Yamaha": "NX",
    "Bose": "AM",
    "Logitech": "MX",
}
#: Category: (shop A's words, shop B's words, attribute unit, attribute values).
CATEGORIES = {
    "tv": ("LCD Flat Panel HDTV", "LCD TV", "'", (19, 22, 26, 32, 37, 40, 46, 52)),
    "phone": ("DECT 6.0 Cordless Phone System", "Cordless Phone", " Handsets", (1, 2, 3, 4, 5)),
    "camera": ("Cyber-shot Digital Camera", "Digital Camera", " Megapixel", (8, 10, 12, 14)),
    "speaker": ("Powered Stereo Speaker System", "Speakers", " Watt", (20, 40, 60, 100)),
    "printer": ("Photo Inkjet Printer", "Inkjet Printer", " ppm", (18, 22, 26, 30)),
}
COLOURS = {"Black": "B", "White": "W", "Silver": "S"}


def _product_lines(lines: int, rng: np.random.Generator) -> pd.DataFrame:
    """Products in lines of neighbours: one brand, category and code stem per line."""
    brands = list(BRANDS)
    categories = list(CATEGORIES)
    rows = []
    for line in range(lines):
        brand = brands[rng.integers(len(brands))]
        category = categories[rng.integers(len(categories))]
        series = int(rng.integers(2, 9))
        stem = f"{BRANDS[brand]}{rng.integers(10, 99)}"
        values = CATEGORIES[category][3]
        picks = rng.choice(
            len(values), size=min(len(values), int(rng.integers(2, 7))), replace=False
        )
        for value_index in picks:
            colour = list(COLOURS)[rng.integers(len(COLOURS))]
            code = f"{stem}{'ABCDEFGH'[value_index]}{series}50{COLOURS[colour]}"
            rows.append(
                {
                    "line": line,
                    "brand": brand,
                    "category": category,
                    "series": series,
                    "value": values[value_index],
                    "colour": colour,
                    "code": code,
                    "price": round(float(np.exp(rng.normal(5.3, 0.8))), 2),
                }
            )
    return pd.DataFrame(rows)


def _shop_a(products: pd.DataFrame) -> pd.DataFrame:
    """Every product: brand, attribute, series and category words, then `` - CODE``."""
    words = products["category"].map(lambda c: CATEGORIES[c][0])
    unit = products["category"].map(lambda c: CATEGORIES[c][2])
    title = (
        products["brand"]
        + " "
        + products["value"].astype(str)
        + unit
        + " Series "
        + products["series"].astype(str)
        + " "
        + products["colour"]
        + " "
        + words
        + " - "
        + products["code"]
    )
    description = (
        title + "/ " + products["colour"] + " Finish/ Series " + products["series"].astype(str)
    )
    return pd.DataFrame(
        {
            "title": title,
            "description": description,
            "price": products["price"].map(lambda p: f"${p:,.2f}"),
            "entity": products.index,
        }
    )


def _shop_b(products: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """85 % of the products in shop B's words; its codes vary as shops write them."""
    listed = products[rng.random(len(products)) < 0.85]
    n = len(listed)
    code = listed["code"].to_numpy(dtype=object)
    stem_length = listed["brand"].map(lambda b: len(BRANDS[b])).to_numpy()
    hyphen = rng.random(n) < 0.4
    code = np.where(
        hyphen, [c[:k] + "-" + c[k:] for c, k in zip(code, stem_length, strict=True)], code
    )
    no_colour = rng.random(n) < 0.15  # the colour letter dropped: KX12C350B -> KX12C350
    code = np.where(no_colour, [c[:-1] for c in code], code)
    no_code = rng.random(n) < 0.10
    words = listed["category"].map(lambda c: CATEGORIES[c][1]).to_numpy(dtype=object)
    unit = listed["category"].map(lambda c: CATEGORIES[c][2]).to_numpy(dtype=object)
    value = listed["value"].astype(str).to_numpy(dtype=object) + unit
    brand = listed["brand"].to_numpy(dtype=object)
    title = np.where(
        no_code,
        brand + " " + value + " " + words + " " + listed["colour"].to_numpy(dtype=object),
        brand + " " + code + " " + words + " " + value,
    )
    description = np.where(rng.random(n) < 0.5, value + " " + words, None)
    priced = rng.random(n) < 0.6
    price = listed["price"].to_numpy() * rng.uniform(0.9, 1.1, n)
    return pd.DataFrame(
        {
            "title": title,
            "description": description,
            "price": np.where(priced, np.round(price, 2).astype(str), None),
            "entity": listed.index,
        }
    )


def load_catalogues(lines: int = 300) -> Table:
    """Shop A's and shop B's listings in one table, in random order."""
    from .tables import Table

    rng = np.random.default_rng(SEED)
    products = _product_lines(lines, rng)
    frame = pd.concat([_shop_a(products), _shop_b(products, rng)], ignore_index=True)
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    truth = frame.pop("entity").astype(str).rename("truth")
    frame.insert(0, "listing_id", [f"l{i:05d}" for i in range(len(frame))])
    return Table(
        frame.astype({"description": object, "price": object}),
        "listing_id",
        truth,
        None,
        "two-shop catalogue: title, description, price; the 2-6 products of a line are "
        "neighbours whose titles differ by a number and one or two code characters; noise: "
        "shop B lists 85 % of products in its own words, code hyphenated 40 %, colour letter "
        "dropped 15 %, no code 10 %, description missing 50 %, price missing 40 % or +-10 %",
        "generated",
        "n/a",
    )
