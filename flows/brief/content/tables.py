"""What the monthly bulletin and the quarterly scoreboard say: full tables, built from mart rows.

Pure functions like content.py: sorting, marking the focus place and wording happen here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flows.brief.content import wording as w
from flows.brief.content.trends import heat_colour


@dataclass(frozen=True)
class Cell:
    text: str
    background: str = "#ffffff"
    color: str = "#222222"
    is_focus: bool = False


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
    coverage_notes: tuple[str, ...] = ()  # newer periods still partial, one line each


def ranking_table(rows: list[dict], place: str) -> Table:
    """All indicators (rows) x all places (columns) of one group, cells = rank, focus column marked."""
    places = sorted({(r["place_code"], r["place_name"]) for r in rows}, key=lambda p: (p[0] != place, p[0]))
    indicators = list(dict.fromkeys((r["indicator_code"], w.indicator_label(r["indicator_name"], r["basis"]))
                                    for r in rows))
    by_key = {(r["indicator_code"], r["place_code"]): r for r in rows}
    out = []
    for code, label in indicators:
        cells = []
        for p, _ in places:
            r = by_key.get((code, p))
            rank = r["rank"] if r else None  # null: the place is in the group but has no value to rank
            # only the top three are coloured: a 90-county table must stay small enough for mail clients
            bg, fg = heat_colour(rank) if rank is not None and rank <= 3 else ("", "")
            text = "" if rank is None else ("=" if r["is_tied"] else "") + str(rank)
            cells.append(Cell(text, bg, fg, p == place))
        out.append(TableRow(label, tuple(cells)))
    return Table("各指标位次（=为并列）", tuple(name for _, name in places), tuple(out))


def top3_table(counts: list[dict], place: str) -> Table:
    """Top-three and first-place counts per place, most first."""
    rows = tuple(TableRow(r["place_name"], (
        Cell(str(r["n_top3"])), Cell(w.count_change_phrase(r["n_top3"], r["n_top3_prev"]) or "—"),
        Cell(str(r["n_first"])), Cell(str(r["n_ranked_indicators"])),
    ), r["place_code"] == place) for r in counts)
    return Table("前三指标数", ("前三项数", "变化", "第一项数", "参评指标"), rows)


def first_tier_table(cards: list[dict], place: str) -> Table:
    """The places in the group's first tier by composite score."""
    rows = tuple(TableRow(c["place_name"], (Cell(w.short_rank(c["composite_rank"], _tied(cards, c))),
                                            Cell(f"{c['composite_score']:.1f}")),
                          c["place_code"] == place)
                 for c in cards if c["is_first_tier"])
    return Table("第一方阵", ("综合排名", "综合得分"), rows)


def _tied(cards: list[dict], card: dict) -> bool:
    return sum(1 for c in cards if c["composite_rank"] == card["composite_rank"]) > 1


def scoreboard_table(cards: list[dict], place: str) -> Table:
    """Every place's composite score and rank, with its move since last quarter."""
    rows = tuple(TableRow(c["place_name"], (
        Cell(w.short_rank(c["composite_rank"], _tied(cards, c))), Cell(f"{c['composite_score']:.1f}"),
        Cell(w.change_phrase(c["rank_change"]) if c["prev_composite_rank"] is not None else "—"),
        Cell("第一方阵" if c["is_first_tier"] else ""),
    ), c["place_code"] == place) for c in cards)
    return Table("综合得分与排名", ("综合排名", "综合得分", "比上季", "方阵"), rows)


def monthly_sections(rankings: list[dict], counts: list[dict], cards: list[dict], place: str,
                     place_name: str, short_label: str) -> tuple[GroupSection, ...]:
    out = []
    for code in dict.fromkeys(r["group_code"] for r in rankings):
        g_rows = [r for r in rankings if r["group_code"] == code]
        g_counts = [c for c in counts if c["group_code"] == code]
        g_cards = [c for c in cards if c["group_code"] == code]
        label = g_rows[0]["group_label"]
        mine = next((c for c in g_counts if c["place_code"] == place), None)
        summary = (w.top3_headline(short_label, mine["n_ranked_indicators"], mine["n_top3"], mine["n_top3_prev"], label)
                   if mine else f"{place_name}未参加{label}排位")
        tables = [ranking_table(g_rows, place), top3_table(g_counts, place)]
        if g_cards:
            tables.append(first_tier_table(g_cards, place))
        out.append(GroupSection(code, label, summary, tuple(tables)))
    return tuple(out)


def quarterly_sections(cards: list[dict], place: str, place_name: str) -> tuple[GroupSection, ...]:
    out = []
    for code in dict.fromkeys(c["group_code"] for c in cards):
        g_cards = [c for c in cards if c["group_code"] == code]
        label = g_cards[0]["group_label"]
        mine = next((c for c in g_cards if c["place_code"] == place), None)
        if mine is None:
            summary = f"{place_name}未参加{label}综合排名"
        else:
            rank = w.rank_phrase(mine["composite_rank"], label, _tied(g_cards, mine))
            summary = f"{place_name}综合得分{mine['composite_score']:.1f}，{rank}"
            if mine["prev_composite_rank"] is not None:
                summary += f"，比上季{w.change_phrase(mine['rank_change'])}"
            summary += "，位列第一方阵" if mine["is_first_tier"] else ""
        out.append(GroupSection(code, label, summary, (scoreboard_table(g_cards, place),)))
    return tuple(out)
