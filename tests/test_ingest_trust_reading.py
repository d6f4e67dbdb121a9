"""Issue 9 items 7, 8 and 9 (ingest side): a BOM wins over a declared encoding, parenthesised qualifiers
in headers are not units, and preliminary values keep their flag until the final file revises them."""

from __future__ import annotations

import shutil

from flows.ingest.values import strip_units, unit_in_header
from tests.conftest import FIXTURES
from tests.ingest_world import CATALOG, GOOD_ROWS, TITLE, ingest, query, wide_grid, write_csv
from tests.trust_world import run_with_good, trust_settings

OBS = ("select place_code, indicator_code, period::varchar, value, growth_pct, is_preliminary "
       "from staging.observations_current where not is_total order by all")



# -- item 7: encodings --------------------------------------------------------------------------------------

def test_a_utf8_bom_wins_over_a_declared_gb18030(tmp_path):
    s = trust_settings(tmp_path)
    resaved = write_csv(s.inbox / "gb_202610.csv", wide_grid(), encoding="utf-8-sig")  # Excel "CSV UTF-8"
    as_declared = write_csv(s.inbox / "gb_202609.csv", wide_grid(title="2026年1-9月主要经济指标"), encoding="gb18030")
    bom, declared = run_with_good(s, resaved, as_declared)
    assert (bom.status, declared.status) == ("loaded", "loaded"), bom.messages
    assert bom.messages == [] and bom.n_observations == 10
    assert query(s, "select place_code, value from staging.observations o join raw.files f using (file_id) "
                    "where f.file_name = 'gb_202610.csv' and indicator_code = 'fai' order by all") == [
        ("dongyang", 300.2), ("jh", 1000.5), ("jindong", 180.0), ("wuyi", 120.3), ("yiwu", 400.0)]


# -- item 8: header qualifiers ------------------------------------------------------------------------------

def test_only_a_recognised_unit_is_read_as_a_unit():
    assert unit_in_header("固定资产投资（不含农户）（亿元）") == "亿元"
    assert unit_in_header("固定资产投资(不含农户)(万元)") == "万元"
    assert unit_in_header("社会消费品零售总额（限额以上）") is None
    assert unit_in_header("工业销售产值（现价）（含税）") is None
    assert unit_in_header("全社会用电量（万千瓦时）") == "万千瓦时"
    assert unit_in_header("Employed (persons)", frozenset({"persons"})) == "persons"
    assert strip_units("固定资产投资（不含农户）（亿元）") == "固定资产投资(不含农户)"


def test_qualified_headers_match_aliases_and_convert_their_units(tmp_path):
    indicators = CATALOG["indicators.yaml"].replace(
        "{code: retail, name: 社会消费品零售总额, unit: 亿元, kind: ytd, basis: growth}",
        "{code: retail, name: 社会消费品零售总额, unit: 亿元, kind: ytd, basis: growth, aliases: [社零（限额以上）]}")
    s = trust_settings(tmp_path, **{"indicators.yaml": indicators})
    header_a = ["地区", "固定资产投资（不含农户）（亿元）", "", "", "社零(限额以上)(万元)", ""]
    qualified = write_csv(s.inbox / "city_202610.csv", wide_grid(header_a=header_a))
    [result] = run_with_good(s, qualified)
    assert result.status == "loaded" and result.messages == [], result.messages
    assert query(s, "select indicator_code, value from staging.observations_current "
                    "where place_code = 'wuyi' and period = '2026-10-01' order by all") == [
        ("fai", 120.3), ("retail", 80.1 / 1e4)]


# -- item 9: preliminary values -----------------------------------------------------------------------------

