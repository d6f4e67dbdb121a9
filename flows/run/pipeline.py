"""Flow `pipeline`: pull -> ingest -> rank (only when something new or revised was loaded) -> the briefings due.

Pull fetches the configured sources' new tables into the inbox first; a source that cannot be pulled
is said in one line (the run ends "Completed with faults") and the rest of the pipeline still runs.
Each stage runs as a subflow, so the Prefect UI shows it with its own artifacts. Stages take the
warehouse lock one at a time (flows/warehouse/locks.py), so two pipelines started together queue instead of
failing (with a Prefect server, a whole run at a time: the run holds the server's concurrency limit;
without one, stage by stage); the send ledger keeps the second from mailing anything twice.
Which briefings are due comes from the `schedules:` config (flows/config/schedules.py); `kinds` names
them outright and `force` sends every kind (what `bipin run` does).
"""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.states import Completed

from flows.config.pull import PullConfigError, load_pull
from flows.config.schedules import BRIEF_KINDS, due_kinds
from flows.config.settings import Settings, load_settings
from flows.core.run_names import rename_run, start_name
from flows.core.worktime import own_work
from flows.ingest.flow import ingest
from flows.ingest.report import REJECTED_STATE
from flows.pull.flow import pull
from flows.rank.flow import rank
from flows.run.alerts import alert_operators
from flows.run.prefect_server.heartbeat import without_heartbeat
from flows.run.runners import run_brief
from flows.warehouse.db import connect
from flows.warehouse.locks import run_limit, warehouse_lock
from flows.warehouse.rank_state import rank_as_of, rank_catalog_is_stale, rank_watermark


class PipelineError(RuntimeError):
    """One or more stages failed; the message names them (the alert hook mails it)."""


def run_moment(as_of: str | None, settings: Settings) -> datetime:
    """The moment the run acts for, with its zone: `as_of` read by the one parser (settings.to_local), or now."""
    local = settings.to_local(as_of) if as_of else settings.local_now()
    return local.replace(tzinfo=ZoneInfo(settings.timezone))


def choose_kinds(kinds: list[str] | None, force: bool, now: datetime, settings: Settings) -> list[str]:
    """Explicit kinds win; force means all; otherwise those the schedules say are due now."""
    if kinds is not None:
        unknown = sorted(set(kinds) - set(BRIEF_KINDS))
        if unknown:
            raise ValueError(f"unknown briefing kind(s) {unknown}; choose from {list(BRIEF_KINDS)}")
        return [k for k in BRIEF_KINDS if k in kinds]
    if force:
        return list(BRIEF_KINDS)
    return due_kinds(settings.config.schedules, now)


def load_watermark(settings: Settings) -> tuple[datetime | None, datetime | None, bool]:
    """(newest raw.files.loaded_at, newest loaded_at the marts were built from, whether the catalog
    in ref differs from the one the marts were built with or the marts show a past moment); None /
    False when absent."""
    if not settings.db_path.exists():
        return None, None, False
    con = connect(settings.db_path)
    try:
        loaded = con.execute("select max(loaded_at) from raw.files where status = 'loaded'").fetchone()[0]
        # marts left at a past moment must be brought to now before anything is briefed: rank them
        return loaded, rank_watermark(con), rank_catalog_is_stale(con) or rank_as_of(con) is not None
    finally:
        con.close()


def needs_rank(before: datetime | None, after: datetime | None, ranked: datetime | None,
               catalog_changed: bool = False) -> bool:
    """Rank when this ingest loaded something, when the marts lag what is loaded (a failed rank), or
    when the catalog changed since they were built (the views read ref, the stored top three not)."""
    if after is None:
        return False
    return before != after or ranked is None or ranked < after or catalog_changed


@task
def read_watermark(settings: Settings) -> tuple[datetime | None, datetime | None, bool]:
    """Newest load time in raw.files and in the marts' build state; whether the catalog changed since."""
    with own_work("pipeline"):
        return load_watermark(settings)


@task
def publish_summary(rows: list[dict]) -> None:
    """One table artifact for the whole run: stage, outcome, seconds."""
    create_table_artifact(key="pipeline-summary", table=rows, description="bipin pipeline: one row per stage")


