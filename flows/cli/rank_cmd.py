"""`bipin rank`, `bipin show PLACE`, `bipin explain PLACE INDICATOR PERIOD`: build and read the rank marts."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from flows.cli.common import console, fail, print_table, state
from flows.config.catalog import Catalog
from flows.config.names import NameProblem, group_code, indicator_code, place_code
from flows.config.settings import to_local
from flows.core.periods import Period, PeriodError, parse_period

NO_PREFECT_ENV = "BIPIN_RANK_NO_PREFECT"


def rank(
    ctx: typer.Context,
    as_of: Annotated[str | None, typer.Option("--as-of", help=(
        "Only observations loaded by then, e.g. '2026-03-01 08:00' (local time of settings.timezone) "
        "or 2026-11-29T05:43:20-08:00 (converted into it)."))] = None,
    full: Annotated[bool, typer.Option("--full", help="Rebuild every period, not only the changed ones.")] = False,
    no_prefect: Annotated[bool, typer.Option("--no-prefect", envvar=NO_PREFECT_ENV,
                                             help="Run the plain functions without starting Prefect.")] = False,
) -> None:
    """Rebuild the rank marts (rankings, top-three counts, streaks, scorecards, benchmark gaps).

    Incremental by default: only the periods touched by observations loaded since the last build.
    With --as-of the marts as they were at that moment are built in a copy kept apart
    (<db>.as-of-<moment>.duckdb; read it with `bipin --db <that file> show 武义`); the live warehouse,
    which the briefings read, is not touched.

    Example: bipin rank --as-of "2026-11-01 08:00"
    """
    app_state = state(ctx)
    moment = _parse_moment(as_of, app_state.settings.timezone) if as_of else None
    catalog = app_state.catalog()
    if no_prefect:
        from flows.rank.apart import build_summary

        with app_state.warehouse():
            summary = build_summary(app_state.settings, catalog, moment, full)
    else:
        settings = app_state.prefect_ready()
        from flows.rank.flow import rank as rank_flow

        with app_state.warehouse():  # says whom it waits for; the flow's own lock is then free to take
            summary = rank_flow(as_of=moment, full=full, config_dir=str(settings.config_dir),
                                db_path=str(settings.db_path), home=str(settings.home))
    _print_rank_summary(summary, catalog)


def show(
    ctx: typer.Context,
    place: Annotated[str | None, typer.Argument(help="Place code or name (武义县, 武义, wuyi); may be left out with --unit.")] = None,
    period: Annotated[str | None, typer.Option("--period", help="e.g. 2026年1-10月 or 2026-10; default: newest.")] = None,
    group: Annotated[str | None, typer.Option("--group", help="Peer group code, name or label (全市 = the place's city); default: all.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Only the indicators this unit of config/units.yaml leads or supports (经信局).")] = None,
) -> None:
    """Print a place's ranks across indicators and groups, with changes and streaks; with --unit, only the
    indicators that unit leads (牵头) or supports (配合).

    Example: bipin show 武义 --period 2026年1-10月 --group 全市
    Example: bipin show --unit 经信局
    """
    from flows.rank import lookups

    catalog = state(ctx).catalog()
    if place is None and unit is None:
        fail("name a place (bipin show 武义) or a unit (bipin show --unit 经信局)")
    the_unit = _unit(ctx, catalog, unit, place) if unit else None
    place_code = resolve_place(catalog, place) if place else the_unit.place_code
    groups = [resolve_group(catalog, group, place_code)] if group else None
    with _reader(ctx) as con:
        when = _parse_period_date(period) if period else lookups.newest_period(con, place_code)
        if when is None:
            fail(f"{place} has no rankings yet; run `bipin rank` after loading data")
        rows = lookups.place_ranks(con, place_code, when, groups)
    if the_unit is not None:
        rows = [{**r, "role": the_unit.role(r["indicator_code"])} for r in rows if the_unit.role(r["indicator_code"])]
    if not rows:
        fail(f"{place or the_unit.name} has no rankings in {when:%Y-%m}" + (f" in group {group}" if group else ""))
    title = f"{catalog.place(place_code).name}{the_unit.name if the_unit else ''} {rows[0]['period_label'] or when}"
    table = Table(title=title)
    has_targets = any(r["target"] is not None for r in rows)  # the target columns only where targets exist
    columns = (("组", "left"), ("指标", "left"), ("数值", "right"), ("位次", "right"), ("变化", "right"),
               ("距第三", "right"), ("前三连续", "right"), ("第一连续", "right"))
    for name, justify in (("职责", "left"),) * bool(the_unit) + columns + (
            (("目标", "right"), ("序时", "left")) if has_targets else ()):
        table.add_column(name, justify=justify)
    for r in rows:
        cells = [{"lead": "牵头", "support": "配合"}[r["role"]]] if the_unit else []
        cells += [r["group_label"], r["indicator_name"], _metric(r), _rank_text(r), _change(r["rank_change"]),
                  "" if r["gap_to_third"] is None else f"{r['gap_to_third']:+.2f}",
                  _streak(r["top3_periods"], r["top3_months"]), _streak(r["first_periods"], None)]
        table.add_row(*cells, *(_target_cells(r) if has_targets else ()))
    print_table(table)


def _unit(ctx: typer.Context, catalog: Catalog, name: str, place: str | None):
    """The unit of config/units.yaml called `name` (of `place` when given), or fail saying what exists."""
    from flows.config.units import UnitsError, find_unit

    try:
        return find_unit(state(ctx).config().units, name,
                         resolve_place(catalog, place) if place else None)
    except UnitsError as exc:
        fail(str(exc))


def explain(
    ctx: typer.Context,
    place: Annotated[str, typer.Argument(help="Place code or name.")],
    indicator: Annotated[str, typer.Argument(help="Indicator code, name or alias, or a unique part of one (固定资产投资, 固投, fai).")],
    period: Annotated[str | None, typer.Argument(help="Period label: 2026年1-10月, 2026-10, 2026年一季度; default: the newest ranked.")] = None,
    group: Annotated[str | None, typer.Option("--group", help="Peer group code, name or label (全市 = the place's city); default: every group.")] = None,
) -> None:
    """Trace one number: the file, sheet, row and column it came from, earlier versions, and its ranking.

    Example: bipin explain 武义 fai
    Example: bipin explain 武义 固定资产投资 2026年1-10月 --group 全市
    """
    from flows.rank import lookups

    catalog = state(ctx).catalog()
    place_code = resolve_place(catalog, place)
    indicator_code = resolve_indicator(catalog, indicator)
    when = _parse_period_date(period) if period else None
    with _reader(ctx) as con:
        when = when or lookups.newest_period(con, place_code, indicator_code)
        if when is None:
            fail(f"{place} has no ranked {indicator} yet; run `bipin rank` after loading data")
        versions = lookups.observation_versions(con, place_code, indicator_code, when)
        if not versions:
            fail(f"no observation of {indicator} for {place} in {period}")
        groups = ([resolve_group(catalog, group, place_code)] if group
                  else lookups.groups_with(con, place_code, indicator_code, when))
        slices = {g: lookups.slice_ranking(con, indicator_code, when, g) for g in groups}
    ind = catalog.indicator(indicator_code)
    label = Period(when.year, when.month).label(ind.calendar)  # as the bureau prints it, whatever was typed
    console.print(Text(f"{catalog.place(place_code).name} · {ind.name}（{ind.unit}）· {label}",
                       style="bold"))
    source = Table(title="来源 source（按导入先后 oldest first）")
    for name in ("文件 file", "表 sheet", "行 row", "列 columns", "原文 printed", "数值 value", "增速 growth %",
                 "导入时间 loaded at", "", "变化 change"):
        source.add_column(name)
    changes = _changes(versions)
    for v, change in zip(versions, changes, strict=True):
        source.add_row(v["file_name"] or str(v["file_id"]), v["sheet"] or "", str(v["row_number"] or ""),
                       f"{v['value_column'] or ''} {v['growth_column'] or ''}".strip(),
                       f"{v['raw_value'] or ''} / {v['raw_growth'] or ''}", _num(v["value"]), _num(v["growth_pct"]),
                       f"{v['loaded_at']:%Y-%m-%d %H:%M}", "当前 current" if v["is_current"] else "此前 earlier",
                       CHANGE_WORDS[change])
    print_table(source)
    for v in {v["file_name"]: v for v in versions if v.get("provenance")}.values():
        console.print(f"{v['file_name']} was pulled from {v['provenance']}", highlight=False, soft_wrap=True)
    if len(versions) > 1:
        console.print(_revision_note(len(versions), sum(c == "revised" for c in changes)))
    basis = "增速 growth %" if ind.basis == "growth" else f"数值 value ({ind.unit})"
    order = "越低越好 lower is better" if ind.direction == "lower" else "越高越好 higher is better"
    for g, rows in slices.items():
        console.print(f"\n{catalog.group(g).name} ({g}): {basis}, {order}; 并列者同名次 ties share the best place (并列)",
                      highlight=False)
        table = Table()
        for name in ("位次", "地区", "指标值 metric", "表中位次 published"):
            table.add_column(name, justify="right" if name != "地区" else "left")
        for r in rows:
            mark = "bold" if r["place_code"] == place_code else ""
            rank_text = "—" if r["rank"] is None else (f"并列{r['rank']}" if r["is_tied"] else str(r["rank"]))
            table.add_row(Text(rank_text, style=mark), Text(r["place_name"] or r["place_code"], style=mark),
                          _num(r["metric"]), "" if r["published_rank"] is None else str(r["published_rank"]))
        print_table(table)


# -- resolving names ---------------------------------------------------------------------------
def resolve_place(catalog: Catalog, text: str) -> str:
    return _resolve(place_code, catalog, text)


def resolve_indicator(catalog: Catalog, text: str) -> str:
    return _resolve(indicator_code, catalog, text)


def resolve_group(catalog: Catalog, text: str, place: str | None = None) -> str:
    """A group code, name or label; a label (全市) is the group with that label the place belongs to."""
    return _resolve(group_code, catalog, text, place)


def _resolve(how, catalog: Catalog, *args) -> str:
    try:
        return how(catalog, *args)
    except NameProblem as exc:
        fail(str(exc))


def _parse_period_date(text: str):
    try:
        return parse_period(text).date
    except PeriodError as exc:
        fail(str(exc))


def _parse_moment(text: str, timezone: str) -> datetime:
    """--as-of as the warehouse's naive local time (an offset is converted into the configured zone)."""
    try:
        return to_local(text, timezone)
    except ValueError:
        fail(f"cannot read --as-of {text!r}: expected e.g. '2026-03-01 08:00' (local time of settings.timezone), "
             "2026-03-01 or 2026-11-29T05:43:20-08:00")


