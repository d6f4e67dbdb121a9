"""What every command shares: the settings, the catalog loaded once, one-line errors with exit codes.

The consoles read no markup: names, paths and arguments are printed as they are (a `[/]` in a file
name is text, not a closing tag). Styled words are built with rich.text.Text.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

import typer
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from flows.config.catalog import Catalog, CatalogError
from flows.config.model import Config, ConfigError
from flows.config.settings import Settings, prepare_prefect_env
from flows.config.units import load_units

console = Console(markup=False)
err_console = Console(stderr=True, markup=False)

# 0 ok; 1 something was rejected or failed; 2 usage, config or environment (nothing was tried)
EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


@dataclass
class AppState:
    settings: Settings
    held: ExitStack = field(default_factory=ExitStack, repr=False)  # closed when the command ends (cli.py)

    def config(self) -> Config:
        """The one Config, read once for the command (it travels in self.settings); a problem ends it in one line."""
        try:
            return self.settings.config
        except ConfigError as exc:
            fail(exc.one_line())

    def catalog(self) -> Catalog:
        config = self.config()
        try:
            load_units(self.settings.config_dir, config.catalog)  # the stages mirror them: a mistake stops here
        except CatalogError as exc:
            fail(str(exc))
        return config.catalog

    def prefect_env(self) -> Settings:
        """Prefect's environment for this command (home, quiet console); before Prefect is imported."""
        # bipin prints its own summaries and one-line errors; Prefect's console lines (tracebacks
        # included) still reach the run's logs in the API/UI. Set the variable to see them here too.
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
        prepare_prefect_env(self.settings)
        return self.settings

    @contextmanager
    def warehouse(self) -> Iterator[None]:
        """Hold the warehouse lock for a whole writing command (before it reads the inbox), saying so
        when it has to wait; a holder that keeps it too long ends the command in one line (exit 2)."""
        from flows.warehouse.locks import WarehouseBusy, lock_timeout, warehouse_lock

        def waiting(holder: str) -> None:
            err_console.print(f"waiting for the warehouse {self.settings.db_path}: in use by {holder} "
                              f"(up to {lock_timeout():.0f} s, BIPIN_LOCK_TIMEOUT)", highlight=False,
                              soft_wrap=True)

        try:
            with warehouse_lock(self.settings.db_path, on_wait=waiting):
                yield
        except WarehouseBusy as exc:
            fail(str(exc))

    def prefect_ready(self) -> Settings:
        """Point Prefect at bipin's own home and at a running server before anything imports it.

        The server is the one PREFECT_API_URL names, else `make serve`'s or bipin's background
        server under the home, started on first use (flows/prefect_server/connect.py).
        """
        self.prefect_env()
        # a server that stops answering mid-run is told in one line (flows/cli/guard.py), not by every
        # background service of Prefect's that fails to reach it (read when Prefect is imported)
        import logging

        logging.raiseExceptions = False
        os.environ.setdefault("PREFECT_LOGGING_INTERNAL_LEVEL", "CRITICAL")
        from flows.run.prefect_server.connect import ServerStartError, connect

        try:
            connect(announce=lambda line: err_console.print(line, highlight=False, markup=False))
        except ServerStartError as exc:
            fail(str(exc))
        from flows.run.prefect_server.heartbeat import without_heartbeat

        self.held.enter_context(without_heartbeat())  # the command waits for its runs (heartbeat.py)
        return self.settings


def state(ctx: typer.Context) -> AppState:
    return ctx.find_root().obj


def print_table(table: Table, out: Console = console) -> None:
    """Print a table without cutting names: on a terminal long cells fold inside their column; piped
    or redirected (where rich would assume 80 columns), the table gets the width it needs."""
    for column in table.columns:
        column.overflow = "fold"
    if out.is_terminal:
        out.print(table)
        return
    needed = Measurement.get(out, out.options.update_width(10_000), table).maximum
    Console(stderr=out.stderr, markup=False, width=max(out.width, needed)).print(table)


def fail(message: str, code: int = EXIT_USAGE) -> None:
    """An operator mistake: one clear line, no traceback."""
    err_console.print(Text.assemble(("error: ", "bold red"), message), highlight=False, soft_wrap=True)
    raise typer.Exit(code)
