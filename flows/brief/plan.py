"""The plain functions the brief flow calls: decide what to send, render one recipient, deliver.

Kept apart from Prefect so tests and `bipin preview` run them directly; flow.py only wraps them in tasks.
"""

from __future__ import annotations

import threading
import traceback
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from flows.brief import guards, session
from flows.brief.content import collect
from flows.brief.content import queries as q
from flows.brief.delivery import ledger
from flows.brief.delivery.outcome import SendResult
from flows.brief.delivery.post import ChatPost, deliver_posts
from flows.brief.delivery.redact import scrub
from flows.brief.delivery.revised import change_note
from flows.brief.delivery.send import Outgoing, deliver_batch
from flows.brief.render import charts
from flows.brief.render.chat import compose_post
from flows.brief.render.compose import compose
from flows.brief.request import PlanError, local_now, parse_as_of, parse_week  # noqa: F401 (callers use plan.*)
from flows.config.catalog import Catalog
from flows.config.channels import Channel, load_channels, select_channels
from flows.config.delivery import DeliveryConfig
from flows.config.names import normalise_name, place_names
from flows.config.recipients import KINDS, Recipient, select
from flows.config.settings import Settings
from flows.config.units import load_units, unit_rows
from flows.core.periods import parse_period
from flows.warehouse.db import connect, sync_catalog, sync_units


class DeliveryError(Exception):
    """Delivering a batch failed outside any one recipient's send (the ledger, the outbox folder ...)."""


@dataclass(frozen=True)
class Plan:
    kind: str
    as_of: datetime
    period: date | None
    period_label: str
    week: str | None
    recipients: tuple[Recipient, ...]
    operators: tuple[Recipient, ...]
    problems: tuple[str, ...]
    dry_run: bool = False
    channels: tuple[Channel, ...] = ()  # work-group robots that post this kind's leader block
    token: str = field(default_factory=lambda: uuid.uuid4().hex)  # names this run in the shared cache
    # names the warehouse's state (path and queries.reads_state) the run's reads share with other runs
    reads_key: str | None = None


@dataclass(frozen=True)
class RenderOutcome:
    email: str
    name: str
    outgoing: Outgoing | ChatPost | None
    status: str = "ready"     # ready / blocked / failed_render
    detail: str = ""


def open_db(settings: Settings, read_only: bool):
    """A connection to close after use: a cursor of the run's session when one is open (session.py)."""
    if read_only and not settings.db_path.exists():
        raise PlanError(f"no warehouse at {settings.db_path}: load data and run `bipin rank` first")
    return session.borrow(settings, read_only) or connect(settings.db_path, read_only=read_only)


def check_request(settings: Settings, kind: str, week: str | None = None, as_of: str | datetime | None = None,
                  places: list[str] | None = None, period: str | None = None) -> tuple[Catalog, datetime, list | None]:
    """Usage mistakes, found before any flow starts: (catalog, as_of, place codes or None)."""
    if kind not in KINDS:
        raise PlanError(f"unknown briefing kind {kind!r}; expected one of {', '.join(KINDS)}")
    moment = parse_as_of(as_of, settings.timezone)
    parse_week(week, moment)
    if period:
        try:
            parse_period(period)
        except ValueError as exc:
            raise PlanError(f"--period: {exc}") from None
    catalog = settings.config.catalog
    if not places:
        return catalog, moment, None
    names = place_names(catalog)
    unknown = [p for p in places if normalise_name(p) not in names]
    if unknown:
        raise PlanError(f"--place {', '.join(unknown)}: not a known place code or name")
    return catalog, moment, [names[normalise_name(p)] for p in places]


