"""The leader's first screen of the weekly and monthly: top-three counts per group with the change,
indicators that entered and left the top three, and one line each for the county it learns from and
the one it means to overtake. Everything else in the email is detail under it.

Pure functions from mart rows (focus_rankings or group_rankings rows of the focus place, top3_counts,
benchmark_gaps); which counties are benchmarks comes from config/benchmarks.yaml through the marts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flows.brief.content import wording as w
from flows.brief.content.benchmarks import leader_lines
from flows.core.periods import Period

MAX_NAMES = 5   # indicators named per group in an entered / left line; the rest are counted


@dataclass(frozen=True)
class LeaderBlock:
    counts: tuple[str, ...]       # one per group: 1-10月32项指标中15项居全市前三，比上月增加1项
    entered: tuple[str, ...]      # one per group with news, after 新进前三: （全市）：出口总额（第2位）
    left: tuple[str, ...]
    benchmarks: tuple[str, ...]   # 学义乌（全市）：... / 超天台（山区26县）：...


def group_sizes(counts: list[dict]) -> dict[str, int]:
    """group_code -> places ranked in it this period (top3_counts.n_places)."""
    return {r["group_code"]: r["n_places"] for r in counts if r.get("n_places") is not None}


def count_lines(counts: list[dict], place: str, period: date, sizes: dict[str, int],
                calendar: str = "monthly_jf") -> tuple[str, ...]:
    """One sentence per peer group; a label whose number no longer counts the members says so."""
    short = Period(period.year, period.month, 1).short_label(calendar)
    return tuple(
        w.top3_headline(short, r["n_ranked_indicators"], r["n_top3"], r["n_top3_prev"],
                        w.scope_with_size(r["group_label"], sizes.get(r["group_code"])), calendar)
        for r in counts if r["place_code"] == place)


def _run(r: dict, runs: dict) -> str:
    """，此前连续14个月: the top-three run an indicator just left, when it lasted more than one period."""
    s = runs.get((r.get("indicator_code"), r.get("group_code")))
    if not s or s["n_periods"] <= 1:
        return ""
    return f"，此前{w.run_phrase(s['n_months'], s['n_periods'], s['calendar_code'], w.run_since(s))}"


def _named(rows: list[dict], runs: dict | None = None) -> str:
    names = [f"{w.indicator_label(r['indicator_name'], r['basis'])}（{w.short_rank(r['rank'], r['is_tied'])}"
             f"{w.preliminary_mark(r.get('is_preliminary'), in_brackets=True)}{_run(r, runs or {})}）"
             for r in rows[:MAX_NAMES]]
    more = f"等{len(rows)}项" if len(rows) > MAX_NAMES else ""
    return "、".join(names) + more


def _per_group(rows: list[dict], runs: dict | None = None) -> tuple[str, ...]:
    by_group: dict[str, list[dict]] = {}
    for r in rows:
        by_group.setdefault(r["group_label"], []).append(r)
    return tuple(f"（{label}）：{_named(sorted(g, key=lambda r: (r['rank'], r['indicator_order'])), runs)}"
                 for label, g in by_group.items())


def entered_left(rows: list[dict], place: str, period: date,
                 streaks: list[dict] | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Indicators that came into the top three since the previous period, and those that fell out, each
    of those with the run it ended when `streaks` (focus_streaks rows) are given: 民间投资增速（并列第4位，
    此前连续14个月）."""
    now = [r for r in rows if r["period"] == period and r.get("place_code", place) == place
           and r["rank"] is not None and r["prev_rank"] is not None]
    entered = [r for r in now if r["is_top3"] and r["prev_rank"] > 3]
    left = [r for r in now if not r["is_top3"] and r["prev_rank"] <= 3]
    ended = {(s["indicator_code"], s["group_code"]): s for s in streaks or []
             if s["kind"] == "top3" and s["broke_at"] == period}
    return _per_group(entered), _per_group(left, ended)


def leader_block(rows: list[dict], counts: list[dict], gaps: list[dict], place: str, place_name: str,
                 period: date, streaks: list[dict] | None = None) -> LeaderBlock:
    entered, left = entered_left(rows, place, period, streaks)
    return LeaderBlock(count_lines(counts, place, period, group_sizes(counts)), entered, left,
                       leader_lines(gaps, place_name))
