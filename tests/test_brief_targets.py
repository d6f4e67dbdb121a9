"""What briefings say about targets and levers (flows/brief/content/targets.py), from hand-made rows."""

from __future__ import annotations

from datetime import date

from flows.brief.content.targets import levers_lines, targets_lines

OCT, SEP = date(2026, 10, 1), date(2026, 9, 1)


def progress(indicator, basis, target, metric, on_track, **extra):
    row = {"place_code": "wuyi", "indicator_name": indicator, "indicator_order": extra.pop("order", 0),
           "period": OCT, "period_label": "2026年1-10月", "basis": basis, "target": target, "metric": metric,
           "unit": "亿元" if basis == "level" else "%", "gap": metric - target, "on_track": on_track,
           "time_progress": 250 / 3, "value_progress": None, "needed_rest_of_year": None, "kind": "ytd",
           "is_lower_better": False, "is_synthetic": False}
    row.update(extra)
    return row


def test_targets_count_those_ahead_and_name_those_behind_with_what_the_year_needs():
    rows = [
        progress("固定资产投资", "growth", 10.0, 11.6, True, order=1),
        progress("社会消费品零售总额", "growth", 3.0, 1.2, False, order=3, needed_rest_of_year=10.34),
        progress("一般公共预算收入", "level", 29.0, 21.72, False, order=2, value_progress=74.9,
                 needed_rest_of_year=31.4),
        progress("地区生产总值", "growth", 5.0, 3.1, False, order=4, period=SEP, period_label="2026年前三季度",
                 needed_rest_of_year=-0.4, calendar_code="quarterly"),
        progress("出口总额", "growth", 10.0, 22.7, True, order=5, place_code="yiwu"),
    ]
    assert targets_lines(rows, "wuyi", OCT) == (
        "4项目标指标中1项快于序时进度，3项慢于序时进度",
        "一般公共预算收入21.7亿元，为年度目标（29.0亿元）的74.9%，慢于序时进度8.4个百分点，11-12月需增长31.4%",
        "社会消费品零售总额增长1.2%，低于年度目标（3.0%）1.8个百分点，11-12月需增长10.3%",
        # a quarterly indicator at its last quarter says which, and names the rest: 四季度; a change below
        # zero is what may still fall
        "地区生产总值（前三季度）增长3.1%，低于年度目标（5.0%）1.9个百分点，四季度即使下降0.4%仍可完成",
    )


def test_rates_stocks_and_synthetic_targets_are_worded_as_such():
    rows = [
        progress("规上工业企业亏损面", "level", 15.0, 18.0, False, unit="%", kind="rate", is_lower_better=True,
                 gap=-3.0, is_synthetic=True),
        progress("金融机构本外币贷款余额", "level", 4800.0, 4299.1, False, kind="stock", value_progress=24.7,
                 time_progress=41.7, needed_rest_of_year=11.65),
        progress("金融机构本外币存款余额", "growth", 10.0, 9.0, False, kind="stock", needed_rest_of_year=3.77),
    ]
    assert targets_lines(rows, "wuyi", OCT) == (
        "3项目标指标中0项快于序时进度，3项慢于序时进度（目标为合成演示数据）",
        "规上工业企业亏损面18.0%，比年度目标（15.0%）高3.0个百分点",
        "金融机构本外币贷款余额4,299.1亿元，完成年度新增目标的24.7%，慢于序时进度17.0个百分点，年末前余额需再增长11.7%",
        "金融机构本外币存款余额增长9.0%，低于年度目标（10.0%）1.0个百分点，年末前余额需再增长3.8%",
    )
    assert targets_lines(rows, "yiwu", OCT) == ()


def lever(indicator, change, **extra):
    row = {"place_code": "wuyi", "indicator_name": indicator, "basis": "growth", "unit": "亿元", "rank": 5,
           "rank_if_gained": 4, "metric": 7.9, "needed_metric": 7.9 + change, "needed_change": change,
           "composite_points_gained": 0.61, "points_100": 0.61, "composite_rank": 4, "group_label": "全市", "group_code": "city_jinhua", "group_order": 0,
           "indicator_order": 0, "gains_composite_place": False, "lifts_to_first_tier": False,
           "scoring_method": "rank_points", "is_lower_better": False}
    row.update(extra)
    return row


def test_the_rest_of_the_year_is_named_by_its_period():
    nov, jun = date(2026, 11, 1), date(2026, 6, 1)
    rows = [progress("社会消费品零售总额", "growth", 3.0, 1.2, False, order=1, period=nov, needed_rest_of_year=25.0),
            progress("出口总额", "growth", 9.0, 1.2, False, order=2, period=nov, needed_rest_of_year=-25.7),
            progress("地区生产总值", "growth", 6.0, 5.0, False, order=3, period=jun, calendar_code="quarterly",
                     needed_rest_of_year=7.0),
            progress("金融机构本外币存款余额", "growth", 10.0, 9.0, False, order=4, kind="stock", needed_rest_of_year=-1.0)]
    lines = targets_lines(rows, "wuyi", nov)
    assert lines[1].endswith("，12月需增长25.0%")
    assert lines[2].endswith("，12月即使下降25.7%仍可完成")
    assert lines[3].endswith("，下半年需增长7.0%")
    assert lines[4].endswith("，年末前余额即使减少1.0%仍可完成")


def test_levers_name_the_smallest_changes_that_move_the_composite():
    rows = [
        lever("货物进出口总额", 0.7, gains_composite_place=True),
        lever("税收收入", 0.1),                                     # cheapest, but moves no composite place
        lever("规上工业企业亏损面", 0.5, basis="level", unit="%", is_lower_better=True, metric=18.0,
              needed_metric=17.5, rank=6, rank_if_gained=5, lifts_to_first_tier=True, gains_composite_place=True),
        lever("实际使用外资", 500.0, basis="level", unit="万美元", metric=1000.0, needed_metric=1500.0,
              gains_composite_place=True),                          # 50% of its level: the largest change
        lever("一般公共预算收入", 2.0, group_label="山区26县", group_code="mountain26", group_order=1,
              gains_composite_place=True, scoring_method="zscore", composite_points_gained=0.0002,
              points_100=0.0033, composite_rank=12),
    ]
    # 山区26县's scorecards: two share 第10位, so drawing level with them reaches 第10位; 武义 shares 第12位
    cards = [{"group_code": "mountain26", "composite_rank": r} for r in (1, 9, 10, 10, 12, 12)]
    assert levers_lines(rows, "wuyi", cards) == (
        "以下指标小幅提升即可带动综合排名进位",
        "规上工业企业亏损面降低0.5个百分点（至17.5%）即可追平，由全市第6位升至并列第5位，全市综合排名可由第4位进至第3位，"
        "进入全市第一方阵",
        "货物进出口总额增速提高0.7个百分点（至8.6%）即可追平，由全市第5位升至并列第4位，全市综合排名可由第4位进至第3位",
        "一般公共预算收入增速提高2.0个百分点（至9.9%）即可追平，由山区26县第5位升至并列第4位，山区26县综合排名可由并列第12位进至第10位",
    )


def test_a_change_that_gains_no_composite_place_is_not_a_lever():
    """税收收入 +0.1: a place in its own table but 0.01分 and no composite place: not worth a leader's line."""
    rows = [lever("税收收入", 0.1), lever("财政总收入", 0.3), lever("出口总额", 0.2), lever("进口总额", 0.9)]
    assert levers_lines(rows, "wuyi") == ()
    assert levers_lines(rows, "yiwu") == ()
