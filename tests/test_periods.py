from datetime import date

import pytest

from flows.core.periods import Period, PeriodError, calendar_rows, parse_period


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026年1-10月", Period(2026, 10, 1)),
        ("2026年1-2月", Period(2026, 2, 1)),
        ("２０２６年１－１０月", Period(2026, 10, 1)),
        ("2026-10", Period(2026, 10, 10)),
        ("2026年10月", Period(2026, 10, 10)),
        ("2020-07-01", Period(2020, 7, 7)),
        ("2026年一季度", Period(2026, 3, 1)),
        ("2025年前三季度", Period(2025, 9, 1)),
        ("202510", Period(2025, 10, 10)),
    ],
)
def test_parse_period_reads_bureau_labels(text, expected):
    assert parse_period(text) == expected


def test_parse_period_uses_default_year_for_bare_range():
    assert parse_period("1-2月", default_year=2026) == Period(2026, 2, 1)


@pytest.mark.parametrize("text", ["", "十月", "2026年13月", "2026年5-3月", "1-2月"])
def test_parse_period_rejects_unreadable(text):
    with pytest.raises(PeriodError):
        parse_period(text)


def test_period_date_and_labels():
    p = Period(2026, 2, 1)
    assert p.date == date(2026, 2, 1)
    assert p.label() == "2026年1-2月"
    assert p.short_label() == "1-2月"
    assert Period(2026, 9, 1).label("quarterly") == "2026年前三季度"
    assert Period(2020, 7, 7).label("monthly") == "2020年7月"


def test_jan_feb_calendar_runs_december_into_1_2():
    rows = [r for r in calendar_rows(2024, 2025) if r[0] == "monthly_jf"]
    by_date = {r[1]: r for r in rows}
    dec, jf = by_date[date(2024, 12, 1)], by_date[date(2025, 2, 1)]
    assert jf[2] == dec[2] + 1          # consecutive seq across the year boundary
    assert jf[3] == 2 and dec[3] == 1   # 1-2月 stands for two months
    assert date(2025, 1, 1) not in by_date
    assert len(rows) == 22
