"""`bipin run` (the whole job once), `bipin status` (what ran, how fresh, what is next), `bipin serve`."""

from __future__ import annotations

import os
import sys
import time
from datetime import date, datetime
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from flows.cli.common import EXIT_REJECTED, console, err_console, fail, state
from flows.config.schedules import BRIEF_KINDS


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                    transient=True)


def run(
    ctx: typer.Context,
    kind: Annotated[list[str] | None, typer.Option("--kind", help=f"Only these briefings ({', '.join(BRIEF_KINDS)}); default all.")] = None,
    place: Annotated[list[str] | None, typer.Option("--place", help="Only briefings about these places (code or name).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Render and report, send nothing, write no ledger rows.")] = False,
    resend: Annotated[bool, typer.Option("--resend", help="Send again what the ledger says was already sent.")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Act as of this moment (ISO, e.g. 2026-11-23T08:00).")] = None,
    timings: Annotated[bool, typer.Option("--timings", help="Also print where the time went: each stage, Prefect "
                                          "start-up, bipin's own work (bench/bench_run.py measures the same).")] = False,
) -> None:
    """Run the whole job once: pull (sources in config/pull.yaml), demo inbox if there is nothing yet, ingest,
    rank, every briefing to the outbox.

    Prints what loaded, what was sent and where to look.

    Example: bipin run            (what `make run` does)
    Example: bipin run --kind weekly --place 武义 --dry-run
    Example: bipin run --timings  (where the time went)
    """
    started, began = time.perf_counter(), time.time()
    app = state(ctx)
    settings = app.prefect_env()
    catalog = app.catalog()
    unknown = sorted(set(kind or []) - set(BRIEF_KINDS))
    if unknown:
        fail(f"unknown briefing kind {', '.join(unknown)}; choose from {', '.join(BRIEF_KINDS)}")
    places = [_place_code(catalog, p) for p in place or []] or None
    if as_of:
        try:
            settings.to_local(as_of)  # the one parser of a moment; the pipeline reads it the same way
        except ValueError as exc:
            fail(f"--as-of: {exc}")

    from flows.core import worktime
    from flows.run.prefect_server.connect import begin
    from flows.run.status import ensure_demo_inbox, own_work_seconds, sends_since

    begin()  # a Prefect server starting in the background meanwhile, if none is running yet
    with _progress() as progress:
        job = progress.add_task("checking the inbox (demo files are written when there is nothing to work on)")
        demo_start = time.perf_counter()
        demo = ensure_demo_inbox(settings, catalog, date.today())
        n_demo = len(demo.files) if demo else 0
        demo_seconds = time.perf_counter() - demo_start
        progress.update(job, description="starting Prefect")
        from flows.run.pipeline import (
            pipeline,  # imports prefect (counted as start-up) while the server boots
        )

        app.prefect_ready()

        progress.update(job, description="pipeline: ingest -> rank -> briefings")
        run_start = settings.local_now()  # the ledger's times are local to the configured zone
        mark = worktime.mark()
        flow_start = time.perf_counter()
        flow_state = pipeline(kinds=kind or None, force=True, places=places, dry_run=dry_run, resend=resend,
                              as_of=as_of, home=str(settings.home), config_dir=str(settings.config_dir),
                              db_path=str(settings.db_path), return_state=True)
        flow_seconds = time.perf_counter() - flow_start
    total = time.perf_counter() - started

    result = flow_state.result(raise_on_failure=False) if not flow_state.is_failed() else None
    if n_demo:
        console.print(f"wrote {n_demo} synthetic demo files to {settings.inbox}")
    stages = result["stages"] if isinstance(result, dict) else []
    _print_summary(settings, stages, sends_since(settings, run_start), result, timings)
    if timings:
        # the method bench/bench_run.py uses: time inside bipin's functions (flows/core/worktime.py)
        in_process = settings.config.task_runner.kind == "thread"
        work = own_work_seconds(flow_state.state_details.flow_run_id, mark, in_process)["own"]
        own = demo_seconds + work["total"]
        per_stage = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in work.items() if name != "total")
        console.print(f"wall time {total:.2f} s = Prefect start-up and orchestration (with imports) "
                      f"{total - own:.2f} s + own work {own:.2f} s (demo files {demo_seconds:.2f} s, inside bipin's "
                      f"functions: {per_stage}); pipeline flow {flow_seconds:.2f} s")
    if flow_state.is_failed():
        _say_unsent_alerts(settings, began)
        fail(f"pipeline failed: {flow_state.message}", EXIT_REJECTED)
    _exit_on_rejections(settings, result, demo.bad_file.name if demo and demo.bad_file else None)


def _exit_on_rejections(settings, result, planted: str | None) -> None:
    """Exit 1 when files were rejected: someone must fix them. The demo's deliberately bad file, written by
    this very run to show what a rejection looks like, is the one rejection nobody has to act on."""
    ingest = result.get("ingest") if isinstance(result, dict) else None
    rejected = [row["file"] for row in (ingest or {}).get("rejected", [])]
    if planted in rejected:
        console.print(f"rejected   {planted}: the demo's deliberately bad file, as intended (its reasons are "
                      f"in {settings.quarantine} and the run's logs)", soft_wrap=True)
    others = [name for name in rejected if name != planted]
    if others:
        fail(f"{len(others)} file(s) rejected: {', '.join(others)}; the reasons are in {settings.quarantine} and "
             "the run's logs: fix each file and put it back in the inbox (the good files are loaded)", EXIT_REJECTED)


