"""Gather one recipient's briefing: run the sql/brief queries, hand the rows to content/tables, name it.

The result (Briefing) carries the context the templates format, the sheets behind it for the XLSX
attachment, its subject and the key the send ledger files it under.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from flows.brief.bilingual import Said
from flows.brief.content import benchmarks, leader, quarterly, sheets, tables, targets, trends, units
from flows.brief.content import queries as q
from flows.brief.content import weekly as content
from flows.brief.content.sheets import Sheet
from flows.config.catalog import Catalog
from flows.config.recipients import Recipient
from flows.core.periods import Period, months_back

NEWS_WINDOW = timedelta(days=7)  # what "this week" means for the weekly's revision note
KIND_TITLES = {"weekly": "每周调度", "monthly": "每月一通报", "quarterly": "每季一晒拼", "digest": "运维摘要"}


class BlankBriefing(Exception):
    """Nothing true to say for this recipient; the reason is the message (English), with its Chinese
    line for the operators' digest."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.zh = zh

    def __reduce__(self):  # a task in another process (Dask) gets both lines back
        return (BlankBriefing, (str(self), self.zh))

    def detail(self) -> Said:
        """The recipient's outcome: English for logs and Prefect, Chinese for the digest."""
        return Said(f"not sent: {self}", self.zh)


@dataclass(frozen=True)
class Briefing:
    kind: str
    period_key: str
    subject: str
    context: object
    recipient: Recipient | None = None
    sheets: tuple[Sheet, ...] = field(default=())
    attachment_name: str = ""
    data_as_of: datetime | None = None


def period_key(kind: str, period: date, as_of: datetime, week: str | None = None) -> str:
    """weekly: ISO week of the briefing (2026-W47); monthly: 2026-10; quarterly: 2026-Q3."""
    if kind == "weekly":
        if week:
            return week
        y, wk, _ = as_of.date().isocalendar()
        return f"{y}-W{wk:02d}"
    if kind == "quarterly":
        return f"{period.year}-Q{(period.month - 1) // 3 + 1}"
    return f"{period:%Y-%m}"


def attachment_sheets(con, catalog: Catalog, r: Recipient, period: date, period_label: str) -> tuple[Sheet, ...]:
    """The XLSX sheets, the same shape for every kind (content/sheets.py); a unit recipient's opens with
    its unit's sheet (content/units.py)."""
    book = sheets.workbook_sheets(con, [(g, catalog.group(g).name) for g in r.groups], period, period_label,
                                  months_back(period, 3), r.place)
    if not r.unit:
        return book
    rankings = q.fetch(con, "group_rankings", period=period, groups=list(r.groups))
    return (units.unit_sheet(r.unit, q.fetch(con, "unit_indicators", places=[r.place]), r.place, rankings,
                             q.fetch(con, "target_progress", places=[r.place], period=period)), *book)


def unit_parts(con, r: Recipient, period: date, rankings: list[dict]) -> tuple[units.UnitBlock | None, tuple[str, ...]]:
    """A unit recipient's own block (the weekly opens with it), or the leader's roll-call of the place's
    units; neither when the place has no units in config/units.yaml."""
    rows = q.fetch(con, "unit_indicators", places=[r.place])
    if not rows or not r.groups:
        return None, ()
    progress = q.fetch(con, "target_progress", places=[r.place], period=period)
    if r.unit:
        levers = q.fetch(con, "rank_levers", places=[r.place], groups=list(r.groups), period=period)
        return units.unit_block(rows, r.unit, r.place, r.groups, rankings, progress, levers, period), ()
    return None, units.rollcall(rows, r.place, r.groups[0], rankings, progress, period)


def focus_period(con, kind: str, period: date, period_label: str, groups: tuple[str, ...]) -> tuple[date, str]:
    """A recipient's period: the newest one complete in its groups, at most the run's (the newest complete
    anywhere): a city table in before the province's moves the city's readers on, not the province's
    (docs/RULES.md 11)."""
    found = q.newest_period(con, period, quarter_only=(kind == "quarterly"), groups=list(groups))
    if found is None:
        raise BlankBriefing(f"no complete period by {period_label} in groups {', '.join(groups)}",
                            f"所在比拼组截至{period_label}没有完整的一期数据")
    return found


def coverage_lines(con, period: date, groups: tuple[str, ...]) -> tuple[str, ...]:
    """The recipient's groups whose briefing period or a newer one is still partial (docs/RULES.md 11)."""
    return content.coverage_notes(q.coverage(con, period, list(groups)))


def _as_of_line(con, period: date, label: str, as_of: datetime) -> tuple[str, datetime | None]:
    row = (q.fetch(con, "data_as_of", period=period, as_of=as_of) or [None])[0]
    return content.data_as_of_line(label, row), (row or {}).get("loaded_at")


