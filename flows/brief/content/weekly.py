"""What the weekly dispatch says: pure functions from mart rows to a typed context for the templates.

All choosing, sorting and wording lives here (numbers via wording.py); templates only lay it out.
Inputs are the rows sql/brief/*.sql return (see collect.py), so tests feed hand-made rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flows.brief.content import wording as w
from flows.brief.content.trends import Chart, HeatMap
from flows.periods import Period

MAX_MOVERS = 3
MAX_TARGETS = 5  # overtaking targets named per benchmark: the nearest ones
WATCH_RANKS = (4, 5)


@dataclass(frozen=True)
class Line:
    """One statement with the group it is about; templates print `text`."""

    text: str
    group_label: str = ""


@dataclass(frozen=True)
class BenchmarkRow:
    indicator: str
    focus: str
    benchmark: str
    diff: str
    focus_rank: str
    benchmark_rank: str


@dataclass(frozen=True)
class BenchmarkBlock:
    title: str
    summary: str
    rows: tuple[BenchmarkRow, ...]
    events: tuple[str, ...]


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
    headlines: tuple[Line, ...]
    news: tuple[str, ...]
    top3: tuple[Line, ...]
    broken: tuple[Line, ...]
    watch: tuple[Line, ...]
    movers_up: tuple[Line, ...]
    movers_down: tuple[Line, ...]
    benchmarks: tuple[BenchmarkBlock, ...]
    heatmap: HeatMap | None
    chart: Chart | None
    data_as_of: str
    generated_at: str
    warnings: tuple[str, ...] = field(default=())
    coverage_notes: tuple[str, ...] = field(default=())  # newer periods still partial, one line each


def _group_order(rankings: list[dict]) -> dict[str, int]:
    """Groups in the order the query returned them (the catalog's order)."""
    return {g: i for i, g in enumerate(dict.fromkeys(r["group_code"] for r in rankings))}


def headlines(counts: list[dict], place: str, period: date, calendar: str = "monthly_jf") -> tuple[Line, ...]:
    """One sentence per peer group: 1-10月32项指标中15项居全市前三，比上月增加1项."""
    short = Period(period.year, period.month, 1).short_label(calendar)
    return tuple(
        Line(w.top3_headline(short, r["n_ranked_indicators"], r["n_top3"], r["n_top3_prev"], r["group_label"], calendar),
             r["group_label"])
        for r in counts if r["place_code"] == place
    )


def top3_lines(rankings: list[dict], streaks: list[dict], period: date) -> tuple[Line, ...]:
    """Indicators in the top three this period, best rank first, each with how long it has stayed there."""
    runs = {(s["indicator_code"], s["group_code"]): s for s in streaks
            if s["kind"] == "top3" and s["is_current"]}
    out = []
    order = _group_order(rankings)
    rows = sorted((r for r in rankings if r["period"] == period and r["is_top3"]),
                  key=lambda r: (order[r["group_code"]], r["rank"], r["indicator_order"]))
    for r in rows:
        label = w.indicator_label(r["indicator_name"], r["basis"])
        metric = w.metric_phrase(r["metric"], r["basis"], r["unit"]) + w.preliminary_mark(r.get("is_preliminary"), True)
        text = f"{label}{w.rank_phrase(r['rank'], r['group_label'], r['is_tied'])}（{metric}）"
        run = runs.get((r["indicator_code"], r["group_code"]))
        if run:
            text += "，" + w.streak_phrase("", run["n_months"], run["n_periods"], r["calendar_code"],
                                          r["group_label"]).lstrip("，")
        out.append(Line(text, r["group_label"]))
    return tuple(out)


def broken_lines(rankings: list[dict], streaks: list[dict], period: date) -> tuple[Line, ...]:
    """Top-three runs that ended this period, longest first."""
    now = {(r["indicator_code"], r["group_code"]): r for r in rankings if r["period"] == period}
    ended = sorted((s for s in streaks if s["kind"] == "top3" and s["broke_at"] == period),
                   key=lambda s: (-s["n_months"], s["indicator_code"]))
    out = []
    for s in ended:
        r = now.get((s["indicator_code"], s["group_code"]))
        label = w.indicator_label(s["indicator_name"], s["basis"])
        out.append(Line(w.broken_streak_phrase(label, s["n_months"], s["n_periods"], s["calendar_code"],
                                               s["group_label"], r["rank"] if r else None,
                                               bool(r and r["is_tied"])), s["group_label"]))
    return tuple(out)


def watch_lines(rankings: list[dict], period: date) -> tuple[Line, ...]:
    """Places 4-5: close enough to the top three to name the gap."""
    order = _group_order(rankings)
    rows = sorted((r for r in rankings if r["period"] == period and r["rank"] in WATCH_RANKS),
                  key=lambda r: (order[r["group_code"]], r["rank"], abs(r["gap_to_third"] or 0), r["indicator_order"]))
    return tuple(
        Line(f"{w.indicator_label(r['indicator_name'], r['basis'])}{w.rank_phrase(r['rank'], r['group_label'], r['is_tied'])}，"
             f"{w.gap_phrase(r['gap_to_third'], r['basis'], r['unit'])}", r["group_label"])
        for r in rows
    )


def mover_lines(rankings: list[dict], period: date) -> tuple[tuple[Line, ...], tuple[Line, ...]]:
    """The biggest climbs and falls since the previous period (at most three each)."""
    moved = [r for r in rankings if r["period"] == period and r["rank_change"]]
    up = sorted((r for r in moved if r["rank_change"] > 0), key=lambda r: (-r["rank_change"], r["indicator_order"]))
    down = sorted((r for r in moved if r["rank_change"] < 0), key=lambda r: (r["rank_change"], r["indicator_order"]))

    def line(r: dict) -> Line:
        label = w.indicator_label(r["indicator_name"], r["basis"])
        return Line(f"{label}：{r['group_label']}第{r['prev_rank']}位→第{r['rank']}位，{w.change_phrase(r['rank_change'])}",
                    r["group_label"])

    return tuple(map(line, up[:MAX_MOVERS])), tuple(map(line, down[:MAX_MOVERS]))


def benchmark_blocks(gaps: list[dict], place_name: str) -> tuple[BenchmarkBlock, ...]:
    """Learn-from: growth side by side and who leads on how many; overtake: ranks, events, growth needed."""
    blocks = []
    keys = list(dict.fromkeys((g["role"], g["benchmark_place_code"]) for g in gaps))
    for role, code in sorted(keys, key=lambda k: (k[0] != "learn_from", k[1])):
        rows = [g for g in gaps if g["role"] == role and g["benchmark_place_code"] == code]
        other = rows[0]["benchmark_name"]
        ahead = sum(1 for g in rows if _is_ahead(g) is True)
        behind = sum(1 for g in rows if _is_ahead(g) is False)
        table = tuple(BenchmarkRow(
            w.indicator_label(g["indicator_name"], g["basis"]),
            w.metric_phrase(g["focus_metric"], g["basis"], g["unit"]),
            w.metric_phrase(g["benchmark_metric"], g["basis"], g["unit"]),
            w.diff_phrase(g["diff"], g["basis"], g["unit"]),
            w.short_rank(g["focus_rank"]), w.short_rank(g["benchmark_rank"]),
        ) for g in rows)
        scope = rows[0]["group_label"] or ""
        if role == "learn_from":
            title = f"学习标杆：{other}"
            summary = f"对比{len(rows)}项指标，{place_name}领先{ahead}项、落后{behind}项"
            events: list[str] = []
        else:
            title = f"赶超目标：{other}"
            summary = f"在{scope}排位中，{place_name}{len(rows)}项指标里{ahead}项位次领先{other}、{behind}项落后"
            events = [_event_sentence(g, other, place_name) for g in rows if g["event"]]
            reachable = sorted((g for g in rows if _is_ahead(g) is False and g["needed_growth_pct"] is not None),
                               key=lambda g: abs(g["diff"] or 0))[:MAX_TARGETS]  # the closest gaps first
            events += [f"{w.indicator_label(g['indicator_name'], g['basis'])}需达到{g['needed_growth_pct']:.1f}%以上方可超过{other}"
                       for g in reachable]
        blocks.append(BenchmarkBlock(title, summary, table, tuple(events)))
    return tuple(blocks)


def _is_ahead(g: dict) -> bool | None:
    """Ranks decide when both are ranked (they know the indicator's direction); else the difference."""
    if g["focus_rank"] is not None and g["benchmark_rank"] is not None:
        return None if g["focus_rank"] == g["benchmark_rank"] else g["focus_rank"] < g["benchmark_rank"]
    if g["diff"] is None or round(g["diff"], 1) == 0:
        return None
    return g["diff"] > 0


def _event_sentence(g: dict, other: str, place_name: str) -> str:
    label = w.indicator_label(g["indicator_name"], g["basis"])
    if g["event"] == "overtook":
        return f"{label}本期超过{other}（第{g['focus_rank']}位对第{g['benchmark_rank']}位）"
    return f"{label}本期被{other}反超（第{g['focus_rank']}位对第{g['benchmark_rank']}位）"


def period_span(periods: list[date]) -> str:
    """2026年1-10月 / 2026年1-9月、2026年1-10月 / 2024年1-2月至2026年1-10月共33期."""
    labels = [Period(p.year, p.month, 1).label() for p in sorted(set(periods))]
    if len(labels) <= 3:
        return "、".join(labels)
    return f"{labels[0]}至{labels[-1]}共{len(labels)}期"


def _releases(files: list[dict]) -> list[dict]:
    """Loaded files that are not wholly revisions."""
    return [f for f in files if f["status"] == "loaded"
            and not (f["n_observations"] > 0 and f["n_revised"] == f["n_observations"])]


def newest_release_period(files: list[dict]) -> date | None:
    """The newest period this week's releases carry: news_lines names its indicators."""
    return max((p for f in _releases(files) for p in f["periods"] or []), default=None)


def news_lines(files: list[dict], rankings: list[dict], source_names: dict[str, str]) -> tuple[str, ...]:
    """This week's loads in two sentences at most: periods released (with the newest one's
    indicators) and periods revised, however many files carried them."""
    loaded = [f for f in files if f["status"] == "loaded"]
    if not loaded:
        return ("本周没有新发布或修订的数据。",)

    def sources(fs: list[dict]) -> str:
        return "、".join(dict.fromkeys(source_names.get(f["source_code"] or "", f["source_code"] or f["file_name"])
                                      for f in fs))

    releases = _releases(loaded)
    revisions = [f for f in loaded if f["n_revised"]]
    out = []
    if releases:
        periods = sorted({p for f in releases for p in f["periods"] or []})
        text = (f"新发布{period_span(periods) or '（未注明期别）'}数据（{len(releases)}个文件，"
                f"{sum(f['n_observations'] for f in releases)}项数值；来源：{sources(releases)}）")
        names = list(dict.fromkeys(w.indicator_label(r["indicator_name"], r["basis"])
                                   for r in sorted(rankings, key=lambda r: r["indicator_order"])
                                   if periods and r["period"] == periods[-1]))
        if names:
            more = f"等{len(names)}项指标" if len(names) > 6 else ""
            text += f"，{Period(periods[-1].year, periods[-1].month, 1).label()}含{'、'.join(names[:6])}{more}"
        out.append(text)
    if revisions:
        periods = sorted({p for f in revisions for p in f["periods"] or []})
        out.append(f"修订{period_span(periods)}数据{sum(f['n_revised'] for f in revisions)}项数值"
                   f"（来源：{sources(revisions)}）")
    return tuple(out)


def coverage_notes(rows: list[dict]) -> tuple[str, ...]:
    """One line per group and period not published yet for want of coverage (sql/brief/coverage.sql rows)."""
    return tuple(w.coverage_note(r["group_label"], Period(r["period"].year, r["period"].month, 1).short_label(),
                                 r["n_reported"], r["n_members"], r["n_complete"]) for r in rows)


def data_as_of_line(period_label: str, as_of_row: dict | None, source_names: dict[str, str]) -> str:
    """数据截至2026年1-10月；最新文件2026-11-20 09:30入库；来源：..."""
    text = f"数据截至{period_label}"
    if as_of_row and as_of_row.get("loaded_at"):
        text += f"；最新文件{as_of_row['loaded_at']:%Y-%m-%d %H:%M}入库"
    codes = (as_of_row or {}).get("source_codes") or []
    if codes:
        text += "；来源：" + "、".join(source_names.get(c, c) for c in codes)
    return text


def format_moment(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"
