"""The sub-header vocabulary of bureau tables: what a column under an indicator holds.

Bureaus head the same three measures in many ways (docs/DATA_CONTRACT.md lists every wording):
a level (本年累计, 累计, 绝对额, 总量, 金额, 本月, 1-11月, or just its unit 亿元), a growth rate (±%,
比上年同期±%, 比上年同期增减(%), 增长%, 增幅(%), 增速(%), 同比(%), 1-3月比上年同期±%) and a rank (位次).
Growth is recognised before anything else a header says, so a growth header never yields a level
(1-3月比上年同期±% carries a month label, and was once read as a level in 亿元). A header that is
none of these is returned as None and the caller reports it with its column: never dropped in silence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.ingest.resolve import normalise_name
from flows.ingest.values import is_unit, unit_in_header

RANK_WORDS = ("位次", "排名", "排位", "名次", "位序")
GROWTH_WORDS = ("±", "增长", "增速", "同比", "增幅", "增减", "比上年", "比去年", "比同期", "上升", "下降")
POINTS_WORDS = ("百分点",)
LEVEL_WORDS = ("本年累计", "累计", "绝对额", "绝对值", "绝对量", "总量", "总额", "金额", "数值", "余额", "期末",
               "合计", "数量", "完成额", "完成值", "实绩", "本年", "本期")
MONTH_WORDS = ("本月", "当月")
_MONTHS = re.compile(r"(\d{1,2})(?:[-~至到—–](\d{1,2}))?月")


@dataclass(frozen=True)
class Measure:
    """What one column holds: `kind` value / growth / rank; `scope` ytd (year to date) or month."""

    kind: str
    scope: str = "ytd"


def classify(label: object, indicator_unit: str = "", known_units: frozenset[str] = frozenset()) -> Measure | None:
    """The measure a sub-header names, or None when it cannot be told (the caller reports the column).

    A change in 个百分点 or in the level's unit (比上年同期增减(亿元)) is no growth rate and no level: None.
    """
    text = normalise_name(label)
    if not text:
        return None
    scope = "month" if any(w in text for w in MONTH_WORDS) or _single_month(text) else "ytd"
    if any(w in text for w in RANK_WORDS):
        return Measure("rank", scope)
    if any(w in text for w in POINTS_WORDS):
        return None
    if any(w in text for w in GROWTH_WORDS):
        unit = unit_in_header(text, known_units)
        return None if unit else Measure("growth", scope)
    if any(w in text for w in (*LEVEL_WORDS, *MONTH_WORDS)) or _MONTHS.search(text):
        return Measure("value", scope)
    bare = text.strip("()（）")
    if bare == "%":  # a bare percent: the level of a rate indicator, else the growth beside a level
        return Measure("value" if indicator_unit.strip() == "%" else "growth", "ytd")
    if is_unit(bare, known_units):  # a sub-header that is only the unit: 亿元, 万千瓦时
        return Measure("value", "ytd")
    return None


def header_unit(label: object, known_units: frozenset[str] = frozenset()) -> str | None:
    """The unit a level's sub-header prints: 本年累计(万元) or a bare 万元; None when it prints none."""
    text = str(label or "")
    found = unit_in_header(text, known_units)
    if found:
        return found
    bare = normalise_name(text).strip("()（）")
    return bare if bare != "%" and is_unit(bare, known_units) else None


def preferred(new: Measure, kept: Measure, indicator_kind: str) -> bool:
    """Whether a second column of the same measure should replace the first: a monthly indicator reads
    its 本月 column, every other indicator its year-to-date one (本年累计 before 本月)."""
    want = "month" if indicator_kind == "monthly" else "ytd"
    return new.scope == want and kept.scope != want


def _single_month(text: str) -> bool:
    m = _MONTHS.search(text)
    return bool(m) and m.group(2) is None
