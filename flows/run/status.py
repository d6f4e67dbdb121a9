"""What the operator commands need to know, as plain functions: is there data, what ran, what is due.

`bipin run` and `bipin status` (flows/commands/ops_cmd.py) print these; the benchmark and tests call them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from flows.config.catalog import Catalog
from flows.config.schedules import BRIEF_KINDS, Schedules, due_kinds
from flows.config.settings import Settings
from flows.core import worktime
from flows.warehouse.db import fetch_dicts, open_warehouse

SCHEDULED_JOBS = ("pull", "ingest", *BRIEF_KINDS)


def inbox_files(settings: Settings) -> list[Path]:
    if not settings.inbox.is_dir():
        return []
    return sorted(p for p in settings.inbox.iterdir() if p.is_file() and not p.name.startswith("."))


def has_loaded_data(settings: Settings) -> bool:
    """True once any file has been loaded into this database."""
    if not settings.db_path.exists():
        return False
    with open_warehouse(settings, read_only=True) as con:
        try:
            return con.execute("select count(*) from raw.files where status = 'loaded'").fetchone()[0] > 0
        except duckdb.CatalogException:
            return False


def ensure_demo_inbox(settings: Settings, catalog: Catalog, today: date):
    """Write the demo files when there is nothing to work on (empty inbox, nothing loaded).

    Returns the demo's summary (flows.demo.inbox.DemoSummary: which file is bad on purpose ...), or None
    when there was something to work on and nothing was written."""
    if inbox_files(settings) or has_loaded_data(settings):
        return None
    from flows.demo.inbox import last_complete_month, write_demo_inbox

    summary, _panel = write_demo_inbox(catalog, settings.inbox, last_complete_month(today))
    return summary


def _rows(con: duckdb.DuckDBPyConnection, model: str, **params) -> list[dict]:
    try:
        return fetch_dicts(con, model, params)
    except duckdb.CatalogException:  # the stage that writes these tables has not run here yet
        return []


def sends_since(settings: Settings, since: datetime) -> list[dict]:
    """Briefings attempted since `since`, counted per kind and status (delivery.send_ledger)."""
    if not settings.db_path.exists():
        return []
    with open_warehouse(settings, read_only=True) as con:
        return _rows(con, "ops/send_summary", since=since)


@dataclass
class Status:
    recent_files: list[dict]
    sends: list[dict]
    freshness: list[dict]
    schedule: list[dict]
    pull_sources: list[dict] = field(default_factory=list)


def gather_status(settings: Settings, now: datetime, n_files: int = 8) -> Status:
    """Last runs (raw.files, delivery.send_ledger), data freshness per indicator, what is due next.

    A briefing kind is due now when its schedule says so and nothing of that kind was sent since its
    last scheduled time (so right after Monday's weekly went out, weekly is not due).
    """
    schedules = settings.config.schedules  # a config problem is told before the warehouse is opened
    if not settings.db_path.exists():
        return Status([], [], [], _schedule(schedules, settings.timezone, now, {}))
    with open_warehouse(settings, read_only=True) as con:
        last_sent = {r["kind"]: r["last_sent_at"] for r in _rows(con, "ops/last_sent")}
        return Status(
            recent_files=_rows(con, "ops/recent_files", n_files=n_files),
            sends=_rows(con, "ops/send_summary", since=datetime(1900, 1, 1)),
            freshness=_rows(con, "ops/data_freshness"),
            schedule=_schedule(schedules, settings.timezone, now, last_sent),
            pull_sources=_rows(con, "ops/pull_sources"),
        )


def _schedule(schedules: Schedules, timezone: str, now: datetime, last_sent: dict[str, datetime]) -> list[dict]:
    """Per scheduled job: its cron, last and next run, last send, and whether it is due now."""
    due = set(due_kinds(schedules, now))
    zone = ZoneInfo(timezone)
    schedule = []
    for job in SCHEDULED_JOBS:
        last = schedules.last_run(job, now)
        sent = last_sent.get(job)
        done = sent is not None and sent >= last.astimezone(zone).replace(tzinfo=None)
        schedule.append({"job": job, "cron": schedules.cron(job), "last": last, "next": schedules.next_run(job, now),
                         "last_sent": sent, "due_now": job in due and not done})
    return schedule


def task_work_seconds(flow_run_id) -> dict[str, float]:
    """Time bipin's own code ran inside a flow run and its subflows: the union of their task runs' intervals.

    Flows are thin (their bodies only call tasks), so this is the job's own work; the rest of a run's
    wall time is Prefect starting up and orchestrating. Keyed by flow name, plus "total".
    Subflow wrapper task runs (which span a whole subflow) are left out.
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId, FlowRunFilterParentFlowRunId

    with get_client(sync_client=True) as client:
        runs, frontier = [], [flow_run_id]
        while frontier:
            children = client.read_flow_runs(
                flow_run_filter=FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=frontier)))
            runs += children
            frontier = [c.id for c in children]
        root = client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
        wrappers = {r.parent_task_run_id for r in runs}
        names = {f.id: f.name for f in client.read_flows()}
        intervals: dict[str, list[tuple[float, float]]] = {}
        for run in [*root, *runs]:
            tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id])))
            spans = [(t.start_time.timestamp(), t.end_time.timestamp()) for t in tasks
                     if t.id not in wrappers and t.start_time and t.end_time]
            intervals.setdefault(names.get(run.flow_id, "?"), []).extend(spans)
    out = {name: worktime.union_seconds(spans) for name, spans in intervals.items()}
    out["total"] = worktime.union_seconds([s for spans in intervals.values() for s in spans])
    return out


def own_work_seconds(flow_run_id, since: float, in_process: bool = False) -> dict[str, dict[str, float]]:
    """The job's own work in a pipeline run, per stage (flow name), measured two ways.

    "measured": time inside bipin's functions, recorded by flows.core.worktime.own_work in this process
    after `since` (worktime.mark() taken just before the run). "task_runs": the union of the task
    runs' intervals from Prefect's API, which also counts the engine's per-task bookkeeping.
    "own" takes "measured" for each stage that recorded itself and "task_runs" for the others
    (tasks run on Dask workers), so nothing the job did is left out.
    Stages run one after another, so "total" is their sum. `in_process` (every task ran in this
    process, the thread runner) skips asking the API: the measured figures are then complete.
    """
    if in_process:
        return combine_own_work(worktime.seconds_since(since), {})
    task_runs = {k: v for k, v in task_work_seconds(flow_run_id).items() if k != "total"}
    return combine_own_work(worktime.seconds_since(since), task_runs)


def combine_own_work(measured: dict[str, float], task_runs: dict[str, float]) -> dict[str, dict[str, float]]:
    """Per stage: the measured figure where the stage recorded one, else its task runs; each with a "total"."""
    own = {stage: measured.get(stage, seconds) for stage, seconds in task_runs.items()}
    own.update({stage: seconds for stage, seconds in measured.items() if stage not in own})
    figures = {"own": own, "measured": dict(measured), "task_runs": dict(task_runs)}
    for per_stage in figures.values():
        per_stage["total"] = sum(per_stage.values())
    return figures
