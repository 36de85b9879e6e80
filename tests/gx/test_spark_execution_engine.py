"""The shipped suites on a GX Spark data source (local[2]), against the same suites on pandas.

A Spark batch is collected to the driver and matched there, so for the same rows every
expectation must give exactly what the pandas data source gives. One file-mode project holds
a Spark and a pandas data source over a 1,000-row FEBRL3 slice (whole entities, so the suite's
duplicate-rate band still applies) and the Pima table; each suite runs once per engine through
a real checkpoint. Those runs are slow; the fast gate keeps the Spark batch probe and the row
condition (tests/gx/test_spark_batch_frame.py covers the collection itself).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import great_expectations as gx
import pandas as pd
import pytest
from great_expectations.checkpoint import UpdateDataDocsAction
from great_expectations.execution_engine import PandasExecutionEngine, SparkDFExecutionEngine
from great_expectations.expectations.row_conditions import Column
from gx_findmatches import write_table
from gx_findmatches.checkpoints import suite_from_file
from gx_findmatches.datasets.febrl import PRIMARY_KEY, labels_from_truth, true_entities
from gx_findmatches.datasets.pima import load_pima_with_reentries
from gx_findmatches.gx import __all__ as gx_exports
from gx_helpers import counting_engine_runs, exception_messages, new_project

pytestmark = pytest.mark.spark

SUITES = Path(__file__).resolve().parents[2] / "expectations"
SLICE_ENTITIES = 400  # FEBRL3 entities rec-0 .. rec-399: about 1,000 rows
RATE = "expect_table_fuzzy_duplicate_rate_to_be_between"
ENGINES = ("spark", "pandas")
FINDMATCHES_TYPES = {
    getattr(gx.expectations, name).expectation_type
    for name in gx_exports
    if name.startswith("Expect")
}


def _entity_number(frame: pd.DataFrame) -> pd.Series:
    return frame[PRIMARY_KEY].str.extract(r"rec-(\d+)-", expand=False).astype(int)


@pytest.fixture(scope="module")
def people(febrl3: pd.DataFrame) -> pd.DataFrame:
    """Every record of the first 400 FEBRL3 entities, in FEBRL3's (shuffled) row order."""
    return febrl3[_entity_number(febrl3) < SLICE_ENTITIES].reset_index(drop=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    root = tmp_path_factory.mktemp("gx_spark")
    return new_project(root), root


def _definitions(context: Any, name: str) -> dict[str, Any]:
    """A whole-dataframe batch definition named ``name`` on a Spark and a pandas data source."""
    sources = {
        "spark": context.data_sources.add_or_update_spark(f"{name}_spark"),
        "pandas": context.data_sources.add_or_update_pandas(f"{name}_pandas"),
    }
    return {
        engine: source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all")
        for engine, source in sources.items()
    }


def _run_suite(context: Any, suite_path: Path, name: str, frames: dict[str, Any]) -> dict[str, Any]:
    """Run one shipped suite through a checkpoint per engine (Spark's updates Data Docs).

    Returns the checkpoint results per engine, and the engine runs the Spark one took.
    """
    suite = context.suites.add(suite_from_file(suite_path, name=name))
    definitions = _definitions(context, name)
    outcomes: dict[str, Any] = {}
    for engine in ENGINES:
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"{name}_{engine}", data=definitions[engine], suite=suite)
        )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=f"{name}_{engine}",
                validation_definitions=[definition],
                actions=[UpdateDataDocsAction(name="docs")] if engine == "spark" else [],
            )
        )
        with counting_engine_runs() as runs:
            outcomes[engine] = checkpoint.run(batch_parameters={"dataframe": frames[engine]})
        outcomes[f"{engine}_engine_calls"] = runs.count
    return outcomes


def _results(outcome: Any) -> list[Any]:
    """The results of a one-validation checkpoint, in a fixed order (GX's is not suite order)."""
    (run,) = outcome.run_results.values()
    return sorted(run.results, key=_identity)


