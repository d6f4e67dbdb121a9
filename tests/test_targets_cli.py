"""`bipin targets PLACE` and the target columns of `bipin show`, on a tiny warehouse with a targets.yaml."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from rank_world import Loader
from test_rank_cli import GROUPS, INDICATORS, PLACES, invoke

from flows.brief.content import queries
from flows.brief.content.targets import needed_phrase
from flows.config.catalog import load_catalog
from flows.warehouse.db import connect, sync_catalog

TARGETS = """synthetic: true
targets:
  - {year: 2025, place: 甲县, source: 政府工作报告, indicators: {gdp: {growth: 6.0}, fai: {level: 50, unit: 亿元}}}
"""
MORE_INDICATORS = INDICATORS + "  - {code: fai, name: 固定资产投资, unit: 亿元, basis: growth}\n"


@pytest.fixture
def world(tmp_path):
    cfg = tmp_path / "config"
    cfg.mkdir()
    for name, text in (("places", PLACES), ("groups", GROUPS), ("indicators", MORE_INDICATORS), ("targets", TARGETS)):
        (cfg / f"{name}.yaml").write_text(text, encoding="utf-8")
    db = tmp_path / "home" / "bipin.duckdb"
    con = connect(db)
    sync_catalog(con, load_catalog(cfg))
    loader = Loader(con)
    loader.load([("aa", "gdp", date(2024, 12, 1), 400.0, 5.0), ("aa", "fai", date(2024, 12, 1), 40.0, 5.0)],
                datetime(2025, 1, 10, 9))
    loader.load([("aa", "gdp", date(2025, 3, 1), 110.0, 10.0), ("bb", "gdp", date(2025, 3, 1), 90.0, 4.0),
                 ("aa", "fai", date(2025, 3, 1), 10.0, 2.0), ("bb", "fai", date(2025, 3, 1), 12.0, 3.0)],
                datetime(2025, 4, 10, 9))
    con.close()
    return ["--config", str(cfg), "--db", str(db), "--home", str(tmp_path / "home")]


def test_targets_prints_progress_against_time_and_what_the_rest_of_the_year_needs(world):
    assert invoke([*world, "rank", "--no-prefect"])[0] == 0
    code, out = invoke([*world, "targets", "甲"])
    assert code == 0, out
    assert "甲县 2025年目标任务（合成演示目标）" in out
    lines = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") > 5}
    # gdp: 10% against 6%, ahead; 1-3月 is 25% of the year; last year's 1-3月 = 100 of 400:
    # (424 - 110) / 300 - 1 = 4.7%
    assert "6%" in lines["地区生产总值"] and "+4.00" in lines["地区生产总值"] and "快于序时" in lines["地区生产总值"]
    assert "25.0%" in lines["地区生产总值"] and "4.7%" in lines["地区生产总值"]
    # fai: 10 of the year's 50 = 20% < 25%: behind; (50 - 10) / (40 - 10 / 1.02) - 1 = 40 / 30.196 - 1 = 32.5%
    assert "20.0%" in lines["固定资产投资"] and "慢于序时" in lines["固定资产投资"] and "32.5%" in lines["固定资产投资"]
    assert "2项目标指标中1项快于序时进度" in out
    assert "余下月份" not in out and "4-12月" in out  # the column names the rest of the year (after 1-3月)
    assert "[green]" not in out and "[red]" not in out and "[/]" not in out  # styles, never markup as text


def test_show_adds_target_columns_only_where_targets_exist(world):
    invoke([*world, "rank", "--no-prefect"])
    code, out = invoke([*world, "show", "甲县"])
    assert code == 0, out
    assert "目标" in out and "序时" in out
    gdp = next(line for line in out.splitlines() if "地区生产总值" in line)
    assert "6%" in gdp and "快" in gdp
    assert "[green]" not in out and "[red]" not in out and "[/]" not in out
    code, out = invoke([*world, "show", "乙县"])
    assert code == 0 and "目标" not in out


def test_targets_for_a_place_without_targets_says_what_to_do(world):
    invoke([*world, "rank", "--no-prefect"])
    code, out = invoke([*world, "targets", "乙县"])
    assert code == 2 and "乙县 has no targets with data" in out and "config/targets.yaml" in out


def test_a_bad_targets_file_is_reported_by_rank_in_one_line(world):
    cfg = world[1]
    with open(f"{cfg}/targets.yaml", "a", encoding="utf-8") as f:
        f.write("  - {year: 2025, place: 不存在县, indicators: {gdp: {growth: 1}}}\n")
    code, out = invoke([*world, "rank", "--no-prefect"])
    assert code == 2 and "targets.yaml: targets[1] (year=2025, place=不存在县).place" in out


def test_targets_says_a_change_below_zero_as_what_may_still_fall_as_the_briefing_does(world):
    """gdp at 10% against 1%: (400 * 1.01 - 110) / 300 - 1 = -2.0%, said as 即使下降2.0%仍可完成."""
    cfg = world[1]
    text = (Path(cfg) / "targets.yaml").read_text(encoding="utf-8").replace("growth: 6.0", "growth: 1.0")
    (Path(cfg) / "targets.yaml").write_text(text, encoding="utf-8")
    assert invoke([*world, "rank", "--no-prefect"])[0] == 0
    code, out = invoke([*world, "targets", "甲"])
    assert code == 0, out
    gdp = next(line for line in out.splitlines() if "地区生产总值" in line)
    assert "即使下降2.0%仍可完成" in gdp and "-2.0%" not in gdp
    fai = next(line for line in out.splitlines() if "固定资产投资" in line and "│" in line)
    assert "需增长32.5%" in fai
    header = next(line for line in out.splitlines() if "序时进度" in line and "┃" in line)
    assert "4-12月" in header and "余下月份" not in header
    # the briefing's words for the same row (the rows `bipin targets` and the briefings both read)
    con = connect(Path(world[3]), read_only=True)
    rows = queries.fetch(con, "target_progress", places=["aa"], period=date(2025, 3, 1))
    con.close()
    assert needed_phrase(next(r for r in rows if r["indicator_code"] == "gdp")) == "4-12月即使下降2.0%仍可完成"
