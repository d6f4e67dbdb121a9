"""What the monthly bulletin and the quarterly scoreboard say: full tables, built from mart rows.

Pure functions like content.py: sorting, marking the focus place and wording happen here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flows.brief.content import wording as w
from flows.brief.content.benchmarks import BenchmarkBlock
from flows.brief.content.leader import LeaderBlock

MAX_PLACE_ROWS = 12   # a group larger than this (山区26县, 全省) lists only its leaders and the focus place
TOP_PLACES = 10


@dataclass(frozen=True)
class Cell:
    text: str
    tone: str = ""   # top: a top-three rank, shaded (trends.heat_tone)
    mark: str = ""   # （快报数）: after the text in the text email, under it in HTML (a narrow column stays narrow)


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: tuple[Cell, ...]
    is_focus: bool = False


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]


@dataclass(frozen=True)
class GroupSection:
    group_code: str
    group_label: str
    summary: str
    tables: tuple[Table, ...]
    title: str = ""              # heading; the group label (with its size note) when empty
    lines: tuple[str, ...] = ()  # sentences under the summary


@dataclass(frozen=True)
class TablesContext:
    kind: str
    place_code: str
    place_name: str
    recipient_name: str
    period: date
    period_label: str
    sections: tuple[GroupSection, ...]
    data_as_of: str
    generated_at: str
    leader: LeaderBlock | None = None
    overview: Table | None = None                # monthly: every indicator's rank in each group, one table
    headlines: tuple[str, ...] = ()              # quarterly: growth and ranks of the quarterly indicators
    benchmarks: tuple[BenchmarkBlock, ...] = ()
    headings: dict[str, str] = field(default_factory=dict)
    coverage_notes: tuple[str, ...] = ()  # newer periods still partial, one line each
    targets_lines: tuple[str, ...] = ()  # content/targets.py
    levers_lines: tuple[str, ...] = ()
    rollcall: tuple[str, ...] = ()  # the leader's roll-call of units (content/units.py)


def tables_headings(ctx: TablesContext) -> dict[str, str]:
    """Numbered titles of the sections present: the leader block (or quarterly headlines), one per group,
    then the benchmarks. Keys: lead, group:<code>, benchmarks."""
    keys = []
    if ctx.leader is not None:
        keys.append(("lead", "要点"))
    if ctx.headlines:
        keys.append(("lead", "主要指标"))
    if ctx.overview is not None:
        keys.append(("overview", "各指标位次"))
    keys += [(f"group:{s.group_code}", s.title or s.group_label) for s in ctx.sections]
    if ctx.benchmarks:
        keys.append(("benchmarks", "对标赶超"))
    return dict(zip((k for k, _ in keys), w.numbered([t for _, t in keys]), strict=True))


def _official_key(r: dict) -> tuple:
    return (r.get("division_code") is None, r.get("division_code") or "", r["place_code"])


def by_composite_rank(cards: list[dict]) -> list[dict]:
    """A ranking table's order: best composite rank first, tied places together in official order."""
    return sorted(cards, key=lambda c: (c["composite_rank"], *_official_key(c)))


def by_top3_count(counts: list[dict]) -> list[dict]:
    """Top-three counts as a ranking: most indicators in the top three first, then most first places
    (a medal table); places equal on both are tied and listed in official order."""
    return sorted(counts, key=lambda r: (-r["n_top3"], -r["n_first"], *_official_key(r)))


def rank_cell(rank: int | None, is_tied: bool, change: int | None, had_rank: bool) -> Cell:
    """A compact rank for a many-column phone table: 4, 并4, 3↑2, 5↓1 (the move since the last period)."""
    if rank is None:
        return Cell("—")
    move = "" if not had_rank or not change else (f"↑{change}" if change > 0 else f"↓{-change}")
    return Cell(f"{'并' if is_tied else ''}{rank}{move}", w.rank_tone(rank))


