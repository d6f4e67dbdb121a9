"""What the weekly dispatch says: pure functions from mart rows to a typed context for the templates.

All choosing, sorting and wording lives here (numbers via wording.py); templates only lay it out.
Inputs are the rows sql/brief/*.sql return (see collect.py), so tests feed hand-made rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flows.brief.content import wording as w
from flows.brief.content.benchmarks import BenchmarkBlock
from flows.brief.content.leader import LeaderBlock
from flows.brief.content.trends import Chart, HeatMap
from flows.brief.content.units import UnitBlock
from flows.core.periods import Period

MAX_TOP3_NAMES = 6   # indicators named per group in the top-three list; the XLSX has them all
MAX_WATCH = 3        # places 4-5 named per group, the closest to third first
MAX_STREAKS = 2      # longest current top-three runs named per group
WATCH_RANKS = w.WATCH_RANKS


@dataclass(frozen=True)
class Line:
    """One statement with the group it is about; templates print `text`."""

    text: str
    group_label: str = ""


@dataclass(frozen=True)
class Top3Group:
    """One group's top three in two lines: names by rank, then the longest runs."""

    scope: str           # 全市
    n_top3: int
    by_rank: str         # 第1位：A、B；第2位：C；并列第3位：D……等15项（全部见附件）
    streaks: str         # 连续最久：A连续13个月、B连续9个月


@dataclass(frozen=True)
class WeeklyContext:
    kind: str
    place_code: str
    place_name: str
    recipient_name: str
    period: date
    period_label: str
    week_key: str
    week_label: str
    leader: LeaderBlock
    top3: tuple[Top3Group, ...]
    watch: tuple[Line, ...]
    benchmarks: tuple[BenchmarkBlock, ...]
    heatmap: HeatMap | None
    chart: Chart | None
    data_as_of: str
    generated_at: str
    headings: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = field(default=())
    coverage_notes: tuple[str, ...] = field(default=())  # newer periods still partial, one line each
    targets_lines: tuple[str, ...] = field(default=())  # content/targets.py
    unit_block: UnitBlock | None = None                 # a unit recipient's own indicators (content/units.py)
    rollcall: tuple[str, ...] = field(default=())       # the leader's roll-call of units (content/units.py)


def weekly_headings(ctx: WeeklyContext) -> dict[str, str]:
    """Section titles numbered over the sections this email has (一、要点 is always first). The biggest
    movers and the runs that ended have no section of their own: they repeated 新进/跌出前三 of the first
    screen (which names the run each ended) on a phone's fourth screen."""
    present = [("lead", "要点", True), ("top3", "居前三的指标", True),
               ("watch", w.WATCH_LABEL, bool(ctx.watch)),
               ("benchmarks", "对标赶超", bool(ctx.benchmarks)), ("recent", "近期位次", bool(ctx.heatmap or ctx.chart))]
    keys = [(k, t) for k, t, on in present if on]
    return dict(zip((k for k, _ in keys), w.numbered([t for _, t in keys]), strict=True))


def _group_order(rankings: list[dict]) -> dict[str, int]:
    """Groups in the order the query returned them (the catalog's order)."""
    return {g: i for i, g in enumerate(dict.fromkeys(r["group_code"] for r in rankings))}


