"""Registration with GX, parameter validation, renderers, and the guard against GX silently
dropping unknown expectation types from a loaded suite."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import great_expectations as gx
import gx_findmatches.gx as fmgx
import pytest
from great_expectations.expectations.registry import get_metric_provider, get_renderer_impl
from great_expectations.render import LegacyDiagnosticRendererType, LegacyRendererType
from gx_helpers import PRIMARY_KEY, new_project

EXPECTATIONS = [name for name in fmgx.__all__ if name.startswith("Expect")]
METRICS = (
    "findmatches.match_result",
    "findmatches.match_groups",
    "findmatches.label_boundary_crossings",
    "findmatches.group_consistency",
    "findmatches.labeling_set_problems",
    "findmatches.quality_report",
    "findmatches.reference_matches",
)


def test_public_surface_is_sorted_and_complete() -> None:
    assert fmgx.__all__ == sorted(fmgx.__all__)
    assert len(EXPECTATIONS) == 7
    assert all(hasattr(fmgx, name) for name in fmgx.__all__)


@pytest.mark.parametrize("name", EXPECTATIONS)
def test_expectations_are_reachable_as_gx_expectations(name: str) -> None:
    cls = getattr(gx.expectations, name)
    assert cls is getattr(fmgx, name)
    for renderer_type in (
        LegacyRendererType.PRESCRIPTIVE,
        LegacyDiagnosticRendererType.OBSERVED_VALUE,
        LegacyDiagnosticRendererType.UNEXPECTED_TABLE,
    ):
        assert get_renderer_impl(cls.expectation_type, renderer_type).expectation is cls


@pytest.fixture(scope="module")
def engines() -> dict[str, Any]:
    from great_expectations.execution_engine import (
        PandasExecutionEngine,
        SqlAlchemyExecutionEngine,
    )

    return {
        "pandas": PandasExecutionEngine(),
        "sql": SqlAlchemyExecutionEngine(connection_string="sqlite://"),
    }


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("engine", ["pandas", "sql"])
def test_metrics_are_registered_for_pandas_and_sql(
    metric: str, engine: str, engines: dict[str, Any]
) -> None:
    provider, function = get_metric_provider(metric, engines[engine])
    assert provider.metric_name == metric and function is not None


def test_bad_parameters_fail_when_the_expectation_is_made() -> None:
    ex = gx.expectations
    with pytest.raises(ValueError, match="precision_recall_tradeoff"):
        ex.ExpectTableFuzzyDuplicateRateToBeBetween(
            primary_key=PRIMARY_KEY, precision_recall_tradeoff=1.5
        )
    with pytest.raises(ValueError, match="exactly one source of labels"):
        ex.ExpectMatchQualityMetricToBeBetween(primary_key=PRIMARY_KEY, metric="f1")
    with pytest.raises(ValueError, match="metric"):
        ex.ExpectMatchQualityMetricToBeBetween(
            primary_key=PRIMARY_KEY, metric="accuracy", label_column="entity"
        )


def test_prescriptive_sentence_renders_from_a_configuration() -> None:
    expectation = gx.expectations.ExpectMatchGroupSizesToBeBetween(
        primary_key=PRIMARY_KEY, max_value=6, partition_by="state"
    )
    renderer = get_renderer_impl(expectation.expectation_type, LegacyRendererType.PRESCRIPTIVE)
    content = renderer.renderer(configuration=expectation.configuration)[0].to_json_dict()
    template = content["string_template"]
    assert template["template"].startswith("No fuzzy match group may have more than $max_value")
    assert template["params"]["max_value"] == 6
    assert template["params"]["partition_by"] == "state"


# ----------------------------------------------------------------------------- the guard
def _suite_json(types: list[str]) -> dict[str, Any]:
    return {
        "name": "fm",
        "expectations": [
            {"type": t, "kwargs": {"primary_key": PRIMARY_KEY, "max_value": 0.5}} for t in types
        ],
    }


def test_guard_passes_registered_types_and_names_unregistered_ones(tmp_path: Path) -> None:
    ours = "expect_table_fuzzy_duplicate_rate_to_be_between"
    assert fmgx.ensure_registered(_suite_json([ours])) == [ours]
    path = tmp_path / "suite.json"
    path.write_text(json.dumps(_suite_json([ours, "expect_rows_to_be_charming"])))
    with pytest.raises(fmgx.UnregisteredExpectationError, match="expect_rows_to_be_charming") as e:
        fmgx.ensure_registered(path)
    assert e.value.missing == ["expect_rows_to_be_charming"]
    assert "drops such expectations without an error" in str(e.value)


def test_load_suite_keeps_every_expectation(tmp_path: Path) -> None:
    types = [
        "expect_table_fuzzy_duplicate_rate_to_be_between",
        "expect_match_group_sizes_to_be_between",
        "expect_table_row_count_to_be_between",
    ]
    path = tmp_path / "suite.json"
    data = _suite_json(types)
    data["expectations"][1]["kwargs"] = {"primary_key": PRIMARY_KEY, "max_value": 6}
    data["expectations"][2]["kwargs"] = {"min_value": 1}
    path.write_text(json.dumps(data))
    suite = fmgx.load_suite(path)
    assert [e.expectation_type for e in suite.expectations] == types


def test_guard_catches_a_suite_dropped_in_a_process_without_the_plugin(
    tmp_path: Path, febrl3: Any
) -> None:
    """GX 1.x drops unknown types on load and the checkpoint passes; the guard fails loudly."""
    context = new_project(tmp_path)
    suite = context.suites.add(gx.ExpectationSuite(name="fm"))
    suite.add_expectation(
        gx.expectations.ExpectTableFuzzyDuplicateRateToBeBetween(
            primary_key=PRIMARY_KEY, max_value=0.0
        )
    )
    definition = (
        context.data_sources.add_pandas("p")
        .add_dataframe_asset("a")
        .add_batch_definition_whole_dataframe("b")
    )
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name="fm", data=definition, suite=suite)
    )
    context.checkpoints.add(gx.Checkpoint(name="fm", validation_definitions=[validation]))
    suite_path = tmp_path / "gx" / "expectations" / "fm.json"
    assert suite_path.is_file()
    febrl3.head(50).to_csv(tmp_path / "rows.csv", index=False)
    script = textwrap.dedent(
        f"""
        import sys
        import pandas as pd
        import great_expectations as gx

        root = {str(tmp_path)!r}
        context = gx.get_context(mode="file", project_root_dir=root)
        checkpoint = context.checkpoints.get("fm")  # loads the suite: GX drops our type
        rows = pd.read_csv(root + "/rows.csv")
        outcome = checkpoint.run(batch_parameters={{"dataframe": rows}})
        assert "gx_findmatches.gx" not in sys.modules
        print("checkpoint success:", outcome.success, file=sys.stderr)
        suite = context.suites.get("fm")
        print("expectations kept:", len(suite.expectations), file=sys.stderr)

        from gx_findmatches.gx.guard import ensure_registered

        ensure_registered(root + "/gx/expectations/fm.json", loaded=suite)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert "checkpoint success: True" in done.stderr  # the trap: it passes without the check
    assert "expectations kept: 0" in done.stderr
    assert done.returncode != 0
    assert "UnregisteredExpectationError" in done.stderr
    assert "expect_table_fuzzy_duplicate_rate_to_be_between" in done.stderr


