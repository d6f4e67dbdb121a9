"""Issue 9 items 2 and 3: a file's period must be one reading, a release that can exist, and inside the
calendar the marts rank. Each bad file is rejected with the exact reason while the good file of the same
run loads whole."""

from __future__ import annotations

import re

from tests.ingest_world import TITLE, codes, ingest, query, wide_grid, write_csv
from tests.trust_world import run_with_good, trust_settings

LONG_HEADER = ["地区", "指标", "期别", "本年累计", "比上年同期增长(%)", "位次"]



def test_title_and_file_name_that_disagree_reject_naming_both(tmp_path):
    s = trust_settings(tmp_path)
    bad = write_csv(s.inbox / "city_202610.csv", wide_grid(title="2026年1-9月金华市各县（市、区）主要经济指标"))
    [result] = run_with_good(s, bad)
    assert result.status == "rejected"
    assert [(m.code, m.row, m.text) for m in result.messages] == [(
        "period_disagrees", 1,
        "title says 2026年1-9月, file name says 2026-10: they disagree; fix the file name or the title")]
    errors = (s.quarantine / "city_202610.csv.errors.txt").read_text(encoding="utf-8")
    assert "error [period_disagrees] row 1: title says 2026年1-9月, file name says 2026-10" in errors
    # nothing of it reached staging: no silent revision of 1-9月 or 1-10月
    assert query(s, "select count(*) from staging.observations where period >= '2026-10-01'") == [(0,)]


def test_a_title_without_year_borrows_it_and_still_must_agree(tmp_path):
    s = trust_settings(tmp_path)
    bad = write_csv(s.inbox / "city_202610.csv", wide_grid(title="1-8月主要经济指标"))
    [result] = run_with_good(s, bad)
    assert [(m.code, m.text) for m in result.messages] == [(
        "period_disagrees", "title says 1-8月, file name says 2026-10: they disagree; fix the file name or the title")]


def test_agreeing_title_and_file_name_load(tmp_path):
    s = trust_settings(tmp_path)
    ok = write_csv(s.inbox / "city_202610.csv", wide_grid(title=TITLE))
    [result] = run_with_good(s, ok)
    assert result.status == "loaded" and result.messages == []


def test_period_column_that_disagrees_with_the_file_name(tmp_path):
    s = trust_settings(tmp_path)
    bad = write_csv(s.inbox / "long_202610.csv", [
        LONG_HEADER,
        ["武义", "固定资产投资", "2026年1-8月", "100", "7", ""],
        ["武义", "固定资产投资", "2026年1-9月", "120", "8", ""],
    ])
    [result] = run_with_good(s, bad)
    assert result.status == "rejected"
    assert [(m.code, m.row, m.column, m.text) for m in result.messages] == [(
        "period_disagrees", 3, "C (期别)",
        "period column C (期别) says 2026-09 (its newest period, row 3), file name says 2026-10: they disagree; "
        "fix the file name or the period column C (期别)")]


def test_a_period_in_the_future_of_the_load_time_is_rejected(tmp_path):
    # calendar_years reach 2100 so that the only reason is the future (the title typo 2062 for 2026)
    s = trust_settings(tmp_path, **{"settings.yaml": "timezone: Asia/Shanghai\ncalendar_years: [2024, 2100]\n"})
    bad = write_csv(s.inbox / "city_206210.csv", wide_grid(title="2062年1-10月金华市各县（市、区）主要经济指标"))
    [result] = run_with_good(s, bad)
    assert result.status == "rejected"
    [message] = result.messages
    assert (message.code, message.row) == ("period_in_future", 1)
    assert re.fullmatch(r"period 2062-10 has not ended at load time 20\d\d-\d\d-\d\d \d\d:\d\d \(it ends 2062-10-31\); "
                        r"no release can carry it: check the year and the months", message.text), message.text
    assert query(s, "select count(*) from staging.observations where period > '2030-01-01'") == [(0,)]


def test_data_outside_calendar_years_is_refused_naming_the_range_to_configure(tmp_path):
    s = trust_settings(tmp_path)  # calendar_years: [2024, 2027]
    history = [LONG_HEADER, ["武义", "固定资产投资", "2022年1-10月", "90", "5", ""],
               ["武义", "固定资产投资", "2023年1-10月", "95", "5.5", ""],
               ["武义", "固定资产投资", "2024年1-10月", "100", "5.3", ""]]
    bad = write_csv(s.inbox / "long_history.csv", history)
    [result] = run_with_good(s, bad)
    assert result.status == "rejected"
    assert [(m.code, m.row, m.column, m.text) for m in result.messages] == [(
        "period_outside_calendar", 2, "C (期别)",
        "period 2022-10 to 2023-10 is outside calendar_years [2024, 2027] (config/settings.yaml), so it would "
        "load and never be ranked; set calendar_years: [2022, 2027] to load it, or fix the period")]
    # configured as the message says, the same file loads in full
    (s.config_dir / "settings.yaml").write_text("timezone: Asia/Shanghai\ncalendar_years: [2022, 2027]\n",
                                                encoding="utf-8")
    again = write_csv(s.inbox / "long_history.csv", history)
    [result] = ingest(s, again)
    assert result.status == "loaded" and result.n_observations == 3
    assert query(s, "select min(year(period)), max(year(period)) from ref.calendar") == [(2022, 2027)]


def test_a_wide_file_before_the_calendar_is_refused(tmp_path):
    s = trust_settings(tmp_path)
    bad = write_csv(s.inbox / "city_202310.csv", wide_grid(title="2023年1-10月金华市各县（市、区）主要经济指标"))
    [result] = run_with_good(s, bad)
    assert codes(result) == [("error", "period_outside_calendar", 1, None)]
    assert "set calendar_years: [2023, 2027] to load it" in result.messages[0].text