@flow(name="pipeline", on_failure=[alert_operators], flow_run_name=start_name("run"))
def pipeline(
    kinds: list[str] | None = None,
    force: bool = False,
    places: list[str] | None = None,
    period: str | None = None,
    recipients: list[str] | None = None,
    dry_run: bool = False,
    resend: bool = False,
    as_of: str | None = None,
    home: str | None = None,
    config_dir: str | None = None,
    db_path: str | None = None,
) -> dict:
    """Pull the configured sources, ingest the inbox, re-rank if anything changed, send the briefings that are due (or `kinds`, or all with `force`).

    Ends Failed when a stage failed (a send, a guard), "Completed with rejections" when files were rejected.
    """
    with own_work("pipeline"):
        settings = load_settings(config_dir, db_path, home)
        settings.config  # every config file, read once at the top: a problem fails the run here  # noqa: B018
        where = {"home": str(settings.home), "config_dir": str(settings.config_dir), "db_path": str(settings.db_path)}
        now = run_moment(as_of, settings)
        to_send = choose_kinds(kinds, force, now, settings)
    rows: list[dict] = []
    failed: list[str] = []
    flagged: list[str] = []  # stages that completed but need an operator (rejected files)

    def stage(name: str, call) -> object:
        started = time.perf_counter()
        with warehouse_lock(settings.db_path), without_heartbeat():
            state = call()
        seconds = round(time.perf_counter() - started, 3)
        ok = not state.is_failed() and not state.is_crashed()
        outcome = "ok" if ok else f"failed: {state.message}"
        if ok and state.name != "Completed":  # a named Completed (ingest's "Completed with rejections")
            outcome = f"{state.name.lower()}: {state.message}"
            flagged.append(f"{name}: {state.message}")
        rows.append({"stage": name, "outcome": outcome, "seconds": seconds})
        if not ok:
            failed.append(name)
        return state.result(raise_on_failure=False) if ok else None

    with run_limit():  # the Prefect limit once for the run, not once a stage (flows/warehouse/locks.py)
        pull_result = None
        try:
            sources = load_pull(settings.config_dir).chosen()
        except PullConfigError as exc:  # said, and the files already in the inbox still load
            rows.append({"stage": "pull", "outcome": f"failed: {exc}", "seconds": 0.0})
            failed.append("pull")
        else:
            if sources:
                pull_result = stage("pull", lambda: pull(**where, db_path=str(settings.db_path), return_state=True))
            else:  # the shipped config: no subflow to start (make run stays offline and as quick as before)
                rows.append({"stage": "pull", "outcome": "skipped: no source in config/pull.yaml", "seconds": 0.0})
        with warehouse_lock(settings.db_path):
            before, _, _ = read_watermark(settings)
            ingest_result = stage("ingest", lambda: ingest(**where, return_state=True))
            after, ranked, catalog_changed = read_watermark(settings)
        rank_result = None
        if "ingest" not in failed and needs_rank(before, after, ranked, catalog_changed):
            rank_result = stage("rank", lambda: rank(**where, return_state=True))
        else:
            why = "ingest failed" if "ingest" in failed else "nothing new or revised, catalog unchanged"
            rows.append({"stage": "rank", "outcome": f"skipped: {why}", "seconds": 0.0})
        briefings: dict[str, object] = {}
        if "rank" not in failed:
            for kind in to_send:
                briefings[kind] = stage(f"brief {kind}", lambda kind=kind: run_brief(
                    settings, kind=kind, period=period, places=places, recipients=recipients,
                    dry_run=dry_run, resend=resend, as_of=as_of, return_state=True,
                ))
    publish_summary(rows)
    rename_run(f"run {now:%Y-%m-%d} " + ", ".join(f"{r['stage']} {r['outcome'].split(':')[0]}" for r in rows))
    if failed:
        reasons = dict.fromkeys(r["outcome"].removeprefix("failed: ") for r in rows if r["outcome"].startswith("failed"))
        raise PipelineError(f"stage(s) failed: {', '.join(failed)}: {' | '.join(reasons)}")
    result = {"kinds": to_send, "pull": pull_result, "ingest": ingest_result, "ranked": rank_result is not None,
              "rank": rank_result, "briefings": briefings, "stages": rows}
    if flagged:
        return Completed(name=REJECTED_STATE, message="; ".join(flagged), data=result)
    return result
