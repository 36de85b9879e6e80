"""Properties every FindMatches output must have, on small generated tables.

Tables have 1-40 rows drawn from a handful of people (so there are real duplicates), with
typos, missing values, unique primary keys of int or str type, an optional partition column
and optional Glue-format labels answered from the generating truth. Columns are named with
their kinds, so tiny tables are never refused for having no usable column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from gx_findmatches import FindMatches
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

COLUMNS = {"name": "name", "city": "name", "born": "date"}
KEY = "key"
PARTITION = "region"

FIRST = ["anna", "peter", "maria", "john", "lena", "omar", "yuki", "sofia"]
LAST = ["smith", "garcia", "mueller", "rossi", "tanaka", "nowak", "dubois", "jensen"]
CITIES = ["berlin", "paris", "madrid", "oslo", "rome", "lisbon", "vienna", "prague"]
ALPHABET = "abcdefghijklmnopqrstuvwxyz"

PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass
class Case:
    """A generated table, its truth, and the transform options to run it with."""

    frame: pd.DataFrame
    entity: dict[object, int]  # primary key -> generating person
    partition_by: str | None
    labels: pd.DataFrame | None
    enforce: bool


@st.composite
def typo(draw: st.DrawFn, text: str) -> str:
    """The text, or the text with one character substituted, deleted or transposed."""
    kind = draw(st.sampled_from(["none", "none", "substitute", "delete", "transpose"]))
    if len(text) < 2 or kind == "none":
        return text
    i = draw(st.integers(0, len(text) - 2))
    if kind == "substitute":
        return text[:i] + draw(st.sampled_from(ALPHABET)) + text[i + 1 :]
    if kind == "delete":
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


@st.composite
def person(draw: st.DrawFn) -> dict[str, str]:
    year = draw(st.integers(1940, 2005))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    return {
        "name": f"{draw(st.sampled_from(FIRST))} {draw(st.sampled_from(LAST))}",
        "city": draw(st.sampled_from(CITIES)),
        "born": f"{year:04d}-{month:02d}-{day:02d}",
    }


def primary_keys(n: int) -> st.SearchStrategy[list[object]]:
    ints = st.lists(st.integers(-(10**9), 10**9), min_size=n, max_size=n, unique=True)
    texts = st.lists(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=8),
        min_size=n,
        max_size=n,
        unique=True,
    )
    return st.one_of(ints, texts)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    n = draw(st.integers(1, 40))
    people = draw(st.lists(person(), min_size=1, max_size=max(1, n // 2)))
    keys = draw(primary_keys(n))
    with_partition = draw(st.booleans())
    rows = []
    entity: dict[object, int] = {}
    for key in keys:
        who = draw(st.integers(0, len(people) - 1))
        base = people[who]
        row: dict[str, object] = {KEY: key}
        for column in COLUMNS:
            if draw(st.integers(0, 9)) == 0:
                row[column] = None  # missing value
            else:
                row[column] = draw(typo(base[column]))
        if with_partition:
            row[PARTITION] = draw(st.sampled_from(["north", "south"]))
        rows.append(row)
        entity[key] = who
    frame = pd.DataFrame(rows)
    for column in COLUMNS:  # a named column may not be entirely null
        if frame[column].isna().all():
            frame.loc[0, column] = people[entity[keys[0]]][column]
    if isinstance(keys[0], int):
        frame[KEY] = frame[KEY].astype("int64")
    frame.index = pd.Index(draw(st.permutations(range(100, 100 + n))))  # a non-default index
    labels = draw(label_tables(frame, entity, PARTITION if with_partition else None))
    return Case(
        frame,
        entity,
        PARTITION if with_partition else None,
        labels,
        enforce=labels is not None and draw(st.booleans()),
    )


@st.composite
def label_tables(
    draw: st.DrawFn, frame: pd.DataFrame, entity: dict[object, int], partition_by: str | None
) -> pd.DataFrame | None:
    """Glue-format labels answered from the truth (so they never contradict), or None.

    With a partition column, records of one person in different partitions get different
    labels: a labelled match across partitions is an error by design.
    """
    if len(frame) < 2 or not draw(st.booleans()):
        return None
    positions = list(range(len(frame)))
    parts = []
    for number in range(draw(st.integers(1, 3))):
        chosen = draw(
            st.lists(
                st.sampled_from(positions), min_size=2, max_size=min(6, len(frame)), unique=True
            )
        )
        rows = frame.iloc[chosen]
        truth = [
            f"{entity[k]}" + (f"@{p}" if partition_by else "")
            for k, p in zip(
                rows[KEY], rows[partition_by] if partition_by else rows[KEY], strict=True
            )
        ]
        letters = {t: chr(ord("A") + i) for i, t in enumerate(dict.fromkeys(truth))}
        parts.append(
            rows.assign(labeling_set_id=f"set-{number}", label=[letters[t] for t in truth])
        )
    table = pd.concat(parts, ignore_index=True)
    return table[["labeling_set_id", "label", *frame.columns]]


def run(case: Case, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    data = case.frame if frame is None else frame
    transform = FindMatches(
        primary_key=KEY,
        columns=COLUMNS,
        partition_by=case.partition_by,
        enforce_provided_labels=case.enforce,
    )
    return transform.fit(data, case.labels).transform(data)


def labelled_pairs(labels: pd.DataFrame) -> list[tuple[object, object, bool]]:
    """(key, key, is_match) for every pair of records inside one labeling set."""
    out = []
    for _, members in labels.groupby("labeling_set_id"):
        records = members.drop_duplicates(KEY)
        keys, tags = records[KEY].tolist(), records["label"].tolist()
        for i in range(len(keys)):
            for j in range(i + 1, len(keys)):
                out.append((keys[i], keys[j], tags[i] == tags[j]))
    return out


@PROPERTY_SETTINGS
@given(cases())
def test_output_invariants(case: Case) -> None:
    frame = case.frame
    snapshot = frame.copy(deep=True)
    out = run(case)

    # the input itself is never modified
    pd.testing.assert_frame_equal(frame, snapshot)

    # every input row exactly once, in input order, input columns unchanged
    assert list(out.columns) == [*frame.columns, "match_id", "match_confidence_score"]
    assert len(out) == len(frame)
    pd.testing.assert_index_equal(out.index, frame.index)
    pd.testing.assert_frame_equal(out[list(frame.columns)], frame)

    # match groups partition the keys; a group is named by its smallest member key
    keys = set(frame[KEY])
    for match_id, members in out.groupby("match_id", sort=False)[KEY]:
        assert match_id in keys
        assert match_id in set(members)
        assert match_id == min(members)
        # one confidence per group
        assert out.loc[members.index, "match_confidence_score"].nunique() == 1

    # confidence is a probability
    scores = out["match_confidence_score"].to_numpy(dtype=float)
    assert np.all(np.isfinite(scores))
    assert np.all((scores >= 0.0) & (scores <= 1.0))

    # no group crosses the partition column (missing values form a partition of their own)
    if case.partition_by:
        spans = out.groupby("match_id")[case.partition_by].nunique(dropna=False)
        assert (spans == 1).all()

    # enforced labels are honoured exactly
    if case.enforce:
        assert case.labels is not None
        match_of = dict(zip(out[KEY], out["match_id"], strict=True))
        for a, b, is_match in labelled_pairs(case.labels):
            same = match_of[a] == match_of[b]
            assert same == is_match, (a, b, "labelled match" if is_match else "labelled non-match")


@settings(PROPERTY_SETTINGS, max_examples=40)
@given(cases(), st.data())
def test_row_order_does_not_change_match_ids(case: Case, data: st.DataObject) -> None:
    out = run(case)
    order = data.draw(st.permutations(range(len(case.frame))), label="row order")
    shuffled = case.frame.iloc[list(order)]
    out_shuffled = run(case, shuffled)
    assert list(out_shuffled[KEY]) == list(shuffled[KEY])  # output follows its own input order
    by_key = dict(zip(out[KEY], out["match_id"], strict=True))
    by_key_shuffled = dict(zip(out_shuffled[KEY], out_shuffled["match_id"], strict=True))
    assert by_key == by_key_shuffled
    scores = out.set_index(KEY)["match_confidence_score"]
    scores_shuffled = out_shuffled.set_index(KEY)["match_confidence_score"].loc[scores.index]
    np.testing.assert_allclose(
        scores.to_numpy(dtype=float), scores_shuffled.to_numpy(dtype=float), rtol=0, atol=1e-9
    )


# ------------------------------------------------------------------------------- edge cases
# Explicit examples of the smallest inputs, so a failure names the case directly.


def test_one_row_table_is_its_own_group() -> None:
    frame = pd.DataFrame(
        {KEY: [7], "name": ["anna smith"], "city": ["oslo"], "born": ["1980-02-03"]}
    )
    transform = FindMatches(primary_key=KEY, columns=COLUMNS).fit(frame)
    assert np.isfinite(transform.fellegi_sunter_.prior)
    out = transform.transform(frame)
    assert out[KEY].tolist() == [7]
    assert out["match_id"].tolist() == [7]
    assert 0.0 <= float(out["match_confidence_score"].iloc[0]) <= 1.0


def test_table_without_any_match_gives_singletons() -> None:
    """Four clearly different people: every record is a group of its own."""
    frame = pd.DataFrame(
        {
            KEY: ["p1", "p2", "p3", "p4"],
            "name": ["anna smith", "peter rossi", "yuki tanaka", "omar nowak"],
            "city": ["oslo", "rome", "paris", "vienna"],
            "born": ["1980-02-03", "1955-11-30", "1999-07-14", "1971-04-22"],
        }
    )
    result = FindMatches(primary_key=KEY, columns=COLUMNS).fit(frame).match(frame)
    assert result.frame["match_id"].tolist() == frame[KEY].tolist()
    assert result.summary.groups_with_duplicates == 0
    scores = result.frame["match_confidence_score"].to_numpy(dtype=float)
    assert np.all((scores >= 0.0) & (scores <= 1.0))


def test_no_candidate_pairs_still_fits_a_finite_model() -> None:
    """Two records in different partitions can never be compared: the unsupervised model has
    no candidate pairs to learn from and must still be well defined (no NaN prior)."""
    frame = pd.DataFrame(
        {
            KEY: [1, 2],
            "name": ["anna smith", "anna smith"],
            "city": ["oslo", "oslo"],
            "born": ["1980-02-03", "1980-02-03"],
            PARTITION: ["north", "south"],
        }
    )
    transform = FindMatches(primary_key=KEY, columns=COLUMNS, partition_by=PARTITION).fit(frame)
    prior = transform.fellegi_sunter_.prior
    assert np.isfinite(prior) and 0.0 < prior < 1.0
    out = transform.transform(frame)
    assert out["match_id"].tolist() == [1, 2]
