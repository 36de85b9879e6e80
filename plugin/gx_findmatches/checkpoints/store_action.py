"""FindMatchesStoreAction: record each checkpoint run (and optionally its match result) in the
gx-findmatches store.

A GX run then shows up beside the CLI's runs (``gx-findmatches runs``) as a FIND_MATCHES task
run of the transform, with whether the data passed and how many checks did: one history of
what was matched and checked, whichever tool ran it.
"""

from __future__ import annotations

from typing import Any, Literal

from great_expectations.checkpoint.actions import ActionContext, ValidationAction
from great_expectations.checkpoint.checkpoint import CheckpointResult
from great_expectations.compatibility.pydantic import Field

STATISTICS = (
    "evaluated_expectations",
    "successful_expectations",
    "unsuccessful_expectations",
)


class FindMatchesStoreAction(ValidationAction):
    """Record the checkpoint run as a FIND_MATCHES task run of ``transform_name``.

    The task run itself SUCCEEDS (the checks ran); whether the data passed is in its
    ``row_counts["success"]``, next to the expectation counts. A missing transform is created
    (NOT_READY) with ``primary_key`` (default: the first ``primary_key`` an expectation names)
    and ``data_source``, so a first run needs no CLI setup.
    """

    type: Literal["findmatches_store"] = "findmatches_store"
    transform_name: str = Field(description="The store transform the run is recorded under.")
    store_url: str | None = Field(
        default=None, description="SQLAlchemy URL of the store (default: $GX_FINDMATCHES_STORE)."
    )
    data_source: str | None = Field(
        default=None, description="Data file or URL recorded if the transform is created."
    )
    primary_key: str | None = Field(
        default=None, description="Primary key recorded if the transform is created."
    )
    result_table: str | None = Field(
        default=None,
        description="Also store the match result (rows + match_id + match_confidence_score) "
        "of the trained transform over its data source in this table of the store's "
        "database, replaced each run, in the same transaction as the run record.",
    )

    def run(
        self, checkpoint_result: CheckpointResult, action_context: ActionContext | None = None
    ) -> dict[str, Any]:
        """Write the task run; returns its id and row counts."""
        from ..store import Store
        from ..store.errors import TransformNotFoundError

        counts = _counts(checkpoint_result)
        parameters = {
            "source": "great_expectations",
            "checkpoint": checkpoint_result.checkpoint_config.name,
            "run_name": checkpoint_result.run_id.run_name,
            "run_time": checkpoint_result.run_id.run_time.isoformat(),
            "suites": sorted({r.suite_name for r in checkpoint_result.run_results.values()}),
        }
        with Store(self.store_url) as store:
            try:
                store.get_transform(self.transform_name)
            except TransformNotFoundError:
                self._create(store, checkpoint_result)
            with store.task_run(self.transform_name, "FIND_MATCHES", parameters) as handle:
                if self.result_table:
                    counts.update(self._store_result(store, handle))
                handle.row_counts.update(counts)
                run_id = handle.id
        return {"task_run_id": run_id, "row_counts": counts}

    def _store_result(self, store: Any, handle: Any) -> dict[str, Any]:
        """Match the transform's data with its trained model and write the rows through the
        run's own session, so the result and the run record commit (or roll back) together."""
        from ..workflow import Workflow

        flow = Workflow(store)
        result = flow.trained(self.transform_name).match(flow.data(self.transform_name))
        result.frame.to_sql(
            self.result_table or "", handle.session.connection(), if_exists="replace", index=False
        )
        summary = result.summary
        return {
            "result_table": self.result_table,
            "rows": summary.rows,
            "groups_with_duplicates": summary.groups_with_duplicates,
        }

    def _create(self, store: Any, checkpoint_result: CheckpointResult) -> None:
        from ..sources import DataSource

        key = self.primary_key or _first_primary_key(checkpoint_result)
        if key is None:
            raise ValueError(
                f"transform {self.transform_name!r} is not in the store and no primary key is "
                f"known: set primary_key on the findmatches_store action"
            )
        location = self.data_source or f"gx:{checkpoint_result.checkpoint_config.name}"
        store.create_transform(self.transform_name, DataSource(location).to_reference(), key)


def _counts(checkpoint_result: CheckpointResult) -> dict[str, Any]:
    """The run's success and expectation statistics, summed over its validations."""
    counts: dict[str, Any] = {"success": bool(checkpoint_result.success)}
    runs = list(checkpoint_result.run_results.values())
    counts["validations"] = len(runs)
    for key in STATISTICS:
        counts[key] = sum(int(run.statistics.get(key) or 0) for run in runs)
    return counts


def _first_primary_key(checkpoint_result: CheckpointResult) -> str | None:
    for run in checkpoint_result.run_results.values():
        for item in run.results:
            if item.expectation_config is None:  # a result GX built without its expectation
                continue
            key = item.expectation_config.kwargs.get("primary_key")
            if key:
                return str(key)
    return None
