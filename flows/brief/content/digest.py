"""What the operators' digest says: files in, problems, data still owed, briefings sent and failed.

Pure functions from raw.files / raw.file_messages rows, the release calendar and the send results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flows.brief.content import wording as w
from flows.brief.delivery.outcome import SendResult
from flows.periods import Period

MAX_WARNINGS = 20
MAX_MISSING_NAMES = 20


@dataclass(frozen=True)
class DigestContext:
    kind: str
    title: str
    window: str
    counts: str
    loaded: tuple[str, ...]
    duplicates: tuple[str, ...]
    rejected: tuple[str, ...]
    warnings: tuple[str, ...]
    overdue: tuple[str, ...]
    briefings: tuple[str, ...]
    problems: tuple[str, ...]
    generated_at: str



def _where(m: dict) -> str:
    parts = [f"表{m['sheet']}" if m["sheet"] else "", f"第{m['row_number']}行" if m["row_number"] else "",
             f"列{m['column_name']}" if m["column_name"] else ""]
    return "".join(parts)


def file_lines(files: list[dict], messages: list[dict]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(loaded, duplicates, rejected with every error's reason)."""
    errors: dict[int, list[str]] = {}
    for m in messages:
        if m["severity"] == "error":
            errors.setdefault(m["file_id"], []).append(f"{_where(m)} {m['code']}: {m['message']}".strip())
    loaded = tuple(f"{f['file_name']}：{f['n_observations']}项数值，修订{f['n_revised']}项，警告{f['n_warnings']}条"
                   for f in files if f["status"] == "loaded")
    dups = tuple(f"{f['file_name']}：与文件#{f['duplicate_of']}内容相同，未重复入库"
                 for f in files if f["status"] == "duplicate")
    rejected = tuple(f"{f['file_name']}：" + ("；".join(errors.get(f["file_id"], [])) or "未记录原因")
                     for f in files if f["status"] == "rejected")
    return loaded, dups, rejected


def warning_lines(messages: list[dict]) -> tuple[str, ...]:
    warns = [m for m in messages if m["severity"] == "warning"]
    out = [f"{m['file_name']} {_where(m)} {m['code']}: {m['message']}" for m in warns[:MAX_WARNINGS]]
    if len(warns) > MAX_WARNINGS:
        out.append(f"另有{len(warns) - MAX_WARNINGS}条警告，见 raw.file_messages")
    return tuple(out)


def overdue_lines(expected: list[dict], loaded_periods: set[date], as_of: datetime, lag_days: int) -> tuple[str, ...]:
    """Expected periods whose release date (month end + lag) has passed but no loaded file covers."""
    out = []
    for e in expected:
        p = e["period"]
        month_end = (date(p.year + (p.month == 12), p.month % 12 + 1, 1)) - timedelta(days=1)
        due = month_end + timedelta(days=lag_days)
        if due < as_of.date() and p not in loaded_periods:
            out.append(f"{e['period_label']}（{e['calendar_code']}）应于{due:%Y-%m-%d}前到达，尚未收到")
    return tuple(dict.fromkeys(out))


def partial_lines(coverage: list[dict]) -> tuple[str, ...]:
    """Periods held back for want of coverage (sql/brief/coverage.sql rows), naming who has not reported:
    山区26县2026年1-10月数据尚未发布齐（已到2/5），未到：磐安、浦江、遂昌."""
    out = []
    for r in coverage:
        names = list(r["missing_names"])
        shown = "、".join(names[:MAX_MISSING_NAMES]) + (f"等{len(names)}个" if len(names) > MAX_MISSING_NAMES else "")
        label = Period(r["period"].year, r["period"].month, 1).label()
        note = w.coverage_note(r["group_label"], label, r["n_reported"], r["n_members"], r["n_complete"])
        out.append(note + (f"，未到：{shown}" if names else ""))
    return tuple(out)


def briefing_lines(results: list[SendResult]) -> tuple[str, ...]:
    labels = {"sent": "已发送", "skipped": "此前已发送", "dry_run": "试运行未发送", "blocked": "未发送",
              "failed_transient": "发送失败（临时）", "failed_permanent": "发送失败（永久）", "uncertain": "状态不明"}
    return tuple(f"{r.name} <{r.email}>：{labels.get(r.status, r.status)}" + (f"，{r.detail}" if r.detail else "")
                 for r in results)


def digest_context(title: str, since: datetime, until: datetime, files: list[dict], messages: list[dict],
                   overdue: tuple[str, ...], results: list[SendResult], problems: list[str]) -> DigestContext:
    loaded, dups, rejected = file_lines(files, messages)
    counts = f"入库{len(loaded)}个文件，重复{len(dups)}个，拒收{len(rejected)}个"
    return DigestContext(
        kind="digest", title=title, window=f"{since:%Y-%m-%d %H:%M} 至 {until:%Y-%m-%d %H:%M}", counts=counts,
        loaded=loaded, duplicates=dups, rejected=rejected, warnings=warning_lines(messages), overdue=overdue,
        briefings=briefing_lines(results), problems=tuple(problems), generated_at=f"{until:%Y-%m-%d %H:%M}",
    )