def _identity(result: Any) -> str:
    """An expectation's type and kwargs, without the batch id that names the data source."""
    kwargs = {k: v for k, v in result.expectation_config.kwargs.items() if k != "batch_id"}
    return json.dumps([result.expectation_config.type, kwargs], sort_keys=True, default=str)


def _comparable(result: Any) -> dict[str, Any]:
    """A result's values; pandas alone reports row indexes of unexpected values (GX's own
    column checks), Spark DataFrames have none."""
    return {k: v for k, v in result.result.items() if k != "partial_unexpected_index_list"}


@pytest.fixture(scope="module")
def people_runs(project: tuple[Any, Path], people: pd.DataFrame, spark: Any) -> dict[str, Any]:
    context, _ = project
    frames = {"spark": spark.createDataFrame(people), "pandas": people}
    return _run_suite(context, SUITES / "febrl_people.json", "febrl_people", frames)


@pytest.fixture(scope="module")
def pima_runs(project: tuple[Any, Path], spark: Any) -> dict[str, Any]:
    context, _ = project
    pima = load_pima_with_reentries()
    frames = {"spark": spark.createDataFrame(pima), "pandas": pima}
    return _run_suite(context, SUITES / "pima_label_boundary.json", "pima", frames)


# ------------------------------------------------------------------ the shipped FEBRL suite
def test_the_spark_batch_is_a_spark_batch(project: tuple[Any, Path], spark: Any) -> None:
    context, _ = project
    definitions = _definitions(context, "probe")
    frame = spark.createDataFrame(pd.DataFrame({"rec_id": ["a", "b"]}))
    batch = definitions["spark"].get_batch(batch_parameters={"dataframe": frame})
    assert isinstance(batch.data.execution_engine, SparkDFExecutionEngine)
    batch = definitions["pandas"].get_batch(batch_parameters={"dataframe": frame.toPandas()})
    assert isinstance(batch.data.execution_engine, PandasExecutionEngine)


@pytest.mark.slow
def test_every_expectation_of_the_shipped_suite_ran_on_spark(
    people_runs: dict[str, Any], people: pd.DataFrame
) -> None:
    declared = json.loads((SUITES / "febrl_people.json").read_text(encoding="utf-8"))
    results = _results(people_runs["spark"])
    assert sorted(r.expectation_config.type for r in results) == sorted(
        e["type"] for e in declared["expectations"]
    )
    ours = [r for r in results if r.expectation_config.type in FINDMATCHES_TYPES]
    assert len(ours) == 4
    for result in results:
        assert not exception_messages(result), result.expectation_config.type
    for result in ours:
        assert result.result["observed_value"] is not None, result.expectation_config.type
        assert result.result["details"]["columns"] == list(people.columns)
    (run,) = people_runs["spark"].run_results.values()
    assert run.meta["active_batch_definition"]["datasource_name"] == "febrl_people_spark"
    assert people_runs["spark_engine_calls"] == 1  # both rate checks and the rest share it


@pytest.mark.slow
def test_spark_results_equal_pandas_results(people_runs: dict[str, Any]) -> None:
    spark_results, pandas_results = (_results(people_runs[e]) for e in ENGINES)
    assert len(spark_results) == len(pandas_results) == 6
    for on_spark, on_pandas in zip(spark_results, pandas_results, strict=True):
        name = _identity(on_spark)
        assert name == _identity(on_pandas)
        assert on_spark.success == on_pandas.success, name
        assert _comparable(on_spark) == _comparable(on_pandas), name  # observed and details


@pytest.mark.slow
def test_the_intentional_check_fails_on_spark(
    people_runs: dict[str, Any], people: pd.DataFrame
) -> None:
    sizes = true_entities(people).value_counts()
    true_rate = sizes[sizes >= 2].sum() / len(people)
    outcome = people_runs["spark"]
    assert outcome.success is False
    failed = [r for r in _results(outcome) if not r.success]
    assert [(r.expectation_config.type, r.expectation_config.kwargs["max_value"]) for r in failed]
    assert [r.expectation_config.kwargs["max_value"] for r in failed] == [0.05]
    assert failed[0].expectation_config.type == RATE
    assert true_rate > 0.05 + 0.3  # far from the bound: failing is the truth, not noise
    assert failed[0].result["observed_value"] == pytest.approx(true_rate, abs=0.05)


