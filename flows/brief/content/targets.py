"""What briefings say about annual targets (目标任务) and levers (争进位): pure functions, mart rows in, lines out.

targets_lines: the count ahead of time (12项目标指标中9项快于序时进度) and one line per indicator behind,
with the growth the rest of the year (named: 12月, 四季度) needs. levers_lines: the few indicators where the
smallest change gains a place in a composite ranking or reaches the first tier, and the place it gains. Rows are those of sql/brief/
target_progress.sql and rank_levers.sql; numbers are worded with wording.py's rules.
"""

from __future__ import annotations

from datetime import date

from flows.brief.content import unit_wording
from flows.brief.content import wording as w

MAX_LEVERS = 3


def targets_lines(rows: list[dict], place: str, period: date) -> tuple[str, ...]:
    """First line: how many target indicators run ahead of time; then each one behind, in catalog order."""
    mine = [r for r in rows if r["place_code"] == place and r["on_track"] is not None]
    if not mine:
        return ()
    ahead = sum(1 for r in mine if r["on_track"])
    head = f"{len(mine)}项目标指标中{ahead}项快于序时进度"
    behind = sorted((r for r in mine if not r["on_track"]), key=lambda r: r["indicator_order"])
    if behind:
        head += f"，{len(behind)}项慢于序时进度"
    if any(r["is_synthetic"] for r in mine):
        head += "（目标为合成演示数据）"
    return (head, *(_behind_line(r, period) for r in behind))


def _behind_line(r: dict, period: date) -> str:
    """社会消费品零售总额增长1.2%，低于年度目标（3.0%）1.8个百分点，余下月份需增长10.3%."""
    name = r["indicator_name"]
    if r["period"] != period:  # a quarterly indicator at its last quarter: say which
        name += f"（{r['period_label'].split('年', 1)[-1]}）"
    target_unit = "%" if r["basis"] == "growth" else r["unit"]
    mark = w.preliminary_mark(r.get("is_preliminary"))
    target = w.amount_phrase(r["target"], target_unit)
    if r.get("assigned_target") is not None:  # two targets (自我加压, 市下达): one line says both
        text = f"{name}{unit_wording.pair_phrase(r, mark)}"
    elif r["basis"] == "growth":
        text = (f"{name}{w.growth_phrase(r['metric'])}{mark}，{'高' if r['is_lower_better'] else '低'}于年度目标"
                f"（{target}）{abs(r['gap']):.1f}个百分点")
    elif r["value_progress"] is not None:
        done = "完成年度新增目标的" if r["kind"] == "stock" else f"为年度目标（{target}）的"
        lag = abs(r["value_progress"] - r["time_progress"])
        text = (f"{name}{w.amount_phrase(r['metric'], r['unit'])}{mark}，{done}{r['value_progress']:.1f}%，"
                f"{'快' if r['is_lower_better'] else '慢'}于序时进度{lag:.1f}个百分点")
    else:  # a rate or level compared as it is (亏损面 against a ceiling)
        diff = w.diff_phrase(r["metric"] - r["target"], "level", r["unit"])
        text = f"{name}{w.amount_phrase(r['metric'], r['unit'])}{mark}，比年度目标（{target}）{diff}"
    needed = needed_phrase(r)
    return f"{text}，{needed}" if needed else text


def needed_parts(r: dict) -> tuple[str, str] | None:
    """(who, what) of needed_phrase: ("12月", "需增长10.3%"), ("12月", "即使下降25.7%仍可完成"),
    ("年末前余额", "需再增长3.8%"); None when the mart gives no figure. `bipin targets` prints the
    same words, with `who` as the column's name where every row shares it."""
    pct = r["needed_rest_of_year"]
    if pct is None:
        return None
    stock = r["kind"] == "stock"
    who = "年末前余额" if stock else w.rest_of_year(r["period"].month, r.get("calendar_code") or "")
    if round(pct, 1) <= 0:
        return who, f"即使{'减少' if stock else '下降'}{-pct:.1f}%仍可完成"
    return who, f"需{'再' if stock else ''}增长{pct:.1f}%"


def needed_phrase(r: dict) -> str:
    """12月需增长10.3% / 四季度需增长5.0% (ytd: the rest of the year named); 年末前余额需再增长3.8% (stock);
    a change below zero is what may still fall: 12月即使下降25.7%仍可完成."""
    parts = needed_parts(r)
    return "".join(parts) if parts else ""


def levers_lines(rows: list[dict], place: str, cards: list[dict] | None = None) -> tuple[str, ...]:
    """争进位: the indicators where the smallest change gains a composite place or reaches the first tier
    (across the recipient's groups), each saying the place it gains. A change that gains no composite
    place is not a lever and is not named; none at all: no section."""
    mine = [r for r in rows if r["place_code"] == place and r["needed_change"] is not None
            and (r["gains_composite_place"] or r["lifts_to_first_tier"])]
    if not mine:
        return ()
    chosen = sorted(mine, key=lambda r: (_comparable_change(r), r["group_order"], r["indicator_order"]))
    return ("以下指标小幅提升即可带动综合排名进位", *(_lever_line(r, cards or []) for r in chosen[:MAX_LEVERS]))


def _comparable_change(r: dict) -> float:
    """Percentage points for growth and rates; other levels as a share of the current level, in %."""
    if r["basis"] == "growth" or r["unit"] == "%" or not r["metric"]:
        return r["needed_change"]
    return r["needed_change"] / abs(r["metric"]) * 100


def gained_rank(cards: list[dict], group_code: str, rank: int) -> int:
    """The composite rank reached by drawing level with the next better score in the group: that place's
    rank (ties share the best place); rank - 1 when the group's scorecards are not at hand."""
    better = [c["composite_rank"] for c in cards if c["group_code"] == group_code and c["composite_rank"] < rank]
    return max(better, default=rank - 1) if better or rank > 1 else rank


def _lever_line(r: dict, cards: list[dict]) -> str:
    """货物进出口总额增速提高0.7个百分点（至8.6%）即可追平，由全市第5位升至并列第4位，全市综合排名可由第3位进至第2位
    (the gain is the composite place, which is what the change is for; the indicator's own move says how)."""
    label = w.indicator_label(r["indicator_name"], r["basis"])
    lower = r["is_lower_better"]
    if r["basis"] == "growth" or r["unit"] == "%":
        change = f"{'降低' if lower else '提高'}{r['needed_change']:.1f}个百分点（至{r['needed_metric']:.1f}%）"
    else:
        change = (f"{'减少' if lower else '增加'}{w.amount_phrase(r['needed_change'], r['unit'])}"
                  f"（至{w.amount_phrase(r['needed_metric'], r['unit'])}）")
    scope = r["group_label"]
    text = f"{label}{change}即可追平，由{scope}第{r['rank']}位升至并列第{r['rank_if_gained']}位"
    if r["gains_composite_place"]:
        now = r["composite_rank"]
        tied = sum(1 for c in cards if c["group_code"] == r["group_code"] and c["composite_rank"] == now) > 1
        text += f"，{scope}综合排名可由{w.short_rank(now, tied)}进至第{gained_rank(cards, r['group_code'], now)}位"
    if r["lifts_to_first_tier"]:
        text += f"，进入{scope}第一方阵"
    return text
