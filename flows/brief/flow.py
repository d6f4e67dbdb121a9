"""Prefect flow `brief`: plan, render one task per recipient (fans out), deliver the batch, report.

Thin by design: every task calls a plain function in plan.py. The flow ends Failed naming each
recipient that did not get a briefing it is owed, and whatever guard stopped the run.
"""

from __future__ import annotations

import logging
from collections import Counter
from contextlib import ExitStack
from datetime import datetime

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.task_runners import ThreadPoolTaskRunner

from flows.brief import operators, session
from flows.brief import plan as p
from flows.brief.content.collect import period_key
from flows.brief.delivery.outcome import SendResult
from flows.brief.delivery.post import ChatPost
from flows.brief.delivery.redact import scrub
from flows.config.settings import Settings, load_settings
from flows.core.run_names import rename_run
from flows.core.worktime import own_work

FAILED = ("failed_transient", "failed_permanent", "failed_render", "blocked", "uncertain")


class BriefingFailed(Exception):
    """Some briefings owed were not delivered; the message names who and why."""


@task(cache_policy=NO_CACHE)
def plan_task(settings: Settings, kind: str, period, week, places, recipients, dry_run, as_of) -> p.Plan:
    """Resolve the period and recipients and check the guards."""
    with own_work("brief"):
        return p.make_plan(settings, kind, period, week, places, recipients, dry_run, as_of)


@task(cache_policy=NO_CACHE, task_run_name="render-{recipient.email}")
def render_task(settings: Settings, plan: p.Plan, recipient) -> p.RenderOutcome:
    """Render one recipient's briefing into a ready email."""
    with own_work("brief"):
        return p.render_for(settings, plan, recipient)


@task(cache_policy=NO_CACHE)
def deliver_task(settings: Settings, items: list, resend: bool, dry_run: bool) -> list[SendResult]:
    """Send the batch over one connection (or write the outbox), through the send ledger."""
    with own_work("brief"):
        return p.deliver(settings, items, resend, dry_run)


@task(cache_policy=NO_CACHE)
def digest_task(settings: Settings, plan: p.Plan, results: list[SendResult], resend: bool) -> list:
    """The operators' digests this run owes: the day's, or one about what went wrong, or none."""
    with own_work("brief"):
        return operators.digests_for(settings, plan, results, resend)


def _preview(plan: p.Plan, outcomes: list[p.RenderOutcome], results: list[SendResult]) -> str:
    status = {r.email: r for r in results}
    lines = [f"# brief {plan.kind} {plan.period_label} {plan.week or ''}".rstrip(), ""]
    lines += [f"> guard: {x}" for x in plan.problems]
    for o in outcomes:
        r = status.get(o.email)
        lines.append(f"## {o.name} <{o.email}>: {r.status if r else o.status}")
        if r and r.detail or o.detail:
            lines.append(f"_{(r.detail if r else o.detail)}_")
        if isinstance(o.outgoing, ChatPost):  # the exact JSON body, secret-free (the token is in the address)
            lines += ["", f"**{o.outgoing.subject}**", "", "```json", o.outgoing.shown(), "```", ""]
        elif o.outgoing is not None:
            body = o.outgoing.message.get_body(("plain",)).get_content().splitlines()[:25]
            lines += ["", f"**{o.outgoing.subject}**", "", "```", *body, "```", ""]
    return "\n".join(lines)


@flow(name="brief", task_runner=ThreadPoolTaskRunner(max_workers=4),
      flow_run_name="brief {kind}")
