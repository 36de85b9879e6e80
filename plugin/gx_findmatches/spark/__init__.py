"""The FindMatches engine on PySpark: the same model file, the same groups, more machines.

PySpark is an optional extra (``pip install "gx-findmatches[spark]"``). Importing this package
never imports it; using one of its names does, and fails with a clear ``ImportError`` when it
is missing::

    from gx_findmatches.spark import SparkFindMatches
    result = SparkFindMatches("model.json").match(spark_frame)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .transform import SparkFindMatches, SparkMatchResult

__all__ = ["SparkFindMatches", "SparkMatchResult"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        import pyspark  # noqa: F401
    except ImportError as error:
        raise ImportError(
            f"gx_findmatches.spark.{name} needs PySpark; install it with "
            f'pip install "gx-findmatches[spark]"'
        ) from error
    from . import transform

    return getattr(transform, name)
