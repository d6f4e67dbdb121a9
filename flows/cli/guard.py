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
            if prefect_fault(exc) is not None:
                _exit_now(message)
            fail(message, EXIT_USAGE)


def _exit_now(message: str) -> None:
    """The one line, then leave at once: Prefect's background services would otherwise retry the dead
    server for minutes at exit (queued events and logs), printing each failure."""
    import os
    import sys

    from flows.cli.common import err_console

    err_console.print(f"error: {message}", highlight=False, markup=False, soft_wrap=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(EXIT_USAGE)


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
    return prefect_fault(exc)


def prefect_fault(exc: BaseException) -> str | None:
    """A Prefect server that stopped answering (down, killed mid-run, timed out), in one line, else None.

    The send ledger is written before and after each send, whatever Prefect does, so running the
    command again sends only what is still owed."""
    import os

    import httpx

    from flows.warehouse.locks import LOCAL_SERVER_ENV

    seen, cause = set(), exc
    while cause is not None and id(cause) not in seen:  # Prefect wraps the transport error
        if isinstance(cause, httpx.TransportError):
            break
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    if not isinstance(cause, httpx.TransportError):
        return None
    url = os.environ.get("PREFECT_API_URL", "the Prefect server")
    what = "timed out" if isinstance(cause, httpx.TimeoutException) else "stopped answering"
    detail = (str(cause).splitlines() or [type(cause).__name__])[0]
    if os.environ.get(LOCAL_SERVER_ENV) == url or url == "the Prefect server":
        todo = ("run the command again: it starts bipin's background server anew (`bipin server status` says "
                "which server is used)")
    else:
        todo = ("start that server, or unset PREFECT_API_URL so bipin uses its own background server, "
                "then run the command again")
    return (f"the Prefect server at {url} {what} during the command ({type(cause).__name__}: {detail}); {todo}. "
            "What was sent is in the send ledger and is not sent twice; see `bipin status` / "
            "Prefect服务器无响应：请按提示处理后重新运行，已发送的简报不会重复发送")
