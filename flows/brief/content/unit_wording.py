"""How briefings word the two targets and the units' roll-call: pure functions, one row in, words out.

pair_phrase: a target indicator against its own target with the assigned one beside it, in one line
(增长2.1%，低于自我加压目标3.0%（市下达2.5%），慢于序时). unit_indicator_line: one of a unit's
indicators (rank and change per group, target status, the smallest change that gains a place).
rollcall_line: one unit in the leader's roll-call (晾晒比拼). Numbers go through wording.py's rules.
"""

from __future__ import annotations

from flows.brief.content import wording as w

OWN, ASSIGNED = "自我加压目标", "市下达"


def _relation(metric: float, target: float) -> str:
    """高于 / 低于 / 持平于, as printed (one decimal), so 3.04 against 3.0 reads 持平于."""
    diff = round(metric, 1) - round(target, 1)
    return "高于" if diff > 0 else "低于" if diff < 0 else "持平于"


def _target_text(value: float, r: dict) -> str:
    return w.amount_phrase(value, "%" if r["basis"] == "growth" else r["unit"])


def schedule_word(on_track: bool | None) -> str:
    return "" if on_track is None else "快于序时" if on_track else "慢于序时"


def pair_phrase(r: dict, mark: str = "") -> str:
    """The metric against the target the county is judged on and, beside it, the assigned floor.

    Growth and rates compare the number itself; a cumulative level target says the share done. The
    assigned floor's relation is said only when it differs from the own one's (已达市下达2.5%); `mark`
    follows the number (（快报数）)."""
    own_kind = r.get("target_kind", "own") == "own"
    assigned = r.get("assigned_target")
    metric = w.growth_phrase(r["metric"]) if r["basis"] == "growth" else w.amount_phrase(r["metric"], r["unit"])
    metric += mark
    name = (OWN if assigned is not None else "年度目标") if own_kind else f"{ASSIGNED}目标"
    if r["basis"] == "level" and r.get("value_progress") is not None:
        text = f"{metric}，为{name}（{_target_text(r['target'], r)}）的{r['value_progress']:.1f}%"
    else:
        text = f"{metric}，{_relation(r['metric'], r['target'])}{name}{_target_text(r['target'], r)}"
    if own_kind and assigned is not None:
        floor = _target_text(assigned, r)
        if r.get("assigned_on_track") is not None and r["assigned_on_track"] != r["on_track"]:
            floor = f"{'已达' if r['assigned_on_track'] else '未达'}{ASSIGNED}{floor}"
        else:
            floor = f"{ASSIGNED}{floor}"
        text += f"（{floor}）"
    status = schedule_word(r["on_track"])
    return f"{text}，{status}" if status else text


def _group_rank(r: dict) -> str:
    """全市第2位 / 全市并列第2位: one group's rank."""
    return f"{r['group_label']}{w.short_rank(r['rank'], bool(r.get('is_tied')))}"


def rank_item(r: dict) -> str:
    """全市第2位（进1位）: one group's rank at the period with its change."""
    change = "" if r.get("rank_change") is None else f"（{w.change_phrase(r['rank_change'])}）"
    return f"{_group_rank(r)}{change}"


def lever_phrase(r: dict) -> str:
    """增速提高0.3个百分点可升至全市并列第1位 (a rank_levers row)."""
    lower = r["is_lower_better"]
    if r["basis"] == "growth" or r["unit"] == "%":
        change = f"{'降低' if lower else '提高'}{r['needed_change']:.1f}个百分点"
    else:
        change = f"{'减少' if lower else '增加'}{w.amount_phrase(r['needed_change'], r['unit'])}"
    what = "增速" if r["basis"] == "growth" else ""
    return f"{what}{change}可升至{r['group_label']}{w.short_rank(r['rank_if_gained'], True)}"


def unit_indicator_line(name: str, ranks: list[dict], target: dict | None, lever: dict | None,
                        ranks_label: str = "") -> str:
    """规上工业增加值：全市第2位（进1位）、山区26县第5位（位次不变）；增长7.1%，低于自我加压目标8.0%
    （市下达7.5%），慢于序时；增速提高0.3个百分点可升至全市并列第1位. `ranks_label`: the ranks are of an
    earlier period (a quarterly indicator between quarters), said after them without the change:
    地区生产总值：全市第4位（2026年前三季度）."""
    if ranks_label:
        listed = "、".join(_group_rank(r) for r in ranks)
        parts = [f"{listed}（{ranks_label}）"]
    else:
        parts = ["、".join(rank_item(r) for r in ranks) or "本期未排位"]
    if target is not None and target.get("on_track") is not None:
        parts.append(pair_phrase(target))
    if lever is not None:
        parts.append(lever_phrase(lever))
    return f"{name}：" + "；".join(parts)


def rollcall_item(name: str, rank_row: dict | None, behind: bool, below_floor: bool) -> str:
    """规上工业增加值（全市第5位，慢于序时）."""
    notes = []
    if rank_row is not None and rank_row.get("rank") is not None and not rank_row.get("is_top3"):
        notes.append(_group_rank(rank_row))
    if below_floor:
        notes.append(f"未达{ASSIGNED}目标")
    elif behind:
        notes.append("慢于序时")
    return f"{name}（{'，'.join(notes)}）"


def rollcall_line(unit: str, items: list[str], n_led: int, max_items: int) -> str:
    """经信局（牵头5项）：A（全市第5位，慢于序时）、B（全市第4位）等3项."""
    more = f"等{len(items)}项" if len(items) > max_items else ""
    return f"{unit}（牵头{n_led}项）：{'、'.join(items[:max_items])}{more}"


def rollcall_head(n_units: int, scope: str, synthetic: bool) -> str:
    """3个单位牵头指标有慢于序时或未进全市前三的 / 各单位牵头指标均居全市前三且快于序时."""
    text = (f"{n_units}个单位牵头指标有慢于序时或未进{scope}前三的" if n_units
            else f"各单位牵头指标均居{scope}前三且快于序时")
    return text + ("（单位分工为合成演示）" if synthetic else "")