def _place_code(catalog, name: str) -> str:
    from flows.config.names import NameProblem, place_code

    try:
        return place_code(catalog, name)
    except NameProblem as exc:
        fail(f"--place: {exc}")


def _print_summary(settings, stages: list[dict], sends: list[dict], result, timings: bool) -> None:
    """What an operator needs after a run: each stage's outcome, what loaded, what was sent, where to look."""
    table = Table(title="bipin run")
    for col in ("stage", "outcome", *(("seconds",) if timings else ())):
        table.add_column(col, justify="right" if col == "seconds" else "left")
    for row in stages:
        table.add_row(row["stage"], row["outcome"], *((f"{row['seconds']:.2f}",) if timings else ()))
    console.print(table)
    ingest = result.get("ingest") if isinstance(result, dict) else None
    if ingest:
        console.print(f"loaded     {ingest['n_loaded']} of {ingest['n_files']} file(s): {ingest['n_observations']} "
                      f"observations ({ingest['n_revised']} revised, {ingest['n_warnings']} warnings); "
                      f"{ingest['n_duplicate']} duplicate(s), {ingest['n_rejected']} rejected", soft_wrap=True)
    if sends:
        sent = Table(title="briefings this run (delivery.send_ledger)")
        for col in ("kind", "status", "briefings", "period"):
            sent.add_column(col)
        for row in sends:
            sent.add_row(row["kind"], row["status"], str(row["n_briefings"]), str(row["newest_period_key"]))
        console.print(sent)
    n_eml = len(list(settings.outbox.rglob("*.eml"))) if settings.outbox.exists() else 0
    console.print(f"outbox     {settings.outbox} ({n_eml} .eml files, .html previews beside them)")
    # the duckdb shell is not installed with bipin: point at bipin's commands and its own Python
    console.print(f"database   {settings.db_path}   (read it with `bipin show PLACE`, `bipin explain PLACE INDICATOR`, "
                  f"or {sys.executable} -c \"import duckdb; duckdb.connect('{settings.db_path}', read_only=True)"
                  f".sql('from marts.top3_counts').show()\")", soft_wrap=True)
    console.print(f"quarantine {settings.quarantine}")
    api = os.environ.get("PREFECT_API_URL")
    if api:  # where the run's logs and artifacts are; the server keeps running for the next commands
        console.print(f"prefect    {api.removesuffix('/api')}/v2/runs   (`bipin server status`; `bipin server stop` ends it)",
                      highlight=False, soft_wrap=True)


def status(
    ctx: typer.Context,
    files: Annotated[int, typer.Option("--files", help="How many recent files to list.")] = 8,
) -> None:
    """Show the last runs (files, briefings), data freshness per indicator, pull sources and what is due next.

    Example: bipin status --files 20
    """
    from flows.run.status import gather_status

    settings = state(ctx).settings
    info = gather_status(settings, datetime.now().astimezone(), n_files=files)
    if not settings.db_path.exists():
        console.print(f"no database yet at {settings.db_path}; `bipin run` creates it")
    _table("recent files (raw.files)", info.recent_files,
           {"received_at": "received", "file_name": "file", "status": "status", "n_observations": "values",
            "n_revised": "revised", "n_errors": "errors"})
    _table("briefings (delivery.send_ledger)", info.sends,
           {"kind": "kind", "status": "status", "n_briefings": "n", "newest_period_key": "newest key",
            "last_sent_at": "last sent"})
    _table("data freshness per indicator", info.freshness,
           {"name": "indicator", "newest_period_label": "newest period", "last_loaded_at": "loaded",
            "n_periods": "periods"})
    if info.pull_sources:
        _table("pull sources (pull.source_status)", info.pull_sources,
               {"source_code": "source", "last_run_at": "last run", "last_ok_at": "last ok",
                "failing_since": "failing since", "n_failures": "runs failed", "outcome": "outcome"})
    _table(f"schedules ({settings.config.schedules.timezone})", info.schedule,
           {"job": "job", "cron": "cron", "last": "last", "next": "next", "last_sent": "last sent",
            "due_now": "due now"})
    _say_unsent_alerts(settings)


def _say_unsent_alerts(settings, since: float | None = None) -> None:
    """Failure alerts that could not reach the operators: the one place they would not look is their inbox."""
    from flows.run.alerts import unsent_alerts

    for path, reason in unsent_alerts(settings, since):
        err_console.print(Text.assemble(("failure alert NOT sent: ", "bold red"), f"{reason}; kept in {path} "
                                        "(fix delivery.smtp, then forward it)"), highlight=False, soft_wrap=True)


def _table(title: str, rows: list[dict], columns: dict[str, str]) -> None:
    table = Table(title=title)
    for header in columns.values():
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*(_fmt(row.get(c)) for c in columns))
    if not rows:
        table.add_row(*(["(none yet)"] + [""] * (len(columns) - 1)))
    console.print(table)


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return f"{value:%m-%d %H:%M}"
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)


def serve(ctx: typer.Context) -> None:
    """Serve every deployment on its schedule from this process (Ctrl-C stops).

    Uses PREFECT_API_URL's server, or the one running under the home, or starts one on
    127.0.0.1:$PREFECT_PORT (default 4200) and stops it on the way out (what `make serve` runs).
    Example: PREFECT_API_URL=http://127.0.0.1:4200/api bipin serve
    """
    from flows.run.serve import main

    main(state(ctx).settings)


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("status")(status)
    app.command("serve")(serve)
