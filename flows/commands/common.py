"""What every command shares: the settings, the catalog loaded once, one-line errors with exit codes."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import typer
from rich.console import Console

from flows.catalog import Catalog, CatalogError, load_catalog
from flows.settings import Settings, prepare_prefect_env

console = Console()
err_console = Console(stderr=True)

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


@dataclass
class AppState:
    settings: Settings
    _catalog: Catalog | None = field(default=None, repr=False)

    def catalog(self) -> Catalog:
        if self._catalog is None:
            try:
                self._catalog = load_catalog(self.settings.config_dir)
            except CatalogError as exc:
                fail(str(exc))
        return self._catalog

    def prefect_env(self) -> Settings:
        """Prefect's environment for this command (home, quiet console); before Prefect is imported."""
        # bipin prints its own summaries and one-line errors; Prefect's console lines (tracebacks
        # included) still reach the run's logs in the API/UI. Set the variable to see them here too.
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
        prepare_prefect_env(self.settings)
        return self.settings

    def prefect_ready(self) -> Settings:
        """Point Prefect at bipin's own home and at a running server before anything imports it.

        The server is the one PREFECT_API_URL names, else `make serve`'s or bipin's background
        server under the home, started on first use (flows/prefect_server/connect.py).
        """
        self.prefect_env()
        from flows.prefect_server.connect import ServerStartError, connect

        try:
            connect(announce=lambda line: err_console.print(line, highlight=False, markup=False))
        except ServerStartError as exc:
            fail(str(exc))
        return self.settings


def state(ctx: typer.Context) -> AppState:
    return ctx.find_root().obj


def fail(message: str, code: int = EXIT_USAGE) -> None:
    """An operator mistake: one clear line, no traceback."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)
