"""`bipin brief KIND` (render and deliver briefings) and `bipin preview PLACE` (write one as HTML)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.text import Text

from flows.cli.common import EXIT_REJECTED, console, fail, state
from flows.config.settings import Settings

KIND_HELP = "weekly (每周调度), monthly (每月一通报), quarterly (每季一晒拼) or digest (operators)."


@contextmanager
def marts_known_then(settings: Settings, as_of: str | None) -> Iterator[None]:
    """With --as-of, the marts show what was known then for this command, and come back afterwards.

    That is what makes a sent briefing reproducible in one command; the rebuild is incremental, so
    going back and forth costs only the data loaded in between. Afterwards, and before any briefing
    of today, the marts show everything loaded (marts left at a past moment are brought to now).
    """
    from flows.brief.plan import PlanError, parse_as_of
    from flows.rank import marts
    from flows.warehouse.db import open_warehouse

    if not as_of:
        from flows.warehouse.rank_state import rank_as_of

        if settings.db_path.exists():
            with open_warehouse(settings, read_only=True) as con:
                left = rank_as_of(con)  # left at a past moment by an older bipin (or a crash)
            if left is not None:
                with open_warehouse(settings, settings.config.catalog) as con:
                    marts.build(con, timezone=settings.timezone)
        yield
        return

    try:
        moment = parse_as_of(as_of, settings.timezone)
    except PlanError as exc:
        fail(str(exc))
    catalog = settings.config.catalog
    with open_warehouse(settings, catalog) as con:
        before = marts.read_state(con)
        # only when the marts hold later loads (or another moment's view); never built: nothing to do
        rewind = before is not None and (before.as_of is not None or (before.watermark or moment) > moment)
        if rewind:
            marts.build(con, as_of=moment, timezone=settings.timezone)
    if not rewind:
        yield
        return
    try:
        yield
    finally:
        with open_warehouse(settings, catalog) as con:
            marts.build(con, timezone=settings.timezone)  # everything loaded: what the briefings read


def brief_command(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help=KIND_HELP)],
    period: Annotated[str | None, typer.Option("--period", help="Period to brief, e.g. 2026-10 or 2026年1-10月 (default: newest).")] = None,
    week: Annotated[str | None, typer.Option("--week", help="ISO week of a weekly dispatch, e.g. 2026-W47 (default: this week).")] = None,
    place: Annotated[list[str] | None, typer.Option("--place", help="Only recipients focused on this place (code or name); repeatable.")] = None,
    recipient: Annotated[list[str] | None, typer.Option("--recipient", help="Only this email address or robot channel (dingtalk:wuyi-leaders); repeatable.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Render and report; send nothing, write no ledger row.")] = False,
    resend: Annotated[bool, typer.Option("--resend", help="Send again even if the ledger says it was sent.")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Render from the data known at this time, e.g. 2026-11-23T08:00.")] = None,
) -> None:
    """Render and deliver briefings to their recipients (outbox or SMTP, per config/delivery.yaml).

    Example: bipin brief weekly --place 武义 --dry-run
    """
    from flows.brief.plan import PlanError, check_request
    from flows.config.catalog import CatalogError

    state(ctx).config()  # every config file, read once: a problem stops here in one line
    try:  # usage mistakes first, before Prefect starts
        check_request(state(ctx).settings, kind, week, as_of, place or None, period)
    except PlanError as exc:
        fail(str(exc))
    settings = state(ctx).prefect_ready()
    from flows.brief.flow import BriefingFailed
    from flows.run.runners import run_brief

    try:
        with marts_known_then(settings, as_of):
            results = run_brief(settings, kind=kind, period=period, week=week, places=place or None,
                                recipients=recipient or None, dry_run=dry_run, resend=resend, as_of=as_of)
    except (PlanError, CatalogError) as exc:
        fail(str(exc))
    except BriefingFailed as exc:
        fail(str(exc), code=EXIT_REJECTED)
    for r in results:
        console.print(Text.assemble(f"{r.status:<10} {r.email}  {r.subject}  ", (r.detail or "", "dim")),
                      highlight=False)


def preview_command(
    ctx: typer.Context,
    place: Annotated[str, typer.Argument(help="Focus place, code or name (武义, wuyi).")],
    kind: Annotated[str, typer.Option("--kind", help="weekly, monthly or quarterly.")] = "weekly",
    as_of: Annotated[str | None, typer.Option("--as-of", help="Render from the data known at this time.")] = None,
) -> None:
    """Write one briefing as an HTML file under the outbox and print its path (nothing is sent).

    With --as-of it shows what a briefing said then (the marts are rebuilt as of that moment for the
    command and brought back afterwards).

    Example: bipin preview 武义 --kind monthly
    """
    from flows.brief.preview import PreviewError, write_preview

    try:
        with marts_known_then(state(ctx).settings, as_of):
            path = write_preview(state(ctx).settings, place, kind, as_of)
    except PreviewError as exc:
        fail(str(exc))
    console.print(str(path), highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("brief")(brief_command)
    app.command("preview")(preview_command)
