"""Wording rules of the briefings, one test per rule, on hand-made rows."""

from __future__ import annotations

from datetime import date, datetime

from flows.brief.content import digest, tables, trends
from flows.brief.content import weekly as content
from flows.brief.content import wording as w

P = date(2026, 10, 1)


def test_rank_phrases():
    assert w.rank_phrase(2, "全市") == "居全市第2位"
    assert w.rank_phrase(4, "全市", is_tied=True) == "居全市并列第4位"
    assert w.short_rank(4, True) == "并列第4位"
    assert w.rank_phrase(None, "全市") == "全市未排位"


def test_rank_change_phrases():
    assert w.change_phrase(2) == "进2位"
    assert w.change_phrase(-1) == "退1位"
    assert w.change_phrase(0) == "位次不变"
    assert w.change_phrase(None) == "新进排位"


def test_growth_phrases_round_first():
    assert w.growth_phrase(8.2) == "增长8.2%"
    assert w.growth_phrase(-1.3) == "下降1.3%"
    assert w.growth_phrase(8.25) in ("增长8.2%", "增长8.3%")
    assert w.growth_phrase(-0.04) == "持平"
    assert w.growth_phrase(None) == "暂无数据"


def test_amounts_in_yi_yuan_with_one_decimal():
    assert w.amount_phrase(123.456, "亿元") == "123.5亿元"
    assert w.amount_phrase(1234.0, "亿元") == "1,234.0亿元"
    assert w.amount_phrase(25000, "万元") == "2.5亿元"
    assert w.amount_phrase(8000, "万元") == "8,000万元"


def test_gap_to_third():
    assert w.gap_phrase(-0.3, "growth", "亿元") == "距第三名差0.3个百分点"
    assert w.gap_phrase(1.25, "level", "亿元") == "距第三名差1.2亿元" or w.gap_phrase(1.25, "level", "亿元") == "距第三名差1.3亿元"


def test_percent_levels_differ_in_points():
    assert w.gap_phrase(5.5, "level", "%") == "距第三名差5.5个百分点"
    assert w.diff_phrase(7.1, "level", "%") == "高7.1个百分点"


def test_a_one_period_streak_that_broke():
    assert w.broken_streak_phrase("x", 1, 1, "monthly_jf", "全市", 5) == "x上期居全市前三，本期居全市第5位"


def test_streaks_count_months_and_quarters():
    assert w.streak_phrase("固定资产投资增速", 24, 23, "monthly_jf", "全市") == "固定资产投资增速连续24个月居全市前三"
    assert w.streak_phrase("x", 12, 4, "quarterly", "山区26县") == "x连续4个季度居山区26县前三"
    assert w.streak_phrase("x", 1, 1, "monthly_jf", "全市") == "x本期新进全市前三"
    assert w.streak_phrase("x", 5, 5, "monthly", "全市", kind="first") == "x连续5个月居全市第一"


def test_indicator_label_adds_growth_word_once():
    assert w.indicator_label("固定资产投资", "growth") == "固定资产投资增速"
    assert w.indicator_label("研发投入强度率", "growth") == "研发投入强度率"
    assert w.indicator_label("出口总额", "level") == "出口总额"


def test_top3_headline():
    assert w.top3_headline("1-10月", 32, 15, 14, "全市") == "1-10月32项指标中15项居全市前三，比上月增加1项"
    assert w.top3_headline("1-10月", 32, 13, 15, "全市").endswith("比上月减少2项")
    assert w.top3_headline("1-10月", 32, 15, 15, "全市").endswith("与上月持平")
    assert w.top3_headline("1-2月", 32, 15, None, "全市") == "1-2月32项指标中15项居全市前三"


def row(**kw):
    base = dict(period=P, period_label="2026年1-10月", indicator_code="fai", indicator_name="固定资产投资",
                unit="亿元", basis="growth", calendar_code="monthly_jf", is_key=True, indicator_order=0,
                group_code="city", group_label="全市", place_code="wuyi", metric=8.2, rank=2, n_ranked=9,
                is_top3=True, is_tied=False, prev_rank=3, rank_change=1, gap_to_leader=1.0, gap_to_third=None,
                gap_to_next_above=1.0)
    base.update(kw)
    return base


