"""The operators' digests a run owes: one a day, and one more only when something went wrong.

- `brief digest` (daily): everything of the last digest_days, problems first, filed in the send
  ledger as ('digest', '2026-11-29'): a second run that day sends nothing, unless --resend.
- Any other run (a briefing, or `brief digest` once the day's digest is out): a problems digest only
  when this run went wrong (a guard stopped it, a send failed or is uncertain, a briefing could not be
  rendered), filed as ('digest', '2026-11-29-problems-<hash of the problems>'): the same problems are
  told once a day, however many kinds or reruns meet them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flows.brief import plan as p
from flows.brief.bilingual import zh
from flows.brief.content import collect, digest
from flows.brief.content import digest_wording as dw
from flows.brief.content import queries as q
from flows.brief.delivery import ledger
from flows.brief.delivery.outcome import SendResult
from flows.brief.delivery.send import Outgoing
from flows.brief.render.compose import compose
from flows.config.settings import Settings
from flows.core.periods import months_back


def digests_for(settings: Settings, plan: p.Plan, results: list[SendResult], resend: bool = False) -> list[Outgoing]:
    """The digests this run owes its operators (often none)."""
    if not plan.operators:
        return []
    day = f"{plan.as_of:%Y-%m-%d}"
    if plan.kind == "digest" and (resend or not _day_digest_sent(settings, plan, day)):
        return _build(settings, plan, results, daily=True, key=day)
    trouble = [r for r in results if r.status in dw.TROUBLE]
    if plan.problems:  # recipients a guard held back are the guard's news, said once for every kind that met it
        trouble = [r for r in trouble if r.status != "blocked"]
    if not plan.problems and not trouble:
        return []
    return _build(settings, plan, trouble, daily=False, key=day)


def _day_digest_sent(settings: Settings, plan: p.Plan, day: str) -> bool:
    con = p.open_db(settings, read_only=True)
    try:
        if not q.table_exists(con, "delivery.send_ledger"):
            return False
        rows = [ledger.lookup(con, "digest", day, op.email) for op in plan.operators]
    finally:
        con.close()
    return all(r is not None and r.status == "sent" for r in rows)


def _build(settings: Settings, plan: p.Plan, results: list[SendResult], daily: bool, key: str) -> list[Outgoing]:
    cfg = settings.config.delivery
    catalog = settings.config.catalog
    names = dw.Names({**{x.code: x.short_name for x in catalog.places}, **{x.code: x.name for x in catalog.indicators}})
    sources = {s.code: s.name or s.code for s in catalog.sources}
    until = plan.as_of
    since = until - timedelta(days=cfg.digest_days)
    con = p.open_db(settings, read_only=plan.dry_run)
    try:
        said = tuple(zh(x) for x in plan.problems)  # the guards' Chinese lines; their English is for the logs
        held = (*said, "因此没有发送简报") if said and plan.kind != "digest" else said
        extra = [digest.problem("stale", held)]
        files, messages = [], []
        if daily:
            files = q.fetch(con, "files_in_window", since=since, until=until)
            messages = q.fetch(con, "file_messages", file_ids=[f["file_id"] for f in files]) if files else []
            results = _ledger_results(con, since, until) or results
            # periods held back because some members have not reported (who has not, by name)
            coverage = q.coverage(con, months_back(until.date(), 12))
            extra += [digest.problem("partial", digest.partial_lines(coverage)),
                      digest.problem("stale", _overdue(con, until, cfg.release_lag_days))]
            if q.table_exists(con, "pull.source_status"):  # sources the pull stage cannot reach
                extra.append(digest.problem("pull", digest.pull_lines(q.fetch(con, "pull_failing"))))
    finally:
        con.close()
    title = "运维摘要" if daily else "运维摘要：需要处理的问题"
    ctx = digest.digest_context(title, since if daily else until, until, files, messages, results,
                                _merged(extra), names, sources)
    if not daily:
        key = f"{key}-problems-{problems_hash(ctx)}"
    subject = f"【运维摘要】{until:%Y-%m-%d}" + ("" if daily else " 需要处理的问题")
    b = collect.Briefing("digest", key, subject, ctx, None, (), "")
    return [compose(b, cfg, plan.as_of, op.name, op.email, settings.timezone) for op in plan.operators]


def _merged(problems: list[digest.Problem]) -> list[digest.Problem]:
    """Sections of one category joined (the guards' and the calendar's stale lines are one section)."""
    out: dict[str, digest.Problem] = {}
    for x in problems:
        seen = out.get(x.category)
        out[x.category] = x if seen is None else digest.Problem(x.category, x.title, (*seen.lines, *x.lines))
    return list(out.values())


def _ledger_results(con, since: datetime, until: datetime) -> list[SendResult]:
    """The day's briefings as the send ledger has them (every run of the day, not only this one)."""
    if not q.table_exists(con, "delivery.send_ledger"):
        return []
    return [SendResult(r[0], r[0], r[1], r[2] or "") for r in con.execute(
        "select recipient, status, last_error from delivery.send_ledger "
        "where last_attempt_at > ? and last_attempt_at <= ? and kind <> 'digest' order by recipient",
        [since, until]).fetchall()]


def _overdue(con, until: datetime, lag_days: int) -> tuple[str, ...]:
    loaded = {r["period"] for r in q.fetch(con, "loaded_periods", as_of=until)}
    expected = q.fetch(con, "expected_periods", period_from=months_back(until.date(), 12),
                       period_to=until.date())
    return digest.overdue_lines(expected, loaded, until, lag_days)


def problems_hash(ctx: digest.DigestContext) -> str:
    """Eight hex of the problem lines alone: the same problems found by another kind or a rerun the same
    day give the same key, and the ledger sends them once."""
    text = "\n".join(f"{x.category}:{line}" for x in ctx.problems for line in x.lines)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