# ----------------------------------------------------------------------------- metric sharing
def _match_dependency(metric_class: Any, **extra: Any) -> Any:
    from great_expectations.validator.metric_configuration import MetricConfiguration

    value_kwargs = {"primary_key": PRIMARY_KEY, "partition_by": "state", **extra}
    metric = MetricConfiguration(metric_class.metric_name, {"batch_id": "b"}, value_kwargs)
    return metric_class.get_evaluation_dependencies(metric)["findmatches.match_result"]


def test_dependent_metrics_name_one_match_and_label_checks_drop_the_partition() -> None:
    from gx_findmatches.gx import metrics

    groups = _match_dependency(metrics.FindMatchesMatchGroups)
    consistency = _match_dependency(metrics.FindMatchesGroupConsistency, column="state")
    crossings = _match_dependency(metrics.FindMatchesLabelBoundaryCrossings, label_column="x")
    assert groups.id == consistency.id  # same match, computed once
    assert groups.metric_value_kwargs["partition_by"] == "state"
    assert crossings.metric_value_kwargs["partition_by"] is None
    assert crossings.id != groups.id


def test_exclusions_are_canonical_so_equal_sets_share_the_match() -> None:
    make = gx.expectations.ExpectTableFuzzyDuplicateRateToBeBetween
    first = make(primary_key=PRIMARY_KEY, exclude_columns=["b", "a", "b"])
    second = make(primary_key=PRIMARY_KEY, exclude_columns=["a", "b"])
    assert first.exclude_columns == second.exclude_columns == ["a", "b"]