def test_top3_lines_carry_the_streak():
    streak = dict(indicator_code="fai", group_code="city", kind="top3", is_current=True, n_months=24, n_periods=23,
                  broke_at=None)
    lines = content.top3_lines([row()], [streak], P)
    assert [x.text for x in lines] == ["固定资产投资增速居全市第2位（增长8.2%），连续24个月居全市前三"]


def test_watch_list_names_gap_to_third_and_ignores_the_rest():
    rows = [row(rank=4, is_top3=False, gap_to_third=0.3), row(indicator_code="b", rank=6, is_top3=False),
            row(indicator_code="c", indicator_name="出口总额", basis="level", rank=5, is_top3=False,
                gap_to_third=12.34, is_tied=True)]
    assert [x.text for x in content.watch_lines(rows, P)] == [
        "固定资产投资增速居全市第4位，距第三名差0.3个百分点",
        "出口总额居全市并列第5位，距第三名差12.3亿元",
    ]


def test_movers_biggest_first_at_most_three():
    rows = [row(indicator_code=str(i), indicator_name=f"指标{i}", basis="level", rank=5 - i, prev_rank=5,
                rank_change=i, indicator_order=i) for i in range(1, 5)]
    rows.append(row(indicator_code="d", indicator_name="降", basis="level", rank=6, prev_rank=2, rank_change=-4))
    up, down = content.mover_lines(rows, P)
    assert [x.text for x in up] == ["指标4：全市第5位→第1位，进4位", "指标3：全市第5位→第2位，进3位",
                                    "指标2：全市第5位→第3位，进2位"]
    assert [x.text for x in down] == ["降：全市第2位→第6位，退4位"]


def test_broken_streak_says_how_long_and_where_now():
    streak = dict(indicator_code="fai", indicator_name="固定资产投资", basis="growth", calendar_code="monthly_jf",
                  group_code="city", group_label="全市", kind="top3", n_months=9, n_periods=8, is_current=False,
                  broke_at=P)
    lines = content.broken_lines([row(rank=4, is_top3=False)], [streak], P)
    assert lines[0].text == "固定资产投资增速此前连续9个月居全市前三，本期居全市第4位"


def test_nothing_new_is_said_plainly():
    assert content.news_lines([], [], {}) == ("本周没有新发布或修订的数据。",)


def test_revision_only_file_is_called_a_revision():
    f = dict(status="loaded", periods=[date(2026, 9, 1)], source_code="s", file_name="x.xlsx",
             n_observations=4, n_revised=4)
    assert content.news_lines([f], [], {"s": "金华月报"}) == ("修订2026年1-9月数据4项数值（来源：金华月报）",)


