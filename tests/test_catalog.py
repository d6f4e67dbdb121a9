"""The shipped catalog (config/) and the test catalog of California counties: content and error reporting."""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest
from typer.testing import CliRunner

from flows.cli.app import app
from flows.config.catalog import Catalog, CatalogError, load_catalog
from tests.conftest import FIXTURES, ROOT

# Issue 2's list of Zhejiang's 90 county-level division codes.
ZHEJIANG_DIVISION_CODES = set("""
330102 330105 330106 330108 330109 330110 330111 330112 330113 330114 330122 330127 330182
330203 330205 330206 330211 330212 330213 330225 330226 330281 330282
330302 330303 330304 330305 330324 330326 330327 330328 330329 330381 330382 330383
330402 330411 330421 330424 330481 330482 330483
330502 330503 330521 330522 330523
330602 330603 330604 330624 330681 330683
330702 330703 330723 330726 330727 330781 330782 330783 330784
330802 330803 330822 330824 330825 330881
330902 330903 330921 330922
331002 331003 331004 331022 331023 331024 331081 331082 331083
331102 331121 331122 331123 331124 331125 331126 331127 331181
""".split())


def members_on(catalog: Catalog, group_code: str, day: date) -> set[str]:
    """Places whose membership spell covers `day` (valid_from inclusive, valid_to exclusive)."""
    return {m.place for m in catalog.memberships(catalog.group(group_code))
            if m.valid_from <= day and (m.valid_to is None or day < m.valid_to)}


def test_shipped_catalog_has_90_counties_with_their_division_codes(shipped_catalog):
    counties = [p for p in shipped_catalog.places if p.level == "county"]
    assert len(counties) == 90
    assert {p.division_code for p in counties} == ZHEJIANG_DIVISION_CODES
    spot = {"wuyi": ("330723", "武义县", "武义", "jinhua"), "jingning": ("331127", "景宁畲族自治县", "景宁", "lishui"),
            "longgang": ("330383", "龙港市", "龙港", "wenzhou"), "qiantang": ("330114", "钱塘区", "钱塘", "hangzhou"),
            "shengsi": ("330922", "嵊泗县", "嵊泗", "zhoushan"), "jindong": ("330703", "金东区", "金东", "jinhua")}
    for code, (division, name, short, parent) in spot.items():
        place = shipped_catalog.place(code)
        assert (place.division_code, place.name, place.short_name, place.parent) == (division, name, short, parent)
    for p in counties:  # a county's code starts with its city's four digits
        assert p.division_code[:4] == shipped_catalog.place(p.parent).division_code[:4], p.code


def test_shipped_catalog_has_11_cities_under_the_province(shipped_catalog):
    cities = [p for p in shipped_catalog.places if p.level == "city"]
    assert len(cities) == 11
    assert {p.parent for p in cities} == {"zhejiang"}
    assert shipped_catalog.place("zhejiang").level == "province"
    assert shipped_catalog.place("jinhua").name == "金华市"


def test_jinhua_group_has_its_nine_counties(shipped_catalog):
    assert members_on(shipped_catalog, "city_jinhua", date(2026, 10, 31)) == {
        "wucheng", "jindong", "lanxi", "dongyang", "yiwu", "yongkang", "pujiang", "wuyi", "panan"}
    group = shipped_catalog.group("city_jinhua")
    assert (group.label, group.first_tier_size, group.scoring.method) == ("全市", 3, "rank_points")


@pytest.mark.parametrize(
    ("day", "count", "members", "not_members"),
    [
        (date(2024, 7, 31), 26, {"pingyang", "kecheng", "liandu", "yongjia", "wuyi"}, {"dongtou", "shengsi"}),
        (date(2024, 8, 1), 25, {"dongtou", "shengsi", "yongjia", "cangnan", "jiangshan"}, {"pingyang", "kecheng", "liandu"}),
        (date(2025, 5, 27), 25, {"yongjia", "cangnan", "jiangshan", "dongtou"}, {"pingyang"}),
        (date(2025, 6, 1), 22, {"wuyi", "tiantai", "panan", "jingning", "dongtou", "shengsi"},
         {"yongjia", "cangnan", "jiangshan", "pingyang", "kecheng", "liandu"}),
    ],
)
def test_mountain_counties_membership_follows_the_dated_changes(shipped_catalog, day, count, members, not_members):
    current = members_on(shipped_catalog, "mountain26", day)
    assert len(current) == count
    assert members <= current
    assert not (not_members & current)


def test_province_group_has_every_county_and_scoring_weights(shipped_catalog):
    assert len(members_on(shipped_catalog, "province", date(2025, 1, 31))) == 90
    mountain = shipped_catalog.group("mountain26")
    assert (mountain.label, mountain.scoring.method) == ("山区26县", "zscore")
    assert mountain.scoring.weights["fixed_asset_investment"] == 2.0


def test_aliases_resolve_the_names_tables_print(shipped_catalog):
    names = shipped_catalog.alias_map()
    assert names["金义新区"] == "jindong"
    assert names["金东区"] == "jindong"
    assert names["武义"] == names["武义县"] == "wuyi"
    assert names["景宁县"] == names["景宁畲族自治县"] == "jingning"
    assert names["龙港"] == "longgang"
    assert names["金华"] == names["金华市"] == "jinhua"
    assert "全市" not in names and "全省" not in names  # total rows are kept apart, never resolved to a place