@pytest.mark.slow
def test_data_docs_are_built_for_the_spark_run(
    people_runs: dict[str, Any], project: tuple[Any, Path]
) -> None:
    _, root = project
    site = root / "gx" / "uncommitted" / "data_docs" / "local_site"
    pages = [p for p in site.rglob("*.html") if "validations" in p.parts]
    spark_pages = [p for p in pages if p.name.startswith("febrl_people_spark")]
    assert spark_pages, pages
    html = spark_pages[0].read_text(encoding="utf-8")
    assert "The share of rows with a fuzzy duplicate must be at most" in html
    assert "Largest match groups" in html
    assert "Rendering failed" not in html
    assert (site / "index.html").is_file()


# ------------------------------------------------------------------ partitions and labels
@pytest.mark.slow
def test_partition_and_label_boundaries_on_spark_equal_pandas(pima_runs: dict[str, Any]) -> None:
    spark_results, pandas_results = (_results(pima_runs[e]) for e in ENGINES)
    by_type = {r.expectation_config.type: r for r in spark_results}
    partitioned = by_type["expect_column_values_to_be_consistent_within_match_groups"]
    crossing = by_type["expect_match_groups_to_not_cross_label_boundaries"]
    assert not exception_messages(partitioned) and not exception_messages(crossing)
    assert partitioned.success is True and partitioned.result["observed_value"] == 0
    assert crossing.success is False and crossing.result["observed_value"] > 0
    assert pima_runs["spark_engine_calls"] == 2  # with and without the partition
    for on_spark, on_pandas in zip(spark_results, pandas_results, strict=True):
        assert on_spark.success == on_pandas.success
        assert _comparable(on_spark) == _comparable(on_pandas)


def test_a_row_condition_is_applied_before_matching_on_spark(
    project: tuple[Any, Path], people: pd.DataFrame, spark: Any
) -> None:
    context, _ = project
    definitions = _definitions(context, "conditioned")
    frames = {"spark": spark.createDataFrame(people), "pandas": people}
    nsw = Column("state") == "nsw"
    results = {}
    for engine in ENGINES:
        batch = definitions[engine].get_batch(batch_parameters={"dataframe": frames[engine]})
        results[engine] = [
            batch.validate(gx.expectations.ExpectTableFuzzyDuplicateRateToBeBetween(**kwargs))
            for kwargs in (
                {"primary_key": PRIMARY_KEY, "max_value": 0.05, "row_condition": nsw},
                {"primary_key": PRIMARY_KEY, "max_value": 0.05},
            )
        ]
    conditioned, whole = results["spark"]
    assert not exception_messages(conditioned)
    assert conditioned.result["details"]["rows"] == int((people["state"] == "nsw").sum())
    assert whole.result["details"]["rows"] == len(people)
    assert conditioned.success is False
    for on_spark, on_pandas in zip(results["spark"], results["pandas"], strict=True):
        assert _comparable(on_spark) == _comparable(on_pandas)


