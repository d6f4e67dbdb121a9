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
    rest: str = ""   # the indicators never in the top five in these periods, counted (they have no row)


HEAT_PERIODS = 6  # columns of the heat map: six fit a phone's width beside the indicator names
HEAT_CONTESTED = 5  # an indicator gets a row when in the top five (前三 or 重点关注) in one of those periods


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
    """The focus place's rank on the monthly indicators (rows) over the last HEAT_PERIODS periods (columns,
    the newest at the right) in one group. Only the indicators in contention get a row: in the top five
    (前三 or 重点关注) in one of those periods; the others are counted in the note (all are in the XLSX).
    Quarterly indicators have their own briefing (each has a rank in two of six months at most)."""
    periods = sorted(periods)[-HEAT_PERIODS:]
    shown = set(periods)
    rows = [r for r in rankings if r["group_code"] == group_code and r["period"] in shown
            and r.get("calendar_code") != "quarterly"]
    if not rows:
        return None
    by_key = {(r["indicator_code"], r["period"]): r for r in rows}
    indicators = sorted({(r["indicator_order"], r["indicator_code"], w.indicator_label(r["indicator_name"], r["basis"]))
                         for r in rows})
    out, left_out = [], 0
    for _, code, label in indicators:
        ranks = [by_key[(code, p)]["rank"] if (code, p) in by_key else None for p in periods]
        if not any(rank is not None and rank <= HEAT_CONTESTED for rank in ranks):
            left_out += 1
            continue
        out.append(HeatRow(label, tuple(HeatCell("" if rank is None else str(rank), heat_tone(rank)) for rank in ranks)))
    rest = f"其余{left_out}项指标近{len(periods)}期均在第{HEAT_CONTESTED}位之后（见附件）。" if left_out else ""
    return HeatMap(f"位次热力图（{rows[0]['group_label']}，{period_short(periods[0])}至{period_short(periods[-1])}）",
                   tuple(f"{p.month}月" for p in periods), tuple(out), HeatMap.legend + rest, rest)


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
