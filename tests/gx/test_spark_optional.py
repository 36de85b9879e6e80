"""The GX layer without pyspark: it imports, registers its Spark metrics, and runs on pandas.

Spark is an optional extra; the Spark metric methods use GX's ``SparkDFExecutionEngine``,
which GX defines whether or not pyspark is installed. A fresh interpreter whose import system
refuses ``pyspark`` proves that nothing in ``gx_findmatches.gx`` needs it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import importlib.abc
    import json
    import sys

    class NoPyspark(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "pyspark" or name.startswith("pyspark."):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, NoPyspark())
    try:
        import pyspark  # noqa: F401
    except ModuleNotFoundError:
        blocked = True
    else:
        blocked = False

    import great_expectations as gx
    import gx_findmatches.gx  # noqa: F401
    import pandas as pd
    from great_expectations.execution_engine import SparkDFExecutionEngine
    from great_expectations.expectations.registry import get_metric_provider
    from gx_findmatches.datasets.febrl import load_febrl

    registered = [
        name
        for name in ("findmatches.match_result", "findmatches.match_groups")
        if get_metric_provider(name, SparkDFExecutionEngine.__new__(SparkDFExecutionEngine))
    ]
    frame = load_febrl("febrl3").head(300)
    batch = (
        gx.get_context(mode="ephemeral")
        .data_sources.add_pandas("p")
        .add_dataframe_asset("a")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    result = batch.validate(
        gx.expectations.ExpectTableFuzzyDuplicateRateToBeBetween(primary_key="rec_id")
    )
    print(json.dumps({
        "blocked": blocked,
        "pyspark_loaded": any(m == "pyspark" or m.startswith("pyspark.") for m in sys.modules),
        "registered": registered,
        "success": result.success,
        "rows": result.result["details"]["rows"],
    }))
    """
)


def test_the_gx_layer_imports_and_runs_on_pandas_without_pyspark() -> None:
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=180, check=False
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report == {
        "blocked": True,
        "pyspark_loaded": False,
        "registered": ["findmatches.match_result", "findmatches.match_groups"],
        "success": True,
        "rows": 300,
    }