def focus_windows(con, places: list[str], groups: list[str], period: date, trend_periods: int,
                  trend_groups: list[str] | None = None, point_periods: tuple[date, ...] = ()) -> list[dict]:
    """focus_rankings rows of several places at once (the weekly trend window ends at `period`).

    Every period of the window for `trend_groups` (default: all), only `period` and `point_periods`
    for the other groups: what weekly_briefing reads of them (see window_needs)."""
    return q.fetch(con, "focus_rankings", places=sorted(set(places)), groups=sorted(set(groups)),
                   trend_groups=sorted(set(groups if trend_groups is None else trend_groups)),
                   point_periods=sorted({period, *point_periods}),
                   period_from=months_back(period, trend_periods * 3), period_to=period)


def window_needs(con, recipients, as_of: datetime) -> tuple[list[str], tuple[date, ...]]:
    """What weekly_briefing reads of the window rows: every period of each recipient's main group (trend,
    heat map) and the briefing's period of all groups (lines; each row carries its previous rank)."""
    return [r.groups[0] for r in recipients if r.groups], ()


def focus_window(rows: list[dict], r: Recipient) -> list[dict]:
    """One recipient's rows out of focus_windows: its place, its groups (the query's order is kept)."""
    return [x for x in rows if x["place_code"] == r.place and x["group_code"] in r.groups]


def trend_periods_of(window: list[dict], r: Recipient, trend_periods: int) -> list[date]:
    """The periods the weekly's trend and heat map show: the newest of the recipient's main group."""
    return sorted({x["period"] for x in window if x["group_code"] == r.groups[0]})[-trend_periods:]


def weekly_chart(window: list[dict], r: Recipient, trend_periods: int) -> trends.Chart | None:
    """The weekly's trend chart from the recipient's window rows (focus_window)."""
    return trends.trend_chart(window, r.groups[0], trend_periods_of(window, r, trend_periods))


def _targets_lines(con, r: Recipient, period: date) -> tuple[str, ...]:
    return targets.targets_lines(q.fetch(con, "target_progress", places=[r.place], period=period), r.place, period)


def _levers_lines(con, r: Recipient, period: date, cards: list[dict]) -> tuple[str, ...]:
    rows = q.fetch(con, "rank_levers", places=[r.place], groups=list(r.groups), period=period)
    return targets.levers_lines(rows, r.place, cards)


def headline_groups(catalog: Catalog, place: str) -> list[str]:
    """Every group the place is listed in, widest first as the bureau's 通报 reads (全省, 全市, then lists such
    as 山区26县): the quarterly's headline ranks do not depend on what the recipient subscribes to."""
    groups = [g for g in catalog.groups if any(m.place == place for m in catalog.memberships(g))]
    return [g.code for g in sorted(groups, key=lambda g: (not g.members_all_counties, not g.members_with_parent))]


def weekly_briefing(con, catalog: Catalog, r: Recipient, period: date, period_label: str, as_of: datetime,
                    week: str | None = None, trend_periods: int = 12, windows: list[dict] | None = None) -> Briefing:
    """`windows`: focus_windows rows covering this recipient, when the caller fetched them for several."""
    place_name = catalog.place(r.place).name
    short_name = catalog.place(r.place).short_name
    if windows is None:
        windows = focus_windows(con, [r.place], list(r.groups), period, trend_periods)
    window = focus_window(windows, r)
    now_rows = [x for x in window if x["period"] == period and x["rank"] is not None]
    if not now_rows:
        raise BlankBriefing(f"{place_name} has no ranked indicator in {period_label} "
                            f"(groups {', '.join(r.groups) or 'none'})", f"{place_name}{period_label}没有参加排位的指标")
    periods = trend_periods_of(window, r, trend_periods)
    counts = q.fetch(con, "top3_counts", period=period, groups=list(r.groups))
    streaks = q.fetch(con, "focus_streaks", place=r.place, groups=list(r.groups), period=period)
    gaps = q.fetch(con, "benchmark_gaps", places=[r.place], period=period)
    as_of_text, loaded_at = _as_of_line(con, period, period_label, as_of)
    revised = content.revision_note(q.fetch(con, "files_in_window", since=as_of - NEWS_WINDOW, until=as_of))
    as_of_text += f"；{revised}" if revised else ""
    unit_block, rollcall = unit_parts(con, r, period, window)
    key = period_key("weekly", period, as_of, week)
    week_no = int(key.split("-W")[1])
    ctx = content.WeeklyContext(
        kind="weekly", place_code=r.place, place_name=place_name, recipient_name=r.name, period=period,
        period_label=period_label, week_key=key, week_label=f"第{week_no}周",
        leader=leader.leader_block(window, counts, gaps, r.place, short_name, period, streaks),
        top3=content.top3_groups(window, streaks, period),
        watch=content.watch_lines(window, period),
        benchmarks=benchmarks.benchmark_blocks(gaps, short_name),
        heatmap=trends.heat_map(window, r.groups[0], periods),
        chart=trends.trend_chart(window, r.groups[0], periods),
        data_as_of=as_of_text, generated_at=content.format_moment(as_of),
        coverage_notes=coverage_lines(con, period, r.groups), targets_lines=_targets_lines(con, r, period),
        unit_block=unit_block, rollcall=rollcall,
    )
    ctx = replace(ctx, headings=content.weekly_headings(ctx))
    subject = f"【{KIND_TITLES['weekly']}】{place_name}{r.unit or ''} {period_label} {ctx.week_label}"
    return Briefing("weekly", key, subject, ctx, r, attachment_sheets(con, catalog, r, period, period_label),
                    f"{place_name}{period_label}比拼数据.xlsx", loaded_at)


