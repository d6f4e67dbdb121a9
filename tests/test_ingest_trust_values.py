"""Issue 9 items 5 and 6: implausible values are flagged (or rejected) with row and column, never inf or
NaN in staging; a missing indicator block is a warning naming the last file that had it. The good file of
the same run always loads whole."""

from __future__ import annotations

import math

import pyarrow as pa
import pyarrow.parquet as pq

from flows.brief.content.digest import warning_lines
from tests.ingest_world import CATALOG, TITLE, ingest, query, wide_grid, write_csv
from tests.test_ingest_rules import rows_with
from tests.trust_world import messages_of, run_with_good, trust_settings

SEP_TITLE = "2026年1-9月金华市各县（市、区）主要经济指标"



def flags(settings) -> list[tuple]:
    return query(settings, "select place_code, indicator_code, period::varchar, value, growth_pct from "
                           "staging.observations_current where quality_flag = 'implausible' order by all")


def test_a_huge_level_against_the_place_history_is_flagged_not_ranked(tmp_path):
    s = trust_settings(tmp_path)
    sep = write_csv(s.inbox / "city_202609.csv", wide_grid(title=SEP_TITLE))
    # 武义 固定资产投资 typed as 1e308; 义乌's printed in 元 under a 亿元 header (4e10 for 400)
    oct_ = write_csv(s.inbox / "city_202610.csv", wide_grid(rows_with({(1, 1): "1e308", (2, 1): "40000000000"})))
    _, result = run_with_good(s, sep, oct_)
    assert result.status == "loaded"
    tail = "; loaded but flagged implausible and left unranked: check the digits and the unit"
    assert [(m.severity, m.code, m.row, m.column, m.text) for m in result.messages] == [
        ("warning", "implausible_value", 5, "B (固定资产投资(亿元) 本年累计)",
         "武义 / 固定资产投资 / 2026-10: value 1e+308 is beyond +-1e+15, which no statistic reaches" + tail),
        ("warning", "implausible_value", 6, "B (固定资产投资(亿元) 本年累计)",
         "义乌 / 固定资产投资 / 2026-10: value 4e+10 is more than 100 times the place's largest other value of the "
         "indicator (400 亿元)" + tail)]
    assert flags(s) == [("wuyi", "fai", "2026-10-01", 1e308, 8.2), ("yiwu", "fai", "2026-10-01", 4e10, 9.1)]
    # every other observation of the file loaded unflagged
    assert query(s, "select count(*), count(quality_flag) from staging.observations_current "
                    "where period = '2026-10-01'") == [(10, 2)]
    assert messages_of(s, "city_202610.csv")[0][1] == "implausible_value"


def test_an_outlier_among_the_place_own_periods_of_one_file_is_flagged(tmp_path):
    s = trust_settings(tmp_path)  # no history: the rest of the file is the place's history
    header = ["地区", "指标", "期别", "本年累计", "比上年同期增长(%)", "位次"]
    history = write_csv(s.inbox / "long_wuyi.csv", [header, ["武义", "社会消费品零售总额", "2025年1-10月", "70", "3", ""],
                                                     ["武义", "社会消费品零售总额", "2025年1-11月", "7700000", "3", ""],
                                                     ["武义", "社会消费品零售总额", "2025年1-12月", "85", "3", ""]])
    [result] = run_with_good(s, history)
    assert [(m.code, m.row, m.column) for m in result.messages] == [
        ("implausible_value", 3, "D (本年累计)"), ("ytd_decreased", 4, "D (本年累计)")]  # 85 after 7,700,000
    assert "more than 100 times the place's largest other value of the indicator (85 亿元)" in result.messages[0].text
    assert flags(s) == [("wuyi", "retail", "2025-11-01", 7700000.0, 3.0)]


def test_impossible_growth_is_flagged_with_its_column(tmp_path):
    s = trust_settings(tmp_path)
    bad = write_csv(s.inbox / "city_202610.csv", wide_grid(rows_with({(3, 5): "-130.5"})))  # 东阳 零售 增长
    [result] = run_with_good(s, bad)
    assert result.status == "loaded"
    implausible = [(m.row, m.column, m.text) for m in result.messages if m.code == "implausible_value"]
    assert implausible == [(7, "F (社会消费品零售总额(亿元) 增长(%))",
                            "东阳 / 社会消费品零售总额 / 2026-10: growth -130.5% is outside the plausible -100% .. "
                            "1000%; loaded but flagged implausible and left unranked: check the digits and the unit")]
    assert flags(s) == [("dongyang", "retail", "2026-10-01", 200.0, -130.5)]