def us_settings(tmp_path):
    config = tmp_path / "config"
    shutil.copytree(FIXTURES / "us_catalog", config)
    (config / "sources.yaml").write_text("""
sources:
  - code: laus_counties
    pattern: "laus_*.csv"
    layout: long
    values: monthly
    unit: persons
    units: {unemployment_rate: "%"}
    preliminary_column: preliminary
    columns: {place: county, indicator: series, period: month, value: value}
""", encoding="utf-8")
    from flows.config.settings import load_settings

    return load_settings(config_dir=config, home=tmp_path / "home")


def test_a_preliminary_column_then_the_final_file(tmp_path):
    s = us_settings(tmp_path)
    header = ["county", "series", "month", "value", "preliminary"]
    first = write_csv(s.inbox / "laus_a_prelim.csv", [
        header, ["Alameda County", "unemployment.rate", "2021-09", "5.0", ""],
        ["Alameda County", "unemployment.rate", "2021-10", "5.1", "P"],
        ["Alpine County", "unemployment.rate", "2021-10", "6.0", "true"]])
    final = write_csv(s.inbox / "laus_b_final.csv", [
        header, ["Alameda County", "unemployment.rate", "2021-10", "5.2", ""],
        ["Alpine County", "unemployment.rate", "2021-10", "6.0", "final"]])
    bad = write_csv(s.inbox / "laus_c_bad.csv", [
        header, ["Alameda County", "unemployment.rate", "2021-11", "5.3", "maybe"]])
    results = ingest(s, first, final, bad)
    assert [r.status for r in results] == ["loaded", "loaded", "rejected"]
    assert results[1].n_revised == 1  # Alameda's 5.1 -> 5.2; Alpine's number stands, now final
    assert [(m.code, m.row, m.column, m.text) for m in results[2].messages] == [
        ("bad_flag", 2, "E (preliminary)", "'maybe' is not a preliminary flag (true/yes/1/p/快报 or "
                                           "blank/false/no/0/final)")]
    assert query(s, OBS) == [("alameda", "unemployment_rate", "2021-09-01", 5.0, None, False),
                             ("alameda", "unemployment_rate", "2021-10-01", 5.2, None, False),
                             ("alpine", "unemployment_rate", "2021-10-01", 6.0, None, False)]
    # the first estimates stay in the history, flagged
    assert query(s, "select place_code, value, is_preliminary from staging.observations "
                    "where period = '2021-10-01' order by file_id, place_code") == [
        ("alameda", 5.1, True), ("alpine", 6.0, True), ("alameda", 5.2, False), ("alpine", 6.0, False)]


def test_kuaibao_in_a_title_or_chubushu_in_the_notes_mark_a_wide_file(tmp_path):
    s = trust_settings(tmp_path)
    flash = write_csv(s.inbox / "flash_202610.csv", wide_grid(title=TITLE + "（快报）"))
    notes = wide_grid(title="2026年1-9月主要经济指标")
    notes[-1] = ["注：本表为初步数，以正式发布为准"]
    early = write_csv(s.inbox / "flash_202609.csv", notes)
    final = write_csv(s.inbox / "flash_202610_final.csv",
                      wide_grid([GOOD_ROWS[0], ["武义县", "121.0", "8.4", "2", "80.1", "3.3"], *GOOD_ROWS[2:]]))
    first_two = run_with_good(s, early, flash)
    assert [r.status for r in first_two] == ["loaded", "loaded"]
    assert query(s, "select period::varchar, bool_and(is_preliminary), count(*) from staging.observations "
                    "join raw.files using (file_id) where source_code = 'flash_csv' group by all order by 1") == [
        ("2026-09-01", True, 10), ("2026-10-01", True, 10)]
    [result] = ingest(s, final)
    assert result.status == "loaded" and result.n_revised == 1
    assert query(s, "select value, growth_pct, is_preliminary from staging.observations_current "
                    "where place_code = 'wuyi' and indicator_code = 'fai' and period = '2026-10-01'") == [
        (121.0, 8.4, False)]
    assert query(s, "select count(*) filter (where is_preliminary) from staging.observations_current "
                    "where period = '2026-10-01'") == [(0,)]
