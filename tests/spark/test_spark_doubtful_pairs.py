"""Both engines give the same groups when many pairs are doubtful, and stay fed the same data.

On FEBRL3 with every column, pair probabilities lie near 0 or 1, so the agreement tests there
never exercise average linkage on doubtful components. On five weaker columns (no names but
the surname) 149 pairs lie between 0.01 and 0.99; at ``precision_recall_tradeoff=0.0``
(threshold 0.01) they become edges, and clustering must split the components they join.

A reported difference on this table (2 records at 0.5, 41 at 0.0) came from the input, not the
engines: a Spark session without Arrow turns ``NaN`` in a pandas text column into the text
``"nan"`` (157 cells here), which then blocks and compares as a value. Fed the same data, the
engines agree stage by stage: candidate pairs, probabilities and groups.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pandas as pd
import pytest
from gx_findmatches import FindMatches
from gx_findmatches.datasets.febrl import PRIMARY_KEY

pytestmark = pytest.mark.spark

DOUBTFUL_COLUMNS = ["surname", "date_of_birth", "suburb", "postcode", "street_number"]


@pytest.fixture(scope="module")
def doubtful(febrl3: pd.DataFrame) -> pd.DataFrame:
    """1,500 FEBRL3 records, exact duplicates on the compared columns dropped (1,395 left), so
    no identical-record collapsing is involved; some surnames and dates are missing."""
    frame = febrl3.iloc[:1500].drop_duplicates(subset=DOUBTFUL_COLUMNS).reset_index(drop=True)
    assert frame[["surname", "date_of_birth"]].isna().any().all()
    return frame


@pytest.mark.slow
@pytest.mark.parametrize("tradeoff", [0.5, 0.0])
def test_doubtful_pairs_give_the_pandas_engines_match_ids(
    spark: Any, doubtful: pd.DataFrame, tradeoff: float
) -> None:
    from gx_findmatches.spark import SparkFindMatches

    fitted = FindMatches(
        primary_key=PRIMARY_KEY, columns=DOUBTFUL_COLUMNS, precision_recall_tradeoff=tradeoff
    ).fit(doubtful)
    expected = fitted.match(doubtful)
    # doubtful pairs (149 here): the table is what the test says it is
    probability = expected.pairs["probability"]
    assert ((probability > 0.01) & (probability < 0.99)).sum() >= 100
    spark_ids = (
        SparkFindMatches(fitted)
        .match(spark.createDataFrame(doubtful))
        .frame.toPandas()
        .set_index(PRIMARY_KEY)["match_id"]
    )
    pandas_ids = expected.frame.set_index(PRIMARY_KEY)["match_id"]
    assert expected.summary.groups_with_duplicates > 100
    differing = pandas_ids.index[pandas_ids != spark_ids.loc[pandas_ids.index]]
    assert list(differing) == []


_SESSION_SCRIPT = """
import json, sys
import numpy as np, pandas as pd
from gx_findmatches.spark.job import session
spark = session("local[1]")
spark.sparkContext.setLogLevel("ERROR")
frame = pd.DataFrame({"key": ["a", "b"], "surname": ["smith", np.nan]})
rows = spark.createDataFrame(frame).orderBy("key").collect()
print(json.dumps([row["surname"] for row in rows]))
spark.stop()
"""


@pytest.mark.slow
def test_the_job_session_keeps_missing_text_values_missing() -> None:
    """``session()`` (the job's and the CLI's session) converts pandas frames through Arrow:
    a missing surname arrives as null, not as the surname ``"nan"``. Run in a fresh process,
    since in this one the tests' session is already active and ``session()`` returns it."""
    done = subprocess.run(
        [sys.executable, "-c", _SESSION_SCRIPT],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == ["smith", None]
