"""Wording rules of the briefings, one test per rule, on hand-made rows."""

from __future__ import annotations

from datetime import date, datetime

from flows.brief.content import benchmarks, digest, leader, quarterly, tables, trends
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


def test_streaks_count_months_and_quarters():
    assert w.streak_length(24, 23, "monthly_jf") == "24个月"  # 1-2月 counts as two months
    assert w.streak_length(12, 4, "quarterly") == "4个季度"
    assert w.run_phrase(24, 23, "monthly_jf") == "连续24个月"
    assert w.run_phrase(35, 34, "monthly_jf", since="2024年1-2月") == "至少连续35个月（自有数据的2024年1-2月起）"


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


def test_top3_list_is_grouped_by_rank_and_capped_per_group():
    streak = dict(indicator_code="fai", group_code="city", kind="top3", is_current=True, n_months=24, n_periods=23,
                  broke_at=None)
    rows = [row()] + [row(indicator_code=f"i{i}", indicator_name=f"指标{i}", basis="level", rank=1 + i % 3,
                          is_tied=i == 5, indicator_order=i) for i in range(1, 10)]
    (group,) = content.top3_groups(rows, [streak], P)
    assert group.scope == "全市" and group.n_top3 == 10
    # best ranks first, the first six named, the count of all ten
    assert group.by_rank == "第1位：指标3、指标6、指标9；第2位：固定资产投资增速、指标1、指标4……等10项（全部见附件）"
    assert group.streaks == "连续最久：固定资产投资增速连续24个月"


def test_watch_list_names_gap_to_third_and_ignores_the_rest():
    rows = [row(rank=4, is_top3=False, gap_to_third=0.3), row(indicator_code="b", rank=6, is_top3=False),
            row(indicator_code="c", indicator_name="出口总额", basis="level", rank=5, is_top3=False,
                gap_to_third=12.34, is_tied=True)]
    assert [x.text for x in content.watch_lines(rows, P)] == [
        "固定资产投资增速居全市第4位，距第三名差0.3个百分点",
        "出口总额居全市并列第5位，距第三名差12.3亿元",
    ]


def test_an_indicator_out_of_the_top_three_says_how_long_its_run_was():
    """On the first screen: 跌出前三 names the run that ended (no second section repeats it)."""
    streak = dict(indicator_code="fai", indicator_name="固定资产投资", basis="growth", calendar_code="monthly_jf",
                  group_code="city", group_label="全市", kind="top3", n_months=9, n_periods=8, is_current=False,
                  broke_at=P)
    one = dict(streak, indicator_code="b", n_months=1, n_periods=1)  # a run of one period: nothing to add
    rows = [row(rank=4, is_top3=False, prev_rank=2),
            row(indicator_code="b", indicator_name="出口总额", basis="level", rank=5, is_top3=False, prev_rank=3,
                indicator_order=1)]
    _, left = leader.entered_left(rows, "wuyi", P, [streak, one])
    assert left == ("（全市）：固定资产投资增速（第4位，此前连续9个月）、出口总额（第5位）",)

def test_heat_tone_bands_share_the_one_definition_of_watch():
    """The heat map's yellow is 重点关注, the ranks the 重点关注 section names (4-5), not 4-6."""
    assert [trends.heat_tone(r) for r in (3, 4, 5, 6, 7, None)] == ["top", "near", "near", "far", "far", ""]
    assert content.WATCH_RANKS == w.WATCH_RANKS == (4, 5) and w.WATCH_LABEL == "重点关注（第4-5位）"
    assert "黄色为重点关注（第4-5位）" in trends.HeatMap("t", (), ()).legend


def test_benchmark_learn_from_counts_leads_by_rank():
    gap = dict(role="learn_from", benchmark_place_code="yiwu", benchmark_name="义乌", group_label="全市",
               indicator_name="固定资产投资", basis="growth", unit="亿元", focus_metric=8.2, benchmark_metric=7.9,
               diff=0.3, focus_rank=2, benchmark_rank=3, event=None, needed_growth_pct=None)
    lower = dict(gap, indicator_name="出口总额", basis="level", focus_metric=10.0, benchmark_metric=80.0, diff=-70.0,
                 focus_rank=6, benchmark_rank=1)
    (block,) = benchmarks.benchmark_blocks([gap, lower], "武义")
    assert block.summary == "对比2项指标，武义领先1项、落后1项"
    # the email keeps the largest gaps only; every indicator is in the XLSX
    assert [r.diff for r in block.rows] == ["少70.0亿元"]
    assert block.rows_title == "差距最大的1项（全部2项见附件）"
    assert benchmarks._row(gap).diff == "高0.3个百分点"
    assert block.title == "学习标杆 义乌（全市）"  # no second colon after the heading


