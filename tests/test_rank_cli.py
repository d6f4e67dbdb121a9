"""`bipin rank`, `bipin show`, `bipin explain` on a tiny warehouse, and one real run of the `rank` flow."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from rank_world import Loader
from typer.testing import CliRunner

from flows.cli.app import app
from flows.config.catalog import load_catalog
from flows.warehouse.db import connect, sync_catalog

PLACES = """places:
  - {code: city, name: 某市, short_name: 某市, level: city}
  - {code: aa, name: 甲县, short_name: 甲, parent: city}
  - {code: bb, name: 乙县, short_name: 乙, parent: city}
  - {code: cc, name: 丙县, short_name: 丙, parent: city}
  - {code: dd, name: 丁县, short_name: 丁, parent: city}
"""
GROUPS = """groups:
  - {code: city, name: 某市各县, label: 全市, members_with_parent: city}
"""
INDICATORS = """indicators:
  - {code: gdp, name: 地区生产总值, unit: 亿元, basis: growth, aliases: [GDP]}
"""
MAR = date(2025, 3, 1)


@pytest.fixture
def world(tmp_path):
    cfg = tmp_path / "config"
    cfg.mkdir()
    for name, text in (("places", PLACES), ("groups", GROUPS), ("indicators", INDICATORS)):
        (cfg / f"{name}.yaml").write_text(text, encoding="utf-8")
    db = tmp_path / "home" / "bipin.duckdb"
    con = connect(db)
    sync_catalog(con, load_catalog(cfg))
    loader = Loader(con)
    loader.load([("aa", "gdp", date(2025, 2, 1), 100.0, 5.0, 2), ("bb", "gdp", date(2025, 2, 1), 90.0, 6.0, 1),
                 ("cc", "gdp", date(2025, 2, 1), 80.0, 4.0, 3), ("dd", "gdp", date(2025, 2, 1), 70.0, 3.0, 4)],
                datetime(2025, 3, 10, 9), name="synthetic_city_202502.xlsx")
    loader.load([("aa", "gdp", MAR, 110.0, 7.0, 1), ("bb", "gdp", MAR, 95.0, 6.5, 3),
                 ("cc", "gdp", MAR, 85.0, 7.0, 2), ("dd", "gdp", MAR, 72.0, 2.0, 4)],
                datetime(2025, 4, 10, 9), name="synthetic_city_202503.xlsx")
    # 乙县 March revised up: now tied first with 甲县 and 丙县
    loader.load([("bb", "gdp", MAR, 96.0, 7.0)], datetime(2025, 4, 20, 9), name="synthetic_city_202503_revised.xlsx")
    con.close()
    return ["--config", str(cfg), "--db", str(db), "--home", str(tmp_path / "home")]


def invoke(args):
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_rank_then_show_prints_ranks_ties_changes_and_streaks(world):
    code, out = invoke([*world, "rank", "--no-prefect"])
    assert code == 0, out
    assert "rank: full, 2 slice(s) rebuilt, 8 ranking rows" in out
    # 丙县 was printed 2nd in March but is tied first; 乙县's revised row carries no 位次
    assert "1 published rank(s) differ" in out and "synthetic_city_202503.xlsx" in out
    code, out = invoke([*world, "show", "乙县", "--period", "2025年1-3月"])
    assert code == 0, out
    assert "乙县 2025年1-3月" in out
    assert "并列1/4" in out and "↓" not in out and "=" in out   # was 1st in 1-2月, tied 1st now
    assert "2期/3个月" in out                                      # top three in 1-2月 (2 months) and 1-3月
    code, out = invoke([*world, "show", "dd"])                     # default: the newest period
    assert code == 0, out
    assert "4/4" in out and "2025年1-3月" in out


def test_explain_traces_the_number_and_its_revision(world):
    invoke([*world, "rank", "--no-prefect"])
    code, out = invoke([*world, "explain", "乙", "GDP", "2025-03"])
    assert code == 0, out
    assert "synthetic_city_202503.xlsx" in out and "synthetic_city_202503_revised.xlsx" in out
    assert "乙县 · 地区生产总值（亿元）· 2025年1-3月" in out   # the period as the bureau prints it, not 2025-03
    assert "主要指标" in out and "earlier" in out and "current" in out
    assert "loaded 2 times, revised once" in out and "time(s)" not in out
    # in Chinese for the operator, the English beside it
    assert "当前 current" in out and "此前 earlier" in out and "修订 revised" in out and "导入2次，修订1次" in out
    assert "越高越好 higher is better" in out and "来源 source" in out
    assert out.count("并列1") == 3          # 甲, 乙, 丙 share first place
    assert "增速 growth %, 越高越好 higher is better" in out


def test_unknown_names_give_one_line_with_suggestions(world):
    code, out = invoke([*world, "show", "乙县"])
    assert code == 2 and "the rank marts are not built" in out and "run `bipin rank` first" in out
    code, out = invoke([*world, "show", "乙县县"])
    assert code == 2
    assert "place '乙县县' is not a known place code or name" in out and "did you mean '乙县'" in out
    code, out = invoke([*world, "explain", "甲县", "GDPP", "2025-03"])
    assert code == 2 and "indicator 'GDPP' is not a known indicator" in out and "did you mean 'gdp'" in out
    code, out = invoke([*world, "explain", "甲县", "gdp", "2025年13月"])
    assert code == 2 and "out of range" in out
    code, out = invoke([*world, "rank", "--as-of", "yesterday"])
    assert code == 2 and "cannot read --as-of 'yesterday'" in out


def test_rank_as_of_shows_the_numbers_before_the_revision(world):
    code, out = invoke([*world, "rank", "--no-prefect", "--as-of", "2025-04-15 00:00"])
    assert code == 0 and "as of 2025-04-15 00:00:00" in out and "nothing had been loaded" not in out
    # built apart: the past is read from its own file, the live warehouse is untouched
    from flows.rank.apart import apart_path

    apart = apart_path(Path(world[3]), datetime(2025, 4, 15))
    assert f"built apart in {apart}" in " ".join(out.split())
    code, out = invoke([*world[:3], str(apart), *world[4:], "show", "bb", "--period", "2025-03"])
    assert "3/4" in out and "↓2" in out
    code, out = invoke([*world, "show", "bb", "--period", "2025-03"])
    assert "the rank marts are not built" in out  # the live warehouse was never ranked


def test_rank_as_of_before_any_load_says_the_copy_is_empty(world):
    code, out = invoke([*world, "rank", "--no-prefect", "--as-of", "2025-01-01 00:00"])
    # the demo loads its files now: an --as-of months back finds nothing, and says so rather than 0 ranking rows
    assert code == 0 and "0 ranking rows" in out
    assert "nothing had been loaded by 2025-01-01 00:00:00, so the copy holds no ranks" in " ".join(out.split())


def test_show_warns_when_the_catalog_changed_since_rank(world):
    code, _ = invoke([*world, "rank", "--no-prefect"])
    assert code == 0
    code, out = invoke([*world, "show", "甲"])
    assert code == 0 and "catalog changed" not in out
    cfg, db = world[1], world[3]
    with open(f"{cfg}/groups.yaml", "a", encoding="utf-8") as f:
        f.write("  - {code: pair, name: 甲乙, label: 两县, members: [{place: aa}, {place: bb}]}\n")
    con = connect(db)
    sync_catalog(con, load_catalog(cfg))  # what ingest or a briefing does on its next run
    con.close()
    code, out = invoke([*world, "show", "甲"])
    assert code == 0 and "the catalog changed since the marts were built" in out and "run `bipin rank`" in out


@pytest.mark.e2e
def test_rank_flow_runs_under_prefect(world, prefect_harness, monkeypatch):
    from flows.core import worktime
    from flows.rank.flow import rank

    cfg, db, home = world[1], world[3], world[5]
    since = worktime.mark()
    summary = rank(config_dir=cfg, db_path=db, home=home)
    assert summary["mode"] == "full" and summary["n_rankings"] == 8
    assert worktime.seconds_since(since).get("rank", 0) > 0  # its own work is counted apart from Prefect's
    assert [(d["place_code"], d["rank"], d["published_rank"]) for d in summary["disagreements"]] == [("cc", 1, 2)]
    top = summary["top3"]["city"]
    assert [(r["place"], r["top3"], r["first"]) for r in top] == [("甲", 1, 1), ("乙", 1, 1), ("丙", 1, 1), ("丁", 0, 0)]
    again = rank(config_dir=cfg, db_path=db, home=home)
    assert again["mode"] == "unchanged"
    # a parameter with a UTC offset is converted where it enters the flow, on both sides of the 04-20 09:00 load
    before = rank(as_of="2025-04-19T17:59:00-07:00", config_dir=cfg, db_path=db, home=home)
    assert before["as_of"] == "2025-04-20 08:59:00"
    after = rank(as_of="2025-04-20T01:01:00+00:00", config_dir=cfg, db_path=db, home=home)
    assert after["as_of"] == "2025-04-20 09:01:00" and after["apart"].endswith("bipin.as-of-20250420T090100.duckdb")


def test_show_gives_a_level_its_unit_as_the_target_beside_it_has():
    from flows.cli.rank_cmd import _metric

    # 亏损面 ranks on its level in %: 17.20 beside a 20% target read as two different things
    assert _metric(dict(metric=17.2, basis="level", unit="%")) == "17.20%"
    assert _metric(dict(metric=178.66, basis="level", unit="亿元")) == "178.66亿元"
    assert _metric(dict(metric=12.4, basis="growth", unit="亿元")) == "12.40%"