def brief(kind: str, period: str | None = None, week: str | None = None, places: list[str] | None = None,
          recipients: list[str] | None = None, dry_run: bool = False, resend: bool = False,
          as_of: datetime | str | None = None, home: str | None = None, config_dir: str | None = None,
          db_path: str | None = None) -> list[SendResult]:
    """Render and deliver one kind of briefing (weekly / monthly / quarterly / digest) to its recipients."""
    logger = get_run_logger()
    with own_work("brief"):
        settings = load_settings(config_dir, db_path, home)
        settings.config  # every config file, read once at the top: a problem fails the run here  # noqa: B018
    # one warehouse connection for the run, lent to the tasks as cursors (session.py); not with Dask:
    # tasks in other processes must be able to open the file while this one runs
    with own_work("brief"):
        held = ExitStack()
        if isinstance(FlowRunContext.get().task_runner, ThreadPoolTaskRunner):
            held.enter_context(session.warehouse_session(settings, read_only=dry_run))
    try:
        plan = plan_task(settings, kind, period, week, places, recipients, dry_run, as_of)
        outcomes: list[p.RenderOutcome] = []
        results: list[SendResult] = []
        if kind != "digest" and not plan.problems:
            futures = render_task.map(settings, plan, list(p.audience(plan)))
            outcomes = [f.result() for f in futures]
            ready = [o.outgoing for o in outcomes if o.outgoing is not None]
            results = deliver_task(settings, ready, resend, dry_run)
            results += [SendResult(o.email, o.name, o.status, o.detail) for o in outcomes if o.outgoing is None]
        elif plan.problems:
            results = [SendResult(r.email, r.name, "blocked", "; ".join(plan.problems)) for r in p.audience(plan)]
        # one digest a day, and one more only when this run went wrong (flows/brief/operators.py)
        digests = digest_task(settings, plan, results, resend) if plan.operators else []
        if digests:
            results += deliver_task(settings, digests, resend, dry_run)
    finally:
        with own_work("brief"):
            held.close()
    with own_work("brief"):
        preview = scrub(_preview(plan, outcomes, results))
    counts = Counter(r.status for r in results)
    create_markdown_artifact(markdown=preview, key=_artifact_key(plan), description=(
        f"bipin {kind} briefing {plan.period_label or ''} {plan.week or ''}: "
        + (", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nobody to send to")
        + scrub("".join(f"; {problem}" for problem in plan.problems))))
    for problem in plan.problems:
        logger.error("%s %s: nothing sent: %s", kind, plan.period_label or "", problem)
    for r in results:
        # who was sent what, in the run's log; a send that failed is an error operators must act on
        level = logging.ERROR if r.status in FAILED and r.status != "blocked" else logging.INFO
        logger.log(level, "%s %s to %s <%s>: %s%s", kind, plan.period_label or "", r.name, r.email, r.status,
                   f" ({r.detail})" if r.detail else "")
    failed = [r for r in results if r.status in FAILED]
    rename_run(run_name(plan, counts))
    if plan.problems or failed:
        raise BriefingFailed(failure_message(kind, list(plan.problems), failed))
    return results


def run_name(plan: p.Plan, counts: Counter) -> str:
    """brief weekly 2026-W49 2026年1-10月: 3 written, 1 failed_transient (dry run)"""
    what = " ".join(x for x in (plan.kind, plan.week or f"{plan.as_of:%Y-%m-%d}", plan.period_label or "") if x)
    outcome = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nobody to send to"
    if plan.problems:
        outcome = "blocked: " + plan.problems[0][:80]
    return f"brief {what}: {outcome}" + (" (dry run)" if plan.dry_run else "")


def failure_message(kind: str, problems: list[str], failed: list[SendResult]) -> str:
    """Why the flow failed: each plan problem once, then each recipient whose own send failed.

    Recipients blocked by a plan problem are only named: repeating the problem for each would bury it.
    One blocked for a reason of its own (its place has no ranks) is named with that reason.
    """
    shared = "; ".join(problems)
    blocked = [r.email for r in failed if r.status == "blocked" and (r.detail == shared or not r.detail)]
    reasons = problems + [f"{r.email} ({r.status}: {r.detail})" for r in failed
                          if r.status != "blocked" or (r.detail and r.detail != shared)]
    if blocked:
        reasons.append(f"nothing sent to {', '.join(blocked)}")
    return scrub(f"{kind} briefing: " + "; ".join(reasons))


def _artifact_key(plan: p.Plan) -> str:
    """brief-weekly-2026-w48, brief-monthly-2026-10, brief-digest-2026-11-23 (Prefect keys: a-z, 0-9, -)."""
    if plan.period is None:
        tail = f"{plan.as_of:%Y-%m-%d}"
    else:
        tail = period_key(plan.kind, plan.period, plan.as_of, plan.week)
    return f"brief-{plan.kind}-{tail}".lower().replace("_", "-")