def monthly_briefing(con, catalog: Catalog, r: Recipient, period: date, period_label: str,
                     as_of: datetime) -> Briefing:
    place_name = catalog.place(r.place).name
    short_name = catalog.place(r.place).short_name
    rankings = q.fetch(con, "group_rankings", period=period, groups=list(r.groups))
    mine = [x for x in rankings if x["place_code"] == r.place]
    if not any(x["rank"] is not None for x in mine):
        raise BlankBriefing(f"{place_name} has no ranked indicator in {period_label}",
                            f"{place_name}{period_label}没有参加排位的指标")
    counts = q.fetch(con, "top3_counts", period=period, groups=list(r.groups))
    cards = q.fetch(con, "scorecards", period=period, previous_period=months_back(period, 3), groups=list(r.groups))
    gaps = q.fetch(con, "benchmark_gaps", places=[r.place], period=period)
    short = Period(period.year, period.month, 1).short_label()
    as_of_text, loaded_at = _as_of_line(con, period, period_label, as_of)
    ctx = tables.TablesContext(
        "monthly", r.place, place_name, r.name, period, period_label,
        tables.monthly_sections(rankings, counts, cards, r.place, place_name, short),
        as_of_text, content.format_moment(as_of),
        leader=leader.leader_block([x | {"period": period} for x in mine], counts, gaps, r.place, short_name, period),
        benchmarks=benchmarks.benchmark_blocks(gaps, short_name), coverage_notes=coverage_lines(con, period, r.groups),
        targets_lines=_targets_lines(con, r, period), levers_lines=_levers_lines(con, r, period, cards),
        rollcall=unit_parts(con, r, period, [x | {"period": period} for x in mine])[1],
        overview=tables.overview_table(rankings, r.place))
    ctx = replace(ctx, headings=tables.tables_headings(ctx))
    subject = f"【{KIND_TITLES['monthly']}】{place_name} {period_label}"
    return Briefing("monthly", period_key("monthly", period, as_of), subject, ctx, r,
                    attachment_sheets(con, catalog, r, period, period_label), f"{place_name}{period_label}通报数据.xlsx",
                    loaded_at)


def quarterly_briefing(con, catalog: Catalog, r: Recipient, period: date, as_of: datetime) -> Briefing:
    place_name = catalog.place(r.place).name
    short_name = catalog.place(r.place).short_name
    label = Period(period.year, period.month, 1).label("quarterly")
    cards = q.fetch(con, "scorecards", period=period, previous_period=months_back(period, 3), groups=list(r.groups))
    if not any(c["place_code"] == r.place for c in cards):
        raise BlankBriefing(f"{place_name} has no composite score in {label}", f"{place_name}{label}没有综合得分")
    counts = q.fetch(con, "top3_counts", period=period, groups=list(r.groups))
    gaps = q.fetch(con, "benchmark_gaps", places=[r.place], period=period)
    every_group = headline_groups(catalog, r.place)  # the headline ranks: every group, subscribed or not
    as_of_text, loaded_at = _as_of_line(con, period, label, as_of)
    ctx = tables.TablesContext(
        "quarterly", r.place, place_name, r.name, period, label,
        quarterly.quarterly_sections(cards, r.place, place_name, leader.group_sizes(counts)),
        as_of_text, content.format_moment(as_of),
        headlines=quarterly.indicator_headlines(
            q.fetch(con, "group_rankings", period=period, groups=every_group), r.place, every_group),
        benchmarks=benchmarks.benchmark_blocks(gaps, short_name), levers_lines=_levers_lines(con, r, period, cards))
    ctx = replace(ctx, headings=tables.tables_headings(ctx))
    subject = f"【{KIND_TITLES['quarterly']}】{place_name} {label}"
    return Briefing("quarterly", period_key("quarterly", period, as_of), subject, ctx, r,
                    attachment_sheets(con, catalog, r, period, label),
                    f"{place_name}{label}晒拼数据.xlsx", loaded_at)
