"""The workflow commands end to end through the real command line, on a SQLite store."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from gx_findmatches.cli import main
from gx_findmatches.datasets.febrl import PRIMARY_KEY, load_febrl, true_entities
from gx_findmatches.io import read_table, write_table

pytestmark = pytest.mark.slow


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_glue_commands_in_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    febrl3 = load_febrl("febrl3")
    truth = dict(zip(febrl3[PRIMARY_KEY], true_entities(febrl3), strict=True))
    is_new = np.random.default_rng(1).random(len(febrl3)) < 0.2
    data = write_table(febrl3[~is_new], tmp_path / "people.csv")
    new = write_table(febrl3[is_new], tmp_path / "new_people.csv")
    store = ["--store", f"sqlite:///{tmp_path / 'fm.db'}"]

    code, out, err = run(
        capsys,
        "transform",
        "create",
        "people",
        "--data",
        str(data),
        "--primary-key",
        PRIMARY_KEY,
        *store,
    )
    assert code == 0, err
    code, out, _ = run(capsys, "transform", "list", "--json", *store)
    assert [t["name"] for t in json.loads(out)] == ["people"]

    sheet_path = tmp_path / "round1.csv"
    code, out, err = run(capsys, "labels", "generate", "people", "--out", str(sheet_path), *store)
    assert code == 0, err
    sheet = read_table(sheet_path)
    assert list(sheet.columns[:2]) == ["labeling_set_id", "label"]
    entities = sheet[PRIMARY_KEY].map(truth)
    sheet["label"] = entities.groupby(sheet["labeling_set_id"]).transform(
        lambda v: [f"L{c}" for c in pd.factorize(v)[0]]
    )
    write_table(sheet, sheet_path)
    code, out, err = run(capsys, "labels", "import", "people", str(sheet_path), "--json", *store)
    assert code == 0, err
    assert json.loads(out)["imported"] == len(sheet)

    code, out, err = run(capsys, "train", "people", "--json", *store)
    assert code == 0, err
    assert json.loads(out)["model"] == "supervised"
    code, out, err = run(capsys, "evaluate", "--transform", "people", "--json", *store)
    assert code == 0, err
    assert 0.0 <= json.loads(out)["area_under_pr_curve"] <= 1.0

    matched = tmp_path / "matched.csv"
    code, out, err = run(capsys, "match", "--transform", "people", "--out", str(matched), *store)
    assert code == 0, err
    first = read_table(matched)
    assert len(first) == int((~is_new).sum())

    out_db = f"sqlite:///{tmp_path / 'out.db'}"
    code, _, err = run(
        capsys, "match", "--transform", "people", "--out", out_db, "--out-table", "matches", *store
    )
    assert code == 0, err
    code, _, err = run(
        capsys, "match", "--transform", "people", "--out", out_db, "--out-table", "matches", *store
    )
    assert code == 2 and "already exists" in err

    second = tmp_path / "matched2.csv"
    code, out, err = run(
        capsys,
        "match-incremental",
        "people",
        "--existing",
        str(matched),
        "--new",
        str(new),
        "--out",
        str(second),
        "--json",
        *store,
    )
    assert code == 0, err
    assert json.loads(out)["skipped_pairs"] > 0
    both = read_table(second)
    assert len(both) == len(febrl3)
    assert both["match_id"].iloc[: len(first)].tolist() == first["match_id"].tolist()

    pair = febrl3[PRIMARY_KEY].iloc[:2].tolist()
    code, out, err = run(capsys, "explain", "people", "--pair", *pair, *store)
    assert code == 0, err
    assert "match probability" in out and "given_name" in out
    group = first["match_id"][first.duplicated("match_id", keep=False)].iloc[0]
    code, out, err = run(capsys, "explain", "people", "--group", group, "--json", *store)
    assert code == 0, err
    explained = pd.DataFrame(json.loads(out))
    assert set(explained["left_key"]) <= set(first.loc[first["match_id"] == group, PRIMARY_KEY])
    assert (explained["probability"] >= 0.5).all()

    exported = tmp_path / "all.csv"
    code, _, err = run(capsys, "labels", "export", "people", "--out", str(exported), *store)
    assert code == 0, err
    # round trip: what was imported comes back, without the helper column
    imported = read_table(sheet_path).drop(columns="suggested_label")
    pd.testing.assert_frame_equal(read_table(exported), imported)

    code, out, _ = run(capsys, "runs", "people", "--json", *store)
    types = [r["type"] for r in json.loads(out)]
    assert types[0] == "EXPORT_LABELS" and "TRAINING" in types and "FIND_MATCHES" in types
    assert any(r["status"] == "FAILED" for r in json.loads(out)), "the refused table write"

    code, out, _ = run(capsys, "transform", "show", "people", *store)
    assert "READY" in out
    history = out[out.index("quality history") :]  # the evaluation above, groups first
    assert re.search(r"groups F1 [01]\.\d{4} \[[01]\.\d{4}, [01]\.\d{4}\]  AUPRC", history)
    code, _, _ = run(capsys, "transform", "delete", "people", *store)
    assert code == 0
    code, _, err = run(capsys, "train", "people", *store)
    assert code == 2 and "people" in err


def test_every_command_has_help_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    commands = [
        ["match"],
        ["evaluate"],
        ["demo"],
        ["transform", "create"],
        ["transform", "update"],
        ["transform", "export-model"],
        ["transform", "list"],
        ["labels", "generate"],
        ["labels", "import"],
        ["labels", "export"],
        ["train"],
        ["match-incremental"],
        ["runs"],
        ["explain"],
    ]
    for command in commands:
        with pytest.raises(SystemExit) as exited:
            main([*command, "--help"])
        assert exited.value.code == 0
        assert "example:" in capsys.readouterr().out, command