def test_the_email_keeps_the_largest_gaps_and_the_nearest_to_overtake():
    def gap(role, name, focus_rank, benchmark_rank, diff):
        return dict(role=role, benchmark_place_code="b", benchmark_name="义乌", group_label="全市", indicator_name=name,
                    basis="growth", unit="亿元", focus_metric=1.0, benchmark_metric=1.0 - diff, diff=diff,
                    focus_rank=focus_rank, benchmark_rank=benchmark_rank, event=None, needed_growth_pct=None)

    rows = [gap("learn_from", f"指标{i}", 2 + i, 1, -0.5 * i) for i in range(1, 6)] + [gap("learn_from", "领先", 1, 2, 1.0)]
    (block,) = benchmarks.benchmark_blocks(rows, "武义")
    assert [r.indicator for r in block.rows] == ["指标5增速", "指标4增速", "指标3增速"]
    (block,) = benchmarks.benchmark_blocks([dict(g, role="overtake") for g in rows], "武义")
    assert [r.indicator for r in block.rows] == ["指标1增速", "指标2增速", "指标3增速"]
    assert block.rows_title == "最接近超越的3项（全部6项见附件）"


def test_lower_is_better_gaps_say_which_way_they_cut():
    assert w.diff_phrase(-1.2, "level", "%", lower_is_better=True) == "低1.2个百分点，好于对标"
    assert w.diff_phrase(7.1, "level", "%", lower_is_better=True) == "高7.1个百分点，差于对标"
    assert w.diff_phrase(7.1, "level", "%") == "高7.1个百分点"
    gap = dict(role="learn_from", benchmark_place_code="yiwu", benchmark_name="义乌", group_label="全市",
               indicator_name="亏损面", basis="level", unit="%", direction="lower", focus_metric=9.0,
               benchmark_metric=10.2, diff=-1.2, focus_rank=None, benchmark_rank=None, event=None,
               needed_growth_pct=None)
    (block,) = benchmarks.benchmark_blocks([gap], "武义")
    assert benchmarks._row(gap).diff == "低1.2个百分点，好于对标"
    assert block.summary == "对比1项指标，武义领先1项、落后0项"  # unranked: the lower share is ahead


def test_benchmark_ranks_keep_the_tie_marker():
    g = dict(role="overtake", benchmark_place_code="tt", benchmark_name="天台", group_label="山区26县",
             indicator_name="出口总额", basis="level", unit="亿元", focus_metric=5.0, benchmark_metric=6.0,
             diff=-1.0, focus_rank=18, benchmark_rank=18, focus_is_tied=True, benchmark_is_tied=True, event=None,
             needed_growth_pct=None)
    row = benchmarks._row(g)
    assert (row.focus_rank, row.benchmark_rank) == ("并列第18位", "并列第18位")


def test_overtake_events_and_needed_growth():
    g = dict(role="overtake", benchmark_place_code="yk", benchmark_name="永康", group_label="全市",
             indicator_name="固定资产投资", basis="growth", unit="亿元", focus_metric=5.0, benchmark_metric=6.0,
             diff=-1.0, focus_rank=5, benchmark_rank=4, event="was_overtaken", needed_growth_pct=6.1)
    (block,) = benchmarks.benchmark_blocks([g], "武义")
    # what passing needs is the benchmark's figure in the row beside it, not a second line
    assert block.events == ("固定资产投资增速本期被永康反超（第5位对第4位）",)
    assert [(r.indicator, r.benchmark) for r in block.rows] == [("固定资产投资增速", "6.0%")]


def card(place, name, score, rank, prev, first, division):
    return dict(group_code="g", group_label="全市", place_code=place, place_name=name, score_100=round(score, 2),
                score_100_exact=score,
                composite_rank=rank, prev_composite_rank=prev, rank_change=None if prev is None else prev - rank,
                is_first_tier=first, division_code=division)


def test_scoreboard_marks_ties_and_moves_in_rank_order():
    cards = [card("a", "甲", 90.0, 1, 2, True, "330799"), card("wuyi", "武义", 70.0, 2, 1, True, "330723"),
             card("c", "丙", 70.0, 2, None, True, "330701"), card("d", "丁", 55.5, 4, 4, False, "330702")]
    (section,) = quarterly.quarterly_sections(cards, "wuyi", "武义县")
    assert section.summary == ("综合得分70.00分（百分制），居全市并列第2位，比上季退1位，位列第一方阵（前2位），"
                               "领先方阵外首位14.50分")
    # a ranking table: by rank, the tied 丙 and 武义 together in division-code order
    assert [r.label for r in section.tables[0].rows] == ["甲", "丙", "武义", "丁"]
    texts = [[c.text for c in r.cells] for r in section.tables[0].rows]
    assert texts[0] == ["第1位", "90.00", "进1位", "第一方阵"] and texts[1] == ["并列第2位", "70.00", "—", "第一方阵"]


