"""`bipin show` / `explain` on the shipped catalog: names as operators type them, whole names, honest revision counts."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from rank_world import Loader
from typer.testing import CliRunner

from flows.cli.app import app
from flows.config.catalog import load_catalog
from flows.config.names import NameProblem, indicator_code
from flows.rank import marts
from flows.warehouse.db import connect, sync_catalog
from tests.conftest import ROOT

OCT = date(2026, 10, 1)
LONG = "digital_core_mfg_value_added"  # 数字经济核心产业制造业增加值: wider than an 80-column table cell


@pytest.fixture
def shipped_world(tmp_path):
    catalog = load_catalog(ROOT / "config")
    db = tmp_path / "home" / "bipin.duckdb"
    con = connect(db)
    sync_catalog(con, catalog)
    loader = Loader(con)
    first = [("wuyi", "fixed_asset_investment", OCT, 120.0, 8.2, 2), ("yiwu", "fixed_asset_investment", OCT, 400.0, 9.1, 1),
             ("wuyi", LONG, OCT, 50000.0, 5.0), ("yiwu", LONG, OCT, 70000.0, 4.0)]
    loader.load(first, datetime(2026, 11, 10, 9), name="city_202610.xlsx")
    # the same numbers for 武义 loaded again in a later file: a version, not a revision
    loader.load([("wuyi", "fixed_asset_investment", OCT, 120.0, 8.2, 2)], datetime(2026, 11, 12, 9), name="city_202610_again.xlsx")
    marts.build(con, full=True)
    con.close()
    return ["--config", str(ROOT / "config"), "--db", str(db), "--home", str(tmp_path / "home")]


def _invoke(args) -> tuple[int, str]:
    result = CliRunner().invoke(app, args)  # not a terminal: rich would assume 80 columns
    return result.exit_code, result.output


def test_the_help_example_explain_wuyi_fai_works(shipped_world):
    code, out = _invoke([*shipped_world, "explain", "武义", "fai"])
    assert code == 0, out
    assert "武义县 · 固定资产投资（亿元）" in out and "city_202610_again.xlsx" in out
    assert "loaded 2 times with the same numbers: never revised" in out and "revised once" not in out
    assert "unchanged" in out


def test_indicators_match_by_prefix_initials_or_part_and_ambiguity_is_named():
    catalog = load_catalog(ROOT / "config")
    assert indicator_code(catalog, "fai") == "fixed_asset_investment"
    assert indicator_code(catalog, "固定") == "fixed_asset_investment"
    assert indicator_code(catalog, "固投") == "fixed_asset_investment"  # an alias
    with pytest.raises(NameProblem, match="indicator '投资' fits 8 indicators: fixed_asset_investment"):
        indicator_code(catalog, "投资")


def test_show_group_label_is_the_places_own_city_and_names_are_whole(shipped_world):
    code, out = _invoke([*shipped_world, "show", "武义", "--group", "全市"])
    assert code == 0, out
    assert "数字经济核心产业制造业增加值" in out  # one piece: not cut or folded at 80 columns
    assert "全省" not in out and "1/2" in out and "2/2" in out


def test_markup_in_arguments_is_text(shipped_world):
    code, out = _invoke([*shipped_world, "show", "[/]"])
    assert code == 2 and "place '[/]' is not a known place" in out and "Traceback" not in out
    code, out = _invoke([*shipped_world, "explain", "武义", "[bold]x[/]"])
    assert code == 2 and "indicator '[bold]x[/]' is not a known indicator" in out
