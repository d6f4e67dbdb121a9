"""What the XLSX attachment holds: the numbers behind a briefing, the same sheets for every kind.

One sheet per peer group (named by the group, in the recipient's order), each row one place on one
indicator with its period, 本年累计 value, growth and rank; then one sheet of composite scores. Every
column states its number format, so a leader's Excel shows 10.1 and 59.09, not 59.090909 in General.
A value the publisher released as a first estimate says 是 in the last column, 快报数: a column of its
own keeps the numbers numbers (sortable) and lets a filter show or hide the estimates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flows.brief.content import queries as q

TEXT, INT, SIGNED, ONE_DP, AMOUNT = "", "0", "+0;-0;0", "0.0", "#,##0.00"
SCORE = AMOUNT  # two decimals, as the emails print scores (a score <= 100 never shows the separator)
SCORE_SHEET = "综合得分"

RANKING_COLUMNS = ("期别", "指标", "地区", "本年累计/期末", "单位", "比上年同期增长(%)", "位次", "并列", "是否前三",
                   "位次变化", "快报数")
RANKING_FORMATS = (TEXT, TEXT, TEXT, AMOUNT, TEXT, ONE_DP, INT, TEXT, TEXT, SIGNED, TEXT)
SCORE_COLUMNS = ("期别", "比拼组", "地区", "综合得分（百分制）", "综合排名", "较三个月前位次变化", "第一方阵")
SCORE_FORMATS = (TEXT, TEXT, TEXT, SCORE, INT, SIGNED, TEXT)
BENCHMARK_SHEET = "对标赶超"
BENCHMARK_COLUMNS = ("期别", "对标", "对标地区", "比拼组", "指标", "单位", "本地", "对标地区数值", "差值", "本地位次",
                     "对标地区位次")
BENCHMARK_FORMATS = (TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, ONE_DP, ONE_DP, ONE_DP, INT, INT)
ROLES = {"learn_from": "学习标杆", "overtake": "赶超目标"}


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    formats: tuple[str, ...] = ()   # Excel number format per column; "" = General (text)


def ranking_sheet(name: str, rows: list[dict]) -> Sheet:
    """One group's sheet from group_rankings rows (already in indicator and rank order)."""
    return Sheet(name, RANKING_COLUMNS, tuple(
        (r["period_label"], r["indicator_name"], r["place_name"], r["value"], r["unit"], r["growth_pct"], r["rank"],
         "并列" if r["is_tied"] else "", "是" if r["is_top3"] else "", r["rank_change"],
         "是" if r.get("is_preliminary") else "")
        for r in rows), RANKING_FORMATS)


def score_sheet(cards: list[dict], period_label: str) -> Sheet:
    """Every group's composite scores in one sheet (a group column keeps them apart for the filter)."""
    return Sheet(SCORE_SHEET, SCORE_COLUMNS, tuple(
        (period_label, c["group_name"], c["place_name"], c["score_100"], c["composite_rank"],
         c["rank_change"], "是" if c["is_first_tier"] else "")
        for c in cards), SCORE_FORMATS)


def benchmark_sheet(gaps: list[dict], period_label: str) -> Sheet:
    """Every indicator beside each benchmark county (the emails show the few rows a leader acts on):
    growth in % for growth indicators, the level in its unit otherwise."""
    return Sheet(BENCHMARK_SHEET, BENCHMARK_COLUMNS, tuple(
        (period_label, ROLES.get(g["role"], g["role"]), g["benchmark_name"], g["group_label"] or "", g["indicator_name"],
         "%" if g["basis"] == "growth" else g["unit"], g["focus_metric"], g["benchmark_metric"], g["diff"],
         g["focus_rank"], g["benchmark_rank"])
        for g in gaps), BENCHMARK_FORMATS)


def workbook_sheets(con, groups: list[tuple[str, str]], period: date, period_label: str,
                    previous_period: date, place: str | None = None) -> tuple[Sheet, ...]:
    """The attachment of any kind of briefing: `groups` as (code, name) in the recipient's order; a group
    without ranks this period still gets its (empty) sheet, so the workbook's shape never changes. With
    the focus `place`, a last sheet compares it with its benchmark counties on every indicator."""
    codes = [code for code, _ in groups]
    rows = q.fetch(con, "group_rankings", period=period, groups=codes)
    cards = q.fetch(con, "scorecards", period=period, previous_period=previous_period, groups=codes)
    by_group: dict[str, list[dict]] = {code: [] for code in codes}
    for r in rows:
        by_group.setdefault(r["group_code"], []).append(r)
    out = (*(ranking_sheet(name, by_group[code]) for code, name in groups), score_sheet(cards, period_label))
    if place is None:
        return out
    return (*out, benchmark_sheet(q.fetch(con, "benchmark_gaps", places=[place], period=period), period_label))