def test_outside_the_first_tier_the_distance_is_in_points():
    cards = [card("a", "甲", 90.0, 1, 1, True, "1"), card("b", "乙", 61.25, 2, 2, True, "2"),
             card("wuyi", "武义", 58.0, 3, 3, False, "3")]
    (section,) = quarterly.quarterly_sections(cards, "wuyi", "武义县")
    assert section.summary.endswith("；距第一方阵（前2位）差3.25分")


def test_a_lead_that_prints_as_the_same_score_is_less_than_a_hundredth():
    # 51.3117 and 51.3092 both print 51.31 yet rank 9th and 10th: the lead is not 0.00分
    cards = [card("wuyi", "武义", 51.3117, 1, 1, True, "1"), card("b", "乙", 51.3092, 2, 2, False, "2")]
    (section,) = quarterly.quarterly_sections(cards, "wuyi", "武义县")
    assert section.summary.endswith("领先方阵外首位不足0.01分")


def test_quarterly_indicators_name_growth_and_every_rank():
    rows = [row(indicator_code="gdp", indicator_name="地区生产总值", frequency="quarterly", metric=7.7, rank=22,
                group_label="全省"),
            row(indicator_code="gdp", indicator_name="地区生产总值", frequency="quarterly", metric=7.7, rank=4,
                group_label="全市"),
            row(indicator_code="fai", frequency="monthly", rank=1)]
    assert quarterly.indicator_headlines(rows, "wuyi") == ("地区生产总值增长7.7%，增速全省第22位、全市第4位",)


def test_overdue_periods_follow_the_release_calendar():
    expected = [dict(calendar_code="monthly_jf", period=date(2026, 9, 1), period_label="2026年1-9月"),
                dict(calendar_code="monthly_jf", period=date(2026, 10, 1), period_label="2026年1-10月")]
    # 1-9月 is due 2026-10-30 + 0 lag; 1-10月 on 2026-11-30, not yet
    lines = digest.overdue_lines(expected, set(), datetime(2026, 11, 23), lag_days=30)
    assert lines == ("2026年1-9月（月度累计数据）应于2026-10-30前到达，尚未收到",)
    assert digest.overdue_lines(expected, {date(2026, 9, 1)}, datetime(2026, 11, 23), 30) == ()


def test_overview_puts_every_group_in_one_narrow_table_with_ranks_moves_and_shades():
    rows = [row(indicator_code="b", indicator_name="出口总额", basis="level", metric=12.0, rank=4, is_top3=False,
                is_tied=True, rank_change=-1, indicator_order=2),
            row(rank=2, indicator_order=1), row(place_code="other", rank=1),
            row(group_code="m", group_label="山区26县", rank=7, is_top3=False, rank_change=0, indicator_order=1)]
    table = tables.overview_table(rows, "wuyi")
    assert table.columns == ("本期", "全市", "山区26县")
    assert [(r.label, [(c.text, c.tone) for c in r.cells]) for r in table.rows] == [
        ("固定资产投资增速", [("8.2%", ""), ("2↑1", "top"), ("7", "far")]),
        ("出口总额", [("12.0亿元", ""), ("并4↓1", "near"), ("—", "")])]


def test_top3_counts_read_as_a_ranking_big_groups_list_their_leaders_and_the_focus():
    counts = [dict(group_code="p", place_code=f"x{i}", place_name=f"县{i}", n_top3=40 - i, n_top3_prev=None,
                   n_first=0, division_code=f"33{99 - i:04d}") for i in range(40)]
    big = tables.top3_table(counts, "x25")
    assert [r.label for r in big.rows] == [f"县{i}" for i in range(10)] + ["县25"] and big.rows[-1].is_focus
    # most first whatever the input order; places equal on both counts in division-code order
    small = [dict(c, n_top3=3 if i in (1, 3) else c["n_top3"]) for i, c in enumerate(counts[:5])]
    assert [r.label for r in tables.top3_table(small[::-1], "x0").rows] == ["县0", "县2", "县4", "县3", "县1"]


def test_section_numbers_follow_the_sections_present():
    assert w.numbered(["要点", "对标赶超"]) == ["一、要点", "二、对标赶超"]
    assert w.numbered(["x"] * 12)[-1] == "十二、x"


def test_a_group_label_that_no_longer_counts_its_members_says_so():
    assert w.scope_with_size("山区26县", 22) == "山区26县（现22县）"
    assert w.scope_with_size("山区26县", 26) == "山区26县"
    assert w.scope_with_size("全市", 9) == "全市"


