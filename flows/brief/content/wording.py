"""How offices write numbers and ranks: 居全市第2位, 并列第4位, 进2位, 增长8.2%, 123.4亿元.

Every phrase a briefing prints about a number comes from here, so each rule is written and tested once.
"""

from __future__ import annotations

import re

# 重点关注: the places just below the top three, one definition for the words (weekly's 重点关注 section)
# and the colours (heat map and tables: tone "near")
WATCH_RANKS = (4, 5)
WATCH_LABEL = f"重点关注（第{WATCH_RANKS[0]}-{WATCH_RANKS[-1]}位）"


def rank_tone(rank: int | None) -> str:
    """How a rank is shaded (templates/base.html.j2 colours each): top (前三), near (重点关注), far, "" unranked."""
    if rank is None:
        return ""
    if rank <= 3:
        return "top"
    if rank <= WATCH_RANKS[-1]:
        return "near"
    return "far"


def rank_phrase(rank: int | None, scope: str, is_tied: bool = False) -> str:
    """居全市第2位 / 居全市并列第4位 / 全市未排位."""
    if rank is None:
        return f"{scope}未排位"
    return f"居{scope}{'并列' if is_tied else ''}第{rank}位"


def short_rank(rank: int | None, is_tied: bool = False) -> str:
    """第2位 / 并列第4位, for table cells."""
    if rank is None:
        return "—"
    return f"{'并列' if is_tied else ''}第{rank}位"


def change_phrase(rank_change: int | None) -> str:
    """Positive = moved up: 进2位 / 退1位 / 位次不变; no previous rank: 新进排位."""
    if rank_change is None:
        return "新进排位"
    if rank_change > 0:
        return f"进{rank_change}位"
    if rank_change < 0:
        return f"退{-rank_change}位"
    return "位次不变"


def short_change(rank_change: int | None, had_rank: bool = True) -> str:
    """Table cells: 进2位 / 退1位 / 不变 / — (no previous rank): as narrow as a phone column allows."""
    if not had_rank:
        return "—"
    phrase = change_phrase(rank_change)
    return "不变" if phrase == "位次不变" else phrase


def score_cell(score: float) -> str:
    """A composite score on 100 points in a table cell: 93.75 (two decimals, as the XLSX has it)."""
    return f"{score + 0.0:.2f}"  # + 0.0: no "-0.00"


def points_phrase(points: float) -> str:
    """A score, or a gain or distance in score, on 100 points: 93.75分 / 0.61分; a non-zero amount that
    rounds to 0.00 is 不足0.01分, never 0.00分 (a reader would take it for nothing)."""
    if points != 0 and round(abs(points), 2) == 0:
        return "不足0.01分"
    return score_cell(round(points, 2)) + "分"


def growth_phrase(pct: float | None) -> str:
    """增长8.2% / 下降1.3% / 持平 (rounded to one decimal first, so -0.04 is 持平)."""
    if pct is None:
        return "暂无数据"
    rounded = round(pct + 0.0, 1)
    if rounded > 0:
        return f"增长{rounded:.1f}%"
    if rounded < 0:
        return f"下降{-rounded:.1f}%"
    return "持平"


def amount_phrase(value: float | None, unit: str) -> str:
    """亿元 with one decimal; 万元 of 1亿 or more shown in 亿元; other units one decimal."""
    if value is None:
        return "暂无数据"
    if unit == "万元" and abs(value) >= 10000:
        value, unit = value / 10000, "亿元"
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "万元":
        return f"{value:,.0f}万元"
    return f"{value:,.1f}{unit}"


def metric_phrase(metric: float | None, basis: str, unit: str) -> str:
    """The ranked metric as a reader expects it: growth as 增长x%, a level in its unit."""
    return growth_phrase(metric) if basis == "growth" else amount_phrase(metric, unit)


def table_metric(metric: float | None, basis: str, unit: str) -> str:
    """A table cell under a label that already says 增速: 13.6% / -0.4%; a level in its unit."""
    if metric is None:
        return "—"
    if basis == "growth":
        return f"{round(metric, 1) + 0.0:.1f}%"  # + 0.0: no "-0.0%"
    return amount_phrase(metric, unit)


def preliminary_mark(is_preliminary: bool | None, in_brackets: bool = False) -> str:
    """（快报数） after a number the publisher released as a first estimate (the final file revises it);
    inside brackets already: （增长8.2%，快报数）."""
    if not is_preliminary:
        return ""
    return "，快报数" if in_brackets else "（快报数）"


def coverage_note(scope: str, short_label: str, n_reported: int, n_members: int, n_complete: int = 0) -> str:
    """A newer period not published for want of coverage (docs/RULES.md 11):
    全省1-11月数据尚未发布齐（已到9/90）; when some indicators are complete already:
    全省1-11月部分指标数据尚未发布齐（最多已到85/90）."""
    if n_complete:
        return f"{scope}{short_label}部分指标数据尚未发布齐（最多已到{n_reported}/{n_members}）"
    return f"{scope}{short_label}数据尚未发布齐（已到{n_reported}/{n_members}）"