@contextmanager
def _reader(ctx: typer.Context):
    """A read-only connection to marts that exist; otherwise one line saying what to run."""
    import duckdb

    from flows.warehouse.db import open_warehouse

    settings = state(ctx).settings
    if not settings.db_path.exists():
        fail(f"no warehouse at {settings.db_path}; run `bipin ingest` and `bipin rank` first")
    with open_warehouse(settings, read_only=True) as con:
        try:
            con.execute("select 1 from marts.rankings limit 0")
        except duckdb.CatalogException:
            fail(f"the rank marts are not built in {settings.db_path}; run `bipin rank` first")
        from flows.warehouse.rank_state import rank_catalog_is_stale

        if rank_catalog_is_stale(con):
            console.print("the catalog changed since the marts were built: ranks below follow the new "
                          "catalog, streaks the old one; run `bipin rank`", style="yellow")
        yield con


# -- formatting ---------------------------------------------------------------------------------
def _print_rank_summary(summary: dict, catalog: Catalog) -> None:
    console.print(f"rank: {summary['mode']}, {summary['n_slices']} slice(s) rebuilt, "
                  f"{summary['n_rankings']} ranking rows, {summary['seconds']} s"
                  + (f", as of {summary['as_of']}" if summary["as_of"] else ""))
    if summary["n_disagreements"]:
        table = Table(title=f"{summary['n_disagreements']} published rank(s) differ from the computed ones")
        for name in ("period", "indicator", "group", "place", "rank", "published", "file"):
            table.add_column(name)
        for d in summary["disagreements"]:
            table.add_row(*(str(d[k] if d[k] is not None else "") for k in (
                "period", "indicator_code", "group_code", "place_code", "rank", "published_rank", "file_name")))
        print_table(table)
    else:
        console.print("published ranks: no disagreement")
    if summary.get("apart"):
        console.print(f"as of {summary['as_of']}: built apart in {summary['apart']}; the live warehouse is unchanged "
                      f"(read the past with `bipin --db {summary['apart']} show PLACE`) / 历史时点的排名另存，"
                      "当前数据库未改动", highlight=False, soft_wrap=True)
        if not summary["n_rankings"]:
            console.print(f"nothing had been loaded by {summary['as_of']}, so the copy holds no ranks; choose a later "
                          "--as-of (`bipin status` shows when files were loaded)", style="yellow", highlight=False,
                          soft_wrap=True)
    for row in summary.get("partial", []):
        console.print(f"partial, not published until complete: {row['group']} {row['period']}, "
                      f"{row['indicators']} indicator(s), {row['reported']} members reported")


