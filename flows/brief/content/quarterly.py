"""What the quarterly showdown (每季一晒拼) says: the quarterly indicators' growth with their ranks in
every group, the composite score on 100 points with the first-tier standing and the distance to it,
and the scoreboard of each group.

Pure functions from group_rankings and scorecards rows (score_100: docs/RULES.md section 7).
"""

from __future__ import annotations

from flows.brief.content import wording as w
from flows.brief.content.tables import (
    MAX_PLACE_ROWS,
    Cell,
    GroupSection,
    Table,
    TableRow,
    by_composite_rank,
    tied,
)

NEIGHBOURS = 2   # places above and below the focus shown when a large group's scoreboard is cut


def indicator_headlines(rankings: list[dict], place: str, group_order: list[str] | None = None) -> tuple[str, ...]:
    """地区生产总值增长7.7%，增速全省第22位、全市第4位、山区26县第5位: one sentence per quarterly indicator of
    the place, its rank in every group it is ranked in, in `group_order` (widest first: collect.headline_groups)."""
    order = {g: i for i, g in enumerate(group_order or [])}
    mine = sorted((r for r in rankings if r["place_code"] == place and r.get("frequency") == "quarterly"),
                  key=lambda r: (r["indicator_order"], order.get(r["group_code"], len(order))))
    out = []
    for code in dict.fromkeys(r["indicator_code"] for r in mine):
        rows = [r for r in mine if r["indicator_code"] == code]
        first = rows[0]
        value = w.metric_phrase(first["metric"], first["basis"], first["unit"]) + w.preliminary_mark(first.get("is_preliminary"))
        what = "增速" if first["basis"] == "growth" else ""
        ranks = "、".join(f"{r['group_label']}{w.short_rank(r['rank'], r['is_tied'])}" for r in rows if r["rank"] is not None)
        out.append(f"{first['indicator_name']}{value}" + (f"，{what}{ranks}" if ranks else "，未排位"))
    return tuple(out)


def standing(cards: list[dict], mine: dict, label: str) -> str:
    """综合得分62.35分（百分制），居山区26县第5位，比上季进1位；距第一方阵（前9位）差3.20分 / 位列第一方阵，领先方阵外首位2.10分."""
    text = f"综合得分{w.points_phrase(mine['score_100'])}（百分制），{w.rank_phrase(mine['composite_rank'], label, tied(cards, mine))}"
    if mine["prev_composite_rank"] is not None:
        text += f"，比上季{w.change_phrase(mine['rank_change'])}"
    inside = [c for c in cards if c["is_first_tier"]]
    outside = [c for c in cards if not c["is_first_tier"]]
    size = f"第一方阵（前{max((c['composite_rank'] for c in inside), default=0)}位）"
    if mine["is_first_tier"]:
        text += f"，位列{size}"
        if outside:
            text += f"，领先方阵外首位{w.points_phrase(mine['score_100_exact'] - max(c['score_100_exact'] for c in outside))}"
    elif inside:
        text += f"；距{size}差{w.points_phrase(min(c['score_100_exact'] for c in inside) - mine['score_100_exact'])}"
    return text


def scoreboard_table(cards: list[dict], place: str) -> Table:
    """Every place's score and rank with its move since last quarter, in rank order (ties in official
    order); a large group shows its first tier and the focus place's neighbours, the rest in the XLSX."""
    if len(cards) > MAX_PLACE_ROWS:
        me = next((c["composite_rank"] for c in cards if c["place_code"] == place), None)
        shown = [c for c in by_composite_rank(cards) if c["is_first_tier"]
                 or (me is not None and abs(c["composite_rank"] - me) <= NEIGHBOURS)]
        title = "综合得分与排名（第一方阵及本地前后，全部见附件）"
    else:
        shown, title = by_composite_rank(cards), "综合得分与排名"
    rows = tuple(TableRow(c["place_name"], (
        Cell(w.short_rank(c["composite_rank"], tied(cards, c))), Cell(w.score_cell(c["score_100"])),
        Cell(w.short_change(c["rank_change"], c["prev_composite_rank"] is not None)),
        Cell("第一方阵" if c["is_first_tier"] else ""),
    ), c["place_code"] == place) for c in shown)
    return Table(title, ("排名", "得分", "比上季", "方阵"), rows)


def quarterly_sections(cards: list[dict], place: str, place_name: str,
                       sizes: dict[str, int] | None = None) -> tuple[GroupSection, ...]:
    out = []
    for code in dict.fromkeys(c["group_code"] for c in cards):
        g_cards = [c for c in cards if c["group_code"] == code]
        label = g_cards[0]["group_label"]
        mine = next((c for c in g_cards if c["place_code"] == place), None)
        summary = standing(g_cards, mine, label) if mine else f"{place_name}未参加{label}综合排名"
        scope = w.scope_with_size(label, (sizes or {}).get(code, len(g_cards)))
        out.append(GroupSection(code, label, summary, (scoreboard_table(g_cards, place),), f"{scope}综合排名"))
    return tuple(out)