def test_indicator_catalogue(shipped_catalog):
    monthly = [i for i in shipped_catalog.indicators if i.frequency == "monthly"]
    assert len(monthly) >= 32
    assert all(i.jan_feb_combined and i.calendar == "monthly_jf" for i in monthly)
    loss = shipped_catalog.indicator("industrial_loss_share")
    assert (loss.name, loss.unit, loss.kind, loss.basis, loss.direction) == ("规上工业企业亏损面", "%", "rate", "level", "lower")
    assert shipped_catalog.indicator("deposits").kind == "stock"
    gdp = shipped_catalog.indicator("gdp")
    assert (gdp.name, gdp.calendar, gdp.is_key) == ("地区生产总值", "quarterly", True)
    names = {i.name for i in shipped_catalog.indicators}
    for printed in ("规上工业增加值", "固定资产投资", "社会消费品零售总额", "全社会用电量", "规上服务业营业收入",
                    "城镇常住居民人均可支配收入", "农村常住居民人均可支配收入"):
        assert printed in names


def test_benchmarks_and_settings(shipped_catalog):
    (wuyi,) = shipped_catalog.benchmarks
    assert (wuyi.focus, wuyi.learn_from, wuyi.learn_from_group, wuyi.overtake, wuyi.overtake_group) == (
        "wuyi", "yiwu", "city_jinhua", "tiantai", "mountain26")
    assert shipped_catalog.settings["timezone"] == "Asia/Shanghai"
    assert shipped_catalog.settings["calendar_years"] == [2000, 2030]


def test_us_catalog_has_58_california_counties():
    us = load_catalog(FIXTURES / "us_catalog")
    counties = [p for p in us.places if p.level == "county"]
    assert len(counties) == 58
    assert us.place("contra_costa").name == "Contra Costa County"
    assert us.alias_map()["San Francisco County"] == "san_francisco"
    assert len(members_on(us, "california", date(2020, 7, 31))) == 58
    assert members_on(us, "bay_area", date(2020, 7, 31)) == {
        "alameda", "contra_costa", "marin", "napa", "san_francisco", "san_mateo", "santa_clara", "solano", "sonoma"}
    rate = us.indicator("unemployment_rate")
    assert (rate.direction, rate.basis, rate.calendar) == ("lower", "level", "monthly")


# -- error reporting ------------------------------------------------------------------------------------------

@pytest.fixture
def broken_config(tmp_path):
    """A copy of config/ and a function that replaces one exact text in one of its files."""
    target = tmp_path / "config"
    shutil.copytree(ROOT / "config", target)

    def breaking(file_name: str, old: str, new: str):
        path = target / file_name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"test setup: {old!r} must occur once in {file_name}"
        path.write_text(text.replace(old, new), encoding="utf-8")
        return target

    return breaking


@pytest.mark.parametrize(
    ("file_name", "old", "new", "expected"),
    [
        ("places.yaml", 'division_code: "330723", parent: jinhua', 'division_code: "330723", parent: jinhau',
         r"places\.yaml: place wuyi: parent 'jinhau' is not a place code"),
        ("groups.yaml", "{place: pingyang, valid_to: 2024-08-01}", "{place: pingyang, valid_to: 2024-13-01}",
         r"groups\.yaml: groups\[11\] \(code=mountain26\)\.members\[2\]\.valid_to: .*date"),
        ("groups.yaml", "{place: dongtou, valid_from: 2024-08-01}", "{place: dongtou, valid_from: 2024-08-01, valid_to: 2024-01-01}",
         r"groups\.yaml: groups\[11\] \(code=mountain26\)\.members\[26\]: .*valid_to 2024-01-01 must be after"),
        ("indicators.yaml", "{code: imports, name: 进口总额, unit: 亿元, ", "{code: imports, name: 进口总额, ",
         r"indicators\.yaml: indicators\[23\] \(code=imports\)\.unit: Field required"),
        ("groups.yaml", "first_tier_size: 9", "first_tier_size: nine",
         r"groups\.yaml: groups\[11\] \(code=mountain26\)\.first_tier_size: .*integer"),
        ("places.yaml", "aliases: [景宁县, 景宁畲族县]", "aliases: [景宁县, 武义]",
         r"places\.yaml: name '武义' is used by both wuyi and jingning"),
        ("groups.yaml", "first_tier_size: 9", "first_tier_size: 9\n    min_coverage: 1.5",
         r"groups\.yaml: groups\[11\] \(code=mountain26\)\.min_coverage: .*less than or equal to 1"),
    ],
    ids=["unknown parent", "bad valid_to", "valid_to before valid_from", "missing key", "wrong type", "duplicate alias",
         "coverage above 1"],
)
def test_broken_config_names_file_and_entry(broken_config, file_name, old, new, expected):
    folder = broken_config(file_name, old, new)
    with pytest.raises(CatalogError) as caught:
        load_catalog(folder)
    message = str(caught.value)
    assert re.search(expected, message), message
    assert str(folder / file_name) in message or file_name in message
    assert "Traceback" not in message


def test_catalog_check_prints_summary():
    result = CliRunner().invoke(app, ["--config", str(ROOT / "config"), "catalog", "check"])
    assert result.exit_code == 0, result.output
    assert "county 90" in result.output and "city 11" in result.output
    assert "group mountain26" in result.output and "catalog OK" in result.output


def test_catalog_check_exits_2_with_error_for_broken_config(broken_config):
    folder = broken_config("places.yaml", 'division_code: "330723", parent: jinhua', 'division_code: "330723", parent: jinhau')
    result = CliRunner().invoke(app, ["--config", str(folder), "catalog", "check"])
    assert result.exit_code == 2
    output = "".join(result.output.split())  # rich may wrap long lines; compare without whitespace
    assert "error:" in output and "places.yaml:placewuyi:parent'jinhau'isnotaplacecode" in output
    assert "Traceback" not in result.output and "catalogOK" not in output
