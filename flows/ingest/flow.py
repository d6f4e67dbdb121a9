"""Prefect flow `ingest`: discover the files, load them, summarise (and publish a table artifact).

The files load in one task, each in its own transaction, each with its own log lines (loaded / rejected
with every reason): a task run per file would add Prefect's bookkeeping and events to every file (a
large share of the stage, bench/bench_ingest.py); the artifact keeps one row per file.

Thin by design: each task calls one plain function of flows.ingest.pipeline / load, which the
tests exercise without Prefect. Import this module only after settings.prepare_prefect_env.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from duckdb import DuckDBPyConnection
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed
from prefect.utilities.annotations import quote

from flows.config.catalog import Catalog
from flows.config.settings import Settings, load_settings
from flows.core.run_names import files_name, rename_run, start_name
from flows.core.worktime import own_work
from flows.ingest import pipeline, report
from flows.ingest.load import IngestContext, load_file
from flows.ingest.model import FileResult
from flows.ingest.store import StorageError
from flows.warehouse.db import connect

# The CLI's progress bar listens here; a plain callback list keeps Prefect parameters serialisable.
listeners: list[Callable[[FileResult], None]] = []


@task(name="discover", cache_policy=NO_CACHE)
def discover_task(paths: list[str] | None, settings: Settings, catalog: Catalog) -> list[Path]:
    """Files to ingest, and the warehouse ready for them (schema migrated, catalog mirrored)."""
    with own_work("ingest"):
        waiting: list[Path] = []
        found = pipeline.discover(paths, settings, waiting)
        pipeline.prepare(settings, catalog)
    for path in waiting:
        get_run_logger().info(pipeline.waiting_line(path))
    return found


@task(name="load-files", cache_policy=NO_CACHE)
def load_files_task(paths: list[Path], ctx: IngestContext, con: DuckDBPyConnection) -> tuple[list[FileResult], str]:
    """Load each file in its own transaction; a bad file is rejected, never raised (its reasons go to the log).
    A file system or disk that refuses a write stops the run: (results so far, the one line saying why)."""
    logger = get_run_logger()
    results = []
    for path in paths:
        with own_work("ingest"):
            try:
                result = load_file(con, path, ctx)
            except StorageError as exc:
                logger.error(str(exc))
                return results, str(exc)
        for level, line in report.log_lines(result):
            getattr(logger, level)(line)
        for listener in listeners:
            listener(result)
        results.append(result)
    return results, ""


@task(name="summarise", cache_policy=NO_CACHE)
def summarise_task(results: list[FileResult]) -> dict:
    """Counts and one row per file; published as the run's table artifact, rejections with their reasons."""
    with own_work("ingest"):
        summary = pipeline.summarise(results)
        rows = report.artifact_rows(results)
    create_table_artifact(
        key="ingest-summary",
        table=rows or [{"file": "(no files)", "status": ""}],
        description=report.description(summary, results),
    )
    return summary


@flow(name="ingest", log_prints=True, flow_run_name=start_name("ingest"))
def ingest(paths: list[str] | None = None, config_dir: str | None = None, db_path: str | None = None,
           home: str | None = None) -> dict:
    """Ingest the named files or folders (default: the inbox) into the warehouse; return the summary.

    A run that rejected files ends Completed, named "Completed with rejections" (the good files are
    in; someone must fix the others): the UI shows it apart from a clean run.
    """
    with own_work("ingest"):
        settings = load_settings(config_dir, db_path, home)
        catalog = settings.config.catalog  # every config file, read once
    # quote(): Prefect would walk the catalog's every field looking for futures, for each task call
    files = discover_task(paths, settings, quote(catalog))
    with own_work("ingest"):
        ctx = IngestContext(settings, catalog)
        # One connection for the whole run: every close checkpoints the file.
        con = connect(settings.db_path)
    try:
        con.execute("set threads = 1")  # many tiny statements: one thread avoids scheduling overhead
        results, stopped = load_files_task(files, quote(ctx), quote(con))
    finally:
        with own_work("ingest"):
            con.close()
    summary = summarise_task(results)
    rename_run(files_name(f"{settings.local_now():%Y-%m-%d}", summary["n_files"], summary["n_rejected"]))
    if stopped:
        return Failed(name="Stopped", message=stopped, data={**summary, "stopped": stopped})
    if summary["n_rejected"]:
        return Completed(name=report.REJECTED_STATE, message=report.state_message(summary), data=summary)
    return summary
