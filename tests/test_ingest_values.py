"""Cell cleaning, units and periods as files print them."""

from __future__ import annotations

import pytest

from flows.core.periods import Period, PeriodError
from flows.ingest.periods_in_files import (
    PeriodConflict,
    calendar_problem,
    file_period,
    period_in_file_name,
    period_in_text,
)
from flows.ingest.sources import SourceOptions
from flows.ingest.values import NotANumber, parse_number, unit_factor, unit_in_header


@pytest.mark.parametrize(("cell", "expected"), [
    ("１２．３", 12.3),
    ("－５．２", -5.2),
    ("-5.2", -5.2),
    ("+3.0", 3.0),
    ("12.5%", 12.5),
    ("１２％", 12.0),
    ("1,234,567.8", 1234567.8),
    ("１，２３４", 1234.0),
    (" 7 ", 7.0),
    ("−2.5", -2.5),  # U+2212 minus sign
    (42, 42.0),
    (3.25, 3.25),
])
def test_numbers_in_the_forms_tables_print(cell, expected):
    assert parse_number(cell) == pytest.approx(expected)


@pytest.mark.parametrize("marker", ["—", "——", "－", "-", "…", "……", "/", "", "  ", "空", None, float("nan")])
def test_missing_markers_are_none_never_zero(marker):
    assert parse_number(marker) is None


@pytest.mark.parametrize("cell", ["待核", "12.3.4", "abc", "1_000", "inf", "3亿"])
def test_other_text_is_not_a_number(cell):
    with pytest.raises(NotANumber) as info:
        parse_number(cell)
    assert cell in str(info.value)


def test_unit_factors():
    assert unit_factor("万元", "亿元") == pytest.approx(1e-4)
    assert unit_factor("亿元", "万元") == pytest.approx(1e4)
    assert unit_factor("亿元", "亿元") == 1.0
    assert unit_factor(None, "亿元") == 1.0
    assert unit_factor("千瓦时", "万千瓦时") == pytest.approx(1e-4)
    with pytest.raises(ValueError, match="cannot be converted"):
        unit_factor("万千瓦时", "亿元")


def test_unit_in_header_reads_full_and_half_width_parentheses():
    assert unit_in_header("固定资产投资（亿元）") == "亿元"
    assert unit_in_header("出口总额(万元)") == "万元"
    assert unit_in_header("比上年同期增长(%)") is None
    assert unit_in_header("位次") is None


def _src(**kw) -> SourceOptions:
    return SourceOptions(code="s", pattern="*", layout="wide", **kw)


def test_period_in_titles():
    assert period_in_text("2026年1-10月各县（市、区）主要经济指标") == Period(2026, 10, 1)
    assert period_in_text("２０２６年１－２月主要指标") == Period(2026, 2, 1)
    assert period_in_text("2025年前三季度各县地区生产总值") == Period(2025, 9, 1)
    assert period_in_text("2026年10月份主要指标") == Period(2026, 10, 10)
    assert period_in_text("各县主要经济指标") is None
    # a title without a year borrows one (from the file name)
    assert period_in_text("1-10月主要指标", default_year=2026) == Period(2026, 10, 1)


def test_period_in_file_names():
    src = _src()
    assert period_in_file_name("synthetic_jinhua_wide_202602.xlsx", src).date.isoformat() == "2026-02-01"
    assert period_in_file_name("synthetic_zhejiang_long_2025Q3.csv", src).date.isoformat() == "2025-09-01"
    assert period_in_file_name("report_2026-10_final.csv", src).date.isoformat() == "2026-10-01"
    assert period_in_file_name("report.csv", src) is None


def test_file_period_uses_title_then_file_name_then_says_where_it_looked():
    src = _src()
    assert file_period("2026年1-10月主要指标", "x_202610.csv", src) == Period(2026, 10, 1)
    assert file_period("主要指标", "x_202609.csv", src).month == 9
    assert file_period("1-9月主要指标", "x_202609.csv", src) == Period(2026, 9, 1)  # year from the name
    # title and file name that disagree are refused, naming both readings (issue 9, item 2)
    with pytest.raises(PeriodConflict, match=r"^title says 2026年1-10月, file name says 2026-09: they disagree; "
                                              r"fix the file name or the title$"):
        file_period("2026年1-10月主要指标", "x_202609.csv", src)
    with pytest.raises(PeriodConflict, match="title says 1-8月, file name says 2026-09"):
        file_period("1-8月主要指标", "x_202609.csv", src)
    with pytest.raises(PeriodError, match="title '主要指标' or file name 'x.csv'"):
        file_period("主要指标", "x.csv", src)
    assert file_period("", "x.csv", _src(period_from=("fixed",), period="2026年1-3月")) == Period(2026, 3, 1)


def test_calendar_problems():
    assert calendar_problem(Period(2026, 1, 1), "monthly_jf") is not None
    assert calendar_problem(Period(2026, 2, 1), "monthly_jf") is None
    assert "month 10" in calendar_problem(Period(2026, 10, 1), "quarterly")
    assert calendar_problem(Period(2026, 1, 1), "monthly") is None