def test_leader_block_names_entries_exits_and_both_benchmarks():
    rows = [row(rank=2, prev_rank=5, is_top3=True), row(indicator_code="b", indicator_name="出口总额", basis="level",
                                                         rank=4, prev_rank=3, is_top3=False, is_tied=True),
            row(indicator_code="c", rank=1, prev_rank=2)]
    counts = [dict(group_code="city", group_label="山区26县", place_code="wuyi", n_ranked_indicators=3, n_top3=2,
                   n_top3_prev=2, n_places=22)]
    gaps = [dict(role="overtake", benchmark_place_code="tt", benchmark_name="天台", group_label="山区26县",
                 indicator_name="固定资产投资", basis="growth", unit="亿元", focus_metric=5.0, benchmark_metric=6.0,
                 diff=-1.0, focus_rank=5, benchmark_rank=4, event="was_overtaken", needed_growth_pct=6.0),
            dict(role="learn_from", benchmark_place_code="yw", benchmark_name="义乌", group_label="全市",
                 indicator_name="出口总额", basis="level", unit="亿元", focus_metric=5.0, benchmark_metric=60.0,
                 diff=-55.0, focus_rank=6, benchmark_rank=1, event=None, needed_growth_pct=None)]
    block = leader.leader_block(rows, counts, gaps, "wuyi", "武义", P)
    assert block.counts == ("1-10月3项指标中2项居山区26县（现22县）前三，与上月持平",)
    assert block.entered == ("（全市）：固定资产投资增速（第2位）",)
    assert block.left == ("（全市）：出口总额（并列第4位）",)
    assert block.benchmarks == (
        "学义乌（全市）：1项指标中武义领先0项、落后1项，差距最大为出口总额（第6位对第1位）",
        # whom the events are about is named: 被天台反超, 可超天台
        "超天台（山区26县）：1项指标中武义领先0项、落后1项；本期固定资产投资增速被天台反超；"
        "最近可超：固定资产投资增速需达到6.0%以上可超天台")


def test_section_numbers_do_not_jump_when_a_section_is_absent():
    from flows.brief.content.leader import LeaderBlock

    ctx = content.WeeklyContext(
        kind="weekly", place_code="wuyi", place_name="武义县", recipient_name="x", period=P, period_label="",
        week_key="2026-W48", week_label="第48周", leader=LeaderBlock((), (), (), ()), top3=(),
        watch=(content.Line("a"),), benchmarks=(), heatmap=None, chart=None, data_as_of="", generated_at="")
    assert content.weekly_headings(ctx) == {"lead": "一、要点", "top3": "二、居前三的指标", "watch": "三、重点关注（第4-5位）"}


def test_table_cells_are_narrow():
    assert w.table_metric(13.64, "growth", "亿元") == "13.6%"
    assert w.table_metric(-0.04, "growth", "亿元") == "0.0%"
    assert w.table_metric(25000, "level", "万元") == "2.5亿元"
    assert w.short_change(0) == "不变" and w.short_change(2) == "进2位" and w.short_change(None, False) == "—"


def test_long_lists_are_capped_per_group_and_the_rest_counted():
    rows = [row(indicator_code=f"i{i}", indicator_name=f"指标{i}", basis="level", rank=4, is_top3=False,
                gap_to_third=7 - i, indicator_order=i) for i in range(7)]
    lines = [x.text for x in content.watch_lines(rows, P)]
    assert len(lines) == content.MAX_WATCH + 1
    assert lines[0].startswith("指标6居全市第4位") and lines[-1] == f"全市另有{7 - content.MAX_WATCH}项处于第4-5位（见附件）"


def test_a_run_from_the_first_period_held_says_it_may_be_longer():
    """固定资产投资 in the top three since the first table loaded: 至少, and since when."""
    streak = dict(indicator_code="fai", indicator_name="固定资产投资", basis="growth", calendar_code="monthly_jf",
                  group_code="city", group_label="全市", kind="top3", n_months=35, n_periods=34, is_current=True,
                  broke_at=None, starts_at_first_held=True, first_period_label="2024年1-2月")
    (group,) = content.top3_groups([row()], [streak], P)
    assert group.streaks == "连续最久：固定资产投资增速至少连续35个月（自有数据的2024年1-2月起）"
    (group,) = content.top3_groups([row()], [dict(streak, starts_at_first_held=False)], P)
    assert group.streaks == "连续最久：固定资产投资增速连续35个月"
    broken = dict(streak, is_current=False, broke_at=P)
    _, left = leader.entered_left([row(rank=4, is_top3=False)], "wuyi", P, [broken])
    assert left == ("（全市）：固定资产投资增速（第4位，此前至少连续35个月（自有数据的2024年1-2月起））",)


def test_a_revision_is_named_by_period_without_file_detail():
    f = dict(status="loaded", periods=[date(2026, 9, 1)], n_revised=4, n_observations=4)
    assert content.revision_note([f, dict(f, n_revised=0, periods=[P])]) == "本周修订2026年1-9月数据"
    assert content.revision_note([dict(f, status="rejected")]) == ""
