"""Faults no command can fix, turned into one line and exit code 2 instead of a traceback.

Every command runs inside GuardedGroup.invoke: a warehouse held too long by someone else, or a DuckDB
file that is damaged or unreadable (found when it is opened, or later when a query reaches a bad
block), ends the command with what, where and what to do.
"""

from __future__ import annotations

import click
import duckdb
from typer.core import TyperGroup

from flows.commands.common import EXIT_USAGE, fail
from flows.locking import WarehouseBusy
from flows.warehouse import WarehouseUnreadable, unreadable


class GuardedGroup(TyperGroup):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (WarehouseBusy, WarehouseUnreadable) as exc:
            fail(str(exc), EXIT_USAGE)
        except duckdb.Error as exc:
            settings = getattr(ctx.obj, "settings", None)
            problem = unreadable(settings.db_path if settings else "the warehouse", exc)
            if problem is None:
                raise
            fail(str(problem), EXIT_USAGE)
