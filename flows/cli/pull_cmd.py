"""`bipin pull [--source CODE] [--dry-run]`: fetch the bureaus' tables into the inbox (config/pull.yaml)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from flows.cli.common import EXIT_OK, EXIT_REJECTED, console, err_console, fail, state

NO_PREFECT_ENV = "BIPIN_PULL_NO_PREFECT"


def pull(
    ctx: typer.Context,
    source: Annotated[str | None, typer.Option("--source", help="Pull only this source (its code in config/pull.yaml).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be fetched; fetch, write and mark nothing.")] = False,
    no_prefect: Annotated[bool, typer.Option(
        "--no-prefect", envvar=NO_PREFECT_ENV,
        help="Run the flow's plain functions without starting Prefect (same steps, no run record).")] = False,
) -> None:
    """Fetch new or changed tables from the mailboxes, web pages and folders config/pull.yaml lists into the inbox.

    One line per source; a source that cannot be pulled says why and what to do, and the others still run.
    Then `bipin ingest` (or `bipin run`, or the hourly pipeline) loads them.
    Exit code 0 = every source pulled (or nothing configured), 1 = some source failing, 2 = config error.

    Example: bipin pull --source jinhua_mail --dry-run
    """
    from flows.config.pull import PullConfigError, load_pull

    app_state = state(ctx)
    settings = app_state.settings
    try:
        config = load_pull(settings.config_dir)
        chosen = config.chosen(source)
    except PullConfigError as exc:
        fail(str(exc))
    if not chosen:
        console.print(f"no pull source configured in {settings.config_dir / 'pull.yaml'} (docs/OPERATIONS.md "
                      "shows how): nothing to fetch")
        raise typer.Exit(EXIT_OK)
    if no_prefect:
        lines, failing, warnings = _plain(app_state, config, chosen, dry_run)
    else:
        settings = app_state.prefect_ready()
        settings.prefect_home.mkdir(parents=True, exist_ok=True)
        from flows.pull.flow import pull as pull_flow

        out = pull_flow(source=source, dry_run=dry_run, config_dir=str(settings.config_dir),
                        db_path=str(settings.db_path), home=str(settings.home))
        lines, failing, warnings = out["lines"], out["failing"], out["warnings"]
    for line, code in zip(lines, [s.code for s in chosen], strict=True):
        if code in failing:
            err_console.print(Text(line, style="bold red"), highlight=False, soft_wrap=True)
        else:
            console.print(line, highlight=False, soft_wrap=True)
    for line in warnings:
        err_console.print(Text.assemble(("warning: ", "yellow"), line), highlight=False, soft_wrap=True)
    if not dry_run and not failing:
        console.print("next: `bipin ingest` loads what was pulled (`bipin run` and the hourly pipeline do both)")
    raise typer.Exit(EXIT_REJECTED if failing else EXIT_OK)


def _plain(app_state, config, chosen, dry_run: bool) -> tuple[list[str], list[str], list[str]]:
    from flows.pull.run import pull_source
    from flows.warehouse.db import open_warehouse

    lines, failing, warnings = [], [], []
    with app_state.warehouse():
        for src in chosen:
            with open_warehouse(app_state.settings) as con:
                result = pull_source(con, app_state.settings, config, src, dry_run=dry_run)
            lines.append(result.line())
            warnings += [f"pull {src.code}: {w}" for w in result.warnings]
            if not result.ok:
                failing.append(src.code)
    return lines, failing, warnings


def register(app: typer.Typer) -> None:
    app.command("pull")(pull)
