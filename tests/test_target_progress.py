"""marts.target_progress (序时进度) on hand-worked examples: docs/RULES.md "Targets" has the same numbers."""

from __future__ import annotations

from datetime import date

import pytest
from rank_world import Indicator, Loader, at, small_catalog

from flows.config.targets import Target
from flows.rank import marts
from flows.warehouse.db import connect, sync_catalog

INDICATORS = (
    Indicator(code="gdp", name="地区生产总值", unit="亿元", basis="growth"),
    Indicator(code="jobless", name="失业率", unit="%", kind="rate", basis="level", direction="lower",
              jan_feb_combined=False),
    Indicator(code="loans", name="贷款余额", unit="亿元", kind="stock", basis="growth", jan_feb_combined=False),
)


def target(place, indicator, basis, value, unit="%"):
    return Target(year=2025, place_code=place, indicator_code=indicator, basis=basis, target=value, unit=unit,
                  source_note="政府工作报告", is_synthetic=False)


TARGETS = (
    target("aa", "gdp", "growth", 8.0),
    target("bb", "gdp", "level", 1200.0, "亿元"),
    target("cc", "jobless", "level", 4.0),
    target("dd", "jobless", "level", 4.0),
    target("ee", "loans", "growth", 10.0),
    target("aa", "loans", "level", 560.0, "亿元"),
    target("cc", "gdp", "growth", 5.0),
)


@pytest.fixture
def con():
    c = connect(":memory:")
    sync_catalog(c, small_catalog(indicators=INDICATORS), TARGETS)
    loader = Loader(c)
    loader.load([("aa", "gdp", date(2024, 12, 1), 1000.0, 5.0), ("bb", "gdp", date(2024, 12, 1), 1100.0, 5.0),
                 ("ee", "loans", date(2024, 12, 1), 500.0, 9.0), ("aa", "loans", date(2024, 12, 1), 500.0, 9.0)],
                at(2025, 1, 20))
    loader.load([("aa", "gdp", date(2025, 2, 1), 165.0, 10.0), ("cc", "gdp", date(2025, 2, 1), 50.0, 6.0)],
                at(2025, 3, 20))
    loader.load([("cc", "jobless", date(2025, 3, 1), 3.5, None), ("dd", "jobless", date(2025, 3, 1), 4.5, None)],
                at(2025, 4, 20))
    loader.load([("ee", "loans", date(2025, 6, 1), 530.0, 9.0), ("aa", "loans", date(2025, 6, 1), 530.0, 6.0)],
                at(2025, 7, 20))
    loader.load([("aa", "gdp", date(2025, 10, 1), 848.0, 6.0), ("bb", "gdp", date(2025, 10, 1), 1020.0, 2.0)],
                at(2025, 11, 20))
    loader.load([("aa", "gdp", date(2025, 12, 1), 1090.0, 9.0)], at(2026, 1, 20))
    marts.build(c)
    yield c
    c.close()


def progress(con, place, indicator, period) -> dict:
    cur = con.execute("select * from marts.target_progress where place_code = ? and indicator_code = ? and period = ?",
                      [place, indicator, period])
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    assert len(rows) == 1, rows
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in zip(names, rows[0], strict=True)}


def test_growth_target_in_jan_feb_counts_two_months_and_needs_the_rest_of_the_year(con):
    row = progress(con, "aa", "gdp", date(2025, 2, 1))
    # 1-2月 is one period standing for two months: 2 / 12
    assert row["time_progress"] == 16.6667 and row["period_label"] == "2025年1-2月"
    assert (row["target"], row["metric"], row["gap"], row["on_track"]) == (8.0, 10.0, 2.0, True)
    # year needs 1000 x 1.08 = 1080; last year's 1-2月 = 165 / 1.10 = 150; rest last year 850:
    # (1080 - 165) / 850 - 1 = 7.65%
    assert row["needed_rest_of_year"] == 7.6471 and row["needed_reason"] is None


def test_growth_target_behind_in_october(con):
    row = progress(con, "aa", "gdp", date(2025, 10, 1))
    assert (row["time_progress"], row["gap"], row["on_track"]) == (83.3333, -2.0, False)
    # last year's 1-10月 = 848 / 1.06 = 800, its Nov-Dec 200; (1080 - 848) / 200 - 1 = 16%
    assert row["needed_rest_of_year"] == 16.0


def test_december_has_nothing_left_to_need(con):
    row = progress(con, "aa", "gdp", date(2025, 12, 1))
    assert (row["on_track"], row["needed_rest_of_year"], row["needed_reason"]) == (True, None, "year_complete")


def test_level_target_of_a_cumulative_indicator_compares_with_time(con):
    row = progress(con, "bb", "gdp", date(2025, 10, 1))
    # 1020 of 1200 = 85% of the year's target after 83.3% of the year
    assert (row["metric"], row["value_progress"], row["on_track"], row["gap"]) == (1020.0, 85.0, True, -180.0)
    # last year's 1-10月 = 1020 / 1.02 = 1000 of 1100; (1200 - 1020) / 100 - 1 = 80%
    assert row["needed_rest_of_year"] == 80.0


def test_lower_is_better_rate_target(con):
    cc = progress(con, "cc", "jobless", date(2025, 3, 1))
    dd = progress(con, "dd", "jobless", date(2025, 3, 1))
    assert (cc["metric"], cc["gap"], cc["on_track"]) == (3.5, 0.5, True)
    assert (dd["metric"], dd["gap"], dd["on_track"]) == (4.5, -0.5, False)
    assert cc["time_progress"] == 25.0 and cc["period_label"] == "2025年3月"
    assert (cc["needed_rest_of_year"], cc["needed_reason"]) == (None, "not_cumulative")


def test_stock_targets_compare_balances_with_last_december(con):
    growth = progress(con, "ee", "loans", date(2025, 6, 1))
    # growth target 10% on the year-end balance: 500 x 1.1 = 550; from 530 the balance must still grow 3.77%
    assert (growth["metric"], growth["gap"], growth["on_track"]) == (9.0, -1.0, False)
    assert growth["needed_rest_of_year"] == round((550 / 530 - 1) * 100, 4)
    level = progress(con, "aa", "loans", date(2025, 6, 1))
    # level target 560: 30 of the planned 60 over last December's 500 = 50%, at half the year
    assert (level["value_progress"], level["time_progress"], level["on_track"]) == (50.0, 50.0, True)
    assert level["needed_rest_of_year"] == round((560 / 530 - 1) * 100, 4)


def test_without_last_years_total_the_reason_is_given(con):
    row = progress(con, "cc", "gdp", date(2025, 2, 1))
    assert (row["on_track"], row["needed_rest_of_year"], row["needed_reason"]) == (True, None, "no_last_year_total")


def test_only_targeted_series_in_the_targets_year_have_rows(con):
    places = con.execute("select distinct place_code || '/' || indicator_code || '/' || year(period)"
                         " from marts.target_progress order by 1").fetchall()
    assert [p[0] for p in places] == ["aa/gdp/2025", "aa/loans/2025", "bb/gdp/2025", "cc/gdp/2025",
                                      "cc/jobless/2025", "dd/jobless/2025", "ee/loans/2025"]
