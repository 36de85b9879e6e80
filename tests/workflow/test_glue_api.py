"""The Glue API calls issue 11 found missing, in Python and on the command line, over a real
store (SQLite, and PostgreSQL where the store is involved): UpdateMLTransform, GetMLTaskRun,
matching another table with a trained transform, exporting a stored model and matching with a
model file; and flags that do not apply to a mode are errors, never ignored.

Measured before: ``match --transform NAME`` with ``--precision-recall-tradeoff``,
``--labels``, ``--enforce-provided-labels``, ``--columns`` or ``--save-model`` exited 0 with
the same output as without them; there was no way to change a stored transform's parameters,
to see or cancel one run, to match another table with a stored transform, or to get its model
out of the store.
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pytest
from gx_findmatches import ColumnError, FindMatches, NotTrainedError, ParameterError
from gx_findmatches.cli import main
from gx_findmatches.datasets.febrl import PRIMARY_KEY, labels_from_truth
from gx_findmatches.engine.settings import TRANSFORM_PARAMETERS
from gx_findmatches.io import read_table
from gx_findmatches.sources import DataSource
from gx_findmatches.store import Store, StoreError
from gx_findmatches.workflow import Workflow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tables(
    febrl3: pd.DataFrame, febrl3_truth: pd.Series, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """``people.csv`` (every record of 150 people, about 400 rows), ``other.csv`` (300
    records of other people, the same columns plus a ``note``), and labels for ``people``.

    FEBRL3's pairs are all near 0 or 1, so the last record of ``other`` is a look-alike of
    its first, sharing only surname, suburb and postcode: a doubtful pair (probability about
    0.4), so that a threshold has something to decide."""
    folder = tmp_path_factory.mktemp("glue_api")
    entity = febrl3_truth.astype(int)
    chosen = (entity < 150) | entity.isin([274, 740])
    people = febrl3[chosen]
    other = febrl3[~chosen].head(300).assign(note="batch 2")
    shared = ["surname", "suburb", "postcode"]
    other.loc[other.index[299], shared] = other.iloc[0][shared].to_numpy()
    other.loc[other.index[299], ["given_name", "address_1", "date_of_birth", "soc_sec_id"]] = [
        "zebulon",
        "nowhere lane",
        "19000101",
        "9999999",
    ]
    labels = labels_from_truth(people, febrl3_truth[chosen], PRIMARY_KEY, max_records=40)
    paths = {"people": folder / "people.csv", "other": folder / "other.csv"}
    people.to_csv(paths["people"], index=False)
    other.to_csv(paths["other"], index=False)
    paths["labels"] = folder / "labels.csv"
    labels.to_csv(paths["labels"], index=False)
    return paths


@pytest.fixture
def flow(store_url: str, tables: dict[str, Path]) -> Workflow:
    """A store with the transform ``people`` on ``people.csv``, trained once (version 1)."""
    workflow = Workflow(Store(store_url))
    workflow.create_transform("people", DataSource(str(tables["people"])), PRIMARY_KEY)
    workflow.train("people")
    yield workflow  # type: ignore[misc]
    workflow.store.close()


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ------------------------------------------------------------------- UpdateMLTransform
def test_a_match_time_parameter_applies_to_the_next_match(flow: Workflow) -> None:
    before = flow.match("people").summary
    update = flow.update_transform("people", precision_recall_tradeoff=0.0)
    assert update.changed == {"precision_recall_tradeoff": (0.5, 0.0)}
    assert (update.needs_training, update.model_version) == (False, 1)
    assert update.transform.status == "READY"
    after = flow.match("people").summary
    assert after.matched_pairs > before.matched_pairs  # the lower threshold took effect
    assert flow.store.latest_model("people")[0] == 1  # type: ignore[index]  # no new model


def test_a_training_parameter_makes_the_model_stale_until_trained_again(flow: Workflow) -> None:
    update = flow.update_transform("people", accuracy_cost_tradeoff=0.9)
    assert update.changed == {"accuracy_cost_tradeoff": (0.5, 0.9)}
    assert update.needs_training and update.transform.status == "NOT_READY"
    with pytest.raises(NotTrainedError, match=r"version 1\) was trained with accuracy_cost"):
        flow.match("people")
    failed = flow.store.runs("people")[0]
    assert (failed.type, failed.status) == ("FIND_MATCHES", "FAILED")
    with pytest.raises(NotTrainedError, match="NOT_READY"):
        flow.export_model("people", "never-written.json")
    assert not Path("never-written.json").exists()
    # set back, the model is current again; changed again and trained, a new version
    assert not flow.update_transform("people", accuracy_cost_tradeoff=0.5).needs_training
    assert flow.store.get_transform("people").status == "READY"
    flow.update_transform("people", accuracy_cost_tradeoff=0.9)
    assert flow.train("people").version == 2
    assert flow.store.get_transform("people").status == "READY"
    assert flow.trained("people").accuracy_cost_tradeoff == 0.9


def test_updates_are_checked_and_a_refused_one_changes_nothing(
    flow: Workflow, tables: dict[str, Path]
) -> None:
    flow.import_labels("people", str(tables["labels"]))
    before = flow.store.get_transform("people")
    with pytest.raises(ParameterError, match="precision_recall_tradeoff must be a number"):
        flow.update_transform("people", precision_recall_tradeoff=1.5)
    with pytest.raises(ParameterError, match="max_candidate_pairs is not a parameter"):
        flow.update_transform("people", max_candidate_pairs=10)
    with pytest.raises(ColumnError, match="no_such_column"):
        flow.update_transform("people", columns=["surname", "no_such_column"])
    with pytest.raises(ParameterError, match="has labels, stored by their 'rec_id' values"):
        flow.update_transform("people", primary_key="soc_sec_id")
    assert flow.store.get_transform("people") == before
    unchanged = flow.update_transform("people", accuracy_cost_tradeoff=0.5)
    assert (unchanged.changed, unchanged.needs_training) == ({}, False)


def test_transform_update_offers_every_parameter_with_its_declared_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["transform", "update", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for declared in TRANSFORM_PARAMETERS:
        assert declared.flag in text and " ".join(declared.help.split()) in text, declared.name
    assert "--no-enforce-provided-labels" in text and "example:" in text


def test_transform_update_command(
    tables: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", f"sqlite:///{tmp_path / 'fm.db'}"]
    create = ["transform", "create", "people", "--data", str(tables["people"])]
    assert cli(capsys, *create, "--primary-key", PRIMARY_KEY, *store)[0] == 0
    assert cli(capsys, "train", "people", "--quiet", *store)[0] == 0

    code, out, err = cli(
        capsys, "transform", "update", "people", "--precision-recall-tradeoff", "0.8", *store
    )
    assert code == 0, err
    assert "precision_recall_tradeoff 0.5 -> 0.8" in out and "READY: model version 1" in out
    code, out, _ = cli(
        capsys, "transform", "update", "people", "--columns", "given_name,surname", "--json", *store
    )
    update = json.loads(out)
    assert update["changed"] == {"columns": [None, ["given_name", "surname"]]}
    assert update["needs_training"] and update["transform"]["status"] == "NOT_READY"
    code, out, _ = cli(capsys, "transform", "update", "people", "--columns", "", *store)
    assert "columns ['given_name', 'surname'] -> None" in out and "READY" in out
    for switch, value in (
        ("--enforce-provided-labels", True),
        ("--no-enforce-provided-labels", False),
    ):
        code, out, _ = cli(capsys, "transform", "update", "people", switch, "--json", *store)
        assert json.loads(out)["transform"]["enforce_provided_labels"] is value

    code, _, err = cli(capsys, "transform", "update", "people", *store)
    assert code == 2 and "give at least one parameter to change: --primary-key" in err
    code, _, err = cli(
        capsys, "transform", "update", "people", "--accuracy-cost-tradeoff", "7", *store
    )
    assert code == 2 and "accuracy_cost_tradeoff must be a number between 0 and 1" in err
    code, out, _ = cli(capsys, "transform", "show", "people", "--json", *store)
    assert json.loads(out)["transform"]["accuracy_cost_tradeoff"] == 0.5


# ------------------------------------------------------------- FindMatches on another table
def test_a_trained_transform_matches_another_table_with_its_columns(
    flow: Workflow, tables: dict[str, Path], tmp_path: Path
) -> None:
    other = DataSource(str(tables["other"]))
    result = flow.match("people", data=other)
    frame = read_table(tables["other"])
    assert len(result.frame) == len(frame) == 300
    assert result.frame["note"].eq("batch 2").all()  # extra columns pass through
    expected = flow.trained("people").match(frame).frame
    assert result.frame["match_id"].tolist() == expected["match_id"].tolist()
    assert result.summary.groups_with_duplicates > 0
    assert flow.store.runs("people")[0].parameters == {"output": None, "data": other.describe()}

    lacking = tmp_path / "lacking.csv"
    frame.drop(columns=["surname", "postcode"]).to_csv(lacking, index=False)
    with pytest.raises(ColumnError, match=r"lacks column\(s\) \['surname', 'postcode'\] that "):
        flow.match("people", data=DataSource(str(lacking)))
    failed = flow.store.runs("people")[0]
    assert failed.status == "FAILED" and "transform 'people' was trained on" in (
        failed.error_message or ""
    )


def test_a_stored_transform_explains_its_pairs(flow: Workflow) -> None:
    """Not a Glue call: why two records of one match group were matched, column by column."""
    matched = flow.match("people").frame
    group = matched[matched["match_id"].duplicated(keep=False)]
    pair = tuple(group.loc[group["match_id"] == group["match_id"].iloc[0], PRIMARY_KEY][:2])
    engine = flow.trained("people")
    explained = engine.explain(flow.data("people"), [pair])
    assert set(explained["column"]) - {"(baseline)"} == set(engine.trained_columns_[1:])
    assert explained["probability"].iloc[0] >= engine.threshold_


# ------------------------------------------------------- export the model, match with it
def test_an_exported_model_matches_as_the_stored_transform(
    flow: Workflow,
    tables: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    flow.update_transform("people", precision_recall_tradeoff=0.7)
    version, path = flow.export_model("people", tmp_path / "people.json")
    assert version == 1 and path == tmp_path / "people.json"
    loaded = FindMatches.load(path)
    assert loaded.precision_recall_tradeoff == 0.7  # what `match --transform` would use
    frame = read_table(tables["other"])
    stored = flow.match("people", data=DataSource(str(tables["other"])))
    pd.testing.assert_frame_equal(loaded.match(frame).frame, stored.frame)
    with pytest.raises(ColumnError, match=r"the table lacks column\(s\) \['surname'\] that this"):
        loaded.match(frame.drop(columns="surname"))  # not a KeyError deep in comparison
    matched = stored.frame.drop(columns="note")
    new = frame.drop(columns=["note", "surname"]).head(3).assign(rec_id=["n1", "n2", "n3"])
    with pytest.raises(ColumnError, match="the table of new records lacks"):
        loaded.match_incremental(matched.drop(columns="surname"), new)

    store = ["--store", flow.store.url]
    model = tmp_path / "cli.json"
    code, out, err = cli(capsys, "transform", "export-model", "people", "--out", str(model), *store)
    assert code == 0, err
    assert f"wrote model version 1 of 'people' to {model}" in out
    by_transform, by_model = tmp_path / "by_transform.csv", tmp_path / "by_model.csv"
    other = ["--data", str(tables["other"]), "--quiet"]
    code, _, err = cli(
        capsys, "match", "--transform", "people", *other, "--out", str(by_transform), *store
    )
    assert code == 0, err
    code, _, err = cli(capsys, "match", "--model", str(model), *other, "--out", str(by_model))
    assert code == 0, err
    assert by_model.read_bytes() == by_transform.read_bytes()

    # a model file may take match-time parameters for the run, as set_params does
    code, out, _ = cli(capsys, "match", "--model", str(model), *other, "--json")
    kept = json.loads(out)["matched_pairs"]
    code, out, _ = cli(
        capsys, "match", "--model", str(model), *other, "--json", "--precision-recall-tradeoff", "0"
    )
    assert code == 0 and json.loads(out)["matched_pairs"] > kept  # the look-alike pair too
    code, _, err = cli(
        capsys, "match", "--model", str(model), *other, "--precision-recall-tradeoff", "3"
    )
    assert code == 2 and "precision_recall_tradeoff must be" in err
    lacking = tmp_path / "lacking.csv"
    frame.drop(columns="surname").to_csv(lacking, index=False)
    code, _, err = cli(capsys, "match", "--model", str(model), "--data", str(lacking))
    assert code == 2 and f"lacks column(s) ['surname'] that the model {model}" in err


# ------------------------------------------------------- flags that do not apply: errors
REFUSED = [
    (
        ["match", "--transform", "people", "--precision-recall-tradeoff", "0.5"],
        "`gx-findmatches transform update people --precision-recall-tradeoff 0.5`",
    ),
    (
        ["match", "--transform", "people", "--enforce-provided-labels"],
        "`gx-findmatches transform update people --enforce-provided-labels`",
    ),
    (
        ["match", "--transform", "people", "--columns", "given_name,surname"],
        "`gx-findmatches transform update people --columns given_name,surname`, then train again",
    ),
    (
        ["match", "--transform", "people", "--accuracy-cost-tradeoff", "0.9"],
        "--accuracy-cost-tradeoff 0.9`, then train again (`gx-findmatches train people`)",
    ),
    (["match", "--transform", "people", "--primary-key", "rec_id"], "then train again"),
    (["match", "--transform", "people", "--partition-by", "state"], "--partition-by state`"),
    (
        ["match", "--transform", "people", "--labels", "l.csv"],
        "`gx-findmatches labels import people l.csv`, then `gx-findmatches train people`",
    ),
    (
        ["match", "--transform", "people", "--save-model", "m.json"],
        "`gx-findmatches transform export-model people --out m.json`",
    ),
    (["match", "--transform", "people", "--model", "m.json"], "not both"),
    (
        ["match", "--model", "m.json", "--data", "d.csv", "--columns", "given_name"],
        "--columns does not apply with --model: the model was trained with its own columns",
    ),
    (
        ["match", "--model", "m.json", "--data", "d.csv", "--primary-key", "rec_id"],
        "fit a new model with it (`gx-findmatches match --data PATH --primary-key COLUMN",
    ),
    (
        ["match", "--model", "m.json", "--data", "d.csv", "--labels", "l.csv"],
        "--labels does not apply with --model: the model is already trained",
    ),
    (
        ["match", "--model", "m.json", "--data", "d.csv", "--save-model", "x.json"],
        "--save-model does not apply with --model",
    ),
    (["match", "--model", "m.json"], "--model needs --data PATH"),
    (
        ["match", "--data", "d.csv", "--table", "t", "--primary-key", "rec_id", "--out", "o.csv"],
        "--table applies only when --data is a database URL",
    ),
    (
        ["evaluate", "--transform", "people", "--precision-recall-tradeoff", "0.9"],
        "`gx-findmatches transform update people --precision-recall-tradeoff 0.9`",
    ),
    (
        ["evaluate", "--transform", "people", "--columns", "surname"],
        "`gx-findmatches transform update people --columns surname`, then evaluate again",
    ),
    (
        ["evaluate", "--transform", "people", "--labels", "l.csv"],
        "`gx-findmatches labels import people l.csv`, then evaluate again",
    ),
]


@pytest.mark.parametrize(("argv", "fix"), REFUSED, ids=[" ".join(a) for a, _ in REFUSED])
def test_a_flag_that_does_not_apply_is_an_error_naming_the_fix(
    argv: list[str],
    fix: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, *argv, "--store", f"sqlite:///{tmp_path / 'fm.db'}")
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and fix in err, err
    assert list(tmp_path.iterdir()) == []  # refused before any work: not even a store


# ------------------------------------------------------------- GetMLTaskRun(s), the CLI
def test_runs_show_and_list(flow: Workflow, capsys: pytest.CaptureFixture[str]) -> None:
    store = ["--store", flow.store.url]
    [training] = flow.store.runs("people")
    code, out, err = cli(capsys, "runs", "show", training.id[:8], "--json", *store)
    assert code == 0, err
    assert json.loads(out) == json.loads(json.dumps(asdict(training), default=str))
    code, out, _ = cli(capsys, "runs", "show", training.id, *store)
    assert re.search(rf"^id +{training.id}$", out, re.M) and "SUCCEEDED" in out
    for listing in (["runs", "people"], ["runs", "list", "people"], ["runs"]):
        code, out, _ = cli(capsys, *listing, *store)
        assert code == 0 and out.startswith(f"{training.id[:8]}  ") and "rows=" in out
    code, _, err = cli(capsys, "runs", "cancel", training.id[:8], *store)
    assert code == 2 and "has already ended SUCCEEDED; only a RUNNING run" in err
    code, _, err = cli(capsys, "runs", "show", *store)
    assert code == 2 and "runs show RUN_ID" in err
    code, _, err = cli(capsys, "runs", "show", training.id, "--limit", "3", *store)
    assert code == 2 and "--limit does not apply" in err
    with pytest.raises(StoreError, match="no task run 'nope'"):
        flow.store.get_run("nope")


# ------------------------------------------------------------- the mapping table in docs
def _glue_table() -> list[tuple[str, list[str], list[str]]]:
    text = (ROOT / "docs" / "workflow.md").read_text(encoding="utf-8")
    section = text.split("## Glue API → gx-findmatches", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("AWS Glue", "---"):
            continue
        commands = re.findall(r"`([a-z][a-z-]*(?: [a-z][a-z-]*)?)[ `]", cells[1])
        calls = re.findall(r"`([A-Za-z_.]+)`", cells[2])
        rows.append((cells[0], commands, calls))
    return rows


def _resolve(call: str) -> object:
    """``Workflow.update_transform`` or ``engine.explain.explain_group``, as an object."""
    owner, _, attribute = call.rpartition(".")
    classes = {"Workflow": Workflow, "Store": Store, "FindMatches": FindMatches}
    found = classes.get(owner) or importlib.import_module(f"gx_findmatches.{owner}")
    return getattr(found, attribute)


def test_every_glue_call_in_the_docs_has_a_command_a_python_call_and_a_test(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = _glue_table()
    glue = " ".join(name for name, _, _ in rows)
    for call in ("`UpdateMLTransform`", "`GetMLTaskRun`", "`CancelMLTaskRun`", "`GetMLTaskRuns`"):
        assert call in glue, call
    tests = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py"))
    for name, commands, calls in rows:
        assert commands and calls, name
        for words in commands:
            with pytest.raises(SystemExit) as exited:
                main([*words.split(), "--help"])
            assert exited.value.code == 0, f"{name}: `{words}` is not a command"
        for call in calls:
            assert callable(_resolve(call)), call
            assert f"{call.rpartition('.')[2]}(" in tests, f"{name}: no test calls {call}"
    capsys.readouterr()