def top3_groups(rankings: list[dict], streaks: list[dict], period: date) -> tuple[Top3Group, ...]:
    """Indicators in the top three this period, per group, named under their rank (best first)."""
    runs = {(s["indicator_code"], s["group_code"]): s for s in streaks if s["kind"] == "top3" and s["is_current"]}
    order = _group_order(rankings)
    rows = sorted((r for r in rankings if r["period"] == period and r["is_top3"]),
                  key=lambda r: (order[r["group_code"]], r["rank"], r["indicator_order"]))
    out = []
    for code in dict.fromkeys(r["group_code"] for r in rows):
        g = [r for r in rows if r["group_code"] == code]
        shown, parts = g[:MAX_TOP3_NAMES], []
        for rank_text in dict.fromkeys(w.short_rank(r["rank"], r["is_tied"]) for r in shown):
            names = [w.indicator_label(r["indicator_name"], r["basis"]) + w.preliminary_mark(r.get("is_preliminary"))
                     for r in shown if w.short_rank(r["rank"], r["is_tied"]) == rank_text]
            parts.append(f"{rank_text}：{'、'.join(names)}")
        text = "；".join(parts) + (f"……等{len(g)}项（全部见附件）" if len(g) > len(shown) else "")
        long_runs = sorted((runs[(r["indicator_code"], code)] | {"label": w.indicator_label(r["indicator_name"], r["basis"])}
                            for r in g if runs.get((r["indicator_code"], code), {}).get("n_periods", 0) > 1),
                           key=lambda s: (-s["n_months"], s["label"]))[:MAX_STREAKS]
        streak = "、".join(f"{s['label']}{w.run_phrase(s['n_months'], s['n_periods'], g[0]['calendar_code'], w.run_since(s))}"
                          for s in long_runs)
        out.append(Top3Group(g[0]["group_label"], len(g), text, f"连续最久：{streak}" if streak else ""))
    return tuple(out)


def _capped(lines: list[Line], cap: int, rest: str) -> tuple[Line, ...]:
    """At most `cap` lines per group (groups in order of first appearance), then one line counting the rest:
    全市另有2项{rest}（见附件）."""
    out: list[Line] = []
    for label in dict.fromkeys(x.group_label for x in lines):
        g = [x for x in lines if x.group_label == label]
        out += g[:cap]
        if len(g) > cap:
            out.append(Line(f"{label}另有{len(g) - cap}项{rest}（见附件）", label))
    return tuple(out)


def watch_lines(rankings: list[dict], period: date) -> tuple[Line, ...]:
    """Places 4-5: close enough to the top three to name the gap; per group the closest few, the rest counted."""
    order = _group_order(rankings)
    rows = sorted((r for r in rankings if r["period"] == period and r["rank"] in WATCH_RANKS),
                  key=lambda r: (order[r["group_code"]], abs(r["gap_to_third"] or 0), r["rank"], r["indicator_order"]))
    return _capped([Line(f"{w.indicator_label(r['indicator_name'], r['basis'])}"
                         f"{w.rank_phrase(r['rank'], r['group_label'], r['is_tied'])}，"
                         f"{w.gap_phrase(r['gap_to_third'], r['basis'], r['unit'])}", r["group_label"])
                    for r in rows], MAX_WATCH, f"处于第{WATCH_RANKS[0]}-{WATCH_RANKS[-1]}位")


def revision_note(files: list[dict]) -> str:
    """本周修订2026年1-9月数据: revised figures change past ranks, so the leader is told which periods
    (which files and how many values is the operators' digest's business)."""
    periods = sorted({p for f in files if f["status"] == "loaded" and f["n_revised"] for p in f["periods"] or []})
    if not periods:
        return ""
    labels = [Period(p.year, p.month, 1).label() for p in periods]
    more = f"等{len(labels)}期" if len(labels) > 3 else ""
    return f"本周修订{'、'.join(labels[:3])}{more}数据"


def coverage_notes(rows: list[dict]) -> tuple[str, ...]:
    """One line per group and period not published yet for want of coverage (sql/brief/coverage.sql rows)."""
    return tuple(w.coverage_note(r["group_label"], Period(r["period"].year, r["period"].month, 1).short_label(),
                                 r["n_reported"], r["n_members"], r["n_complete"]) for r in rows)


def data_as_of_line(period_label: str, as_of_row: dict | None) -> str:
    """数据截至2026年1-10月，2026-11-20 09:30更新 (files and sources are the operators' digest's business)."""
    text = f"数据截至{period_label}"
    if as_of_row and as_of_row.get("loaded_at"):
        text += f"，{as_of_row['loaded_at']:%Y-%m-%d %H:%M}更新"
    return text


def format_moment(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"
