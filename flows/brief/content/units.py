"""Briefings by unit (各单位、各条线): a unit's own indicators first, and the leader's roll-call.

unit_block: what a unit recipient's weekly opens with, one line per indicator it leads (rank and change
in each of the recipient's groups, target status against both targets, the smallest change that gains a
place), then the indicators it supports named in one line. rollcall: the leader's 晾晒比拼, one line per
unit whose led indicators are behind schedule or out of the top three of the main group, the most
urgent unit first (docs/RULES.md "Units"). Pure functions: rows of sql/brief/unit_indicators.sql,
focus_rankings or group_rankings, target_progress and rank_levers in; wording in unit_wording.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flows.brief.content import unit_wording as uw
from flows.brief.content.sheets import AMOUNT, INT, ONE_DP, SIGNED, TEXT, Sheet
from flows.brief.content.targets import _comparable_change
from flows.core.periods import months_back

MAX_ROLLCALL_ITEMS = 3  # indicators named per unit in the roll-call; the rest are counted


@dataclass(frozen=True)
class UnitBlock:
    unit_name: str
    title: str                  # 经信局牵头指标（5项）
    summary: str                # 5项中2项居全市前三，1项慢于序时
    lines: tuple[str, ...]      # one per led indicator, in catalog order
    supports: str = ""          # 配合：货物进出口总额、出口总额


def _units_of(unit_rows: list[dict], place: str) -> dict[str, list[dict]]:
    """unit name -> its rows, in units.yaml's order."""
    out: dict[str, list[dict]] = {}
    for row in sorted((u for u in unit_rows if u["place_code"] == place),
                      key=lambda u: (u["unit_order"], u["indicator_order"])):
        out.setdefault(row["unit_name"], []).append(row)
    return out


def _now(rankings: list[dict], place: str, period: date) -> list[dict]:
    return [r for r in rankings if r["period"] == period and r.get("place_code", place) == place
            and r["rank"] is not None]


def _judged(targets: list[dict], place: str) -> dict[str, dict]:
    return {t["indicator_code"]: t for t in targets if t["place_code"] == place}


def _newest_before(rankings: list[dict], place: str, code: str, groups: tuple[str, ...],
                   period: date) -> list[dict]:
    """The indicator's ranks at its newest earlier period within a quarter (a quarterly indicator read in a
    month between quarters), in the recipient's group order; none older than that."""
    rows = [r for r in rankings if r["indicator_code"] == code and r["group_code"] in groups
            and r.get("place_code", place) == place and r["rank"] is not None
            and period > r["period"] >= months_back(period, 3)]
    newest = max((r["period"] for r in rows), default=None)
    return sorted((r for r in rows if r["period"] == newest), key=lambda r: groups.index(r["group_code"]))


def unit_block(unit_rows: list[dict], unit: str, place: str, groups: tuple[str, ...], rankings: list[dict],
               targets: list[dict], levers: list[dict], period: date) -> UnitBlock | None:
    """The unit's led indicators in one line each; None when the unit leads nothing."""
    rows = _units_of(unit_rows, place).get(unit, [])
    led = [u for u in rows if u["role"] == "lead"]
    if not led:
        return None
    now = _now(rankings, place, period)
    target_of = _judged(targets, place)
    lines, n_top3, n_behind = [], 0, 0
    main = groups[0] if groups else None
    for u in led:
        code = u["indicator_code"]
        ranks = sorted((r for r in now if r["indicator_code"] == code and r["group_code"] in groups),
                       key=lambda r: groups.index(r["group_code"]))
        if not ranks:  # a quarterly indicator in a monthly period: its newest quarter's ranks, dated
            ranks = _newest_before(rankings, place, code, groups, period)
        options = [x for x in levers if x["place_code"] == place and x["indicator_code"] == code
                   and x.get("needed_change") is not None]
        lever = min(options, key=lambda x: (_comparable_change(x), x.get("group_order", 0)), default=None)
        target = target_of.get(code)
        n_top3 += any(r["is_top3"] for r in ranks if r["group_code"] == main and r["period"] == period)
        n_behind += bool(target and target.get("on_track") is False)
        lines.append(uw.unit_indicator_line(u["indicator_name"], ranks, target, lever,
                                            ranks[0]["period_label"] if ranks and ranks[0]["period"] != period else ""))
    scope = next((r["group_label"] for r in now if r["group_code"] == main), "")
    summary = f"{len(led)}项中{n_top3}项居{scope}前三" + (f"，{n_behind}项慢于序时" if n_behind else "")
    summary += "（单位分工为合成演示）" if any(u.get("is_synthetic") for u in rows) else ""
    supported = [u["indicator_name"] for u in rows if u["role"] == "support"]
    return UnitBlock(unit, f"{unit}牵头指标（{len(led)}项）", summary, tuple(lines),
                     f"配合：{'、'.join(supported)}" if supported else "")


