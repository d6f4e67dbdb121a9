"""Two targets with their history (只能加压不能打折): config/targets.yaml refuses a lowered target and an own
target below the assigned one; marts.target_progress measures both; briefings and `bipin targets` say both."""

from __future__ import annotations

import shutil
from datetime import date, datetime

import pytest
from rank_world import Loader
from test_rank_cli import GROUPS, INDICATORS, PLACES, invoke

from flows.brief.content.targets import targets_lines
from flows.config.catalog import load_catalog
from flows.config.check import check_config
from flows.config.targets import load_targets, validate_targets
from flows.rank import marts
from flows.warehouse.db import connect, sync_catalog
from tests.conftest import ROOT


@pytest.fixture
def shipped(tmp_path):
    folder = tmp_path / "config"
    shutil.copytree(ROOT / "config", folder)
    return folder


def problems_of(folder, indicators: str) -> list[str]:
    (folder / "targets.yaml").write_text(f"targets:\n  - year: 2026\n    place: wuyi\n    indicators:\n{indicators}",
                                         encoding="utf-8")
    return validate_targets(folder, load_catalog(folder))


def test_a_lowered_target_is_refused_naming_the_entry_and_both_numbers(shipped):
    problems = problems_of(shipped, """      retail_sales:
        own: {growth: 3.0, set_on: 2026-01-20, raises: [{growth: 2.6, set_on: 2026-07-15}]}
""")
    assert problems == [
        f"{shipped / 'targets.yaml'}: targets[0] (year=2026, place=wuyi).indicators.retail_sales.own.raises[0]: "
        "2.6% on 2026-07-15 lowers the own target from 3% (只能加压不能打折): a target may be raised, never "
        "lowered; keep 3% or raise it"]
    # the one-number form keeps its own place names: no "own" that the file does not have
    (problem,) = problems_of(shipped, "      gdp: {growth: 5, raises: [{growth: 4.5, set_on: 2026-06-01}]}\n")
    assert ".indicators.gdp.raises[0]: 4.5% on 2026-06-01 lowers the own target from 5%" in problem


def test_an_own_target_below_the_assigned_one_is_refused(shipped):
    (problem,) = problems_of(shipped, """      retail_sales:
        assigned: {growth: 2.5, by: 金华市}
        own: {growth: 2.0}
""")
    assert "targets[0] (year=2026, place=wuyi).indicators.retail_sales.own: the own target 2% is below the " \
           "assigned 2.5% (只能加压不能打折)" in problem
    # an assigned raise later in the year that the own target does not follow is refused from that day
    (problem,) = problems_of(shipped, """      retail_sales:
        assigned: {growth: 2.5, raises: [{growth: 3.2, set_on: 2026-08-01}]}
        own: {growth: 3.0}
""")
    assert "own: the own target 3% is below the assigned 3.2% (from 2026-08-01)" in problem


def test_for_a_lower_is_better_indicator_raising_means_a_lower_ceiling(shipped):
    ok = """      industrial_loss_share:
        assigned: {level: 20, unit: "%"}
        own: {level: 18, unit: "%", raises: [{level: 16, unit: "%", set_on: 2026-07-01}]}
"""
    assert problems_of(shipped, ok) == []
    problems = problems_of(shipped, """      industrial_loss_share:
        assigned: {level: 20, unit: "%"}
        own: {level: 21, unit: "%", raises: [{level: 22, unit: "%", set_on: 2026-07-01}]}
""")
    assert any("own: the own target 21% is above the assigned 20%" in p for p in problems)
    assert any("own.raises[0]: 22% on 2026-07-01 lowers the own target from 21%" in p for p in problems)


def test_raises_out_of_order_and_mixed_forms_are_refused(shipped):
    problems = problems_of(shipped, """      retail_sales:
        own: {growth: 3.0, set_on: 2026-03-01, raises: [{growth: 3.5, set_on: 2026-02-01}]}
      exports:
        assigned: {level: 10, unit: 亿元}
        own: {growth: 5}
""")
    assert any("retail_sales.own.raises[0]: on 2026-02-01 is not after the change before it (2026-03-01)" in p
               for p in problems)
    assert any("exports.own: give the own and the assigned target in the same form" in p for p in problems)


