"""The demo's second half: the same data as Great Expectations checks, ending in Data Docs.

1. FEBRL3 through the shipped checkpoint (``checkpoints/febrl_people.json`` with the suite
   ``expectations/febrl_people.json``): fuzzy-duplicate, group-size and consistency checks,
   one of them failing on purpose.
2. The AWS Glue tutorial replayed on the Pima Indians diabetes table with ``Outcome`` as the
   label (``expectations/pima_label_boundary.json``), with 30 patients entered again under the
   other outcome (Pima's own patients are all different): matched *with* ``Outcome`` as the
   partition, every group keeps one outcome (passes); matched *without* it, the re-entered
   patients join their originals across the label boundary (fails). Both appear in Data Docs
   side by side.

The shipped files travel inside the package (:mod:`gx_findmatches.shipped`), so the demo runs
from an installed wheel in any folder, and the Data Docs it ends in read without network (the
checkpoint helpers make them offline).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .io import write_table
from .shipped import shipped_file


def run_data_docs_demo(out_dir: Path, febrl3: Any) -> dict[str, Any]:
    """Run both checkpoints in a GX project under ``out_dir``; return their outcomes."""
    from .checkpoints import run_checkpoint_file, run_suite_checkpoint
    from .datasets.pima import PRIMARY_KEY as PIMA_KEY
    from .datasets.pima import load_pima_with_reentries

    project = out_dir / "gx_project"
    people = write_table(febrl3, out_dir / "febrl3.csv")
    febrl = run_checkpoint_file(project, shipped_file("checkpoints", "febrl_people.json"), people)
    pima = write_table(load_pima_with_reentries(), out_dir / "pima_indians_diabetes.csv")
    tutorial = run_suite_checkpoint(
        project,
        pima,
        shipped_file("expectations", "pima_label_boundary.json"),
        overrides={"primary_key": PIMA_KEY},
    )
    return {
        "data_docs": str(tutorial.data_docs_index or febrl.data_docs_index),
        "checkpoints": {
            "febrl_people": _outcome(febrl),
            "pima_label_boundary": _outcome(tutorial),
        },
    }


def _outcome(outcome: Any) -> dict[str, Any]:
    return {
        "success": outcome.success,
        "expectations": [
            {
                "type": e.type,
                "success": e.success,
                "severity": e.severity,
                "observed_value": e.observed_value,
                "why": e.meta.get("why"),
            }
            for e in outcome.expectations
        ],
    }


def data_docs_text(report: dict[str, Any]) -> list[str]:
    """The demo's closing lines about the checkpoints and where to open Data Docs."""
    lines = ["", "4. Great Expectations checkpoints (Data Docs):"]
    for name, outcome in report["checkpoints"].items():
        passed = sum(e["success"] for e in outcome["expectations"])
        lines.append(f"   {name}: {passed} of {len(outcome['expectations'])} expectations passed")
        for item in outcome["expectations"]:
            # a failed warning is reported, not fatal: WARN, as `validate` prints it
            marks = {"critical": "FAIL", "warning": "WARN", "info": "INFO"}
            mark = "pass" if item["success"] else marks.get(item.get("severity", ""), "FAIL")
            lines.append(f"     {mark}  {item['type']}  (observed {item['observed_value']})")
    lines.append(f"   open in a browser (no network needed): {report['data_docs']}")
    return lines
