"""Lay the demo numbers out as the tables bureaus print: a title, two header rows, one row per place.

A WideTable holds text exactly as it will appear (numbers formatted, the odd full-width digit
or missing marker); writers.py only puts it into a file format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from flows.config.catalog import Catalog, Indicator
from flows.core.periods import Period
from flows.demo import story
from flows.demo.generate import VALUE_DECIMALS

PLACE_HEADER = "地区"
CITY_TOTAL = "全市"
NOTE = "注：本表为 bipin demo-data 生成的合成演示数据，不是真实统计。"
MISSING_MARKERS = ("—", "…", "")
_FULL_WIDTH = str.maketrans("0123456789.-", "０１２３４５６７８９．－")


@dataclass(frozen=True)
class Measures:
    """Header texts of one indicator's columns (row B)."""

    value: str
    growth: str
    stock_value: str = "绝对值"
    rank: str | None = None


CITY_MEASURES = Measures(value="本年累计", growth="比上年同期增长(%)", rank="位次")
PROVINCE_MEASURES = Measures(value="累计", growth="增长(%)")
# The province CSV prints these in 万元 (the catalog keeps 亿元): ingest converts.
PROVINCE_UNITS_WAN_YUAN = ("budget_revenue", "tax_revenue")


@dataclass
class Block:
    name: str                       # header row A, merged across the block
    headers: list[str]              # header row B
    columns: list[list[str]] = field(default_factory=list)  # one list of cells per header


@dataclass
class WideTable:
    title: str
    row_labels: list[str]
    blocks: list[Block]
    note: str = NOTE


def city_table(catalog: Catalog, frame: pd.DataFrame, period: date, rng: np.random.Generator,
               title_suffix: str = "") -> WideTable:
    """Jinhua's table: the 全市 total first, then the nine counties, value + growth + 位次."""
    places = list(story.CITY_TABLE_ORDER)
    labels = [CITY_TOTAL] + [_city_label(catalog, code, period) for code in places]
    all_values, all_growth = _wide(frame, places)
    blocks = []
    for indicator in _monthly(catalog):
        values, growth = all_values[indicator.code], all_growth[indicator.code]
        total_value, total_growth = _total(indicator, values, growth)
        ranks = _min_ranks(values if indicator.basis == "level" else growth, indicator.direction == "lower")
        block = _block(indicator, CITY_MEASURES, f"{indicator.name}（{indicator.unit}）")
        block.columns[0] = [_fmt(total_value, indicator)] + _cells(values, indicator, places, rng)
        if indicator.kind != "rate":
            block.columns[1] = [_fmt(total_growth)] + _cells(growth, None, places, rng)
        block.columns[-1] = [""] + ["" if np.isnan(r) else str(int(r)) for r in ranks]
        blocks.append(block)
    title = f"{Period(period.year, period.month).label()}金华市各县（市、区）主要经济指标（合成演示数据）{title_suffix}"
    return WideTable(title, labels, blocks)


def province_table(catalog: Catalog, frame: pd.DataFrame, period: date, places: list[str],
                   rng: np.random.Generator) -> WideTable:
    """The province's table of the given counties (official names), value + growth, no ranks."""
    names = {p.code: p.name for p in catalog.places}  # catalog.place() builds its index on every call
    labels = [names[code] for code in places]
    all_values, all_growth = _wide(frame, places)
    blocks = []
    for indicator in _monthly(catalog):
        values, growth = all_values[indicator.code], all_growth[indicator.code]
        name = indicator.name
        if indicator.code in PROVINCE_UNITS_WAN_YUAN:
            values, name = values * 10000, f"{indicator.name}（万元）"
        block = _block(indicator, PROVINCE_MEASURES, name)
        block.columns[0] = _cells(values, indicator, places, rng, decimals=0 if "万元" in name else None)
        if indicator.kind != "rate":
            block.columns[1] = _cells(growth, None, places, rng)
        blocks.append(block)
    title = f"{Period(period.year, period.month).label()}浙江省各县（市、区）主要经济指标（合成演示数据）"
    return WideTable(title, labels, blocks)


