"""Faults no command can fix, turned into one line and exit code 2 instead of a traceback.

Every command runs inside GuardedGroup.invoke: a warehouse held too long by someone else, a DuckDB
file that is damaged or unreadable (found when it is opened, or later when a query reaches a bad
block), or config that a command's own checks let through, ends the command with what, where and
what to do. The error types are imported only when something failed: `bipin --help` stays quick.
"""

from __future__ import annotations

import click
from typer.core import TyperGroup

from flows.cli.common import EXIT_USAGE, fail


class GuardedGroup(TyperGroup):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except Exception as exc:
            message = one_line(exc, getattr(ctx.obj, "settings", None))
            if message is None:
                raise
            fail(message, EXIT_USAGE)


def one_line(exc: Exception, settings) -> str | None:
    """The operator's message for a fault of the environment or the config, else None (a real bug)."""
    if isinstance(exc, click.exceptions.ClickException | click.exceptions.Exit | click.exceptions.Abort):
        return None
    from flows.config.catalog import CatalogError
    from flows.config.delivery import DeliveryConfigError
    from flows.config.model import ConfigError
    from flows.config.recipients import RecipientError
    from flows.warehouse.db import WarehouseUnreadable, unreadable
    from flows.warehouse.locks import WarehouseBusy

    if isinstance(exc, ConfigError):
        return exc.one_line()
    if isinstance(exc, WarehouseBusy | WarehouseUnreadable | CatalogError | DeliveryConfigError | RecipientError):
        return str(exc)
    if type(exc).__module__.split(".")[0] in ("duckdb", "_duckdb"):
        problem = unreadable(settings.db_path if settings else "the warehouse", exc)
        return str(problem) if problem else None
    return None