def gap_phrase(gap: float | None, basis: str, unit: str, target: str = "第三名") -> str:
    """距第三名差0.3个百分点 / 距第三名差1.2亿元 (the gap is a distance: its sign is ignored).

    Growth, and levels that are themselves percentages (亏损面), differ in percentage points."""
    if gap is None:
        return ""
    size = abs(gap)
    if basis == "growth" or unit == "%":  # a gap between two percentages is in percentage points
        return f"距{target}差{size:.1f}个百分点"
    return f"距{target}差{amount_phrase(size, unit)}"


def diff_phrase(diff: float | None, basis: str, unit: str, lower_is_better: bool = False) -> str:
    """Focus minus benchmark: 高0.5个百分点 / 低1.2个百分点 / 多3.4亿元 / 持平.

    Where less is better (亏损面) a higher number is worse, so the phrase says which way it cuts:
    低1.2个百分点，好于对标 / 高7.1个百分点，差于对标 (no brackets: the text puts the ranks in brackets after it)."""
    if diff is None:
        return "无法比较"
    if round(diff, 1) == 0:
        return "持平"
    if basis == "growth" or unit == "%":
        text = f"{'高' if diff > 0 else '低'}{abs(diff):.1f}个百分点"
    else:
        text = f"{'多' if diff > 0 else '少'}{amount_phrase(abs(diff), unit)}"
    if lower_is_better:
        text += "，好于对标" if diff < 0 else "，差于对标"
    return text


NUMERALS = "一二三四五六七八九十"


def numbered(titles: list[str]) -> list[str]:
    """一、要点 / 二、... over the sections actually present, so numbers never jump."""
    out = []
    for i, title in enumerate(titles, start=1):
        n = NUMERALS[i - 1] if i <= 10 else ("十" + NUMERALS[i - 11] if i < 20 else str(i))
        out.append(f"{n}、{title}")
    return out


def scope_with_size(label: str, n_members: int | None) -> str:
    """山区26县 with 22 members today reads 山区26县（现22县）: a number in the label that no longer
    counts the members is explained once, at the group's first mention. Other labels stay."""
    m = re.search(r"(\d+)(\D?)", label)
    if not m or n_members is None or int(m.group(1)) == n_members:
        return label
    return f"{label}（现{n_members}{m.group(2) or '个'}）"


def indicator_label(name: str, basis: str) -> str:
    """固定资产投资 ranked on growth reads 固定资产投资增速; names that already say it stay."""
    if basis == "growth" and not name.endswith(("增速", "增长", "率", "%")):
        return f"{name}增速"
    return name


def streak_length(n_months: int, n_periods: int, calendar: str) -> str:
    """24个月 for monthly calendars (1-2月 counts as two), 4个季度 for quarterly ones."""
    if calendar == "quarterly":
        return f"{n_periods}个季度"
    return f"{n_months}个月"


def run_phrase(n_months: int, n_periods: int, calendar: str, since: str | None = None) -> str:
    """连续24个月; a run that starts at the first period the warehouse holds may be longer than counted:
    至少连续35个月（自有数据的2024年1-2月起） (`since`: that period's label)."""
    length = streak_length(n_months, n_periods, calendar)
    return f"至少连续{length}（自有数据的{since}起）" if since else f"连续{length}"


def run_since(streak: dict) -> str | None:
    """run_phrase's `since` for a focus_streaks row: the first period held, short (2024年1-2月), when the
    run starts there (it may be longer than counted)."""
    return streak.get("first_period_label") if streak.get("starts_at_first_held") else None


def count_change_phrase(now: int, before: int | None, calendar: str = "monthly_jf") -> str:
    """比上月增加1项 / 比上月减少2项 / 与上月持平 (上季 for quarterly)."""
    if before is None:
        return ""
    when = "上季" if calendar == "quarterly" else "上月"
    if now > before:
        return f"比{when}增加{now - before}项"
    if now < before:
        return f"比{when}减少{before - now}项"
    return f"与{when}持平"


def top3_headline(short_label: str, n_ranked: int, n_top3: int, n_top3_prev: int | None, scope: str,
                  calendar: str = "monthly_jf") -> str:
    """1-10月32项指标中15项居全市前三，比上月增加1项."""
    head = f"{short_label}{n_ranked}项指标中{n_top3}项居{scope}前三"
    change = count_change_phrase(n_top3, n_top3_prev, calendar)
    return f"{head}，{change}" if change else head



CHINESE_QUARTERS = "一二三四"


def rest_of_year(month: int, calendar: str = "") -> str:
    """The periods left after a year-to-date period, named as offices do: 1-11月 -> 12月, 1-10月 -> 11-12月,
    1-6月 / 上半年 -> 下半年, 前三季度 -> 四季度, 一季度 -> 二至四季度."""
    if calendar == "quarterly":
        quarter = month // 3
        if quarter == 2:
            return "下半年"
        if quarter == 3:
            return "四季度"
        return f"{CHINESE_QUARTERS[quarter]}至四季度"
    if month == 11:
        return "12月"
    if month == 6:
        return "下半年"
    return f"{month + 1}-12月"
