"""Issue 19, item 4: annual tables (全年, 年度, a title with only a year, 统计公报) load as the year's 1-12月,
configurable per source (annual: reject)."""

from __future__ import annotations

import pytest

from tests.ingest_world import CATALOG, ingest, query, settings_for, wide_grid, write_csv

SOURCES = CATALOG["sources.yaml"] + """
  - {code: strict_csv, pattern: "strict_*.csv", layout: wide, format: csv, annual: reject}
  - code: yearly_long
    pattern: "yearly_*.csv"
    layout: long
    columns: {place: 地区, indicator: 指标, period: 年份, value: 数值, growth: 增长(%)}
"""
ROWS = [["武义县", "1403.2", "8.1", "", "900", "4.0"], ["义乌", "2055.0", "6.0", "", "500", "6.0"]]


def periods(s) -> list[tuple]:
    return query(s, "select distinct period::varchar from staging.observations")


@pytest.mark.parametrize("title", ["2025年各县（市、区）主要经济指标", "2025年度各县主要经济指标",
                                   "2025年全年各县主要经济指标", "金华市2025年国民经济和社会发展统计公报 附表"])
def test_an_annual_title_loads_as_the_years_1_to_12(tmp_path, title):
    s = settings_for(tmp_path, **{"sources.yaml": SOURCES})
    path = write_csv(s.inbox / "city_gongbao.csv", wide_grid(rows=ROWS, title=title))
    [result] = ingest(s, path)
    assert result.status == "loaded" and periods(s) == [("2025-12-01",)]


def test_a_year_only_title_defers_to_the_months_in_the_file_name(tmp_path):
    s = settings_for(tmp_path, **{"sources.yaml": SOURCES})
    path = write_csv(s.inbox / "city_202510.csv", wide_grid(rows=ROWS, title="2025年各县主要经济指标"))
    [result] = ingest(s, path)
    assert result.status == "loaded" and periods(s) == [("2025-10-01",)]


def test_a_source_can_refuse_annual_tables(tmp_path):
    s = settings_for(tmp_path, **{"sources.yaml": SOURCES})
    path = write_csv(s.inbox / "strict_gongbao.csv", wide_grid(rows=ROWS, title="2025年各县主要经济指标"))
    [result] = ingest(s, path)
    assert result.status == "rejected" and [m.code for m in result.messages] == ["bad_period"]


def test_a_period_column_of_years_loads_as_1_to_12(tmp_path):
    s = settings_for(tmp_path, **{"sources.yaml": SOURCES})
    path = write_csv(s.inbox / "yearly_gdp.csv", [
        ["地区", "指标", "年份", "数值", "增长(%)"],
        ["武义", "地区生产总值", "2024年", "300.1", "6.1"], ["义乌", "地区生产总值", "2025", "2100", "5.2"],
        ["东阳", "地区生产总值", "2025年度", "800", "4.0"]])
    [result] = ingest(s, path)
    assert result.status == "loaded"
    assert query(s, "select place_code, period::varchar from staging.observations order by 1") == [
        ("dongyang", "2025-12-01"), ("wuyi", "2024-12-01"), ("yiwu", "2025-12-01")]