def quarterly_rows(catalog: Catalog, frame: pd.DataFrame, period: date) -> list[list[str]]:
    """Long layout: 地区, 指标, 期别, 本年累计, 比上年同期增长(%), one row per place x indicator."""
    label = Period(period.year, period.month).label("quarterly")
    by_key = {(p, i): (v, g) for p, i, v, g in
              zip(*(frame[c].tolist() for c in ("place_code", "indicator_code", "value", "growth_pct")), strict=True)}
    rows = [[PLACE_HEADER, "指标", "期别", "本年累计", "比上年同期增长(%)"]]
    for place in (p for p in catalog.places if p.level == "county"):
        for indicator in (i for i in catalog.indicators if i.frequency == "quarterly"):
            value, growth = by_key[(place.code, indicator.code)]
            rows.append([place.name, indicator.name, label, _fmt(value, indicator), _fmt(growth)])
    return rows


def _wide(frame: pd.DataFrame, places: list[str]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Values and growth of one period as indicator -> column over the places, rows in the table's order
    (NaN where a place has no row). Scattered into numpy matrices rather than a pandas pivot per table."""
    rows = pd.Index(places).get_indexer(frame["place_code"])
    codes, cols = np.unique(frame["indicator_code"].to_numpy(dtype=object), return_inverse=True)
    kept = rows >= 0
    out = []
    for measure in ("value", "growth_pct"):
        matrix = np.full((len(places), len(codes)), np.nan)
        matrix[rows[kept], cols[kept]] = frame[measure].to_numpy(dtype=float)[kept]
        out.append({code: matrix[:, i] for i, code in enumerate(codes.tolist())})
    return out[0], out[1]


def _min_ranks(metric: np.ndarray, ascending: bool) -> np.ndarray:
    """Rank 1 = best, ties share the best rank (pandas' rank(method="min")), NaN stays unranked."""
    better = metric[None, :] < metric[:, None] if ascending else metric[None, :] > metric[:, None]
    ranks = 1.0 + better.sum(axis=1)
    ranks[np.isnan(metric)] = np.nan
    return ranks


def _monthly(catalog: Catalog) -> list[Indicator]:
    return [i for i in catalog.indicators if i.frequency == "monthly"]


def _city_label(catalog: Catalog, code: str, period: date) -> str:
    renamed = story.RENAMED_IN_CITY_TABLE.get(code)
    if renamed and period >= renamed[0]:
        return renamed[1]
    return catalog.place(code).name


def _block(indicator: Indicator, measures: Measures, name: str) -> Block:
    if indicator.kind == "rate":
        headers = [measures.stock_value]
    else:
        headers = [measures.stock_value if indicator.kind == "stock" else measures.value, measures.growth]
    if measures.rank:
        headers.append(measures.rank)
    return Block(name, headers, [[] for _ in headers])


def _total(indicator: Indicator, values: np.ndarray, growth: np.ndarray) -> tuple[float, float]:
    """全市 row: sums for flows and balances, the growth of the sums; the mean for rates."""
    if indicator.kind == "rate":
        return float(np.nanmean(values)), float("nan")
    year_before = values / (1.0 + growth / 100.0)
    return float(np.nansum(values)), float((np.nansum(values) / np.nansum(year_before) - 1.0) * 100.0)


def _cells(numbers: np.ndarray, indicator: Indicator | None, places: list[str], rng: np.random.Generator,
           decimals: int | None = None) -> list[str]:
    """Format one column; now and then print a number in full-width digits, as typed tables do."""
    pattern = f"{{:.{_decimals(indicator, decimals)}f}}"
    draws = rng.random(len(numbers))
    out = []
    for number, place, draw in zip(numbers.tolist(), places, draws.tolist(), strict=True):
        if number != number:  # NaN: a missing cell
            out.append(MISSING_MARKERS[int(draw * len(MISSING_MARKERS))])
        elif draw < story.FULL_WIDTH_PROBABILITY and place not in story.PROTECTED_PLACES:
            out.append(pattern.format(number).translate(_FULL_WIDTH))
        else:
            out.append(pattern.format(number))
    return out


def _fmt(number: float, indicator: Indicator | None = None, decimals: int | None = None) -> str:
    if number is None or number != number:
        return ""
    return f"{number:.{_decimals(indicator, decimals)}f}"


def _decimals(indicator: Indicator | None, decimals: int | None) -> int:
    if decimals is not None:
        return decimals
    return 1 if indicator is None or indicator.kind == "rate" else VALUE_DECIMALS.get(indicator.unit, 2)