def test_catalog_check_lists_the_refusal_under_targets(shipped):
    problems_of(shipped, "      retail_sales: {assigned: {growth: 2.5}, own: {growth: 2.0}}\n")
    assert any("只能加压不能打折" in p for p in check_config(shipped)["targets"])


def test_the_shipped_pair_loads_with_its_history_and_the_judged_number(shipped):
    catalog = load_catalog(shipped)
    retail = next(t for t in load_targets(shipped, catalog)
                  if (t.year, t.place_code, t.indicator_code) == (2026, "wuyi", "retail_sales"))
    assert retail.target == 3.0 and retail.is_synthetic
    assert [r[3:8] for r in retail.revision_rows()] == [
        ("assigned", 0, 2.5, date(2026, 2, 10), "金华市"), ("own", 0, 2.8, date(2026, 1, 20), "武义县"),
        ("own", 1, 3.0, date(2026, 7, 15), "武义县")]


TARGETS = """synthetic: true
targets:
  - year: 2025
    place: 甲县
    indicators:
      gdp:
        assigned: {growth: 5.0, by: 市政府, set_on: 2025-02-01}
        own: {growth: 6.0, set_on: 2025-01-15, raises: [{growth: 9.0, set_on: 2025-05-01, note: 年中加压}]}
      fai: {growth: 1.0}
"""
MORE_INDICATORS = INDICATORS + "  - {code: fai, name: 固定资产投资, unit: 亿元, basis: growth}\n"


@pytest.fixture
def world(tmp_path):
    """甲县 at +7% in 1-3月 (loaded 2025-04-10), 1-6月 (loaded 2025-07-10) against 市下达 5%, own 6% then 9%."""
    cfg = tmp_path / "config"
    cfg.mkdir()
    for name, text in (("places", PLACES), ("groups", GROUPS), ("indicators", MORE_INDICATORS), ("targets", TARGETS)):
        (cfg / f"{name}.yaml").write_text(text, encoding="utf-8")
    db = tmp_path / "home" / "bipin.duckdb"
    con = connect(db)
    catalog = load_catalog(cfg)
    sync_catalog(con, catalog, load_targets(cfg, catalog))
    loader = Loader(con)
    loader.load([("aa", "gdp", date(2024, 12, 1), 400.0, 5.0), ("aa", "fai", date(2024, 12, 1), 40.0, 5.0)],
                datetime(2025, 1, 10, 9))
    loader.load([("aa", "gdp", date(2025, 3, 1), 107.0, 7.0), ("bb", "gdp", date(2025, 3, 1), 90.0, 4.0),
                 ("aa", "fai", date(2025, 3, 1), 10.0, 2.0), ("bb", "fai", date(2025, 3, 1), 12.0, 3.0)],
                datetime(2025, 4, 10, 9))
    loader.load([("aa", "gdp", date(2025, 6, 1), 214.0, 7.0), ("bb", "gdp", date(2025, 6, 1), 190.0, 4.0)],
                datetime(2025, 7, 10, 9))
    yield con, ["--config", str(cfg), "--db", str(db), "--home", str(tmp_path / "home")]
    con.close()


def progress(con, period: date) -> dict:
    cur = con.execute("select * from marts.target_progress where place_code = 'aa' and indicator_code = 'gdp' "
                      "and period = ?", [period])
    names = [d[0] for d in cur.description]
    return dict(zip(names, cur.fetchone(), strict=True))


