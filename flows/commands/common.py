"""What every command shares: the settings, the catalog loaded once, one-line errors with exit codes."""

from __future__ import annotations

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

    def prefect_ready(self) -> Settings:
        """Point Prefect at bipin's own home before anything imports it."""
        prepare_prefect_env(self.settings)
        return self.settings


def state(ctx: typer.Context) -> AppState:
    return ctx.find_root().obj


def fail(message: str, code: int = EXIT_USAGE) -> None:
    """An operator mistake: one clear line, no traceback."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)
