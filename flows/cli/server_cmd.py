"""`bipin server status|start|stop`: the Prefect server bipin's commands record their runs on."""

from __future__ import annotations

import typer

from flows.cli.common import console, fail, state

server_app = typer.Typer(help="The Prefect server bipin's commands use (started in the background on first use).",
                         no_args_is_help=True)


def _say(text: str) -> None:
    """One line as is: no wrapping at 80 columns, no markup read in paths or addresses."""
    console.print(text, highlight=False, soft_wrap=True, markup=False)


def _local_time(text: str, timezone: str) -> str:
    """A record's start in the configured zone, as every other time bipin prints; a record written before
    the offset was kept (naive) is in the machine's clock."""
    from datetime import datetime

    from flows.config.settings import to_local

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return f"{to_local(moment if moment.tzinfo else moment.astimezone(), timezone):%Y-%m-%d %H:%M:%S}"


def _home(ctx: typer.Context):
    from flows.config.settings import prepare_prefect_env
    from flows.run.prefect_server.connect import prefect_home

    prepare_prefect_env(state(ctx).settings)
    return prefect_home()


@server_app.command("status")
def status(ctx: typer.Context) -> None:
    """Which Prefect server the commands use, and whether it answers.

    Example: bipin server status
    """
    from flows.run.prefect_server.connect import configured_elsewhere, running
    from flows.run.prefect_server.record import is_healthy, seconds_unused

    home = _home(ctx)
    chosen = configured_elsewhere()
    if chosen is not None:
        if chosen.api_url is None:
            _say(f"commands use Prefect's temporary server, one per command ({chosen.source}); nothing runs between them")
        else:
            answers = "answers" if is_healthy(chosen.api_url) else "does NOT answer"
            _say(f"commands use {chosen.api_url} ({chosen.source}); it {answers}")
        return
    record = running(home)
    if record is None:
        _say(f"no Prefect server running under {home}; the next ingest, rank, brief or run starts one "
                      "in the background (or: bipin server start)")
        return
    import time

    answers = "answers" if is_healthy(record.api_url) else "is still starting (or not answering)"
    since = _local_time(record.started_at, state(ctx).settings.timezone)
    _say(f"{record.owner} Prefect server, pid {record.pid}, since {since}: {answers}")
    _say(f"  API {record.api_url}   UI {record.ui_url}   runs {record.ui_url}/v2/runs")
    _say(f"  database {home / 'prefect.db'}   log {record.log}")
    if record.owner == "background" and record.idle_stop_s:
        left = max(0.0, record.idle_stop_s - seconds_unused(home, time.time()))
        _say(f"  stops by itself when unused for {record.idle_stop_s / 60:.0f} min ({left / 60:.0f} min left)")


@server_app.command("start")
def start(ctx: typer.Context) -> None:
    """Start the background Prefect server now (the first command that needs it would otherwise).

    Example: bipin server start
    """
    from flows.run.prefect_server.connect import (
        ServerStartError,
        configured_elsewhere,
        start_background,
        wait_ready,
    )

    home = _home(ctx)
    chosen = configured_elsewhere()
    if chosen is not None:
        fail(f"commands use {chosen.api_url or 'a temporary server'} ({chosen.source}); nothing to start")
    record, started = start_background(home)
    try:
        wait_ready(home, record)
    except ServerStartError as exc:
        fail(str(exc))
    what = "started" if started else f"already running ({record.owner})"
    _say(f"Prefect server {what}: UI {record.ui_url}, API {record.api_url}")


@server_app.command("stop")
def stop(ctx: typer.Context) -> None:
    """Stop the Prefect server running under this home (background, or `make serve`'s).

    Runs stay recorded in its database; the next command starts it again.
    Example: bipin server stop
    """
    from flows.run.prefect_server.connect import ServerStartError
    from flows.run.prefect_server.connect import stop as stop_server

    home = _home(ctx)
    try:
        record = stop_server(home)
    except ServerStartError as exc:
        fail(str(exc))
    if record is None:
        _say(f"no Prefect server running under {home}")
    else:
        _say(f"stopped the {record.owner} Prefect server (pid {record.pid}, {record.api_url})")


def register(app: typer.Typer) -> None:
    app.add_typer(server_app, name="server")
