"""`bipin demo-data`: write the synthetic demo inbox (see flows/demo/ and docs/DATA_CONTRACT.md)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from flows.cli.common import console, fail, state
from flows.core.periods import Period

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def demo_data(
    ctx: typer.Context,
    until: Annotated[str | None, typer.Option("--until", help="Last month to write, YYYY-MM (default: the last complete month).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Folder to write into (default: the inbox, BIPIN_HOME/inbox).")] = None,
) -> None:
    """Write synthetic monthly and quarterly files for all 90 counties, 2024年1-2月 to --until.

    Example: bipin demo-data --until 2026-10 --out var/inbox
    """
    from flows.demo.generate import DemoError
    from flows.demo.inbox import last_complete_month, write_demo_inbox

    app_state = state(ctx)
    last = _parse_month(until) if until else last_complete_month(date.today())
    out_dir = out or app_state.settings.inbox
    try:
        summary, _ = write_demo_inbox(app_state.catalog(), out_dir, last)
    except DemoError as exc:
        fail(str(exc))
    table = Table(title=f"demo data in {summary.out_dir}")
    table.add_column("what")
    table.add_column("detail")
    table.add_row("files", str(len(summary.files)))
    table.add_row("monthly periods", f"{summary.monthly_periods}: {_label(summary.first_period)} .. {_label(summary.last_period)}")
    table.add_row("quarterly periods", str(summary.quarterly_periods))
    if summary.revised_period:
        changes = ", ".join(f"{place} {ind} {old}→{new}%" for place, ind, old, new in summary.revised_cells)
        table.add_row("revision", f"{_label(summary.revised_period)}: {changes}")
    if summary.bad_file:
        table.add_row("bad file", summary.bad_file.name)
    console.print(table)


def _parse_month(text: str) -> date:
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        fail(f"--until {text!r}: expected a month as YYYY-MM, e.g. 2026-10")
    return date(int(match.group(1)), int(match.group(2)), 1)


def _label(period: date) -> str:
    return Period(period.year, period.month).label()


def register(app: typer.Typer) -> None:
    app.command("demo-data")(demo_data)
