"""Generated tables for shapes no public table covers: common names, addresses, partitions.

Each generator is seeded and vectorised (numpy/pandas; only the per-string typo is a
comprehension over the rows it touches). The noise is what real duplicates carry (one-character
typos, missing values, swapped name fields, abbreviations, a moved city) at rates chosen before
running any engine, and is not tuned to gx-findmatches or Splink. Every table has look-alikes
that are *different* entities, so a tool that merges on a shared name pays for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .tables import Table

SEED = 20261127


def _words(text: str) -> list[str]:
    """A word list written as one string (long lists stay readable)."""
    return text.split()


#: The most common US given names and surnames (Census/SSA top lists): many people share them.
GIVEN = _words(
    "james mary john patricia robert jennifer michael linda william elizabeth david barbara "
    "richard susan joseph jessica thomas sarah charles karen christopher nancy daniel lisa "
    "matthew betty anthony margaret mark sandra"
)
SURNAMES = _words(
    "smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez "
    "gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white"
)
CITIES = _words(
    "springfield franklin greenville bristol clinton fairview salem madison georgetown "
    "arlington ashland dover oxford jackson burlington"
)
STREETS = _words(
    "king queen george church high station victoria albert park william elizabeth john "
    "railway bridge mill market castle chapel north south"
)
STREET_TYPES = {"street": "st", "road": "rd", "avenue": "ave", "lane": "ln", "parade": "pde"}
SUBURBS = [
    *_words(
        "richmond carlton fitzroy brunswick northcote hawthorn kew camberwell malvern prahran "
        "toorak brighton elsternwick coburg preston thornbury footscray yarraville kensington "
        "essendon"
    ),
    "ascot vale",
    "st kilda",
]
COUNTRIES = ("au", "nz", "uk", "ie", "ca")
LETTERS = np.array(list("abcdefghijklmnopqrstuvwxyz"))


def typo(values: pd.Series, mask: np.ndarray, rng: np.random.Generator) -> pd.Series:
    """One random edit (substitute, delete, insert, swap adjacent) in each masked string."""
    out = values.copy()
    chosen = np.flatnonzero(mask & values.notna().to_numpy())
    kinds = rng.integers(0, 4, len(chosen))
    positions = rng.random(len(chosen))
    letters = rng.choice(LETTERS, len(chosen))
    edited = []
    for text, kind, position, letter in zip(
        values.iloc[chosen], kinds, positions, letters, strict=True
    ):
        i = int(position * (len(text) - 1)) if len(text) > 1 else 0
        if kind == 0:
            text = text[:i] + letter + text[i + 1 :]
        elif kind == 1 and len(text) > 2:
            text = text[:i] + text[i + 1 :]
        elif kind == 2:
            text = text[:i] + letter + text[i:]
        elif len(text) > 1:
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        edited.append(text)
    out.iloc[chosen] = edited
    return out


def _duplicate(originals: pd.DataFrame, share: float, rng: np.random.Generator) -> pd.DataFrame:
    """Originals plus 1-3 extra copies of a ``share`` of them (``entity`` marks the original);
    copies come back with ``is_copy`` True so noise is applied to them only."""
    chosen = np.flatnonzero(rng.random(len(originals)) < share)
    copies = originals.iloc[np.repeat(chosen, rng.choice([1, 1, 1, 2, 3], len(chosen)))]
    both = pd.concat(
        [originals.assign(is_copy=False), copies.assign(is_copy=True)], ignore_index=True
    )
    return both.sample(frac=1.0, random_state=int(rng.integers(2**31))).reset_index(drop=True)


def _missing(frame: pd.DataFrame, column: str, rate: float, rng: np.random.Generator) -> None:
    hit = frame["is_copy"].to_numpy() & (rng.random(len(frame)) < rate)
    frame[column] = frame[column].mask(hit)


def _table(
    frame: pd.DataFrame, key: str, partition: str | None, description: str, noise: str
) -> Table:
    from .tables import Table

    truth = frame.pop("entity").rename("truth")
    frame = frame.drop(columns="is_copy")
    frame.insert(0, key, [f"{key[0]}{i:06d}" for i in range(len(frame))])
    return Table(frame, key, truth, partition, f"{description}; noise: {noise}", "generated", "n/a")


def _people(n: int, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "entity": np.arange(n),
            "given_name": rng.choice(GIVEN, n),
            "surname": rng.choice(SURNAMES, n),
            "birth_year": rng.integers(1940, 2005, n),
            "city": rng.choice(CITIES, n),
        }
    )


def _person_noise(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    """Typos in names (20 % each), given/surname swapped (5 %), birth year off by one (8 %),
    moved to another city (10 %), birth year or city missing (10 % each); copies only."""
    copy = frame["is_copy"].to_numpy()
    n = len(frame)
    for column in ("given_name", "surname"):
        frame[column] = typo(frame[column], copy & (rng.random(n) < 0.2), rng)
    swap = copy & (rng.random(n) < 0.05)
    frame.loc[swap, ["given_name", "surname"]] = frame.loc[swap, ["surname", "given_name"]].values
    off = copy & (rng.random(n) < 0.08)
    frame["birth_year"] = frame["birth_year"] + np.where(off, rng.choice([-1, 1], n), 0)
    moved = copy & (rng.random(n) < 0.1)
    frame["city"] = frame["city"].where(~moved, rng.choice(CITIES, n))
    frame["birth_year"] = frame["birth_year"].astype("Int64")
    _missing(frame, "birth_year", 0.1, rng)
    _missing(frame, "city", 0.1, rng)


def load_common_names(people: int = 8000) -> Table:
    """Persons drawn from 30 given names x 25 surnames (750 full names for 8,000 people), with
    four columns only; 15 % have 1-3 noisy duplicates."""
    rng = np.random.default_rng(SEED)
    frame = _duplicate(_people(people, rng), 0.15, rng)
    _person_noise(frame, rng)
    return _table(
        frame,
        "person_id",
        None,
        "persons with very common names, 4 columns (given_name, surname, birth_year, city)",
        "name typos 20 %, swapped names 5 %, year +-1 8 %, moved 10 %, missing year/city 10 %",
    )


def _unit(units: pd.Series, numbers: pd.Series, style: np.ndarray) -> pd.Series:
    """A street number with its unit written one of three ways: '3/12', 'unit 3 12', 'u3 12'."""
    has = units.notna().to_numpy()
    u = units.astype("Int64").astype("string").fillna("")
    n = numbers.astype(str)
    forms = np.select(
        [style == 0, style == 1], [u + "/" + n, "unit " + u + " " + n], "u" + u + " " + n
    )
    return pd.Series(np.where(has, forms, n), index=numbers.index)


def load_addresses(addresses: int = 6000) -> Table:
    """Addresses only: street number (with an optional unit), street name, suburb, postcode.
    Units of one building are different entities that differ by one number; 20 % of addresses
    have 1-3 duplicates written differently."""
    rng = np.random.default_rng(SEED + 1)
    suburb = rng.integers(0, len(SUBURBS), addresses)
    types = np.array(list(STREET_TYPES))
    originals = pd.DataFrame(
        {
            "entity": np.arange(addresses),
            "number": rng.integers(1, 200, addresses),
            "unit": pd.Series(rng.integers(1, 12, addresses)).where(rng.random(addresses) < 0.3),
            "name": rng.choice(STREETS, addresses),
            "type": rng.choice(types, addresses),
            "suburb": np.array(SUBURBS)[suburb],
            "postcode": (3000 + 10 * suburb + rng.integers(0, 3, addresses)).astype(str),
        }
    )
    frame = _duplicate(originals, 0.2, rng)
    copy = frame["is_copy"].to_numpy()
    n = len(frame)
    style = np.where(copy, rng.integers(0, 3, n), 0)
    abbreviate = rng.random(n) < np.where(copy, 0.5, 0.3)
    street_type = np.where(abbreviate, frame["type"].map(STREET_TYPES), frame["type"])
    name = typo(frame["name"], copy & (rng.random(n) < 0.15), rng)
    frame["street_number"] = _unit(frame["unit"], frame["number"], style)
    frame["street_name"] = name + " " + street_type
    frame["suburb"] = typo(frame["suburb"], copy & (rng.random(n) < 0.1), rng)
    wrong_digit = copy & (rng.random(n) < 0.05)
    frame["postcode"] = frame["postcode"].where(~wrong_digit, frame["postcode"].str[:3] + "9")
    _missing(frame, "postcode", 0.1, rng)
    _missing(frame, "suburb", 0.05, rng)
    frame = frame[["entity", "is_copy", "street_number", "street_name", "suburb", "postcode"]]
    return _table(
        frame.copy(),
        "address_id",
        None,
        "addresses only: street_number (unit), street_name, suburb, postcode",
        "unit written 3 ways, St/Street etc., street typo 15 %, suburb typo 10 %, "
        "postcode digit 5 %, missing postcode 10 %/suburb 5 %",
    )


def load_partitioned(people: int = 6000) -> Table:
    """Persons in five countries (the partition); 10 % of people have a look-alike in another
    country with the same name and birth year (a different person, never to be merged)."""
    rng = np.random.default_rng(SEED + 2)
    base = _people(people, rng)
    base["country"] = rng.choice(COUNTRIES, people)
    twins = base.sample(frac=0.1, random_state=int(rng.integers(2**31))).copy()
    twins["entity"] = np.arange(people, people + len(twins))
    shift = rng.integers(1, len(COUNTRIES), len(twins))
    where = twins["country"].map({c: i for i, c in enumerate(COUNTRIES)}).to_numpy()
    twins["country"] = np.array(COUNTRIES)[(where + shift) % len(COUNTRIES)]
    twins["city"] = rng.choice(CITIES, len(twins))
    frame = _duplicate(pd.concat([base, twins], ignore_index=True), 0.15, rng)
    _person_noise(frame, rng)
    return _table(
        frame,
        "person_id",
        "country",
        "persons in 5 countries (partition column), look-alikes across countries",
        "as common_names; 10 % of people have a same-name, same-year twin in another country",
    )


WORDS = _words(
    "query queries database databases distributed parallel efficient scalable adaptive "
    "optimization processing index indexing stream streams xml relational semantic web data "
    "mining learning model models transaction transactions storage management system systems "
    "approach framework evaluation join joins graph graphs cache caching spatial temporal "
    "approximate probabilistic uncertain integration schema matching views materialized "
    "workload benchmark peer networks sensor mobile privacy secure ranking top-k search "
    "keyword similarity clustering sampling estimation cost-based analysis"
)
VENUES = {
    "international conference on management of data": "sigmod",
    "very large data bases": "vldb",
    "international conference on data engineering": "icde",
    "acm transactions on database systems": "tods",
    "the vldb journal": "vldb j.",
    "sigmod record": "sigmod rec.",
    "principles of database systems": "pods",
    "extending database technology": "edbt",
}


def _authors(people: np.ndarray, initials: np.ndarray) -> list[str]:
    """', '-joined author lists; where ``initials`` is set, given names become 'J.'."""
    return [
        ", ".join(f"{n.split()[0][0]}. {n.split()[1]}" if short else n for n in names)
        for names, short in zip(people, initials, strict=True)
    ]


def load_bibliographic(papers: int = 4000) -> Table:
    """Papers (title, authors, venue, year) as two libraries list them: venue full or
    abbreviated, authors with initials or truncated, titles re-cased or cut short; 8 % of papers
    have a sequel by the same authors with a two-word different title (a different paper)."""
    rng = np.random.default_rng(SEED + 3)
    pool = np.array([f"{g} {s}" for g in GIVEN for s in SURNAMES])[
        rng.choice(len(GIVEN) * len(SURNAMES), 300, replace=False)
    ]
    words = rng.choice(WORDS, (papers, 10))
    length = rng.integers(5, 11, papers)
    sequels = np.flatnonzero(rng.random(papers) < 0.08)
    originals = pd.DataFrame(
        {
            "entity": np.arange(papers),
            "words": [list(w[:k]) for w, k in zip(words, length, strict=True)],
            "people": [
                list(rng.choice(pool, k, replace=False)) for k in rng.integers(1, 6, papers)
            ],
            "venue": rng.choice(list(VENUES), papers),
            "year": rng.integers(1990, 2006, papers),
        }
    )
    sequel = originals.iloc[sequels].copy()
    sequel["entity"] = np.arange(papers, papers + len(sequels))
    sequel["words"] = [w[:-2] + list(rng.choice(WORDS, 2)) for w in sequel["words"]]
    sequel["year"] = sequel["year"] + 1
    frame = _duplicate(pd.concat([originals, sequel], ignore_index=True), 0.25, rng)
    copy = frame["is_copy"].to_numpy()
    n = len(frame)
    cut = copy & (rng.random(n) < 0.1)
    frame["title"] = [
        " ".join(w[:-1] if c else w) for w, c in zip(frame["words"], cut, strict=True)
    ]
    frame["title"] = typo(frame["title"], copy & (rng.random(n) < 0.2), rng)
    capital = ~copy | (rng.random(n) < 0.5)
    frame["title"] = frame["title"].where(~capital, frame["title"].str.capitalize())
    truncated = copy & (rng.random(n) < 0.1)
    people = [
        p[:-1] if t and len(p) > 1 else p for p, t in zip(frame["people"], truncated, strict=True)
    ]
    frame["authors"] = _authors(np.array(people, dtype=object), copy & (rng.random(n) < 0.4))
    short = copy & (rng.random(n) < 0.5)
    frame["venue"] = frame["venue"].where(~short, frame["venue"].map(VENUES))
    off = copy & (rng.random(n) < 0.05)
    frame["year"] = (frame["year"] + np.where(off, 1, 0)).astype("Int64")
    _missing(frame, "year", 0.05, rng)
    _missing(frame, "authors", 0.05, rng)
    frame = frame[["entity", "is_copy", "title", "authors", "venue", "year"]].copy()
    return _table(
        frame,
        "paper_id",
        None,
        "papers: title, authors, venue, year; 8 % have a same-author sequel (a different paper)",
        "venue abbreviated 50 %, initials 40 %, last author dropped 10 %, title typo 20 %, "
        "last title word dropped 10 %, year +1 5 %, missing year/authors 5 %",
    )


BRANDS = _words(
    "sony samsung lg philips panasonic bosch dell hp lenovo asus acer canon nikon logitech jbl "
    "bose xiaomi huawei toshiba sharp tefal braun dyson garmin sennheiser"
)
CATEGORIES = [
    "wireless headphones",
    "bluetooth speaker",
    "laptop",
    "monitor",
    "smart tv",
    "digital camera",
    "vacuum cleaner",
    "coffee machine",
    "smartwatch",
    "tablet",
    "external hard drive",
    "wifi router",
]
SIZES = _words("32gb 64gb 128gb 256gb 512gb 1tb 24in 27in 32in 55in 65in")
COLOURS = _words("black white silver blue red grey")
EXTRAS = ["new", "genuine", "uk version", "2024 edition", "with warranty", "fast delivery"]


def load_products(models: int = 1600) -> Table:
    """Products (long title, brand, price) from two shops. Each model comes in 1-4 variants
    (size or colour) that are different products with near-identical titles; 25 % of
    products are listed again with words moved, the model code rewritten or extra words."""
    rng = np.random.default_rng(SEED + 4)
    variants = rng.integers(1, 5, models)
    model = np.repeat(np.arange(models), variants)
    n0 = len(model)
    code = np.array(
        [
            f"{a}{b}-{d}"
            for a, b, d in zip(
                rng.choice(LETTERS, models),
                rng.choice(LETTERS, models),
                rng.integers(100, 9999, models),
                strict=True,
            )
        ]
    )
    base_price = np.round(np.exp(rng.normal(5, 1, models)), 2)
    originals = pd.DataFrame(
        {
            "entity": np.arange(n0),
            "brand": np.array(BRANDS)[rng.integers(0, len(BRANDS), models)][model],
            "code": code[model],
            "category": np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), models)][model],
            "size": rng.choice(SIZES, n0),
            "colour": rng.choice(COLOURS, n0),
            "price": base_price[model] * rng.uniform(0.8, 1.3, n0),
        }
    )
    frame = _duplicate(originals, 0.25, rng)
    copy = frame["is_copy"].to_numpy()
    n = len(frame)
    code_text = frame["code"].where(
        ~(copy & (rng.random(n) < 0.4)), frame["code"].str.replace("-", "")
    )
    colour = frame["colour"].where(~(copy & (rng.random(n) < 0.2)), "")
    extra = np.where(copy & (rng.random(n) < 0.3), rng.choice(EXTRAS, n), "")
    brand_last = copy & (rng.random(n) < 0.3)
    head = np.where(brand_last, "", frame["brand"] + " ")
    tail = np.where(brand_last, " - " + frame["brand"], "")
    title = (
        head
        + code_text
        + " "
        + frame["category"]
        + " "
        + frame["size"]
        + " "
        + colour
        + " "
        + extra
        + tail
    )
    frame["title"] = typo(title.str.split().str.join(" "), copy & (rng.random(n) < 0.15), rng)
    frame["brand"] = frame["brand"].mask(copy & (rng.random(n) < 0.15))
    jitter = np.where(copy, rng.uniform(0.95, 1.05, n), 1.0)
    frame["price"] = (frame["price"] * jitter).round(2).mask(copy & (rng.random(n) < 0.05))
    frame = frame[["entity", "is_copy", "title", "brand", "price"]].copy()
    return _table(
        frame,
        "product_id",
        None,
        "products: long title, brand, price; size/colour variants are different products",
        "brand moved to the end 30 %, code without hyphen 40 %, colour dropped 20 %, extra "
        "words 30 %, title typo 15 %, brand missing 15 %, price +-5 %, missing price 5 %",
    )