def overview_table(rankings: list[dict], place: str) -> Table | None:
    """The focus place on every indicator, one row each, its rank in each group a column: one table for
    the phone instead of one per group (values and every place's rank are in the XLSX)."""
    mine = [r for r in rankings if r["place_code"] == place]
    if not mine:
        return None
    groups = list(dict.fromkeys((r["group_code"], r["group_label"]) for r in mine))
    by_key = {(r["indicator_code"], r["group_code"]): r for r in mine}
    indicators = sorted({(r["indicator_order"], r["indicator_code"]) for r in mine})
    rows = []
    for _, code in indicators:
        first = next(by_key[(code, g)] for g, _ in groups if (code, g) in by_key)
        value = Cell(w.table_metric(first["metric"], first["basis"], first["unit"]),
                     mark=w.preliminary_mark(first.get("is_preliminary")))
        ranks = tuple(rank_cell(x["rank"], x["is_tied"], x["rank_change"], x["prev_rank"] is not None)
                      if (x := by_key.get((code, g))) else Cell("—") for g, _ in groups)
        rows.append(TableRow(w.indicator_label(first["indicator_name"], first["basis"]), (value, *ranks)))
    return Table("本期数值与位次（↑进位、↓退位，各地区完整数据见附件）",
                 ("本期", *(label for _, label in groups)), tuple(rows))


def top3_table(counts: list[dict], place: str) -> Table:
    """Top-three and first-place counts per place, most first (by_top3_count); a large group shows the
    places with the most and the focus place, and leaves the rest to the XLSX."""
    ranked = by_top3_count(counts)
    if len(ranked) > MAX_PLACE_ROWS:
        shown = ranked[:TOP_PLACES] + [r for r in ranked[TOP_PLACES:] if r["place_code"] == place]
        title = f"前三指标数（前{TOP_PLACES}名及本地）"
    else:
        shown, title = ranked, "前三指标数"
    rows = tuple(TableRow(r["place_name"], (
        Cell(str(r["n_top3"])), Cell(w.count_change_phrase(r["n_top3"], r["n_top3_prev"]).replace("比上月", "").replace("与上月", "") or "—"),
        Cell(str(r["n_first"])),
    ), r["place_code"] == place) for r in shown)
    return Table(title, ("前三项数", "比上月", "第一项数"), rows)


def first_tier_table(cards: list[dict], place: str) -> Table:
    """The places in the group's first tier by composite score (百分制), in rank order."""
    rows = tuple(TableRow(c["place_name"], (Cell(w.short_rank(c["composite_rank"], tied(cards, c))),
                                            Cell(w.score_cell(c["score_100"]))),
                          c["place_code"] == place)
                 for c in by_composite_rank([c for c in cards if c["is_first_tier"]]))
    return Table("第一方阵", ("综合排名", "综合得分"), rows)


def tied(cards: list[dict], card: dict) -> bool:
    return sum(1 for c in cards if c["composite_rank"] == card["composite_rank"]) > 1


def monthly_sections(rankings: list[dict], counts: list[dict], cards: list[dict], place: str,
                     place_name: str, short_label: str) -> tuple[GroupSection, ...]:
    """Per group: the headline, top-three counts and the first tier (the focus place's indicators are
    overview_table's, one table for every group); the every-place x every-indicator matrix is in the XLSX only."""
    out = []
    sizes = {r["group_code"]: r["n_places"] for r in counts}
    for code in dict.fromkeys(r["group_code"] for r in rankings):
        g_rows = [r for r in rankings if r["group_code"] == code]
        g_counts = [c for c in counts if c["group_code"] == code]
        g_cards = [c for c in cards if c["group_code"] == code]
        label = g_rows[0]["group_label"]
        scope = w.scope_with_size(label, sizes.get(code))
        mine = next((c for c in g_counts if c["place_code"] == place), None)
        summary = (w.top3_headline(short_label, mine["n_ranked_indicators"], mine["n_top3"], mine["n_top3_prev"], label)
                   if mine else f"{place_name}未参加{label}排位")
        tables = [top3_table(g_counts, place)]
        if g_cards:
            tables.append(first_tier_table(g_cards, place))
        out.append(GroupSection(code, label, summary, tuple(tables), f"{scope}排位"))
    return tuple(out)
