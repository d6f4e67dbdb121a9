"""Scores and score gaps read the same everywhere: 100 points, two decimals and 分; a gain that rounds
to 0.00 is 不足0.01分 (docs/RULES.md section 7)."""

from __future__ import annotations

import re

import duckdb
from brief_world import AS_OF, world_settings

from flows.brief import plan as p
from flows.brief.content import wording as w


def text_of(settings, kind: str) -> str:
    plan = p.make_plan(settings, kind, places=["wuyi"], as_of=AS_OF)
    (outcome,) = [p.render_for(settings, plan, r) for r in plan.recipients]
    assert outcome.status == "ready", outcome.detail
    return outcome.outgoing.message.get_body(("plain",)).get_content()


def test_points_are_two_decimals_and_a_tiny_gain_is_less_than_a_hundredth():
    assert w.points_phrase(93.75) == "93.75分"
    assert w.points_phrase(3.2) == "3.20分"
    assert w.points_phrase(0.001) == "不足0.01分"
    assert w.points_phrase(0.0) == "0.00分"
    assert w.points_phrase(-0.001) == "不足0.01分"
    assert w.score_cell(62.3) == "62.30"


def test_quarterly_levers_say_the_composite_place_they_gain(tmp_path):
    settings = world_settings(tmp_path)
    con = duckdb.connect(str(settings.db_path))
    try:
        # mean-z composites: a gain of 0.00006 z is 0.001 points; 0.012 z is 0.20 points
        con.execute("update marts.rank_levers set scoring_method = 'zscore', composite_points_gained = case "
                    "indicator_code when 'retail' then 0.00006 when 'industry' then 0.012 else 0.3 end")
    finally:
        con.close()
    text = text_of(settings, "quarterly")
    levers = [x for x in text.splitlines() if "即可追平" in x]
    # a lever says the composite place it gains, not a gain in points (不足0.01分 told the leader nothing)
    assert len(levers) == 2 and all("全市综合排名可由并列第3位进至第2位" in x for x in levers), levers
    assert not any("综合得分提高" in x for x in levers)
    # every score and gap in the email: two decimals and 分
    said = re.findall(r"(?:综合得分|综合得分提高|差|领先方阵外首位)(不足0\.01分|\d+(?:\.\d+)?分)", text)
    assert said and all(re.fullmatch(r"不足0\.01分|\d+\.\d\d分", x) for x in said), said
    assert "0.001" not in text and not re.search(r"(?<![\d.])0\.00分", text)


def test_monthly_first_tier_scores_have_two_decimals(tmp_path):
    settings = world_settings(tmp_path)
    text = text_of(settings, "monthly")
    tables = re.findall(r"第一方阵\n  地区 +\| 综合排名 \| 综合得分\n((?:  .+\n)+)", text)
    cells = [line.rsplit("| ", 1)[1] for table in tables for line in table.splitlines()]
    assert len(tables) == 2 and cells and all(re.fullmatch(r"\d+\.\d\d", c) for c in cells), cells
    assert "全市综合排名可由第3位进至第2位，进入全市第一方阵" in text  # the monthly's levers too
