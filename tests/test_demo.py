"""The README's first command: the demo runs end to end and ends in Data Docs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gx_findmatches.cli import main

pytestmark = pytest.mark.slow


def test_demo_reports_quality_and_builds_data_docs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows"] == 5000 and report["true_pairs"] == 6538
    assert report["unsupervised"]["f1"] >= 0.99
    assert report["supervised"]["f1"] >= 0.995
    for name in ("matches", "labels", "model"):
        assert Path(report["files"][name]).is_file()

    checks = report["great_expectations"]["checkpoints"]
    febrl = {e["type"]: e for e in checks["febrl_people"]["expectations"]}
    assert checks["febrl_people"]["success"] is False, "one check fails on purpose"
    failed = [e for e in checks["febrl_people"]["expectations"] if not e["success"]]
    assert len(failed) == 1 and failed[0]["severity"] == "warning"  # printed WARN, not FAIL
    assert febrl["expect_match_group_sizes_to_be_between"]["success"] is True

    pima = {e["type"]: e for e in checks["pima_label_boundary"]["expectations"]}
    with_partition = pima["expect_column_values_to_be_consistent_within_match_groups"]
    without_partition = pima["expect_match_groups_to_not_cross_label_boundaries"]
    assert with_partition["success"] is True and with_partition["observed_value"] == 0
    assert without_partition["success"] is False and without_partition["observed_value"] >= 1

    index = Path(report["great_expectations"]["data_docs"])
    assert index.is_file() and index.name == "index.html"
    pages = list(index.parent.glob("validations/**/*.html"))
    assert len(pages) >= 2
    html = "".join(page.read_text(encoding="utf-8") for page in pages)
    assert "Outcome" in html and "fuzzy" in html.lower()