def make_plan(settings: Settings, kind: str, period: str | None = None, week: str | None = None,
              places: list[str] | None = None, recipients: list[str] | None = None, dry_run: bool = False,
              as_of: str | datetime | None = None) -> Plan:
    catalog, moment, wanted = check_request(settings, kind, week, as_of, places, period)
    everyone = list(settings.config.recipients)
    cfg = settings.config.delivery
    chosen = tuple(select(everyone, kind, wanted, recipients))
    robots = tuple(select_channels(load_channels(settings.config_dir, catalog), kind, wanted, recipients))
    if recipients and not chosen and not robots:
        raise PlanError(f"--recipient {', '.join(recipients)}: nobody by that address gets {kind} briefings")
    operators = tuple(select(everyone, "digest"))
    con = open_db(settings, read_only=dry_run)
    try:
        if not dry_run:
            sync_catalog(con, catalog, settings.config.targets)
            sync_units(con, unit_rows(load_units(settings.config_dir, catalog)))
        problems = guards.run_problems(q.warehouse_state(con, moment), moment, cfg.max_data_age_days)
        problems += guards.catalog_problems(q.rank_catalog_is_stale(con))
        if as_of is not None:
            problems += guards.as_of_problems(q.rank_watermark(con), moment)
        else:
            problems += guards.past_moment_problems(q.rank_as_of(con))
        if not problems and not period:  # an operator naming a period asks for it on purpose
            problems += guards.stale_period_problems(q.stale_periods(con, moment, settings.config.release_lag_days), kind)
        target, label = None, ""
        if kind != "digest" and not problems:
            limit = parse_period(period).date if period else None
            found = q.newest_period(con, limit, quarter_only=(kind == "quarterly"))
            if found is None or (limit and found[0] != limit):
                problems = [guards.no_ranked_data(period)]
            else:
                target, label = found
        # briefings only (the digest reads apart): what lets this run share reads with the process's other runs
        state = q.reads_state(con) if target is not None else None
    finally:
        con.close()
    reads_key = f"{settings.db_path.resolve()}#{state}" if state else None
    plan = Plan(kind, moment, target, label, parse_week(week, moment), chosen, operators, tuple(problems), dry_run,
                robots, reads_key=reads_key)
    return plan


def audience(plan: Plan) -> tuple:
    """Everyone a run renders for: the email recipients, then the robots."""
    return (*plan.recipients, *plan.channels)


def build_briefing(con, catalog: Catalog, plan: Plan, r: Recipient, cfg: DeliveryConfig,
                   windows: list[dict] | None = None) -> collect.Briefing:
    period, label = collect.focus_period(con, plan.kind, plan.period, plan.period_label, r.groups)
    if period != plan.period:
        windows = None  # the run's shared windows end at the run's period: read this recipient's own
    if plan.kind == "weekly":
        return collect.weekly_briefing(con, catalog, r, period, label, plan.as_of, plan.week,
                                       cfg.trend_periods, windows)
    if plan.kind == "monthly":
        return collect.monthly_briefing(con, catalog, r, period, label, plan.as_of)
    return collect.quarterly_briefing(con, catalog, r, period, plan.as_of)


_SHARED: OrderedDict = OrderedDict()
_SHARED_LOCK = threading.Lock()
_MAKING: dict[tuple, threading.Lock] = {}
SHARED_MAX = 512


def shared(plan: Plan, key: tuple, make):
    """What every recipient with the same focus shares within one run (catalog, queries, charts):
    computed once per run token, so a thousand recipients of one county cost one set of queries.
    Render tasks run in parallel threads: the first to ask makes the value, the others wait for it."""
    return _memo((plan.token, *key), make)


def shared_reads(plan: Plan, key: tuple, make):
    """Rows of a sql/brief model: shared by every run of this process that reads the same warehouse in
    the same state (the kinds of one `bipin run`: weekly and monthly read the same period's tables), else
    by this run only. Never across processes: the cache is this process's memory."""
    return _memo(("warehouse", plan.reads_key, *key) if plan.reads_key else (plan.token, *key), make)


def _memo(full: tuple, make):
    with _SHARED_LOCK:
        if full in _SHARED:
            return _SHARED[full]
        making = _MAKING.setdefault(full, threading.Lock())
    with making:
        with _SHARED_LOCK:
            if full in _SHARED:
                return _SHARED[full]
        try:
            value = make()
        except BaseException:
            with _SHARED_LOCK:
                _MAKING.pop(full, None)
            raise
        with _SHARED_LOCK:
            _SHARED[full] = value
            _MAKING.pop(full, None)
            while len(_SHARED) > SHARED_MAX:
                _SHARED.popitem(last=False)
    return value