def test_an_initial_load_is_summarised_not_listed():
    files = [dict(status="loaded", periods=[date(2024 + i // 12, i % 12 + 1, 1)], source_code="s", file_name=f"{i}.xlsx",
                  n_observations=10, n_revised=0) for i in range(1, 30)]
    files[-1] = dict(files[-1], n_revised=3)
    (released, revised) = content.news_lines(files, [row(period=date(2026, 6, 1))], {"s": "金华月报"})
    assert released == ("新发布2024年1-2月至2026年1-6月共29期数据（29个文件，290项数值；来源：金华月报），"
                        "2026年1-6月含固定资产投资增速")
    assert revised == "修订2026年1-6月数据3项数值（来源：金华月报）"


def test_heat_colours_bands():
    assert trends.heat_colour(3)[0] == "#1e7b34"
    assert trends.heat_colour(4)[0] == "#f6d776"
    assert trends.heat_colour(7)[0] == "#e4e4e4"


def test_benchmark_learn_from_counts_leads_by_rank():
    gap = dict(role="learn_from", benchmark_place_code="yiwu", benchmark_name="义乌", group_label="全市",
               indicator_name="固定资产投资", basis="growth", unit="亿元", focus_metric=8.2, benchmark_metric=7.9,
               diff=0.3, focus_rank=2, benchmark_rank=3, event=None, needed_growth_pct=None)
    lower = dict(gap, indicator_name="出口总额", basis="level", focus_metric=10.0, benchmark_metric=80.0, diff=-70.0,
                 focus_rank=6, benchmark_rank=1)
    (block,) = content.benchmark_blocks([gap, lower], "武义")
    assert block.summary == "对比2项指标，武义领先1项、落后1项"
    assert block.rows[0].diff == "高0.3个百分点"
    assert block.rows[1].diff == "少70.0亿元"


def test_overtake_events_and_needed_growth():
    g = dict(role="overtake", benchmark_place_code="yk", benchmark_name="永康", group_label="全市",
             indicator_name="固定资产投资", basis="growth", unit="亿元", focus_metric=5.0, benchmark_metric=6.0,
             diff=-1.0, focus_rank=5, benchmark_rank=4, event="was_overtaken", needed_growth_pct=6.1)
    (block,) = content.benchmark_blocks([g], "武义")
    assert block.events == ("固定资产投资增速本期被永康反超（第5位对第4位）",
                            "固定资产投资增速需达到6.1%以上方可超过永康")


def test_scoreboard_marks_ties_and_moves():
    cards = [dict(group_code="g", group_label="全市", place_code=p, place_name=n, composite_score=s, composite_rank=r,
                  prev_composite_rank=pr, rank_change=None if pr is None else pr - r, is_first_tier=r <= 2)
             for p, n, s, r, pr in (("a", "甲", 90.0, 1, 2), ("wuyi", "武义", 70.0, 2, 1), ("c", "丙", 70.0, 2, None))]
    (section,) = tables.quarterly_sections(cards, "wuyi", "武义县")
    assert section.summary == "武义县综合得分70.0，居全市并列第2位，比上季退1位，位列第一方阵"
    texts = [[c.text for c in r.cells] for r in section.tables[0].rows]
    assert texts == [["第1位", "90.0", "进1位", "第一方阵"], ["并列第2位", "70.0", "退1位", "第一方阵"],
                     ["并列第2位", "70.0", "—", "第一方阵"]]


def test_overdue_periods_follow_the_release_calendar():
    expected = [dict(calendar_code="monthly_jf", period=date(2026, 9, 1), period_label="2026年1-9月"),
                dict(calendar_code="monthly_jf", period=date(2026, 10, 1), period_label="2026年1-10月")]
    # 1-9月 is due 2026-10-30 + 0 lag; 1-10月 on 2026-11-30, not yet
    lines = digest.overdue_lines(expected, set(), datetime(2026, 11, 23), lag_days=30)
    assert lines == ("2026年1-9月（月度累计数据）应于2026-10-30前到达，尚未收到",)
    assert digest.overdue_lines(expected, {date(2026, 9, 1)}, datetime(2026, 11, 23), 30) == ()


def test_ranking_table_leaves_unranked_cells_blank_and_colours_only_the_top_three():
    rows = [dict(group_code="g", group_label="全市", indicator_code="fai", indicator_name="固定资产投资", unit="亿元",
                 basis="growth", place_code=p, place_name=n, metric=m, rank=r, is_tied=t, is_top3=bool(r and r <= 3),
                 rank_change=None)
            for p, n, m, r, t in (("a", "甲", 9.0, 1, False), ("wuyi", "武义", None, None, False),
                                  ("c", "丙", 5.0, 4, True), ("d", "丁", 5.0, 4, True))]
    table = tables.ranking_table(rows, "wuyi")
    assert table.columns == ("武义", "甲", "丙", "丁")
    assert [(c.text, c.background) for c in table.rows[0].cells] == [("", ""), ("1", "#1e7b34"), ("=4", ""), ("=4", "")]
