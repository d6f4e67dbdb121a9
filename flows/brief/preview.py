"""`bipin preview`: one briefing for one place written as HTML, without Prefect, ledger or sending."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flows.brief import plan as p
from flows.brief.content.collect import BlankBriefing
from flows.brief.delivery.send import browser_html
from flows.brief.render.compose import compose
from flows.config.catalog import CatalogError
from flows.config.names import NameProblem, place_code
from flows.config.recipients import Recipient
from flows.config.settings import Settings


class PreviewError(Exception):
    """Why no preview could be written."""


def write_preview(settings: Settings, place: str, kind: str = "weekly", as_of: str | datetime | None = None) -> Path:
    """outbox/preview/<place>-<kind>.html; the recipient is the first one focused on the place, if any."""
    if kind not in ("weekly", "monthly", "quarterly"):
        raise PreviewError(f"--kind {kind!r}: expected weekly, monthly or quarterly")
    try:
        catalog = settings.config.catalog
        try:
            code = place_code(catalog, place)
        except NameProblem:
            raise PreviewError(f"{place!r} is not a known place code or name") from None
        known = [r for r in settings.config.recipients if r.place == code]
        groups = tuple(g.code for g in catalog.groups
                       if any(m.place == code and m.valid_to is None for m in catalog.memberships(g)))
        who = known[0] if known else Recipient(name="预览", email="preview@example.org", place=code,
                                               groups=groups, kinds=(kind,))
        plan = p.make_plan(settings, kind, dry_run=True, as_of=as_of)
        if plan.problems:
            raise PreviewError("; ".join(plan.problems))
        cfg = settings.config.delivery
        con = p.open_db(settings, read_only=True)
        try:
            briefing = p.build_briefing(con, catalog, plan, who, cfg)
        finally:
            con.close()
    except (CatalogError, p.PlanError, BlankBriefing) as exc:
        raise PreviewError(str(exc)) from None
    out = compose(briefing, cfg, plan.as_of, who.name, who.email, settings.timezone)
    path = settings.outbox / "preview" / f"{code}-{kind}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(browser_html(out), encoding="utf-8")
    return path