def _briefing_for_focus(settings: Settings, plan: Plan, r: Recipient, catalog: Catalog,
                        cfg: DeliveryConfig) -> collect.Briefing:
    con = open_db(settings, read_only=True)
    try:
        # the reads once per run: every focus of a run asks for the same period and moment
        everyone = audience(plan)
        reads = q.RunReads(con, [g for x in everyone for g in x.groups], [x.place for x in everyone],
                           lambda key, make: shared_reads(plan, key, make))
        windows = None
        if plan.kind == "weekly":  # the trend windows of every focus in one query (see focus_rankings.sql)
            windows = shared(plan, ("weekly-windows",), lambda: collect.focus_windows(
                con, [x.place for x in everyone], [g for x in everyone for g in x.groups],
                plan.period, cfg.trend_periods, *collect.window_needs(reads, everyone, plan.as_of)))
            if r.groups:  # the chart needs only the window: drawn (charts.py's thread) while the tables are read
                charts.draw_soon(collect.weekly_chart(collect.focus_window(windows, r), r, cfg.trend_periods))
        return build_briefing(reads, catalog, plan, r, cfg, windows)
    finally:
        con.close()


def render_for(settings: Settings, plan: Plan, r: Recipient) -> RenderOutcome:
    """One recipient's email, or why there is none (blank briefing, or a rendering error)."""
    try:
        catalog = settings.config.catalog
        cfg = settings.config.delivery
        common = shared(plan, ("focus", r.place, r.groups, r.unit),  # a unit's briefing opens with its own
                        lambda: _capture(_briefing_for_focus, settings, plan, r, catalog, cfg))
        if isinstance(common, collect.BlankBriefing):
            raise common
        b = replace(common, recipient=r, context=replace(common.context, recipient_name=r.name))
        if isinstance(r, Channel):
            return RenderOutcome(r.email, r.name, compose_post(b, r))
        return RenderOutcome(r.email, r.name, compose(b, cfg, plan.as_of, r.name, r.email, settings.timezone))
    except collect.BlankBriefing as exc:
        return RenderOutcome(r.email, r.name, None, "blocked", exc.detail())
    except Exception as exc:  # one recipient's bad data must not stop the others; the digest names it
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return RenderOutcome(r.email, r.name, None, "failed_render",
                             f"rendering failed: {type(exc).__name__}: {exc} ({where.filename}:{where.lineno})")


def _capture(fn, *args):
    """A blank briefing is an answer worth sharing too (every recipient of that place gets the reason)."""
    try:
        return fn(*args)
    except collect.BlankBriefing as exc:
        return exc


def deliver(settings: Settings, items: list[Outgoing | ChatPost], resend: bool, dry_run: bool) -> list[SendResult]:
    """Through the ledger to the outbox, SMTP or the robots' webhooks; a dry run only says what it would do
    (for a robot, the exact JSON body it would post)."""
    cfg = settings.config.delivery
    if dry_run:
        con = open_db(settings, read_only=True)
        try:
            has_ledger = q.table_exists(con, "delivery.send_ledger")
            out = []
            for o in items:
                row = ledger.lookup(con, o.kind, o.period_key, o.email) if has_ledger else None
                decision, why = ledger.decide(row, resend)
                if decision == "skip":  # a revision since: which numbers, and how to resend
                    why = "; ".join(x for x in (why, change_note(con, row, o.kind, o.email, o.content_hash,
                                                                  o.data_as_of)) if x)
                would = f"would post {o.shown()}" if isinstance(o, ChatPost) else "would send"
                out.append(SendResult(o.email, o.name, "dry_run" if decision == "send" else "skipped",
                                      why or would, o.subject))
            return out
        finally:
            con.close()
    con = open_db(settings, read_only=False)
    try:
        clock = lambda: local_now(settings.timezone)  # noqa: E731
        emails = [o for o in items if not isinstance(o, ChatPost)]
        posts = [o for o in items if isinstance(o, ChatPost)]
        return ((deliver_batch(emails, cfg, con, settings.outbox, resend=resend, clock=clock) if emails else [])
                + deliver_posts(posts, cfg, con, settings.outbox, resend=resend, clock=clock))
    except Exception as exc:  # what Prefect stores of a failed task must not carry the password either
        raise DeliveryError(scrub(f"{type(exc).__name__}: {exc}")) from None
    finally:
        con.close()
