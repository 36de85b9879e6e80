"""Turn the quality suite's figures into progress lines, a summary and docs/quality.md.

The page is regenerated whole except its ``## Notes`` section, which is kept, so hand-written
reading notes survive a rerun (as bench_scale.py does for docs/benchmarks.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .tables import PERSON_TABLES

NOTES = "## Notes"
DEFAULT_NOTES = (
    f"{NOTES}\n\n- (reading notes go here; this section is kept when the page is rewritten)\n"
)


def _f(value: Any, digits: int = 4) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _rows(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """One flat row per table x configuration (labelled loops: one per checkpoint)."""
    rows = []
    for table, configs in payload["results"].items():
        for config, figures in configs.items():
            if "error" in figures:
                rows.append({"table": table, "config": config, "error": figures["error"]})
            elif "checkpoints" in figures:
                for target, point in figures["checkpoints"].items():
                    rows.append(
                        {
                            "table": table,
                            "config": f"{config}-{target}",
                            "seconds": figures["seconds"],
                            "peak_mib": figures.get("peak_mib"),
                            "rows": figures["rows"],
                            **point,
                        }
                    )
            else:
                rows.append({"table": table, "config": config, **figures})
    return rows


def _estimate(row: dict[str, Any]) -> str:
    if "estimate_note" not in row:
        return ""
    if row.get("estimate") is None:  # the refusal's first clause is enough for a table cell
        return row["estimate_note"].split(";")[0]
    text = _f(row["estimate"], 3)
    if row.get("estimate_low") is not None and row.get("estimate_high") is not None:
        text += f" [{row['estimate_low']:.3f}, {row['estimate_high']:.3f}]"
    if row["estimate_note"] != "end-to-end":
        text += f" ({row['estimate_note']})"
    return text


def progress_line(table: str, config: str, figures: dict[str, Any], seconds: float) -> str:
    """What the runner prints after each job."""
    if "error" in figures:
        return f"{table:<14}{config:<14}failed after {seconds:.0f} s: {figures['error']}"
    if "checkpoints" in figures:
        parts = [
            f"@{k}: F1 {p['f1']:.4f} est {_estimate(p) or '-'} ({p['labelled_matching_pairs']} "
            "matching pairs)"
            for k, p in figures["checkpoints"].items()
        ]
        return f"{table:<14}{config:<14}{figures['seconds']:7.1f} s  " + "; ".join(parts)
    return (
        f"{table:<14}{config:<14}{figures['seconds']:7.1f} s  P {figures['precision']:.4f} "
        f"R {figures['recall']:.4f} F1 {figures['f1']:.4f}  pairs {figures['candidate_pairs']:,}"
    )


def targets(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Per table: the headline F1s and whether each done-when target is met."""
    out = []
    for table, configs in payload["results"].items():

        def f1(config: str, checkpoint: str | None = None) -> float | None:
            figures = configs.get(config, {})  # noqa: B023 - used within this iteration only
            if "error" in figures or not figures:
                return None
            if checkpoint is not None:
                figures = figures.get("checkpoints", {}).get(checkpoint, {})
            return figures.get("f1")

        unsupervised, splink, active = f1("unsupervised"), f1("splink"), f1("active", "200")
        point = configs.get("active", {}).get("checkpoints", {}).get("200", {})
        estimate = point.get("estimate")
        row: dict[str, Any] = {
            "table": table,
            "unsupervised": unsupervised,
            "splink": splink,
            "active_200": active,
            "random_200": f1("random", "200"),
            "estimate_200": estimate,
            "estimate_text": _estimate(point) if point else "",
        }
        if unsupervised is not None and splink is not None:
            row["unsupervised >= splink - 0.01"] = unsupervised >= splink - 0.01
        if active is not None and unsupervised is not None and splink is not None:
            bar = max(unsupervised, splink)
            met = active >= bar
            if table in PERSON_TABLES:
                met = met and active >= 0.97
                row["active-200 >= max(unsup, splink), >= 0.97"] = met
            else:
                row["active-200 >= max(unsup, splink)"] = met
        if estimate is not None and active is not None:
            row["|estimate - true| <= 0.05"] = abs(estimate - active) <= 0.05
        out.append(row)
    return out


def _verdicts(row: dict[str, Any]) -> str:
    checks = [(k, v) for k, v in row.items() if isinstance(v, bool)]
    return "; ".join(f"{k}: {'met' if v else 'NOT met'}" for k, v in checks) or "-"


