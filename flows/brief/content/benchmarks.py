"""对标赶超: the focus county beside the county it learns from and the one it means to overtake.

Pure functions from sql/brief/benchmark_gaps.sql rows (pairs from config/benchmarks.yaml via the marts):
a table per benchmark with both ranks (ties marked), the difference worded for the indicator's direction,
the events of the period and the growth each gap needs; plus the leader's one-line summary of each.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.brief.content import wording as w

MAX_ROWS = 3     # rows of each benchmark's table in the email: the full comparison is the XLSX's 对标赶超 sheet


@dataclass(frozen=True)
class BenchmarkRow:
    indicator: str
    focus: str
    benchmark: str
    diff: str
    focus_rank: str
    benchmark_rank: str
    focus_mark: str = ""       # （快报数）: after the value in text, under it in HTML
    benchmark_mark: str = ""


@dataclass(frozen=True)
class BenchmarkBlock:
    title: str
    summary: str
    rows: tuple[BenchmarkRow, ...]
    events: tuple[str, ...]
    other: str = ""   # the benchmark's short name: the table's column head
    rows_title: str = ""  # what the few rows are: 差距最大的3项 / 最接近超越的3项


def _pairs(gaps: list[dict]) -> list[list[dict]]:
    """Rows per benchmark, the county learned from first (config order kept inside each role)."""
    keys = list(dict.fromkeys((g["role"], g["benchmark_place_code"]) for g in gaps))
    return [[g for g in gaps if (g["role"], g["benchmark_place_code"]) == k]
            for k in sorted(keys, key=lambda k: k[0] != "learn_from")]


def is_ahead(g: dict) -> bool | None:
    """Ranks decide when both are ranked (they know the indicator's direction); else the difference,
    read the indicator's way round (a lower 亏损面 is ahead)."""
    if g["focus_rank"] is not None and g["benchmark_rank"] is not None:
        return None if g["focus_rank"] == g["benchmark_rank"] else g["focus_rank"] < g["benchmark_rank"]
    if g["diff"] is None or round(g["diff"], 1) == 0:
        return None
    return (g["diff"] > 0) != (g.get("direction") == "lower")


def _needs_growth(g: dict) -> bool:
    """A growth to beat is named only for indicators ranked on growth (docs/RULES.md: needed_growth_pct)."""
    return g["basis"] == "growth" and g["needed_growth_pct"] is not None


def _rank(g: dict, side: str) -> str:
    return w.short_rank(g[f"{side}_rank"], bool(g.get(f"{side}_is_tied")))


def _label(g: dict) -> str:
    return w.indicator_label(g["indicator_name"], g["basis"])


def _row(g: dict) -> BenchmarkRow:
    return BenchmarkRow(
        _label(g), w.table_metric(g["focus_metric"], g["basis"], g["unit"]),
        w.table_metric(g["benchmark_metric"], g["basis"], g["unit"]),
        w.diff_phrase(g["diff"], g["basis"], g["unit"], g.get("direction") == "lower"),
        _rank(g, "focus"), _rank(g, "benchmark"),
        w.preliminary_mark(g.get("focus_is_preliminary")), w.preliminary_mark(g.get("benchmark_is_preliminary")))


def _rank_gap(g: dict) -> int:
    return g["focus_rank"] - g["benchmark_rank"]


def largest_gaps(rows: list[dict]) -> list[dict]:
    """The indicators furthest behind the county learned from, in places (then in size), at most MAX_ROWS."""
    behind = [g for g in rows if is_ahead(g) is False and g["focus_rank"] is not None and g["benchmark_rank"] is not None]
    return sorted(behind, key=lambda g: (-_rank_gap(g), -abs(g["diff"] or 0), g.get("indicator_order", 0)))[:MAX_ROWS]


def nearest_to_overtake(rows: list[dict]) -> list[dict]:
    """The indicators still behind the county to overtake that are closest to passing it, at most MAX_ROWS."""
    behind = [g for g in rows if is_ahead(g) is False and g["focus_rank"] is not None and g["benchmark_rank"] is not None]
    return sorted(behind, key=lambda g: (_rank_gap(g), abs(g["diff"] or 0), g.get("indicator_order", 0)))[:MAX_ROWS]


def benchmark_blocks(gaps: list[dict], place_name: str) -> tuple[BenchmarkBlock, ...]:
    """Learn-from: who leads on how many and the largest gaps; overtake: the events of the period and the
    nearest indicators to pass (the benchmark's figure in the row is what passing it needs). A few rows each: every indicator side by
    side is the XLSX's 对标赶超 sheet (sheets.benchmark_sheet)."""
    blocks = []
    for rows in _pairs(gaps):
        other, role = rows[0]["benchmark_name"], rows[0]["role"]
        ahead = sum(1 for g in rows if is_ahead(g) is True)
        behind = sum(1 for g in rows if is_ahead(g) is False)
        scope = rows[0]["group_label"] or ""
        if role == "learn_from":
            title = f"学习标杆 {other}（{scope}）" if scope else f"学习标杆 {other}"
            summary = f"对比{len(rows)}项指标，{place_name}领先{ahead}项、落后{behind}项"
            shown, rows_title = largest_gaps(rows), "差距最大"
            events: list[str] = []
        else:
            title = f"赶超目标 {other}（{scope}）" if scope else f"赶超目标 {other}"
            summary = f"在{scope}排位中，{place_name}{len(rows)}项指标里{ahead}项位次领先{other}、{behind}项落后"
            events = [_event_sentence(g, other) for g in rows if g["event"]]
            shown, rows_title = nearest_to_overtake(rows), "最接近超越"
        rows_title = f"{rows_title}的{len(shown)}项（全部{len(rows)}项见附件）" if shown else ""
        blocks.append(BenchmarkBlock(title, summary, tuple(map(_row, shown)), tuple(events), other, rows_title))
    return tuple(blocks)


def _event_sentence(g: dict, other: str) -> str:
    ranks = f"（{_rank(g, 'focus')}对{_rank(g, 'benchmark')}）"
    if g["event"] == "overtook":
        return f"{_label(g)}本期超过{other}{ranks}"
    return f"{_label(g)}本期被{other}反超{ranks}"


def leader_lines(gaps: list[dict], place_name: str) -> tuple[str, ...]:
    """One line per benchmark for the first screen:
    学义乌（全市）：5项指标中武义位次领先1项、落后4项，差距最大为X（第6位对第1位）
    超天台（山区26县）：...；本期超过X；最近可超：Y需达到n%以上."""
    out = []
    for rows in _pairs(gaps):
        other, role, scope = rows[0]["benchmark_name"], rows[0]["role"], rows[0]["group_label"] or ""
        ahead = [g for g in rows if is_ahead(g) is True]
        behind = [g for g in rows if is_ahead(g) is False]
        head = f"{'学' if role == 'learn_from' else '超'}{other}" + (f"（{scope}）" if scope else "")
        text = f"{head}：{len(rows)}项指标中{place_name}领先{len(ahead)}项、落后{len(behind)}项"
        ranked_behind = [g for g in behind if g["focus_rank"] is not None and g["benchmark_rank"] is not None]
        if role == "learn_from" and ranked_behind:
            worst = max(ranked_behind, key=lambda g: g["focus_rank"] - g["benchmark_rank"])
            text += f"，差距最大为{_label(worst)}（{_rank(worst, 'focus')}对{_rank(worst, 'benchmark')}）"
        if role != "learn_from":
            took = [_label(g) for g in rows if g["event"] == "overtook"]
            lost = [_label(g) for g in rows if g["event"] == "was_overtaken"]
            text += f"；本期{'、'.join(took)}超过{other}" if took else ""
            text += f"；本期{'、'.join(lost)}被{other}反超" if lost else ""
            near = sorted((g for g in ranked_behind if _needs_growth(g)),
                          key=lambda g: (g["focus_rank"] - g["benchmark_rank"], abs(g["diff"] or 0)))
            if near:
                text += f"；最近可超：{_label(near[0])}需达到{near[0]['needed_growth_pct']:.1f}%以上可超{other}"
        out.append(text)
    return tuple(out)