def rollcall(unit_rows: list[dict], place: str, main_group: str, rankings: list[dict], targets: list[dict],
             period: date) -> tuple[str, ...]:
    """晾晒比拼: units with led indicators behind schedule or out of the main group's top three, most
    urgent first: most below the assigned floor, then most behind schedule, then most out of the top
    three, then the worst rank; a line each after a first line that counts them. Nothing to air: that
    line says so. None without units."""
    units = _units_of(unit_rows, place)
    if not units:
        return ()
    now = {r["indicator_code"]: r for r in _now(rankings, place, period) if r["group_code"] == main_group}
    target_of = _judged(targets, place)
    scope = next((r["group_label"] for r in now.values()), "")
    aired = []
    for order, (unit, rows) in enumerate(units.items()):
        led = [u for u in rows if u["role"] == "lead"]
        items = []
        for u in led:
            rank_row, t = now.get(u["indicator_code"]), target_of.get(u["indicator_code"]) or {}
            behind, floor = t.get("on_track") is False, t.get("assigned_on_track") is False
            out = rank_row is not None and not rank_row["is_top3"]
            if behind or floor or out:
                urgency = (floor, behind, out, rank_row["rank"] if out else 0)
                items.append((urgency, u["indicator_order"], uw.rollcall_item(u["indicator_name"], rank_row,
                                                                              behind, floor)))
        if items:
            items.sort(key=lambda x: (tuple(-int(v) for v in x[0]), x[1]))
            key = tuple(-sum(int(i[0][k]) for i in items) for k in range(3)) + (-max(i[0][3] for i in items), order)
            aired.append((key, uw.rollcall_line(unit, [i[2] for i in items], len(led), MAX_ROLLCALL_ITEMS)))
    synthetic = any(u.get("is_synthetic") for rows in units.values() for u in rows)
    head = uw.rollcall_head(len(aired), scope, synthetic)
    return (head, *(line for _, line in sorted(aired)))


UNIT_COLUMNS = ("期别", "指标", "职责", "比拼组", "本年累计/期末", "单位", "比上年同期增长(%)", "位次", "位次变化",
                "是否前三", "目标", "市下达目标", "序时进度")
UNIT_FORMATS = (TEXT, TEXT, TEXT, TEXT, AMOUNT, TEXT, ONE_DP, INT, SIGNED, TEXT, ONE_DP, ONE_DP, TEXT)


def unit_sheet(unit: str, unit_rows: list[dict], place: str, rankings: list[dict], targets: list[dict]) -> Sheet:
    """The unit's indicators (led first, then supported) in each group: the numbers behind its lines."""
    mine = sorted(_units_of(unit_rows, place).get(unit, []), key=lambda u: (u["role"] != "lead", u["indicator_order"]))
    target_of = _judged(targets, place)
    rows = []
    for u in mine:
        t = target_of.get(u["indicator_code"]) or {}
        for r in (x for x in rankings if x["place_code"] == place and x["indicator_code"] == u["indicator_code"]):
            rows.append((r["period_label"], u["indicator_name"], "牵头" if u["role"] == "lead" else "配合",
                         r["group_label"], r["value"], r["unit"], r["growth_pct"], r["rank"], r["rank_change"],
                         "是" if r["is_top3"] else "", t.get("target"), t.get("assigned_target"),
                         uw.schedule_word(t.get("on_track"))))
    return Sheet(unit[:31], UNIT_COLUMNS, tuple(rows), UNIT_FORMATS)
