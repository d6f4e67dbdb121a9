"""The focus place's recent ranks: the heat map (an HTML table) and the trend chart's data.

Pure functions from the focus_rankings rows; charts.py draws the chart, templates lay out the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flows.brief.content import wording as w


@dataclass(frozen=True)
class HeatCell:
    text: str
    tone: str   # top / near / far / "" (no rank): a CSS class of the HTML, one letter in the text part


@dataclass(frozen=True)
class HeatRow:
    label: str
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True)
class HeatMap:
    title: str
    columns: tuple[str, ...]
    rows: tuple[HeatRow, ...]
    legend: str = f"数字为位次；绿色为前三，黄色为{w.WATCH_LABEL}。"


HEAT_PERIODS = 6  # columns of the heat map: six fit a phone's width beside the indicator names


@dataclass(frozen=True)
class ChartSeries:
    code: str          # the indicator's key (never drawn)
    label: str         # Chinese: the title of its panel in the chart
    ranks: tuple[int | None, ...]


@dataclass(frozen=True)
class Chart:
    title: str
    x_labels: tuple[str, ...]   # ASCII period labels (26.10)
    series: tuple[ChartSeries, ...]
    n_places: int


def period_short(day: date) -> str:
    """ASCII period label for charts and heat map columns: 26.10."""
    return f"{day.year % 100:02d}.{day.month:02d}"


def heat_tone(rank: int | None) -> str:
    """The heat map's shade of a rank: wording.rank_tone, the one definition of 前三 and 重点关注."""
    return w.rank_tone(rank)


def heat_map(rankings: list[dict], group_code: str, periods: list[date]) -> HeatMap | None:
    """The focus place's rank on each indicator (rows) over the last HEAT_PERIODS periods (columns, the
    newest at the right) in one group; older periods are in the chart and the XLSX."""
    periods = sorted(periods)[-HEAT_PERIODS:]
    rows = [r for r in rankings if r["group_code"] == group_code and r["period"] in set(periods)]
    if not rows:
        return None
    by_key = {(r["indicator_code"], r["period"]): r for r in rows}
    indicators = sorted({(r["indicator_order"], r["indicator_code"], w.indicator_label(r["indicator_name"], r["basis"]))
                         for r in rows})
    out = []
    for _, code, label in indicators:
        cells = []
        for p in periods:
            r = by_key.get((code, p))
            rank = r["rank"] if r else None
            cells.append(HeatCell("" if rank is None else str(rank), heat_tone(rank)))
        out.append(HeatRow(label, tuple(cells)))
    return HeatMap(f"位次热力图（{rows[0]['group_label']}，近{len(periods)}期）",
                   tuple(period_short(p) for p in periods), tuple(out))


def trend_chart(rankings: list[dict], group_code: str, periods: list[date]) -> Chart | None:
    """Rank lines of the key indicators in the main group, labelled with their Chinese names."""
    rows = [r for r in rankings if r["group_code"] == group_code and r["is_key"]]
    if not rows:
        return None
    codes = sorted({(r["indicator_order"], r["indicator_code"]) for r in rows})
    by_key = {(r["indicator_code"], r["period"]): r["rank"] for r in rows}
    # panel titles name the indicator only (the chart's title says 增速): a phone's half width holds ~9 characters
    labels = {r["indicator_code"]: r["indicator_name"] for r in rows}
    series = tuple(ChartSeries(code, labels[code], tuple(by_key.get((code, p)) for p in periods)) for _, code in codes)
    n_places = max((r["n_ranked"] or 0) for r in rows)
    return Chart(f"主要指标增速位次走势（{rows[0]['group_label']}）", tuple(period_short(p) for p in periods), series, n_places)