def test_catalog_limits_and_reject_mode(tmp_path):
    indicators = CATALOG["indicators.yaml"].replace(
        "{code: loss, name: 规上工业企业亏损面, unit: \"%\", kind: rate, basis: level, direction: lower}",
        "{code: loss, name: 规上工业企业亏损面, unit: \"%\", kind: rate, basis: level, direction: lower,\n"
        "     plausible_min: 0, plausible_max: 100, implausible: reject}")
    s = trust_settings(tmp_path, **{"indicators.yaml": indicators})
    header_a = ["地区", "规上工业企业亏损面（%）"]
    header_b = ["", "绝对值"]
    rows = [["武义县", "12.5"], ["义乌", "130"], ["东阳市", "-2"]]
    bad = write_csv(s.inbox / "city_202610.csv", wide_grid(rows, header_a=header_a, header_b=header_b))
    [result] = run_with_good(s, bad)
    assert result.status == "rejected"
    assert [(m.severity, m.row, m.column, m.text) for m in result.messages] == [
        ("error", 5, "B (规上工业企业亏损面(%) 绝对值)",
         "义乌 / 规上工业企业亏损面 / 2026-10: value 130 is above the plausible maximum 100 %; fix the cell "
         "(indicators.yaml sets loss to reject implausible values)"),
        ("error", 6, "B (规上工业企业亏损面(%) 绝对值)",
         "东阳 / 规上工业企业亏损面 / 2026-10: value -2 is below the plausible minimum 0 %; fix the cell "
         "(indicators.yaml sets loss to reject implausible values)")]
    assert query(s, "select count(*) from staging.observations where indicator_code = 'loss'") == [(0,)]


def test_non_finite_numbers_never_reach_staging(tmp_path):
    s = trust_settings(tmp_path)
    text = write_csv(s.inbox / "city_202610.csv", wide_grid(rows_with({(2, 1): "inf", (3, 2): "-Infinity"})))
    table = pa.table({"地区": ["武义", "义乌"], "指标": ["固定资产投资"] * 2, "期别": ["2026年1-10月"] * 2,
                      "本年累计": [math.inf, 5.0], "比上年同期增长(%)": [1.0, -math.inf]})
    s.inbox.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, s.inbox / "long_numbers.parquet")
    csv_result, parquet_result = run_with_good(s, text, s.inbox / "long_numbers.parquet")
    assert [(m.code, m.row, m.column, m.text) for m in csv_result.messages] == [
        ("not_numeric", 6, "B (固定资产投资(亿元) 本年累计)", "'inf' is not a finite number"),
        ("not_numeric", 7, "C (固定资产投资(亿元) 比上年同期增长(%))", "'-Infinity' is not a finite number")]
    assert [(m.code, m.row, m.column, m.text) for m in parquet_result.messages] == [
        ("not_numeric", 2, "D (本年累计)", "inf is not a finite number"),
        ("not_numeric", 3, "E (比上年同期增长(%))", "-inf is not a finite number")]
    assert (csv_result.status, parquet_result.status) == ("rejected", "rejected")
    assert query(s, "select count(*) from staging.observations where not isfinite(value) "
                    "or not isfinite(growth_pct)") == [(0,)]


def test_a_missing_indicator_block_warns_naming_the_last_file_that_had_it(tmp_path):
    s = trust_settings(tmp_path)
    sep = write_csv(s.inbox / "city_202609.csv", wide_grid(title=SEP_TITLE))
    header_a, header_b = ["地区", "社会消费品零售总额（亿元）", ""], ["", "本年累计", "增长(%)"]
    rows = [[r[0], r[4], r[5]] for r in wide_grid()[3:8]]
    oct_ = write_csv(s.inbox / "city_202610.csv", wide_grid(rows, header_a=header_a, header_b=header_b))
    _, result = run_with_good(s, sep, oct_)
    assert result.status == "loaded" and result.n_observations == 5
    expected = ("warning", "indicator_missing", None, None,
                "固定资产投资 (fai) was in this source's previous file city_202609.csv but is missing here; check "
                "whether the table lost a block of columns or the publisher dropped the indicator")
    assert messages_of(s, "city_202610.csv") == [expected]
    # the operators' digest lists the ledger's warnings: this one is among them
    rows = query(s, "select f.file_name, m.* from raw.file_messages m join raw.files f using (file_id)")
    names = ["file_name", "file_id", "severity", "code", "sheet", "row_number", "column_name", "message"]
    assert any(line.startswith("缺少上一期文件中有的指标") and
               "固定资产投资 (fai) was in this source's previous file city_202609.csv" in line
               for line in warning_lines([dict(zip(names, r, strict=True)) for r in rows]))


def test_a_missing_block_is_found_across_runs_too(tmp_path):
    s = trust_settings(tmp_path)
    ingest(s, write_csv(s.inbox / "city_202609.csv", wide_grid(title=SEP_TITLE)))
    header_a, header_b = ["地区", "固定资产投资（亿元）", ""], ["", "本年累计", "增长(%)"]
    rows = [r[:3] for r in wide_grid()[3:8]]
    [result] = run_with_good(s, write_csv(s.inbox / "city_202610.csv", wide_grid(rows, title=TITLE, header_a=header_a,
                                                                        header_b=header_b)))
    assert [(m.code, m.text.split(" was ")[0]) for m in result.messages] == [
        ("indicator_missing", "社会消费品零售总额 (retail)")]
