"""Demo data: the files the contract names, their layouts and encodings, determinism, and the story."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from flows.cli.app import app
from flows.demo import story
from flows.demo.inbox import BAD_PLACE, BAD_VALUE, last_complete_month, write_demo_inbox
from tests.conftest import ROOT

UNTIL = date(2026, 10, 1)
JINHUA = {"wucheng", "jindong", "lanxi", "dongyang", "yiwu", "yongkang", "pujiang", "wuyi", "panan"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from flows.config.catalog import load_catalog

    catalog = load_catalog(ROOT / "config")
    out = tmp_path_factory.mktemp("inbox")
    summary, panel = write_demo_inbox(catalog, out, UNTIL)
    return catalog, summary, panel


def _rows(path, encoding="gbk"):
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding))))


def _sheet_rows(path):
    return list(openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True))


def _city_xlsx_column(path, header: str, offset: int) -> dict[str, object]:
    """Place label -> cell under the indicator whose row-2 header is `header` (offset 0 value, 1 growth)."""
    rows = _sheet_rows(path)
    col = rows[1].index(header) + offset
    return {row[0]: row[col] for row in rows[3:] if row[0] and not str(row[0]).startswith("注")}


def test_files_are_the_ones_the_contract_names(demo):
    _, summary, _ = demo
    names = {p.name for p in summary.files}
    assert summary.monthly_periods == 31 and summary.quarterly_periods == 11
    assert (summary.first_period, summary.last_period) == (date(2024, 2, 1), date(2026, 10, 1))
    assert "synthetic_jinhua_wide_202402.xlsx" in names and "synthetic_jinhua_wide_202610.xlsx" in names
    assert "synthetic_jinhua_wide_202401.xlsx" not in names  # January is only published inside 1-2月
    assert "synthetic_zhejiang_wide_202512.csv" in names
    assert {n for n in names if "long" in n} == {f"synthetic_zhejiang_long_{y}Q{q}.csv"
                                                 for y, q in [(2024, 1), (2024, 2), (2024, 3), (2024, 4), (2025, 1),
                                                              (2025, 2), (2025, 3), (2025, 4), (2026, 1), (2026, 2), (2026, 3)]}
    assert "synthetic_jinhua_wide_202607_revised.xlsx" in names
    assert "synthetic_zhejiang_wide_202610_bad.csv" in names
    assert len(names) == 31 * 2 + 11 + 2
    assert all(n.startswith("synthetic_") for n in names)


def test_two_runs_write_identical_files(demo, tmp_path):
    catalog, first, _ = demo
    second, _ = write_demo_inbox(catalog, tmp_path, UNTIL)
    assert [p.name for p in second.files] == [p.name for p in first.files]
    for a, b in zip(first.files, second.files, strict=True):
        if a.suffix == ".csv":
            assert a.read_bytes() == b.read_bytes(), a.name
    for name in ("synthetic_jinhua_wide_202402.xlsx", "synthetic_jinhua_wide_202607_revised.xlsx"):
        assert _sheet_rows(first.out_dir / name) == _sheet_rows(tmp_path / name)


def test_city_xlsx_has_title_row_and_merged_two_row_headers(demo):
    _, summary, _ = demo
    path = summary.out_dir / "synthetic_jinhua_wide_202610.xlsx"
    sheet = openpyxl.load_workbook(path).active
    merged = {str(r) for r in sheet.merged_cells.ranges}
    last_col = openpyxl.utils.get_column_letter(sheet.max_column)
    assert f"A1:{last_col}1" in merged        # title across the table
    assert "A2:A3" in merged                  # 地区 over both header rows
    assert "B2:D2" in merged                  # first indicator over value, growth, 位次
    assert sheet["A1"].value == "2026年1-10月金华市各县（市、区）主要经济指标（合成演示数据）"
    assert (sheet["A2"].value, sheet["B2"].value) == ("地区", "规上工业增加值（亿元）")
    assert [sheet.cell(3, c).value for c in (2, 3, 4)] == ["本年累计", "比上年同期增长(%)", "位次"]
    labels = [sheet.cell(r, 1).value for r in range(4, 14)]
    assert labels == ["全市", "婺城区", "金义新区", "兰溪市", "东阳市", "义乌市", "永康市", "浦江县", "武义县", "磐安县"]
    assert sheet.cell(14, 1).value is None and sheet.cell(15, 1).value.startswith("注")
    loss = next(c for c in range(2, sheet.max_column + 1) if sheet.cell(2, c).value == "规上工业企业亏损面（%）")
    assert [sheet.cell(3, loss + i).value for i in (0, 1)] == ["绝对值", "位次"]  # a rate has no growth column


def test_city_table_printed_jindong_before_the_renaming(demo):
    _, summary, _ = demo
    rows = _sheet_rows(summary.out_dir / "synthetic_jinhua_wide_202412.xlsx")
    assert rows[5][0] == "金东区"


def test_province_csv_is_gbk_with_two_header_rows(demo):
    _, summary, _ = demo
    path = summary.out_dir / "synthetic_zhejiang_wide_202610.csv"
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    rows = _rows(path)
    assert rows[0][0] == "2026年1-10月浙江省各县（市、区）主要经济指标（合成演示数据）"
    assert rows[1][:4] == ["地区", "规上工业增加值", "", "规上工业总产值"]
    assert rows[2][:3] == ["", "累计", "增长(%)"]
    assert "一般公共预算收入（万元）" in rows[1]
    data = rows[3:-2]
    assert len(data) == 81 and data[0][0] == "上城区" and "天台县" in [r[0] for r in data]
    assert not {"武义县", "义乌市"} & {r[0] for r in data}
    assert rows[-1][0].startswith("注")


def test_province_csv_prints_budget_revenue_in_wan_yuan(demo):
    catalog, summary, panel = demo
    rows = _rows(summary.out_dir / "synthetic_zhejiang_wide_202610.csv")
    col = rows[1].index("一般公共预算收入（万元）")
    tiantai = next(r for r in rows if r[0] == "天台县")
    obs = panel.observations
    value = obs[(obs.place_code == "tiantai") & (obs.indicator_code == "budget_revenue") & (obs.period == UNTIL)]
    assert float(tiantai[col]) == pytest.approx(value["value"].iloc[0] * 10000)


def test_quarterly_long_csv_has_bom_and_one_row_per_place_and_indicator(demo):
    _, summary, _ = demo
    path = summary.out_dir / "synthetic_zhejiang_long_2026Q3.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = _rows(path, "utf-8-sig")
    assert rows[0] == ["地区", "指标", "期别", "本年累计", "比上年同期增长(%)"]
    assert len(rows) == 1 + 90 * 3
    assert {r[2] for r in rows[1:]} == {"2026年前三季度"}
    assert ["武义县", "地区生产总值"] in [r[:2] for r in rows]


def test_ytd_values_rise_within_each_year(demo):
    catalog, _, panel = demo
    ytd = [i.code for i in catalog.indicators if i.kind == "ytd"]
    obs = panel.observations[panel.observations.indicator_code.isin(ytd)].dropna(subset=["value"]).copy()
    obs["year"] = [p.year for p in obs.period]
    obs = obs.sort_values(["place_code", "indicator_code", "period"])
    step = obs.groupby(["place_code", "indicator_code", "year"])["value"].diff().dropna()
    assert len(step) > 50_000 and (step > 0).all()
    wuyi_fai = obs[(obs.place_code == "wuyi") & (obs.indicator_code == "fixed_asset_investment") & (obs.year == 2025)]
    assert wuyi_fai["value"].is_monotonic_increasing and len(wuyi_fai) == 11


def test_growth_rates_are_a_few_percent(demo):
    _, _, panel = demo
    growth = panel.observations.query("indicator_code == 'retail_sales'")["growth_pct"]
    assert growth.between(-10, 20).all() and 2 < growth.median() < 8


def test_wuyi_fai_growth_is_in_jinhua_top_three_in_every_period(demo):
    """Read back from the XLSX files and rank with pandas, as a reader of the tables would."""
    _, summary, panel = demo
    rows = []
    for period in panel.monthly_periods:
        cells = _city_xlsx_column(summary.out_dir / f"synthetic_jinhua_wide_{period:%Y%m}.xlsx", "固定资产投资（亿元）", 1)
        # full-width digits (１０．６) read as a reader of the table would
        rows += [(period, label, float(unicodedata.normalize("NFKC", str(value))))
                 for label, value in cells.items() if label != "全市"]
    frame = pd.DataFrame(rows, columns=["period", "place", "growth"])
    frame["rank"] = frame.groupby("period")["growth"].rank(method="min", ascending=False)
    wuyi = frame[frame.place == "武义县"]
    assert len(wuyi) == 31 == frame.period.nunique()
    assert (frame.groupby("period").size() == 9).all()
    assert (wuyi["rank"] <= 3).all(), wuyi


def test_wuyi_is_in_jinhua_top_three_on_12_to_18_monthly_indicators(demo):
    catalog, _, panel = demo
    monthly = {i.code: i for i in catalog.indicators if i.frequency == "monthly"}
    obs = panel.observations[panel.observations.place_code.isin(JINHUA)
                             & panel.observations.indicator_code.isin(monthly)].copy()
    obs["metric"] = [v if monthly[c].basis == "level" else g
                     for c, v, g in zip(obs.indicator_code, obs.value, obs.growth_pct, strict=True)]
    obs["sign"] = [1 if monthly[c].direction == "lower" else -1 for c in obs.indicator_code]
    obs["rank"] = (obs.metric * obs.sign).groupby([obs.indicator_code, obs.period]).rank(method="min")
    counts = obs[(obs.place_code == "wuyi") & (obs["rank"] <= 3)].groupby("period").size()
    assert len(counts) == 31
    assert counts.between(12, 18).all(), counts


def test_wuyi_overtakes_tiantai_in_the_last_months(demo):
    catalog, _, panel = demo
    obs = panel.observations.set_index(["place_code", "indicator_code", "period"])
    periods = panel.monthly_periods
    for code, last_n in story.OVERTAKES.items():
        indicator = catalog.indicator(code)
        column = "value" if indicator.basis == "level" else "growth_pct"
        sign = -1 if indicator.direction == "lower" else 1

        def wuyi_ahead(period, code=code, column=column, sign=sign):
            return sign * obs.loc[("wuyi", code, period), column] > sign * obs.loc[("tiantai", code, period), column]

        assert all(wuyi_ahead(p) for p in periods[-last_n:]), code
        assert not any(wuyi_ahead(p) for p in periods[:-last_n]), code


def test_revision_changes_a_few_cells_including_wuyi(demo):
    _, summary, _ = demo
    original = _sheet_rows(summary.out_dir / "synthetic_jinhua_wide_202607.xlsx")
    revised = _sheet_rows(summary.out_dir / "synthetic_jinhua_wide_202607_revised.xlsx")
    assert revised[0][0] == original[0][0] + "（修订）"
    measures = original[2]
    changed = {(o_row[0], original[1][_block_start(original[1], c)], measures[c])
               for o_row, r_row in zip(original[3:], revised[3:], strict=True)
               for c, (a, b) in enumerate(zip(o_row, r_row, strict=True))
               if a != b and o_row[0] != "全市" and measures[c] != "位次"}  # ranks and totals follow the data
    assert changed == {(place, indicator, measure)
                       for place, indicator in [("武义县", "规上工业总产值（亿元）"), ("义乌市", "出口总额（亿元）"),
                                                ("磐安县", "全社会用电量（万千瓦时）")]
                       for measure in ("本年累计", "比上年同期增长(%)")}


def _block_start(header_row, col):
    """Column of the merged indicator name that covers `col`."""
    while header_row[col] is None:
        col -= 1
    return col


def test_bad_file_has_an_unknown_place_and_a_non_numeric_cell(demo):
    _, summary, _ = demo
    rows = _rows(summary.bad_file)
    assert summary.bad_file.name == "synthetic_zhejiang_wide_202610_bad.csv"
    assert BAD_PLACE in [r[0] for r in rows]
    assert rows[3][1] == BAD_VALUE


def test_default_until_is_the_last_complete_month():
    assert last_complete_month(date(2026, 11, 26)) == date(2026, 10, 1)
    assert last_complete_month(date(2027, 1, 5)) == date(2026, 12, 1)


def test_demo_data_command_writes_the_inbox(tmp_path):
    result = CliRunner().invoke(app, ["--config", str(ROOT / "config"), "demo-data", "--until", "2024-06",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted([*(f"synthetic_jinhua_wide_2024{m:02d}.xlsx" for m in range(2, 7)),
                            *(f"synthetic_zhejiang_wide_2024{m:02d}.csv" for m in range(2, 7)),
                            "synthetic_zhejiang_long_2024Q1.csv", "synthetic_zhejiang_long_2024Q2.csv",
                            "synthetic_jinhua_wide_202403_revised.xlsx", "synthetic_zhejiang_wide_202406_bad.csv"])
    assert "2024年1-6月" in result.output


@pytest.mark.parametrize("until", ["2026-13", "October", "2023-12"])
def test_demo_data_command_rejects_a_bad_until(tmp_path, until):
    result = CliRunner().invoke(app, ["--config", str(ROOT / "config"), "demo-data", "--until", until,
                                      "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "--until" in result.output and "Traceback" not in result.output
    assert not list(tmp_path.iterdir())


def test_a_later_until_keeps_the_earlier_numbers(demo):
    """Monthly runs append periods; only Tiantai's story cells move with the overtaking window."""
    from flows.demo.generate import generate

    catalog, _, panel = demo
    earlier = generate(catalog, date(2025, 6, 1)).observations
    both = earlier.merge(panel.observations, on=["place_code", "indicator_code", "period"], suffixes=("_a", "_b"))
    assert len(both) == len(earlier)
    same = ((both.value_a == both.value_b) | (both.value_a.isna() & both.value_b.isna())) & (
        (both.growth_pct_a == both.growth_pct_b) | (both.growth_pct_a.isna() & both.growth_pct_b.isna()))
    moved = both[~same]
    assert set(moved.place_code) == {"tiantai"}
    assert set(moved.indicator_code) <= set(story.OVERTAKES)


