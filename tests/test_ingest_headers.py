"""Issue 19, item 1: every sub-header wording bureaus use loads the same numbers as 本年累计 / 比上年同期增长(%);
a column that cannot be read is reported with its sheet and column; a growth header never yields a level."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flows.ingest import headers
from tests.ingest_world import HEADER_A, ingest, query, settings_for, wide_grid, write_csv

ROOT = Path(__file__).resolve().parents[1]
BASE_B = ["", "本年累计", "比上年同期增长(%)", "位次", "本年累计", "增长(%)"]
OBS = ("select place_code, indicator_code, value, growth_pct, published_rank from staging.observations "
       "where not is_total order by place_code, indicator_code")

GROWTH_WORDINGS = ["±%", "比上年同期±%", "比上年同期增减(%)", "比上年同期增长(%)", "增长%", "增幅(%)", "增速(%)",
                   "同比(%)", "同比±%", "1-10月比上年同期±%", "%", "增长率（%）", "比去年同期增长%"]
LEVEL_WORDINGS = ["本年累计", "累计", "绝对额", "总量", "金额", "1-10月", "本年累计(亿元)", "亿元", "绝对值", "数值"]


def load_with(tmp_path: Path, value_header: str, growth_header: str, name: str = "city_202610.csv"):
    s = settings_for(tmp_path)
    b = [*BASE_B]
    b[1], b[2] = value_header, growth_header
    path = write_csv(s.inbox / name, wide_grid(header_b=b))
    [result] = ingest(s, path)
    return s, result


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    s, result = load_with(tmp_path_factory.mktemp("base"), "本年累计", "比上年同期增长(%)")
    assert result.status == "loaded"
    return query(s, OBS)


@pytest.mark.parametrize("wording", GROWTH_WORDINGS)
def test_every_growth_wording_loads_the_same_numbers(tmp_path, baseline, wording):
    s, result = load_with(tmp_path, "本年累计", wording)
    assert result.status == "loaded" and query(s, OBS) == baseline
    assert not [m for m in result.messages if m.code in ("unknown_measure", "column_unused")]


@pytest.mark.parametrize("wording", LEVEL_WORDINGS)
def test_every_level_wording_loads_the_same_numbers(tmp_path, baseline, wording):
    s, result = load_with(tmp_path, wording, "±%")
    assert result.status == "loaded" and query(s, OBS) == baseline


def test_a_level_in_wan_yuan_is_converted_to_the_indicators_yi_yuan(tmp_path, baseline):
    s = settings_for(tmp_path)
    rows = [[r[0], str(round(float(r[1]) * 10000, 1)), *r[2:]] for r in wide_grid()[3:8]]
    path = write_csv(s.inbox / "city_202610.csv",
                     wide_grid(rows=rows, header_b=["", "绝对额(万元)", "比上年同期±%", "位次", "本年累计", "增长(%)"]))
    [result] = ingest(s, path)
    assert result.status == "loaded"
    assert [(p, i, round(v, 6), g, r) for p, i, v, g, r in query(s, OBS)] == [
        (p, i, round(v, 6), g, r) for p, i, v, g, r in baseline]


def test_a_growth_header_with_a_month_prefix_is_never_a_level(tmp_path):
    """The bug: 1-3月比上年同期±% matched the month label first and stored -2.1 as 亿元."""
    s = settings_for(tmp_path)
    path = write_csv(s.inbox / "city_202610.csv", wide_grid(
        header_b=["", "1-10月比上年同期±%", "", "位次", "本年累计", "增长(%)"],
        rows=[["武义县", "-2.1", "", "1", "80.1", "3.3"]]))
    [result] = ingest(s, path)
    assert query(s, "select value, growth_pct from staging.observations where indicator_code = 'fai'") == [
        (None, -2.1)]
    assert result.status == "loaded"


@pytest.mark.parametrize("header", ["比重(%)", "比上年同期增减(个百分点)", "比上年同期增减(亿元)", "备注"])
def test_a_column_that_cannot_be_read_is_named_never_dropped_in_silence(tmp_path, header):
    s = settings_for(tmp_path)
    a = [*HEADER_A[:4], "", *HEADER_A[4:]]
    b = [*BASE_B[:4], header, *BASE_B[4:]]
    rows = [[*r[:4], "0.5", *r[4:]] for r in wide_grid()[3:8]]
    path = write_csv(s.inbox / "city_202610.csv", wide_grid(rows=rows, header_a=a, header_b=b))
    [result] = ingest(s, path)
    said = [m for m in result.messages if m.code == "unknown_measure"]
    assert len(said) == 1 and said[0].row == 3 and said[0].column.startswith("E (固定资产投资")
    assert header in said[0].text
    # the ledger keeps it with the file, as bipin explain and the errors file show it
    assert query(s, "select m.column_name from raw.file_messages m join raw.files f using (file_id) "
                    "where m.code = 'unknown_measure' and f.file_name = 'city_202610.csv'") == [(said[0].column,)]


def test_two_levels_read_the_year_to_date_one_and_name_the_other(tmp_path, baseline):
    s = settings_for(tmp_path)
    a = [HEADER_A[0], HEADER_A[1], "", "", "", *HEADER_A[4:]]
    b = ["", "本月", "本年累计", "比上年同期±%", "位次", "本年累计", "增长(%)"]
    rows = [[r[0], "9.9", *r[1:]] for r in wide_grid()[3:8]]
    path = write_csv(s.inbox / "city_202610.csv", wide_grid(rows=rows, header_a=a, header_b=b))
    [result] = ingest(s, path)
    assert result.status == "loaded" and query(s, OBS) == baseline
    unused = [m for m in result.messages if m.code == "column_unused"]
    assert [m.column for m in unused] == ["B (固定资产投资(亿元) 本月)"]


def test_classify_reads_the_measure_and_its_scope():
    assert headers.classify("本月") == headers.Measure("value", "month")
    assert headers.classify("1-11月") == headers.Measure("value", "ytd")
    assert headers.classify("1-3月比上年同期±%") == headers.Measure("growth", "ytd")
    assert headers.classify("本月增速(%)") == headers.Measure("growth", "month")
    assert headers.classify("%", "%") == headers.Measure("value", "ytd")  # the level of a rate indicator
    assert headers.classify("万千瓦时") == headers.Measure("value", "ytd")
    assert headers.classify("万吨") == headers.Measure("value", "ytd")
    assert headers.classify("个百分点") is None and headers.classify("比重") is None


def test_the_data_contract_lists_every_wording():
    text = (ROOT / "docs" / "DATA_CONTRACT.md").read_text(encoding="utf-8")
    words = {*headers.GROWTH_WORDS, *headers.LEVEL_WORDS, *headers.MONTH_WORDS, *headers.RANK_WORDS,
             *headers.POINTS_WORDS, *GROWTH_WORDINGS, *LEVEL_WORDINGS}
    missing = sorted(w for w in words if w not in text)
    assert missing == []
    assert re.search(r"1-3月比上年同期±%", text)


def test_a_months_own_figure_is_never_a_year_to_date_value(tmp_path):
    s = settings_for(tmp_path)
    path = write_csv(s.inbox / "city_202610.csv", wide_grid(header_b=["", "本月", "本月增速(%)", "位次", "本年累计", "增长(%)"]))
    [result] = ingest(s, path)
    assert query(s, "select count(*) from staging.observations where indicator_code = 'fai'") == [(0,)]
    assert sorted(m.column for m in result.messages if m.code == "column_unused") == [
        "B (固定资产投资(亿元) 本月)", "C (固定资产投资(亿元) 本月增速(%))"]
