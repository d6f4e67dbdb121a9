"""`bipin` command line: the root options, then each stage's commands (flows/cli/*)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.cli import (
    brief_cmd,
    catalog_cmd,
    demo_cmd,
    ingest_cmd,
    ops_cmd,
    pull_cmd,
    rank_cmd,
    rebuild_cmd,
    server_cmd,
    targets_cmd,
)
from flows.cli.common import AppState
from flows.cli.guard import GuardedGroup
from flows.config.settings import load_settings

app = typer.Typer(
    name="bipin",
    cls=GuardedGroup,
    help="比拼 bipin: rank counties on monthly indicators and brief leaders by email.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option("--config", help="Catalog folder (env BIPIN_CONFIG_DIR; default config/).")] = None,
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB file (env BIPIN_DB; default var/bipin.duckdb).")] = None,
    home: Annotated[Path | None, typer.Option("--home", help="Working folder for inbox, outbox, quarantine (env BIPIN_HOME; default var/).")] = None,
) -> None:
    ctx.obj = AppState(load_settings(config, db, home))
    ctx.call_on_close(ctx.obj.held.close)


COMMAND_MODULES = [brief_cmd, catalog_cmd, demo_cmd, ingest_cmd, ops_cmd, pull_cmd, rank_cmd, rebuild_cmd, server_cmd, targets_cmd]

for _module in COMMAND_MODULES:
    _module.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
