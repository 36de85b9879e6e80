"""Build and run checkpoints in a file-backed GX project from shipped declarative files.

The shipped suites (``expectations/*.json``) and checkpoint definitions
(``checkpoints/*.json``) are plain GX files; these helpers wire them to a data file or SQL
table in a GX project, so a data team gets a validated table and Data Docs in one call.
Everything is added with ``add_or_update``: running again replaces, never duplicates. After each
run the local Data Docs sites are made to work offline (:func:`make_data_docs_offline`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import great_expectations as gx
import pandas as pd
from great_expectations.checkpoint import UpdateDataDocsAction
from great_expectations.checkpoint.actions import ValidationAction
from great_expectations.core.expectation_suite import ExpectationSuite
from great_expectations.data_context.types.base import ProgressBarsConfig

from ..gx.offline_docs import make_data_docs_offline
from ..io import table_format
from ..sources import is_database_url
from .results import CheckpointOutcome, summarize
from .suites import suite_from_file

PathLike = str | os.PathLike[str]
ResultFormat = Literal["BOOLEAN_ONLY", "BASIC", "SUMMARY", "COMPLETE"]


def open_project(project: PathLike | Any) -> Any:
    """A file-mode Data Context in ``project`` (created if missing), or ``project`` itself if
    it already is a Data Context."""
    if isinstance(project, (str, os.PathLike)):
        return gx.get_context(mode="file", project_root_dir=Path(project))
    return project


def add_batch_definition(
    context: Any, name: str, source: PathLike, table: str | None = None
) -> Any:
    """A data source, asset and whole-table batch definition, all named ``name``.

    ``source`` is a data file (CSV/TSV through pandas, every column read as text as the
    engine reads it; Parquet as stored) or a SQLAlchemy URL, then with ``table``.
    """
    location = str(source)
    kind = "sql" if is_database_url(location) else "pandas"
    existing = context.data_sources.all().get(name)
    if existing is not None and existing.type != kind:
        context.data_sources.delete(name)  # the same suite, once on a file, now on a table
    if kind == "sql":
        if not table:
            raise ValueError(f"{name!r}: a database source needs table=")
        data_source = context.data_sources.add_or_update_sql(name=name, connection_string=location)
        asset = data_source.add_table_asset(name=name, table_name=table)
        return asset.add_batch_definition_whole_table(name)
    data_source = context.data_sources.add_or_update_pandas(name=name)
    path = Path(location).resolve()
    suffix = table_format(path)
    if suffix == ".parquet":
        asset = data_source.add_parquet_asset(name=name, path=path)
    else:
        asset = data_source.add_csv_asset(name=name, filepath_or_buffer=path, **_text_csv(path))
    return asset.add_batch_definition_whole_dataframe(name)


def run_suite_checkpoint(
    project: PathLike | Any,
    source: PathLike,
    suite: PathLike | ExpectationSuite,
    *,
    table: str | None = None,
    name: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    parameters: Mapping[str, Any] | None = None,
    actions: Sequence[ValidationAction] = (),
    result_format: ResultFormat = "SUMMARY",
    progress_bars: bool | None = None,
) -> CheckpointOutcome:
    """Validate one table with one suite through a checkpoint that updates Data Docs.

    Args:
        project: the GX project folder (file mode) or a Data Context.
        source: a data file or a SQLAlchemy URL (then give ``table``).
        suite: a suite JSON file (loaded through the registration guard) or a suite.
        table: the table of a database ``source``.
        name: the name of the data source, suite, validation definition and checkpoint
            (default: the suite's name).
        overrides, parameters: adapt a suite file; see :func:`suite_from_file`.
        actions: more actions to run after ``UpdateDataDocsAction``.
        result_format: GX result format of the run (``BOOLEAN_ONLY``, ``BASIC``, ``SUMMARY``
            or ``COMPLETE``).
        progress_bars: show (``True``) or hide (``False``) GX's "Calculating Metrics" bar for
            this run; ``None`` keeps the project's ``progress_bars`` setting.

    Returns:
        The outcome, with the Data Docs ``index.html`` path (the site works offline).
    """
    context = open_project(project)
    if not isinstance(suite, ExpectationSuite):
        suite = suite_from_file(suite, overrides, parameters, name=name)
    name = name or suite.name
    definition = _validation_definition(context, name, source, table, suite)
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=name,
            validation_definitions=[definition],
            actions=[UpdateDataDocsAction(name="update_data_docs"), *actions],
            result_format=result_format,
        )
    )
    with metric_progress_bars(context, progress_bars):
        return _run(checkpoint, context)


@contextmanager
def metric_progress_bars(context: Any, enabled: bool | None) -> Iterator[None]:
    """GX's "Calculating Metrics" bar on or off for the block, through the context's own
    ``progress_bars`` variable (what GX's validator reads).

    The setting is restored afterwards and set only around the run: GX writes the whole
    project configuration whenever a data source is added, and a run of ``--quiet`` must not
    turn the bars off in the user's ``great_expectations.yml``.
    """
    if enabled is None:
        yield
        return
    previous = context.variables.progress_bars
    context.variables.progress_bars = ProgressBarsConfig(
        globally=enabled, metric_calculations=enabled
    )
    try:
        yield
    finally:
        context.variables.progress_bars = previous


def run_checkpoint_file(
    project: PathLike | Any,
    checkpoint_path: PathLike,
    source: PathLike,
    *,
    table: str | None = None,
    suites_dir: PathLike | None = None,
    overrides: Mapping[str, Any] | None = None,
    parameters: Mapping[str, Any] | None = None,
    actions: Sequence[ValidationAction] = (),
) -> CheckpointOutcome:
    """Run a shipped checkpoint definition (GX 1.x checkpoint JSON) on one table.

    A checkpoint file names its validation definitions; each name is a suite file
    ``<suites_dir>/<name>.json`` validated against ``source``. The file's actions (e.g.
    ``update_data_docs``, ``findmatches_store``) run as declared, then ``actions``.

    Args:
        suites_dir: where the suites are (default: ``expectations/`` beside the checkpoint
            file's folder, the repository layout).
    """
    context = open_project(project)
    path = Path(checkpoint_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    folder = Path(suites_dir) if suites_dir is not None else path.parent.parent / "expectations"
    definitions = []
    for reference in data.get("validation_definitions") or []:
        vd_name = reference["name"]
        suite = suite_from_file(folder / f"{vd_name}.json", overrides, parameters, name=vd_name)
        definitions.append(_validation_definition(context, vd_name, source, table, suite))
    data["validation_definitions"] = definitions
    data.pop("id", None)
    checkpoint = gx.Checkpoint(**data)
    checkpoint.actions.extend(actions)
    checkpoint = context.checkpoints.add_or_update(checkpoint)
    return _run(checkpoint, context)


def _run(checkpoint: Any, context: Any) -> CheckpointOutcome:
    """Run a checkpoint, then make the Data Docs it built readable without network."""
    result = checkpoint.run()
    make_data_docs_offline(context)
    return summarize(result, context)


def _validation_definition(
    context: Any, name: str, source: PathLike, table: str | None, suite: ExpectationSuite
) -> Any:
    batch_definition = add_batch_definition(context, name, source, table)
    suite.id = None  # a suite loaded from a file may carry another project's id
    suite = context.suites.add_or_update(suite)
    return context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
    )


def _text_csv(path: Path) -> dict[str, Any]:
    """Reader options that read every CSV column as text (keys and postcodes stay intact).

    pandas' default missing-value strings still apply: GX stores reader options in YAML and
    cannot serialize an ``na_values`` list (pydantic turns it into an iterator).
    """
    header = pd.read_csv(path, nrows=0, sep="\t" if path.suffix.lower() == ".tsv" else ",")
    options: dict[str, Any] = {
        "dtype": {str(column): "str" for column in header.columns},
    }
    if path.suffix.lower() == ".tsv":
        options["sep"] = "\t"
    return options