def _metric(r: dict) -> str:
    if r["metric"] is None:
        return "—"
    return f"{r['metric']:.2f}%" if r["basis"] == "growth" else f"{r['metric']:.2f}{r['unit'] or ''}"


def _target_cells(r: dict) -> tuple[str, Text | str]:
    """Target and whether the place runs ahead of time (序时进度), see `bipin targets` for the detail."""
    if r["target"] is None:
        return "", ""
    target = f"{r['target']:g}%" if r["target_basis"] == "growth" else f"{r['target']:g}{r['target_unit']}"
    if r["on_track"] is None:
        return target, ""
    return target, Text("快", style="green") if r["on_track"] else Text("慢", style="red")


def _rank_text(r: dict) -> str:
    # a slice below its group's coverage is shown, marked, but is not published (docs/RULES.md, 11)
    partial = "" if r["is_complete"] else f"（未齐，已到{r['n_reported']}/{r['n_members']}）"
    if r["rank"] is None:
        return f"—/{r['n_ranked']}{partial}"
    return f"{'并列' if r['is_tied'] else ''}{r['rank']}/{r['n_ranked']}{partial}"


def _change(change) -> Text | str:
    if change is None:
        return ""
    if change > 0:
        return Text(f"↑{change}", style="green")
    return Text(f"↓{-change}", style="red") if change < 0 else "="