# ------------------------------------------------------------------ metrics reading the batch
@pytest.mark.slow
def test_quality_reference_and_label_metrics_on_spark_equal_pandas(
    project: tuple[Any, Path], people: pd.DataFrame, spark: Any
) -> None:
    context, root = project
    truth = true_entities(people)
    checked = people.assign(entity=truth.to_numpy())
    reference = people[people[PRIMARY_KEY].str.endswith("-org")].head(50)
    reference = reference.assign(**{PRIMARY_KEY: "ref-" + reference[PRIMARY_KEY]})
    reference_path = str(write_table(reference, root / "reference.csv"))
    labels = labels_from_truth(people, truth, PRIMARY_KEY, max_records=100)
    ex = gx.expectations
    data_checks = [
        ex.ExpectMatchQualityMetricToBeBetween(
            primary_key=PRIMARY_KEY,
            exclude_columns=["entity"],
            metric="f1",
            min_value=0.9,
            label_column="entity",
            labeled_records=100,
        ),
        ex.ExpectTableRowsToHaveNoMatchesInReference(
            primary_key=PRIMARY_KEY, exclude_columns=["entity"], reference_path=reference_path
        ),
    ]
    label_check = ex.ExpectLabelingSetsToBeValid(primary_key=PRIMARY_KEY, max_set_size=5)
    data = _definitions(context, "checked")
    label_tables = _definitions(context, "labels")
    results: dict[str, list[Any]] = {}
    for engine in ENGINES:
        frame = spark.createDataFrame(checked) if engine == "spark" else checked
        batch = data[engine].get_batch(batch_parameters={"dataframe": frame})
        results[engine] = [batch.validate(check) for check in data_checks]
        label_frame = spark.createDataFrame(labels) if engine == "spark" else labels
        batch = label_tables[engine].get_batch(batch_parameters={"dataframe": label_frame})
        results[engine].append(batch.validate(label_check))
    quality, matches, label_sets = results["spark"]
    for result in results["spark"]:
        assert not exception_messages(result), result.expectation_config.type
    assert quality.success is True and quality.result["observed_value"] >= 0.9
    assert matches.success is False and matches.result["observed_value"] >= len(reference)
    assert label_sets.success is False  # FEBRL label sets have 10 records
    assert label_sets.result["observed_value"] == labels["labeling_set_id"].nunique()
    for on_spark, on_pandas in zip(results["spark"], results["pandas"], strict=True):
        assert on_spark.success == on_pandas.success
        assert _comparable(on_spark) == _comparable(on_pandas)


# ------------------------------------------------------------------ the user guide's example
def _guide_example() -> str:
    """The first Python block of the guide's "Running the suites on Spark" section."""
    guide = (SUITES.parent / "docs" / "gx_user_guide.md").read_text(encoding="utf-8")
    section = guide.split("## Running the suites on Spark", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


@pytest.mark.slow
def test_the_user_guide_example_runs_on_spark(
    people: pd.DataFrame,
    spark: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the guide reads "people/": a Parquet folder; Spark resolves a relative path against its
    # JVM's folder, not the test's, so the example runs on the absolute path of one
    (tmp_path / "people").mkdir()
    people.to_parquet(tmp_path / "people" / "part-00000.parquet", index=False)
    example = _guide_example()
    assert '"people/"' in example, "the guide's Spark example reads another table now"
    example = example.replace('"people/"', repr(str(tmp_path / "people")))
    (tmp_path / "expectations").mkdir()
    (tmp_path / "expectations" / "febrl_people.json").write_bytes(
        (SUITES / "febrl_people.json").read_bytes()
    )
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    exec(compile(example, "gx_user_guide.md", "exec"), namespace)
    outcome = namespace["outcome"]
    assert namespace["spark"] is spark  # the example reused the session, not a new one
    assert capsys.readouterr().out.strip().endswith("False")  # the intentional check fails
    (run,) = outcome.run_results.values()
    results = {_identity(r): r for r in run.results}
    assert len(results) == 7
    assert not [r for r in results.values() if exception_messages(r)]
    failed = [r.expectation_config.kwargs.get("max_value") for r in run.results if not r.success]
    assert failed == [0.05]
    (conditioned,) = [r for r in run.results if "row_condition" in r.expectation_config.kwargs]
    assert conditioned.result["details"]["rows"] == int((people["state"] == "nsw").sum())
    site = tmp_path / "gx_project" / "gx" / "uncommitted" / "data_docs" / "local_site"
    (page,) = [p for p in site.rglob("*.html") if "validations" in p.parts]
    html = page.read_text(encoding="utf-8")
    assert "For rows where" in html and "state == nsw" in html  # the condition is shown