def test_wuyi_gdp_growth_is_mid_table_in_the_province_and_fourth_in_the_city(demo):
    """The seed's quarterly headline: GDP增长…，增速全省第22位、全市第4位 (give or take two in the province)."""
    _, _, panel = demo
    gdp = panel.observations[panel.observations.indicator_code == "gdp"].copy()
    gdp["province"] = gdp.groupby("period")["growth_pct"].rank(method="min", ascending=False)
    city = gdp[gdp.place_code.isin(JINHUA)].copy()
    city["city"] = city.groupby("period")["growth_pct"].rank(method="min", ascending=False)
    wuyi = city[city.place_code == "wuyi"]
    assert len(wuyi) == 11
    assert wuyi["province"].between(story.STANDING_PROVINCE_RANK - 3, story.STANDING_PROVINCE_RANK + 3).all(), wuyi
    assert (wuyi["city"] == story.STANDING_CITY_RANK).all(), wuyi


def test_no_place_is_last_on_everything(demo):
    """An ordinary county elsewhere: nobody is last of the province in more than a tenth of its rankings."""
    catalog, _, panel = demo
    lower = {i.code for i in catalog.indicators if i.direction == "lower"}
    obs = panel.observations.dropna(subset=["value"]).copy()
    obs["metric"] = obs.growth_pct.where(obs.growth_pct.notna(), obs.value)
    obs["metric"] = obs.metric.where(~obs.indicator_code.isin(lower), -obs.metric)
    obs["last"] = obs.groupby(["indicator_code", "period"])["metric"].transform("min") == obs.metric
    share = obs.groupby("place_code")["last"].mean()
    assert share.max() < 0.1, share.sort_values().tail(3)