def _changes(versions: list[dict]) -> list[str]:
    """Per version, oldest first: first, revised (value, growth or published rank differ from the one
    before, as ingest counts revisions), or unchanged (the same numbers loaded again)."""
    keys = [(v["value"], v["growth_pct"], v["published_rank"]) for v in versions]
    return ["first" if i == 0 else ("revised" if keys[i] != keys[i - 1] else "unchanged") for i in range(len(keys))]


CHANGE_WORDS = {"first": "首次 first", "revised": "修订 revised", "unchanged": "未变 unchanged"}


def _revision_note(n_versions: int, n_revised: int) -> str:
    loaded = f"loaded {n_versions} times"
    if n_revised == 0:
        return f"导入{n_versions}次，数值相同，未修订 / {loaded} with the same numbers: never revised"
    times = "once" if n_revised == 1 else f"{n_revised} times"
    return (f"导入{n_versions}次，修订{n_revised}次，排名用标为“当前”的一行 / "
            f"{loaded}, revised {times}; the marts use the row marked current")


def _streak(periods, months) -> str:
    if not periods:
        return ""
    return f"{periods}期" + (f"/{months}个月" if months else "")


def _num(value) -> str:
    return "—" if value is None else f"{value:,.2f}"


def register(app: typer.Typer) -> None:
    app.command("rank")(rank)
    app.command("show")(show)
    app.command("explain")(explain)
