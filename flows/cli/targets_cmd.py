"""`bipin targets PLACE`: progress against the annual targets (config/targets.yaml) for one place, against
both the county's own target and the assigned one where both are set, then how each target was set and
raised (只能加压不能打折)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from flows.cli.common import console, fail, print_table, state
from flows.cli.rank_cmd import _parse_period_date, _reader, resolve_place

NEEDED_REASONS = {
    "year_complete": "全年已结束",
    "not_cumulative": "非累计指标",
    "no_value": "缺本期数",
    "no_growth": "缺本期增速",
    "no_last_year_total": "缺上年全年数",
    "no_last_year_rest": "上年余下月份无数",
}


def targets(
    ctx: typer.Context,
    place: Annotated[str, typer.Argument(help="Place code or name (武义县, 武义, wuyi).")],
    period: Annotated[str | None, typer.Option("--period", help="e.g. 2026年1-10月 or 2026-10; default: newest.")] = None,
) -> None:
    """Print a place's annual targets with progress against time (序时进度) and the growth the rest of
    the year needs. Each indicator shows its newest period up to --period in that year.

    Example: bipin targets 武义 --period 2026-10
    """
    from flows.brief.content import queries
    from flows.brief.content import targets as wording

    catalog = state(ctx).catalog()
    place_code = resolve_place(catalog, place)
    when = _parse_period_date(period) if period else None
    with _reader(ctx) as con:
        if when is None:
            when = con.execute("select max(period) from marts.target_progress where place_code = ?",
                               [place_code]).fetchone()[0]
        # the rows a briefing reads: each indicator at its newest period up to `when` in that year
        rows = queries.fetch(con, "target_progress", places=[place_code], period=when) if when else []
        history = queries.fetch(con, "target_revisions", place=place_code, year=when.year) if when else []
    if not rows:
        fail(f"{place} has no targets with data" + (f" up to {when:%Y-%m}" if when else "")
             + "; see config/targets.yaml and run `bipin rank` after loading data")
    ahead = sum(1 for r in rows if r["on_track"])
    synthetic = "（合成演示目标）" if any(r["is_synthetic"] for r in rows) else ""
    pairs = any(r.get("assigned_target") is not None for r in rows)  # the assigned columns only where set
    table = Table(title=f"{catalog.place(place_code).name} {rows[0]['year']}年目标任务{synthetic}")
    rest = _rest_column(rows, wording.needed_parts)
    columns = ("指标", "期别", "目标", "完成", "差距", "序时进度", "完成进度", "状态", rest)
    for name in columns + (("市下达", "对市下达") if pairs else ()):
        table.add_column(name, justify="left" if name in ("指标", "期别", "状态", "对市下达") else "right")
    for r in rows:
        cells = [r["indicator_name"], r["period_label"] or str(r["period"]), _target(r), _metric(r),
                 _num(r["gap"], "+.2f"), _num(r["time_progress"], ".1f", "%"),
                 _num(r["value_progress"], ".1f", "%"), _status(r["on_track"]),
                 _needed(r, wording.needed_parts, rest)]
        if pairs:
            cells += _assigned_cells(r)
        table.add_row(*cells)
    print_table(table)
    console.print(f"{len(rows)}项目标指标中{ahead}项快于序时进度", highlight=False)
    _print_history(history)


def _status(on_track) -> str | Text:
    """Colour as a style, never markup inside the text (the console prints text as it is)."""
    return "—" if on_track is None else (Text("快于序时", style="green") if on_track else Text("慢于序时", style="red"))


def _assigned_cells(r: dict) -> list[str | Text]:
    """市下达 target (who assigned it) and whether the floor is met on schedule."""
    if r.get("assigned_target") is None:
        return ["", ""]
    value = f"{r['assigned_target']:g}%" if r["basis"] == "growth" else f"{r['assigned_target']:g}{r['unit']}"
    by = f" {r['assigned_by']}" if r.get("assigned_by") else ""
    return [value + by, _status(r.get("assigned_on_track"))]


def _print_history(history: list[dict]) -> None:
    """目标设定与调整: only indicators with a pair, a date or a raise (a bare number has no history to show)."""
    shown = {h["indicator_code"] for h in history
             if h["target_kind"] == "assigned" or h["seq"] > 0 or h["set_on"] is not None}
    if not shown:
        return
    table = Table(title="目标设定与调整（只能加压不能打折）")
    for name in ("指标", "类别", "目标", "日期", "设定/下达", "说明"):
        table.add_column(name, justify="right" if name == "目标" else "left")
    for h in (h for h in history if h["indicator_code"] in shown):
        kind = {"assigned": "市下达", "own": "自我加压"}[h["target_kind"]] + ("" if h["seq"] == 0 else f"（第{h['seq']}次加压）")
        value = f"{h['target']:g}%" if h["basis"] == "growth" else f"{h['target']:g}{h['unit']}"
        table.add_row(h["indicator_name"], kind, value, str(h["set_on"] or "—"),
                      h["set_by"] or "", h["note"] or "")
    print_table(table)


def _target(r: dict) -> str:
    return f"{r['target']:g}%" if r["basis"] == "growth" else f"{r['target']:g}{r['unit']}"


def _metric(r: dict) -> str:
    unit = "%" if r["basis"] == "growth" else r["unit"]
    return _num(r["metric"], ".2f", unit)


def _rest_column(rows: list[dict], parts) -> str:
    """The rest of the year named (12月, 四季度) when every row's figure is for the same rest; else 余下时期."""
    who = {p[0] for p in map(parts, rows) if p}
    return who.pop() if len(who) == 1 else "余下时期"


def _needed(r: dict, parts, column: str) -> str:
    """The briefing's words (需增长10.3% / 即使下降25.7%仍可完成), led by the rest's name unless the column says it."""
    found = parts(r)
    if found is None:
        return NEEDED_REASONS.get(r["needed_reason"], r["needed_reason"] or "")
    who, what = found
    return what if who == column else who + what


def _num(value, spec: str, unit: str = "") -> str:
    return "—" if value is None else f"{value:{spec}}{unit}"


def register(app: typer.Typer) -> None:
    app.command("targets")(targets)