def test_progress_is_judged_on_the_own_target_with_the_assigned_floor_beside_it(world):
    con, _ = world
    marts.build(con)
    row = progress(con, date(2025, 6, 1))
    # 7% against the own 9% (raised on 2025-05-01): behind; against the assigned 5%: the floor is met
    assert (row["target_kind"], row["target"], row["n_raises"], row["target_set_on"]) == ("own", 9.0, 1, date(2025, 5, 1))
    assert (row["gap"], row["on_track"]) == (pytest.approx(-2.0), False)
    assert (row["assigned_target"], row["assigned_by"], row["assigned_gap"], row["assigned_on_track"]) == (
        5.0, "市政府", pytest.approx(2.0), True)
    # the one-number target stays one row, judged as before, with nothing assigned
    fai = con.execute("select target_kind, target, assigned_target, on_track from marts.target_progress "
                      "where indicator_code = 'fai' and period = '2025-03-01'").fetchone()
    assert fai == ("own", 1.0, None, True)


def test_the_marts_at_an_earlier_moment_use_the_target_in_force_then(world):
    con, _ = world
    marts.build(con, as_of=datetime(2025, 4, 20, 9))  # before the raise of 2025-05-01
    row = progress(con, date(2025, 3, 1))
    assert (row["target"], row["n_raises"], row["on_track"], row["assigned_target"]) == (6.0, 0, True, 5.0)


def test_briefing_says_both_targets_in_one_line():
    row = {"place_code": "wuyi", "on_track": False, "indicator_order": 1, "is_synthetic": False, "period": date(2026, 10, 1),
           "period_label": "2026年1-10月", "indicator_name": "社零", "basis": "growth", "unit": "亿元", "kind": "ytd",
           "target": 3.0, "metric": 2.1, "gap": -0.9, "is_lower_better": False, "needed_rest_of_year": None,
           "target_kind": "own", "assigned_target": 2.5, "assigned_on_track": False, "value_progress": None}
    head, line = targets_lines([row], "wuyi", date(2026, 10, 1))
    assert line == "社零增长2.1%，低于自我加压目标3.0%（市下达2.5%），慢于序时"
    between = {**row, "metric": 2.7, "gap": -0.3, "assigned_on_track": True}
    assert targets_lines([between], "wuyi", date(2026, 10, 1))[1] == \
        "社零增长2.7%，低于自我加压目标3.0%（已达市下达2.5%），慢于序时"
    only_assigned = {**row, "target_kind": "assigned", "target": 2.5, "gap": -0.4}
    assert targets_lines([only_assigned], "wuyi", date(2026, 10, 1))[1] == "社零增长2.1%，低于市下达目标2.5%，慢于序时"
    level = {**row, "indicator_name": "一般公共预算收入", "basis": "level", "target": 30.0, "assigned_target": 29.0,
             "metric": 23.9, "value_progress": 79.67}
    assert targets_lines([level], "wuyi", date(2026, 10, 1))[1] == \
        "一般公共预算收入23.9亿元，为自我加压目标（30.0亿元）的79.7%（市下达29.0亿元），慢于序时"
    # the old one-number form keeps its wording
    single = {**row, "target_kind": "own", "assigned_target": None}
    assert targets_lines([single], "wuyi", date(2026, 10, 1))[1] == "社零增长2.1%，低于年度目标（3.0%）0.9个百分点"


def test_bipin_targets_shows_both_targets_and_the_revisions(world):
    con, args = world
    con.close()  # the CLI opens the file itself
    assert invoke([*args, "rank", "--no-prefect"])[0] == 0
    code, out = invoke([*args, "targets", "甲县"])
    assert code == 0, out
    gdp = next(line for line in out.splitlines() if "地区生产总值" in line and "2025年" in line)
    assert "9%" in gdp and "5% 市政府" in gdp and "慢于序时" in gdp
    history = [line for line in out.split("目标设定与调整")[1].splitlines() if "地区生产总值" in line]
    assert len(history) == 3
    assert "市下达" in history[0] and "5%" in history[0] and "2025-02-01" in history[0]
    assert "自我加压（第1次加压）" in history[2] and "9%" in history[2] and "年中加压" in history[2]
    assert "固定资产投资" not in out.split("目标设定与调整")[1]  # a bare number has no history to show