def summary_text(payload: dict[str, Any]) -> str:
    lines = ["table         gx-unsup  splink  active200 random200 estimate200  targets"]
    for row in targets(payload):
        lines.append(
            f"{row['table']:<14}{_f(row['unsupervised']):>8}{_f(row['splink']):>8}"
            f"{_f(row['active_200']):>10}{_f(row['random_200']):>10}"
            f"  {row['estimate_text'] or '-':<12} {_verdicts(row)}"
        )
    return "\n".join(lines)


def _markdown(payload: dict[str, Any]) -> str:
    meta = payload["meta"]
    host = meta["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
    lines = [
        "# Match quality: gx-findmatches beside Splink 5",
        "",
        "Written by `benchmarks/quality/run_quality.py` (do not edit by hand except the Notes "
        "section, which is kept). Each job runs in a fresh process; seconds exclude loading "
        "the table. F1 is pairwise (every pair of records put in one group is a predicted "
        "match) against the true entities. Labelled configurations answer "
        "`labeling_sets` (5 sets of 10 records per round) from the truth, refit, and report "
        "at 50 and 200 labelled records the true F1 of `match` and the transform's own "
        "estimate from `evaluate`; their seconds and peak memory cover the whole loop.",
        "",
        f"- Date: {meta['date']}",
        f"- Engine measured: {meta['engine']} (repository HEAD {meta['repository_head']})",
        f"- Machine: {host['platform']}, {host['processor']}, {host['cores']} cores, "
        f"{host['ram']} RAM",
        f"- Versions: {versions}",
        f"- Command: `{meta['command']}`; whole suite {meta['suite_seconds'] / 60:.1f} min",
        "",
        "## Tables",
        "",
        "| table | rows | entities | true pairs | largest entity | partition | what | source "
        "| licence |",
        "|---|---:|---:|---:|---:|---|---|---|---|",
    ]
    for name, t in payload["tables"].items():
        lines.append(
            f"| {name} | {t['rows']:,} | {t['entities']:,} | {t['true_pairs']:,} | "
            f"{t['largest_entity']:,} | {t['partition'] or '-'} | {t['description']} | "
            f"{t['source']} | {t['licence']} |"
        )
    lines += [
        "",
        "## Summary and targets",
        "",
        "Targets: unsupervised F1 >= Splink F1 - 0.01; active-200 F1 >= max(unsupervised, "
        "Splink), and >= 0.97 on person tables; |estimated - true F1| <= 0.05 at 200 labelled "
        "records (active).",
        "",
        "| table | gx unsupervised F1 | Splink F1 | gx active-200 F1 | gx random-200 F1 "
        "| estimate at active-200 | targets |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for row in targets(payload):
        lines.append(
            f"| {row['table']} | {_f(row['unsupervised'])} | {_f(row['splink'])} | "
            f"{_f(row['active_200'])} | {_f(row['random_200'])} | "
            f"{row['estimate_text'] or '-'} | {_verdicts(row).replace('|', chr(92) + '|')} |"
        )
    lines += [
        "",
        "## All results",
        "",
        "Pair completeness: share of the true pairs blocking proposes (blocking recall): a "
        "candidate pair, or two records identical on the compared columns, which the engine "
        "collapses into one before blocking; for Splink, candidate pairs are the distinct "
        "pairs of its prediction blocking rules.",
        "",
        "| table | configuration | rows | true pairs | candidate pairs | pair completeness "
        "| P | R | F1 | estimated F1 [interval] | labelled matching pairs | seconds | peak MiB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for r in _rows(payload):
        if "error" in r:
            lines.append(f"| {r['table']} | {r['config']} | failed: {r['error']} |")
            continue
        lines.append(
            f"| {r['table']} | {r['config']} | {r['rows']:,} | {r.get('true_pairs', 0):,} | "
            f"{r.get('candidate_pairs', 0):,} | {_f(r.get('pair_completeness'))} | "
            f"{_f(r['precision'])} | {_f(r['recall'])} | {_f(r['f1'])} | {_estimate(r)} | "
            f"{r.get('labelled_matching_pairs', '')} | {r['seconds']:.1f} | "
            f"{_f(r.get('peak_mib'), 0)} |"
        )
    return "\n".join(lines) + "\n"


def write_docs(path: Path, payload: dict[str, Any]) -> None:
    """Write the page, keeping an existing Notes section."""
    notes = DEFAULT_NOTES
    if path.exists():
        text = path.read_text()
        if NOTES in text:
            notes = text[text.index(NOTES) :]
    path.write_text(_markdown(payload) + "\n" + notes)
