"""Readers and layouts on real files written here: XLSX with merged headers, GBK / UTF-8-BOM CSV, Parquet."""

from __future__ import annotations

from datetime import date

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flows.config.catalog import load_catalog
from flows.ingest.layouts import read_long, read_wide
from flows.ingest.readers import ReadError, read_grid
from flows.ingest.resolve import IndicatorResolver, PlaceResolver
from flows.ingest.sources import source_options
from tests.ingest_world import GOOD_ROWS, make_config, wide_grid, write_csv


@pytest.fixture
def world(tmp_path):
    catalog = load_catalog(make_config(tmp_path / "config"))
    sources = {s.code: s for s in source_options(catalog)}
    places = PlaceResolver(catalog, sources["city_csv"].total_names)
    return catalog, sources, places, IndicatorResolver(catalog)


def write_merged_xlsx(path, rows=GOOD_ROWS, title="2026年1-10月金华市各县（市、区）主要经济指标", start_col=1):
    """A bureau table: title merged across, 地区 merged over two header rows, indicator names merged over measures."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "主要指标"
    c = start_col
    ws.cell(1, c, title)
    ws.merge_cells(start_row=1, start_column=c, end_row=1, end_column=c + 5)
    ws.cell(2, c, "地区")
    ws.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
    ws.cell(2, c + 1, "固定资产投资（亿元）")
    ws.merge_cells(start_row=2, start_column=c + 1, end_row=2, end_column=c + 3)
    ws.cell(2, c + 4, "社会消费品零售总额（亿元）")
    ws.merge_cells(start_row=2, start_column=c + 4, end_row=2, end_column=c + 5)
    for offset, label in enumerate(["本年累计", "比上年同期增长(%)", "位次", "本年累计", "增长(%)"], start=1):
        ws.cell(3, c + offset, label)
    for r, row in enumerate(rows, start=4):
        for offset, text in enumerate(row):
            try:
                value = float(text)  # numbers as Excel stores them, the rest as text
            except ValueError:
                value = text or None
            ws.cell(r, c + offset, value)
    ws.cell(4 + len(rows) + 1, c, "注：演示")
    wb.save(path)
    return path


def by_place(layout):
    return {(r.place_text, r.indicator_code): r for r in layout.records}


def test_xlsx_with_title_and_two_row_merged_header(tmp_path, world):
    catalog, sources, places, indicators = world
    path = write_merged_xlsx(tmp_path / "city_202610.xlsx")
    grid = read_grid(path, sources["city_xlsx"])
    assert grid.sheet == "主要指标"
    layout = read_wide(grid, sources["city_xlsx"], path.name, indicators, places.is_total)
    assert layout.messages == []
    assert layout.n_rows == 5
    assert [t.place_text for t in layout.totals] == ["全市", "全市"]
    rec = by_place(layout)[("武义县", "fai")]
    assert rec.period == date(2026, 10, 1)
    assert rec.row == 5
    assert (rec.value.text, rec.growth.text, rec.rank.text) == (120.3, 8.2, 2.0)
    assert rec.value.column == "B (固定资产投资(亿元) 本年累计)"
    assert rec.rank.column == "D (固定资产投资(亿元) 位次)"
    assert rec.unit == "亿元"
    retail = by_place(layout)[("义乌", "retail")]
    assert (retail.value.text, retail.growth.text, retail.rank) == (500.2, 6.0, None)
    assert retail.growth.column == "F (社会消费品零售总额(亿元) 增长(%))"


def test_xlsx_table_not_starting_at_a1_keeps_spreadsheet_coordinates(tmp_path, world):
    catalog, sources, places, indicators = world
    path = write_merged_xlsx(tmp_path / "city_202610.xlsx", start_col=3)
    layout = read_wide(read_grid(path, sources["city_xlsx"]), sources["city_xlsx"], path.name, indicators,
                       places.is_total)
    rec = by_place(layout)[("东阳市", "fai")]
    assert (rec.row, rec.value.column) == (7, "D (固定资产投资(亿元) 本年累计)")


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8", "gb18030"])
def test_csv_encodings_are_detected(tmp_path, world, encoding):
    catalog, sources, places, indicators = world
    path = write_csv(tmp_path / "city_202610.csv", wide_grid(), encoding)
    grid = read_grid(path, sources["city_csv"])
    assert grid.encoding == {"gbk": "gb18030", "gb18030": "gb18030", "utf-8-sig": "utf-8-sig"}.get(encoding, "utf-8")
    layout = read_wide(grid, sources["city_csv"], path.name, indicators, places.is_total)
    assert layout.messages == []
    rec = by_place(layout)[("金义新区", "fai")]
    assert (rec.value.text, rec.growth.text, rec.rank.text, rec.row) == ("180.0", "-1.5", "4", 8)


def test_declared_encoding_that_does_not_fit_is_a_read_error(tmp_path, world):
    catalog, sources, places, indicators = world
    src = sources["city_csv"].model_copy(update={"encoding": "utf-8"})
    path = write_csv(tmp_path / "city_202610.csv", wide_grid(), "gbk")
    with pytest.raises(ReadError) as info:
        read_grid(path, src)
    assert info.value.code == "bad_encoding" and "utf-8" in info.value.text


def test_binary_junk_named_csv_and_broken_xlsx_are_read_errors(tmp_path, world):
    catalog, sources, places, indicators = world
    junk = tmp_path / "city_202610.csv"
    junk.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ReadError) as info:
        read_grid(junk, sources["city_csv"])
    assert info.value.code == "bad_encoding"
    broken = tmp_path / "city_202610.xlsx"
    broken.write_text("this is not a workbook", encoding="utf-8")
    with pytest.raises(ReadError) as info:
        read_grid(broken, sources["city_xlsx"])
    assert info.value.code == "unreadable_file" and "XLSX" in info.value.text


def test_named_sheet_is_read_and_a_missing_one_is_reported(tmp_path, world):
    catalog, sources, places, indicators = world
    path = write_merged_xlsx(tmp_path / "city_202610.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("说明", 0).cell(1, 1, "封面")
    wb.save(path)
    src = sources["city_xlsx"].model_copy(update={"sheet": "主要指标"})
    assert read_grid(path, src).sheet == "主要指标"
    with pytest.raises(ReadError, match="sheet '附表' not found"):
        read_grid(path, src.model_copy(update={"sheet": "附表"}))


def test_long_csv_and_parquet(tmp_path, world):
    catalog, sources, places, indicators = world
    header = ["地区", "指标", "期别", "本年累计", "比上年同期增长(%)"]
    rows = [["武义", "地区生产总值", "2025年前三季度", "250.5", "6.1"],
            ["义乌市", "固投", "2026年1-10月", "１２．３", "－５．２"]]
    csv_path = write_csv(tmp_path / "long_a.csv", [header, *rows], "utf-8-sig")
    pq_path = tmp_path / "long_b.parquet"
    pq.write_table(pa.table({h: [r[i] for r in rows] for i, h in enumerate(header)}), pq_path)
    for path in (csv_path, pq_path):
        layout = read_long(read_grid(path, sources["office_long"]), sources["office_long"], path.name,
                           indicators, places.is_total)
        assert layout.messages == []
        got = [(r.place_text, r.indicator_code, r.period, r.value.text, r.growth.text, r.row) for r in layout.records]
        assert got == [("武义", "gdp", date(2025, 9, 1), "250.5", "6.1", 2),
                       ("义乌市", "fai", date(2026, 10, 1), "１２．３", "－５．２", 3)]


def test_resolve_places_and_suggest(world):
    catalog, sources, places, indicators = world
    assert places.code("武义县") == places.code("武义") == places.code(" 武 义 ") == "wuyi"
    assert places.code("金义新区") == "jindong"
    assert places.is_total("全市") and places.is_total("金华市") and not places.is_total("武义")
    assert places.total_code("全市", {"wuyi", "yiwu"}) == "jh"
    assert places.total_code("全省", {"wuyi", "yiwu"}) == "zj"
    message = places.unknown_message("武义新城")
    assert "武义新城" in message and "武义" in message and "places.yaml" in message
    assert indicators.find("固定资产投资（亿元）").code == "fai"
    assert indicators.find("固投").code == "fai"
    assert indicators.find("工业投资") is None
