"""What the operators' digest says: problems first, then what went out and what came in, condensed.

Pure functions from raw.files / raw.file_messages rows, the release calendar, marts.periods and the
send results. Problems are a list of sections by category (rejected files, partial groups, stale data,
failed sends, and whatever category another stage adds), shown in PROBLEM_ORDER, unknown ones after.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flows.brief.bilingual import zh
from flows.brief.content import digest_wording as dw
from flows.brief.content import wording as w
from flows.brief.delivery.outcome import SendResult
from flows.core.periods import Period

MAX_LINES = 20          # per section: past that, a count and where to look
MAX_WHERE = 3           # locations named per reason before "等N处"
MAX_MISSING_NAMES = 20  # members named as not reported before "等N个"
PROBLEM_TITLES = {"rejected": "拒收的文件", "partial": "数据不全的比拼组", "stale": "数据过期或未到",
                  "failed_sends": "未送达或未确认的简报", "pull": "无法自动拉取的数据来源"}
CALENDAR_WORDS = {"monthly_jf": "月度累计", "monthly": "月度", "quarterly": "季度"}


@dataclass(frozen=True)
class Problem:
    category: str            # rejected / partial / stale / failed_sends / another stage's own
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class DigestContext:
    kind: str
    title: str
    window: str
    summary: str
    problems: tuple[Problem, ...]
    briefings: tuple[str, ...]
    sources: tuple[str, ...]
    warnings: tuple[str, ...]
    generated_at: str


def problem(category: str, lines) -> Problem:
    return Problem(category, PROBLEM_TITLES.get(category, category), _capped(tuple(lines)))


def order_problems(problems: list[Problem]) -> tuple[Problem, ...]:
    """Known categories in PROBLEM_ORDER, then the others as given; empty sections dropped."""
    order = list(PROBLEM_TITLES)
    rank = {c: i for i, c in enumerate(order)}
    kept = [p for p in problems if p.lines]
    return tuple(sorted(kept, key=lambda p: (rank.get(p.category, len(order)), kept.index(p))))


def _capped(lines: tuple[str, ...]) -> tuple[str, ...]:
    if len(lines) <= MAX_LINES:
        return lines
    return (*lines[:MAX_LINES], f"另有{len(lines) - MAX_LINES}条，见 bipin status 或数据库")


def rejected_lines(files: list[dict], messages: list[dict], names: dw.Names) -> tuple[str, ...]:
    """One line per rejected file: each distinct reason in Chinese, with where it was found."""
    by_file: dict[int, dict[str, list[dict]]] = defaultdict(dict)
    for m in messages:
        if m["severity"] == "error":
            by_file[m["file_id"]].setdefault(m["code"], []).append(m)
    out = []
    for f in files:
        if f["status"] != "rejected":
            continue
        reasons = []
        for code, found in by_file.get(f["file_id"], {}).items():
            text = dw.reason(code, names(found[0]["message"]))
            # the bad cells and unknown names themselves ('待核', '武义新城'): what the operator looks for
            values = list(dict.fromkeys(v for v in (dw.quoted(m["message"]) for m in found) if v is not None))
            if values and code in dw.REASONS:
                text += "：" + "、".join(f"'{v}'" for v in values[:MAX_WHERE]) + ("等" if len(values) > MAX_WHERE else "")
            spots = [s for s in (dw.where(m["sheet"], m["row_number"], m["column_name"]) for m in found) if s]
            if spots:
                more = f"等{len(found)}处" if len(found) > MAX_WHERE else ""
                text += f"（{'、'.join(spots[:MAX_WHERE])}{more}）"
            reasons.append(text)
        out.append(f"{f['file_name']}：" + ("；".join(reasons) or "未记录原因"))
    return tuple(out)


def overdue_lines(expected: list[dict], loaded_periods: set[date], as_of: datetime, lag_days: int) -> tuple[str, ...]:
    """Expected periods whose release date (month end + lag) has passed but no loaded file covers."""
    out = []
    for e in expected:
        p = e["period"]
        month_end = (date(p.year + (p.month == 12), p.month % 12 + 1, 1)) - timedelta(days=1)
        due = month_end + timedelta(days=lag_days)
        if due < as_of.date() and p not in loaded_periods:
            calendar = CALENDAR_WORDS.get(e["calendar_code"], e["calendar_code"])
            out.append(f"{e['period_label']}（{calendar}数据）应于{due:%Y-%m-%d}前到达，尚未收到")
    return tuple(dict.fromkeys(out))


def failed_lines(results: list[SendResult]) -> tuple[str, ...]:
    return tuple(f"{r.name} <{r.email}>：{dw.STATUS_WORDS.get(r.status, r.status)}" + (f"，{zh(r.detail)}" if r.detail else "")
                 for r in results if r.status in dw.TROUBLE)


def partial_lines(coverage: list[dict]) -> tuple[str, ...]:
    """Periods held back for want of coverage (sql/brief/coverage.sql rows), naming who has not reported:
    山区26县2026年1-10月数据尚未发布齐（已到2/5），未到：磐安、浦江、遂昌."""
    # eleven city groups are each 全市 to their own leaders; to the operators a shared label says too little
    labels = {}
    for r in coverage:
        labels.setdefault(r["group_label"], set()).add(r["group_name"])
    out = []
    for r in coverage:
        names = list(r["missing_names"])
        shown = "、".join(names[:MAX_MISSING_NAMES]) + (f"等{len(names)}个" if len(names) > MAX_MISSING_NAMES else "")
        label = Period(r["period"].year, r["period"].month, 1).label()
        scope = r["group_label"] if len(labels[r["group_label"]]) == 1 else r["group_name"]
        note = w.coverage_note(scope, label, r["n_reported"], r["n_members"], r["n_complete"])
        out.append(note + (f"，未到：{shown}" if names else ""))
    return tuple(out)


def pull_lines(failing: list[dict]) -> tuple[str, ...]:
    """One line per pull source that keeps failing: which, since when, what to do (the detail in brackets)."""
    return tuple(f"{r['source_code']}：自{r['failing_since']:%Y-%m-%d %H:%M}起无法拉取（连续{r['n_failures']}次），"
                 f"{dw.PULL_FAULTS.get(r['fault_kind'] or '', '请查看运行日志')}（{r['last_error']}）"
                 for r in failing)


def briefing_lines(results: list[SendResult]) -> tuple[str, ...]:
    """How many went out, per outcome (who failed is in the problems)."""
    counts = Counter(r.status for r in results)
    return tuple(f"{dw.STATUS_WORDS.get(status, status)}：{n}份" for status, n in counts.items())


def source_lines(files: list[dict], source_names: dict[str, str]) -> tuple[str, ...]:
    """Files per source: loaded (values, revisions), duplicates; rejected ones are in the problems."""
    per: dict[str, Counter] = defaultdict(Counter)
    for f in files:
        c = per[f["source_code"] or ""]
        c[f["status"]] += 1
        c["values"] += f["n_observations"] if f["status"] == "loaded" else 0
        c["revised"] += f["n_revised"] if f["status"] == "loaded" else 0
    out = []
    for code, c in per.items():
        name = source_names.get(code, code) if code else "未识别来源"
        parts = [f"入库{c['loaded']}个文件（{c['values']}项数值，修订{c['revised']}项）" if c["loaded"] else "",
                 f"重复{c['duplicate']}个（未重复入库）" if c["duplicate"] else "",
                 f"拒收{c['rejected']}个" if c["rejected"] else ""]
        out.append(f"{name}：" + "，".join(p for p in parts if p))
    return tuple(out)


def warning_lines(messages: list[dict], names: dw.Names | None = None) -> tuple[str, ...]:
    """Warnings per rule, with a count and one example (names, not codes)."""
    names = names or dw.Names({})
    by_code: dict[str, list[dict]] = defaultdict(list)
    for m in messages:
        if m["severity"] == "warning":
            by_code[m["code"]].append(m)
    out = []
    for code, found in by_code.items():
        first = found[0]
        spot = dw.where(first["sheet"], first["row_number"], first["column_name"])
        out.append(f"{dw.reason(code, '')}：{len(found)}条，如 {first['file_name']} {spot}：{names(first['message'])}"
                   if code in dw.REASONS else f"{len(found)}条，如 {first['file_name']} {spot}：{names(first['message'])}")
    return tuple(out)


def digest_context(title: str, since: datetime, until: datetime, files: list[dict], messages: list[dict],
                   results: list[SendResult], problems: list[Problem], names: dw.Names,
                   source_names: dict[str, str]) -> DigestContext:
    """`problems`: the sections beyond rejected files and failed sends (stale data, partial groups, others')."""
    every = [problem("rejected", rejected_lines(files, messages, names)),
             problem("failed_sends", failed_lines(results)), *problems]
    n = Counter(f["status"] for f in files)
    sent = sum(r.status == "sent" for r in results)
    trouble = sum(r.status in dw.TROUBLE for r in results)
    summary = (f"入库{n['loaded']}个文件，重复{n['duplicate']}个，拒收{n['rejected']}个；"
               f"简报发送{sent}份" + (f"，{trouble}份未送达或未确认" if trouble else ""))
    return DigestContext(
        kind="digest", title=title, window=f"{since:%Y-%m-%d %H:%M} 至 {until:%Y-%m-%d %H:%M}", summary=summary,
        problems=order_problems(every), briefings=briefing_lines(results), sources=source_lines(files, source_names),
        warnings=_capped(warning_lines(messages, names)), generated_at=f"{until:%Y-%m-%d %H:%M}",
    )
