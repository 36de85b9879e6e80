"""Checkpoints for gx-findmatches suites: build, run, record.

Importing this package registers the ``findmatches_store`` checkpoint action with GX (and the
gx-findmatches expectations), so it must be imported before a Data Context loads checkpoints
that use it.

    from gx_findmatches.checkpoints import run_checkpoint_file

    outcome = run_checkpoint_file("gx_project", "checkpoints/febrl_people.json", "people.csv")
    print(outcome.success, outcome.data_docs_index)
"""

from __future__ import annotations

from .. import gx as _registers_expectations  # noqa: F401
from .project import add_batch_definition, open_project, run_checkpoint_file, run_suite_checkpoint
from .results import CheckpointOutcome, ExpectationOutcome
from .store_action import FindMatchesStoreAction
from .suites import substitute, suite_from_file

__all__ = [
    "CheckpointOutcome",
    "ExpectationOutcome",
    "FindMatchesStoreAction",
    "add_batch_definition",
    "open_project",
    "run_checkpoint_file",
    "run_suite_checkpoint",
    "substitute",
    "suite_from_file",
]
