"""Synthetic person tables with known entities, for benchmarks and tests.

Real person data cannot be shipped, and FEBRL tops out at ten thousand rows, so benchmarks at
100k and 1M rows need a generator. It has to be *honest*: vocabularies with a Zipf-like skew
(common surnames are common, so blocking keys produce realistic block sizes), suburbs that map
to one postcode and state, and duplicates that carry the errors people really make (typos,
nicknames, swapped day and month, missing values). Every duplicate differs from its original
in at least one field, so no true pair is trivially an exact copy.

Everything is vectorised with numpy, so a million rows take seconds, and everything is drawn
from one seeded generator, so the same arguments give the same frame byte for byte.

Example:
    >>> frame = make_person_table(1_000, duplicate_share=0.3, seed=7)
    >>> len(frame), true_pair_count(frame) >= 300
    (1000, True)
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

__all__ = ["COLUMNS", "make_person_table", "true_pair_count", "true_pairs"]

COLUMNS = (
    "person_id",
    "entity_id",
    "given_name",
    "surname",
    "street_number",
    "address",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "id_number",
)
_TEXT_FIELDS = COLUMNS[2:]


def _words(text: str) -> list[str]:
    return text.split()


_GIVEN_NAMES = _words(
    "william james john robert michael david richard joseph thomas charles christopher daniel "
    "matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy "
    "ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin "
    "scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry "
    "tyler aaron adam nathan henry douglas zachary peter kyle noah ethan jeremy walter "
    "christian keith roger terry austin sean gerald carl harold dylan arthur lawrence jordan "
    "jesse bryan bruce gabriel logan albert alan eugene russell vincent philip bradley liam "
    "oliver lachlan cooper lucas harrison hamish angus declan callum riley mitchell archie "
    "mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty "
    "margaret sandra kimberly emily donna michelle carol amanda dorothy melissa deborah "
    "stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna brenda pamela emma "
    "nicole helen samantha katherine christine debra rachel carolyn janet catherine maria "
    "heather diane ruth julie olivia joyce virginia victoria kelly lauren christina joan evelyn "
    "judith megan andrea cheryl hannah jacqueline martha gloria teresa ann sara madison frances "
    "kathryn janice jean abigail alice judy sophia grace denise amber doris marilyn danielle "
    "beverly isabella theresa diana natalie brittany charlotte marie kayla alexis lori chloe "
    "ella mia zoe jasmine georgia matilda ruby isla"
)

# Formal name -> common short forms: the commonest reason two records of one person disagree.
_NICKNAME_TEXT = (
    "william=bill/billy/will/liam robert=bob/bobby/rob/robbie james=jim/jimmy "
    "elizabeth=liz/lizzie/beth/betty/eliza richard=rick/ricky/dick/rich john=jack/johnny "
    "michael=mike/mick/mickey thomas=tom/tommy christopher=chris/kit daniel=dan/danny "
    "matthew=matt anthony=tony joseph=joe/joey david=dave/davo edward=ed/eddie/ted/ned "
    "charles=charlie/chuck/chas benjamin=ben/benny samuel=sam/sammy alexander=alex/xander/sandy "
    "nicholas=nick/nicko jonathan=jon/jonno stephen=steve/stevie steven=steve andrew=andy/drew "
    "timothy=tim gregory=greg patrick=pat/paddy peter=pete kenneth=ken/kenny "
    "lawrence=larry/laurie margaret=maggie/peggy/meg/marge patricia=pat/trish/patty "
    "jennifer=jen/jenny katherine=kate/kathy/katie catherine=cathy/cate/kate "
    "kathleen=kath/kathy rebecca=becky/bec samantha=sam/sammie victoria=vicky/tori "
    "deborah=deb/debbie susan=sue/suzie christine=chris/chrissy jessica=jess/jessie "
    "stephanie=steph abigail=abby barbara=barb/babs dorothy=dot/dottie frances=fran/fanny "
    "judith=judy isabella=bella/izzy charlotte=charlie/lottie natalie=nat pamela=pam "
    "cynthia=cindy kimberly=kim amanda=mandy jacqueline=jackie theresa=tess/terri teresa=tess "
    "madison=maddie nicole=nikki angela=angie matilda=tilly zachary=zach/zac joshua=josh "
    "jacob=jake nathan=nate harold=harry/hal henry=harry/hank raymond=ray douglas=doug "
    "philip=phil bradley=brad jeffrey=jeff ronald=ron/ronnie donald=don/donnie "
    "walter=wally/walt albert=bert"
)
NICKNAMES = {k: v.split("/") for k, v in (p.split("=") for p in _words(_NICKNAME_TEXT))}

_SURNAMES = _words(
    "smith jones williams brown wilson taylor johnson white martin anderson thompson nguyen "
    "thomas walker harris lee ryan robinson kelly king davis wright evans roberts green hall "
    "wood jackson clarke patel khan lewis james phillips mitchell campbell clark murphy young "
    "scott hughes edwards cooper turner baker stewart morris hill wang harrison allen collins "
    "ward graham morgan bell russell cook watson chen tran kennedy wilkinson stevens mason "
    "fraser carter hunter reid parker gray ross miller murray moore rogers phillips sullivan "
    "oconnor dixon shaw henderson hamilton ellis webb jenkins johnston marshall mcdonald burns "
    "pearce matthews walsh kaur singh zhang liu li pham le hoang kim bailey simpson grant "
    "barnes fisher payne holmes lloyd hayes dunn knight ferguson wallace price butler"
)
_ONSETS = _words(
    "ash bar bel bing black brad brom bur cal car chal cher dal dar dun el fair "
    "far gar gil hal har hart hol kel ken kings lang lin mar mer mol nor pem rad "
    "red rom shel stan stock thorn wal wes whit"
)
_ENDINGS = _words(
    "ton ley son ford wood field by well worth ham man ridge more land stead brook "
    "dale low ster croft ell ett ins cott hurst"
)
_SUBURB_HEADS = _words(
    "glen spring kings green oak river bay ash elm fern hazel maple pine rose "
    "silver wattle bright clear fair high long mill north south east west "
    "wood black red golden sandy church pen dun camp castle lake bell moor"
)
_SUBURB_TAILS = _words(
    "wood vale ford leigh view field dale hill ton bury haven brook park ridge "
    "side grove lea mere stone well worth combe heath bank croft gate holme"
)
_STREET_WORDS = _words(
    "main high church station park victoria george queen king bridge mill "
    "railway ocean beach river hill school albert elizabeth william princes "
    "pacific gordon bay forest lake canterbury marine wattle banksia acacia"
)
_STREET_TYPES = _words(
    "street road avenue drive place court crescent parade lane close way terrace highway circuit"
)
# state, share of population, postcode range (Australia Post allocations, simplified)
_STATES = (
    ("nsw", 0.32, 2000, 2599),
    ("vic", 0.26, 3000, 3999),
    ("qld", 0.20, 4000, 4999),
    ("wa", 0.105, 6000, 6797),
    ("sa", 0.07, 5000, 5799),
    ("tas", 0.02, 7000, 7799),
    ("act", 0.017, 2600, 2618),
    ("nt", 0.008, 800, 899),
)
_KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm")

# Entities with duplicates get 1-4 of them, each size about half as likely as the one before.
_DUPLICATE_SIZES = np.array([1.0, 0.45, 0.2, 0.09]) / 1.74
_CORRUPTION_COUNTS = np.array([0.55, 0.3, 0.15])  # each duplicate gets 1, 2 or 3 corruptions
_ORIGINAL_MISSING = {
    "street_number": 0.02,
    "address": 0.005,
    "date_of_birth": 0.01,
    "id_number": 0.02,
}
_MISSING_WEIGHTS = {
    "given_name": 0.3,
    "surname": 0.2,
    "street_number": 1.0,
    "address": 0.6,
    "suburb": 0.5,
    "postcode": 0.7,
    "state": 0.7,
    "date_of_birth": 0.8,
    "id_number": 1.2,
}
_CORRUPTIONS = {
    "nickname": 2.0,
    "swap_names": 0.6,
    "typo_given_name": 3.0,
    "typo_surname": 3.0,
    "typo_address": 2.0,
    "typo_suburb": 1.5,
    "typo_street_number": 1.0,
    "typo_postcode": 1.0,
    "typo_id_number": 1.5,
    "swap_day_month": 1.5,
    **{f"missing_{k}": w for k, w in _MISSING_WEIGHTS.items()},
}
_TEXT_EDITS = np.array([0.4, 0.2, 0.2, 0.2])  # substitution, deletion, insertion, transposition
_DIGIT_EDITS = np.array([0.7, 0.0, 0.0, 0.3])  # digit strings keep their length
_SUBSTITUTE, _DELETE, _INSERT, _TRANSPOSE = range(4)


def _zipf(n: int, exponent: float, offset: float) -> np.ndarray:
    """Rank-frequency weights ``(rank + offset) ** -exponent``; the offset flattens the head."""
    weights = np.power(np.arange(n) + offset, -exponent)
    return np.asarray(weights / weights.sum())


class _Vocabulary:
    """Every vocabulary, with Zipf-like weights, built from a fixed seed (not the table's)."""

    def __init__(self) -> None:
        rng = np.random.default_rng(20_240_601)
        self.given = np.array(_GIVEN_NAMES, dtype=object)
        self.given_p = _zipf(len(self.given), 0.9, 8.0)[rng.permutation(len(self.given))]
        short = [NICKNAMES.get(name, []) for name in _GIVEN_NAMES]
        self.nicknames = np.full((len(short), max(map(len, short))), None, dtype=object)
        for row, forms in enumerate(short):  # (given, slot) short forms, padded with None
            self.nicknames[row, : len(forms)] = forms
        self.nickname_count = pd.notna(self.nicknames).sum(axis=1)
        middles = ("", "er", "ing", "el", "an")
        composed = {o + m + e for o in _ONSETS for m in middles for e in _ENDINGS}
        common = list(dict.fromkeys(_SURNAMES))  # the real surnames take the top ranks
        rest = sorted(composed - set(common))
        rest = [rest[i] for i in rng.permutation(len(rest))]
        self.surname = np.array(common + rest, dtype=object)
        self.surname_p = _zipf(len(self.surname), 0.95, 20.0)
        suburbs = [h + t for h in _SUBURB_HEADS for t in _SUBURB_TAILS]
        self.suburb = np.array([suburbs[i] for i in rng.permutation(len(suburbs))], dtype=object)
        self.suburb_p = _zipf(len(self.suburb), 0.6, 5.0)
        shares = np.array([s[1] for s in _STATES])
        state = rng.choice(len(_STATES), len(self.suburb), p=shares / shares.sum())
        low, high = (np.array([s[i] for s in _STATES])[state] for i in (2, 3))
        postcode = low + (rng.random(len(state)) * (high - low + 1)).astype(np.int64)
        self.suburb_postcode = _digit_strings(postcode, 4)  # one postcode and state per suburb
        self.suburb_state = np.array([_STATES[i][0] for i in state], dtype=object)
        names = _STREET_WORDS + [str(s) for s in self.surname[200:1200]]
        self.street = np.array([f"{n} {t}" for n in names for t in _STREET_TYPES], dtype=object)
        self.street_p = _zipf(len(self.street), 0.7, 10.0)[rng.permutation(len(self.street))]
        self.numbers = np.array([str(i) for i in range(10_000)], dtype=object)  # shared objects
        # QWERTY neighbours of each ASCII code (0-padded), for realistic substitutions
        self.neighbours = np.zeros((128, 8), dtype=np.uint32)
        self.neighbour_count = np.zeros(128, dtype=np.int64)
        keys = [(r, c + 0.5 * r, k) for r, row in enumerate(_KEYBOARD) for c, k in enumerate(row)]
        for r, x, k in keys:
            near = [ord(o) for rr, xx, o in keys if abs(rr - r) <= 1 and abs(xx - x) <= 1]
            near.remove(ord(k))
            self.neighbours[ord(k), : len(near)] = near
            self.neighbour_count[ord(k)] = len(near)
        for array in vars(self).values():
            array.flags.writeable = False


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    return _Vocabulary()


def _digit_strings(values: np.ndarray, width: int, prefix: str = "") -> np.ndarray:
    """Zero-padded decimal strings of non-negative ints, built as a character matrix."""
    values = np.asarray(values, dtype=np.int64)
    codes = np.empty((len(values), len(prefix) + width), dtype=np.uint32)
    codes[:, : len(prefix)] = [ord(c) for c in prefix]
    for k in range(width):  # column by column: 1-D temporaries only, even for a million rows
        codes[:, len(prefix) + k] = values // 10 ** (width - 1 - k) % 10 + 48
    return _from_codes(codes)


def _from_codes(codes: np.ndarray) -> np.ndarray:
    """Object array of strings from a (rows, width) UTF-32 code matrix; zero codes pad."""
    codes = np.ascontiguousarray(codes, dtype=np.uint32)
    return codes.view(np.dtype(("U", codes.shape[1]))).ravel().astype(object)


def _typo(
    values: np.ndarray, rng: np.random.Generator, edits: np.ndarray, digits: bool = False
) -> np.ndarray:
    """One random edit per string (never a no-op), vectorised over a character matrix.

    Substitutions use QWERTY neighbours for letters, since that is how typos arise; deletions
    and insertions shift the tail of the row with one gather instead of a per-row loop.
    """
    m = len(values)
    if m == 0:
        return values
    chars = np.asarray(values.astype(str))
    width = chars.dtype.itemsize // 4
    codes = chars.view(np.uint32).reshape(m, width)
    length = (codes != 0).sum(axis=1)
    rows = np.arange(m)
    kind = rng.choice(4, m, p=edits)
    swap_at = (rng.random(m) * np.maximum(length - 1, 1)).astype(np.int64)
    same = codes[rows, swap_at] == codes[rows, np.minimum(swap_at + 1, width - 1)]
    kind[(kind == _TRANSPOSE) & ((length < 2) | same)] = _SUBSTITUTE
    kind[(kind == _DELETE) & (length < 2)] = _SUBSTITUTE
    pos = (rng.random(m) * (length + (kind == _INSERT))).astype(np.int64)
    pos = np.where(kind == _TRANSPOSE, swap_at, pos)
    padded = np.zeros((m, width + 2), dtype=np.uint32)
    padded[:, :width] = codes
    j = np.arange(width + 1)[None, :]
    source = (
        j
        + (kind == _DELETE)[:, None] * (j >= pos[:, None])
        - (kind == _INSERT)[:, None] * (j > pos[:, None])
    )
    out = np.take_along_axis(padded, source, axis=1)
    old = padded[rows, pos]
    vocab = _vocabulary()
    if digits:
        new = (old - 48 + rng.integers(1, 10, m)) % 10 + 48
        fresh = rng.integers(48, 58, m)
    else:
        ascii_old = np.minimum(old, 127)
        count = vocab.neighbour_count[ascii_old]
        slot = (rng.random(m) * np.maximum(count, 1)).astype(np.int64)
        fresh = rng.integers(97, 123, m)
        new = np.where(count > 0, vocab.neighbours[ascii_old, slot], fresh)
    new = np.where(kind == _INSERT, fresh, new).astype(np.uint32)
    edit = kind != _TRANSPOSE
    out[rows[edit], pos[edit]] = new[edit]
    t = rows[~edit]
    out[t, pos[t]], out[t, pos[t] + 1] = padded[t, pos[t] + 1], padded[t, pos[t]]
    return _from_codes(out)


def _duplicate_counts(rng: np.random.Generator, n_duplicates: int, n_originals: int) -> np.ndarray:
    """Duplicates per entity: 1-4 each, geometric-ish, summing exactly to ``n_duplicates``."""
    if n_duplicates == 0:
        return np.zeros(0, dtype=np.int64)
    draws = rng.choice(4, n_duplicates, p=_DUPLICATE_SIZES) + 1
    total = np.cumsum(draws)
    entities = int(np.searchsorted(total, n_duplicates)) + 1
    counts = draws[:entities].copy()
    counts[-1] -= total[entities - 1] - n_duplicates
    if entities > n_originals:  # a very high duplicate share: pack the remainder into entities
        counts = counts[:n_originals]
        while (missing := n_duplicates - int(counts.sum())) > 0:
            room = np.flatnonzero(counts < 4)
            counts[room[rng.permutation(len(room))[:missing]]] += 1
    return counts


def _originals(rng: np.random.Generator, n: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Clean original records, plus the given-name vocabulary index (for nicknames)."""
    vocab = _vocabulary()
    given_index = rng.choice(len(vocab.given), n, p=vocab.given_p)
    suburb = rng.choice(len(vocab.suburb), n, p=vocab.suburb_p)
    street_number = np.minimum(rng.geometric(0.03, n), 9_999)
    born = np.datetime64("1930-01-01") + rng.integers(0, 29_220, n).astype("timedelta64[D]")
    year = born.astype("datetime64[Y]").astype(np.int64) + 1970
    month = born.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (born - born.astype("datetime64[M]")).astype(np.int64) + 1
    fields = {
        "given_name": vocab.given[given_index],
        "surname": vocab.surname[rng.choice(len(vocab.surname), n, p=vocab.surname_p)],
        "street_number": vocab.numbers[street_number],
        "address": vocab.street[rng.choice(len(vocab.street), n, p=vocab.street_p)],
        "suburb": vocab.suburb[suburb],
        "postcode": vocab.suburb_postcode[suburb],
        "state": vocab.suburb_state[suburb],
        "date_of_birth": _digit_strings(year * 10_000 + month * 100 + day, 8),
        "id_number": _digit_strings(rng.integers(100_000_000, 1_000_000_000, n), 9),
    }
    for field, share in _ORIGINAL_MISSING.items():
        fields[field][rng.random(n) < share] = None
    return fields, given_index


def _corrupt(
    rng: np.random.Generator, fields: dict[str, np.ndarray], given_index: np.ndarray
) -> dict[str, np.ndarray]:
    """Apply 1-3 distinct, applicable corruptions to each duplicate (in place)."""
    m = len(given_index)
    vocab = _vocabulary()
    source = {k: v.copy() for k, v in fields.items()}
    present = {k: ~pd.isna(v) for k, v in fields.items()}
    names = list(_CORRUPTIONS)
    eligible = np.ones((m, len(names)), dtype=bool)
    for i, name in enumerate(names):
        if name.startswith(("typo_", "missing_")):
            eligible[:, i] = present[name.split("_", 1)[1]]
    dob = fields["date_of_birth"].astype("U8").view(np.uint32).reshape(m, 8) - 48
    day, month = dob[:, 6] * 10 + dob[:, 7], dob[:, 4] * 10 + dob[:, 5]
    eligible[:, names.index("swap_day_month")] = (
        present["date_of_birth"] & (day <= 12) & (day != month)
    )
    eligible[:, names.index("nickname")] = vocab.nickname_count[given_index] > 0
    eligible[:, names.index("swap_names")] = fields["given_name"] != fields["surname"]
    weights = np.array(list(_CORRUPTIONS.values()), dtype=np.float32)
    keys = rng.standard_exponential((m, len(names)), dtype=np.float32)
    keys /= weights  # exponential race: weighted sampling without replacement
    keys[~eligible] = np.inf
    how_many = rng.choice(3, m, p=_CORRUPTION_COUNTS)
    threshold = np.sort(keys, axis=1)[np.arange(m), how_many]
    chosen = eligible & (keys <= threshold[:, None])

    def rows(name: str) -> np.ndarray:
        return np.flatnonzero(chosen[:, names.index(name)])

    r = rows("nickname")
    slot = (rng.random(len(r)) * vocab.nickname_count[given_index[r]]).astype(np.int64)
    fields["given_name"][r] = vocab.nicknames[given_index[r], slot]
    r = rows("swap_names")
    fields["given_name"][r], fields["surname"][r] = fields["surname"][r], fields["given_name"][r]
    for field in ("given_name", "surname", "address", "suburb"):
        r = rows(f"typo_{field}")
        fields[field][r] = _typo(fields[field][r], rng, _TEXT_EDITS)
    for field in ("street_number", "postcode", "id_number"):
        r = rows(f"typo_{field}")
        fields[field][r] = _typo(fields[field][r], rng, _DIGIT_EDITS, digits=True)
    r = rows("swap_day_month")
    swapped = fields["date_of_birth"][r].astype("U8").view(np.uint32).reshape(len(r), 8)
    fields["date_of_birth"][r] = _from_codes(swapped[:, [0, 1, 2, 3, 6, 7, 4, 5]])
    for field in _MISSING_WEIGHTS:
        fields[field][rows(f"missing_{field}")] = None
    # Belt and braces: a duplicate identical to its original would be a free true positive.
    unchanged = np.ones(m, dtype=bool)
    for field, before in source.items():
        unchanged &= fields[field] == before
    r = np.flatnonzero(unchanged)
    fields["surname"][r] = _typo(fields["surname"][r], rng, np.array([1.0, 0.0, 0.0, 0.0]))
    return fields


def make_person_table(n_rows: int, duplicate_share: float = 0.3, seed: int = 0) -> pd.DataFrame:
    """A shuffled person table whose true entities are known, for benchmarks and tests.

    About ``duplicate_share`` of the rows are noisy copies of an original record (1-4 copies
    per entity, geometric-ish). Duplicates carry 1-3 corruptions each: keyboard typos in names,
    addresses and suburbs, digit typos in street number, postcode and ID number, nicknames,
    swapped given name and surname, swapped day and month, missing values. Originals are
    clean apart from a few missing street numbers, addresses, birth dates and ID numbers.

    Args:
        n_rows: Exact number of rows to return.
        duplicate_share: Share of rows that are duplicates, between 0 and 0.8 (at most four
            duplicates per entity). The count is ``round(duplicate_share * n_rows)``.
        seed: Seed of the one random generator used; same arguments, identical frame.

    Returns:
        A frame with the columns in ``COLUMNS``. ``person_id`` ("p0000001", ...) is unique
        and numbered originals first, so within an entity the smallest ``person_id`` is the
        original. ``entity_id`` (int64) is the ground truth. Other columns hold strings or
        None.

    Raises:
        ValueError: If ``n_rows`` is negative or ``duplicate_share`` is outside [0, 0.8].
    """
    if n_rows < 0:
        raise ValueError(f"n_rows must be zero or more, got {n_rows}")
    if not 0.0 <= duplicate_share <= 0.8:
        raise ValueError(f"duplicate_share must be between 0 and 0.8, got {duplicate_share}")
    rng = np.random.default_rng(seed)
    n_duplicates = min(round(duplicate_share * n_rows), n_rows * 4 // 5)
    n_originals = n_rows - n_duplicates
    fields, given_index = _originals(rng, n_originals)
    entity = rng.permutation(n_originals).astype(np.int64)
    counts = _duplicate_counts(rng, n_duplicates, n_originals)
    source = np.repeat(rng.permutation(n_originals)[: len(counts)], counts)
    copies = _corrupt(rng, {k: v[source] for k, v in fields.items()}, given_index[source])
    number = np.concatenate([np.arange(n_originals), n_originals + rng.permutation(n_duplicates)])
    order = rng.permutation(n_rows)
    data: dict[str, np.ndarray] = {
        "person_id": _digit_strings(number[order] + 1, max(7, len(str(n_rows))), prefix="p"),
        "entity_id": np.concatenate([entity, entity[source]])[order],
    }
    for field in _TEXT_FIELDS:  # pop as we go: each column's parts are freed once placed
        data[field] = np.concatenate([fields.pop(field), copies.pop(field)])[order]
    # copy=False keeps one block per column: consolidating them would briefly need about
    # 200 MB more at a million rows, for no benefit to the callers.
    return pd.DataFrame(data, columns=list(COLUMNS), copy=False)


def true_pair_count(data: pd.DataFrame | pd.Series, entity_column: str = "entity_id") -> int:
    """Number of true duplicate pairs, sum of ``k * (k - 1) / 2`` over entity sizes ``k``.

    Recall needs this denominator; counting is cheap even when listing pairs would not be.

    Args:
        data: A frame with an entity column, or the entity Series itself (as in ``febrl``).
        entity_column: The column naming each row's true entity; nulls are in no pair.
    """
    entities = data if isinstance(data, pd.Series) else data[entity_column]
    sizes = entities.value_counts(dropna=True).to_numpy(dtype=np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def true_pairs(data: pd.DataFrame | pd.Series, entity_column: str = "entity_id") -> pd.MultiIndex:
    """All true duplicate pairs as a MultiIndex of index labels of ``data``.

    Pairs follow the ``recordlinkage`` deduplication convention (first label is the later
    row), so they can be compared directly with candidate and predicted links. Set
    ``person_id`` as the index first to get pairs of primary keys.

    Args:
        data: A frame with an entity column, or the entity Series itself.
        entity_column: The column naming each row's true entity; nulls are in no pair.
    """
    entities = data if isinstance(data, pd.Series) else data[entity_column]
    index = entities.index
    codes = pd.factorize(entities)[0]
    positions = np.flatnonzero(codes >= 0)
    order = positions[np.argsort(codes[positions], kind="stable")]
    if len(order) == 0:
        return pd.MultiIndex.from_arrays([index[:0], index[:0]])
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    partners = np.repeat(starts + sizes, sizes) - np.arange(len(order)) - 1
    left = np.repeat(np.arange(len(order)), partners)
    first = np.repeat(np.cumsum(partners) - partners, partners)
    right = left + np.arange(len(left)) - first + 1
    return pd.MultiIndex.from_arrays([index[order[right]], index[order[left]]])
