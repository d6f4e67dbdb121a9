"""Every reject rule (file to quarantine with an errors file) and every warn rule (loaded, kept in the ledger)."""

from __future__ import annotations

import copy

import openpyxl

from tests.ingest_world import GOOD_ROWS, codes, ingest, query, settings_for, wide_grid, write_csv


def rows_with(changes: dict[tuple[int, int], str], drop: tuple[int, ...] = ()) -> list[list[str]]:
    rows = copy.deepcopy(GOOD_ROWS)
    for (r, c), text in changes.items():
        rows[r][c] = text
    return [row for i, row in enumerate(rows) if i not in drop]


def rejected(settings, path, *expected_codes):
    [result] = ingest(settings, path)
    assert result.status == "rejected", result.messages
    assert {c for _, c, _, _ in codes(result)} >= set(expected_codes)
    quarantined = settings.quarantine / path.name
    assert quarantined.exists() and not path.exists()  # moved out of the inbox
    errors = (settings.quarantine / f"{path.name}.errors.txt").read_text(encoding="utf-8")
    assert query(settings, "select count(*) from staging.observations") == [(0,)]
    assert query(settings, "select status, n_errors from raw.files") == [("rejected", result.n_errors)]
    return result, errors


# -- reject ---------------------------------------------------------------------------------------------

def test_unknown_place_names_row_and_suggests(tmp_path):
    s = settings_for(tmp_path)
    path = write_csv(s.inbox / "city_202610.csv", wide_grid(rows_with({(1, 0): "武义新城"})))
    result, errors = rejected(s, path, "unknown_place")
    assert codes(result) == [("error", "unknown_place", 5, None)]
    assert "row 5" in errors and "unknown place '武义新城'" in errors and "closest known names: 武义" in errors


def test_duplicate_place_indicator_period_in_one_file(tmp_path):
    s = settings_for(tmp_path)
    rows = [*GOOD_ROWS, ["武义", "1", "1", "", "1", "1"]]  # 武义 = 武义县 already on row 5
    path = write_csv(s.inbox / "city_202610.csv", wide_grid(rows))
    result, errors = rejected(s, path, "duplicate_observation")
    assert ("error", "duplicate_observation", 9, None) in codes(result)
    assert "rows 5 and 9" in errors


def test_non_numeric_value_names_row_and_column(tmp_path):
    s = settings_for(tmp_path)
    path = write_csv(s.inbox / "city_202610.csv", wide_grid(rows_with({(2, 2): "待核", (3, 4): "约300"})))
    result, errors = rejected(s, path, "not_numeric")
    assert codes(result) == [("error", "not_numeric", 6, "C (固定资产投资(亿元) 比上年同期增长(%))"),
                             ("error", "not_numeric", 7, "E (社会消费品零售总额(亿元) 本年累计)")]
    assert "row 6, column C (固定资产投资(亿元) 比上年同期增长(%)): '待核' is not a number" in errors


def test_missing_markers_load_as_null_not_zero(tmp_path):
    s = settings_for(tmp_path)
    path = write_csv(s.inbox / "city_202610.csv", wide_grid(rows_with({(1, 1): "—", (1, 2): "…", (2, 4): "空"})))
    [result] = ingest(s, path)
    assert result.status == "loaded"
    got = query(s, "select place_code, indicator_code, value, growth_pct, raw_value from staging.observations "
                   "where (place_code = 'wuyi' and indicator_code = 'fai') or (place_code = 'yiwu' and indicator_code = 'retail')"
                   " order by place_code")
    assert got == [("wuyi", "fai", None, None, "—"), ("yiwu", "retail", None, 6.0, "空")]


def test_unparseable_period_in_title_and_name(tmp_path):
    s = settings_for(tmp_path)
    path = write_csv(s.inbox / "city_latest.csv", wide_grid(title="金华市各县主要经济指标"))
    result, errors = rejected(s, path, "bad_period")
    assert "no period found in title '金华市各县主要经济指标' or file name 'city_latest.csv'" in errors


def test_unparseable_period_cell_in_long_file(tmp_path):
    s = settings_for(tmp_path)
    rows = [["地区", "指标", "期别", "本年累计", "比上年同期增长(%)"],
            ["武义", "固定资产投资", "2026年1-10月", "120", "8"],
            ["义乌", "固定资产投资", "上个月", "400", "9"]]
    path = write_csv(s.inbox / "long_x.csv", rows)
    result, errors = rejected(s, path, "bad_period")
    assert codes(result) == [("error", "bad_period", 3, "C (期别)")]
    assert "cannot read period '上个月'" in errors


def test_empty_file_and_header_without_rows(tmp_path):
    s = settings_for(tmp_path)
    empty = s.inbox / "city_202610.csv"
    empty.parent.mkdir(parents=True)
    empty.write_bytes(b"")
    rejected(s, empty, "empty_file")
    s2 = settings_for(tmp_path / "b")
    header_only = write_csv(s2.inbox / "city_202610.csv", wide_grid(rows=[]))
    result, errors = rejected(s2, header_only, "empty_file")
    assert "header but no data rows" in errors


def test_required_columns_missing(tmp_path):
    s = settings_for(tmp_path)
    path = write_csv(s.inbox / "long_x.csv", [["地区", "期别", "本年累计"], ["武义", "2026-10", "1"]])
    result, errors = rejected(s, path, "missing_columns")
    assert "required columns missing: 指标 (the header row has: 地区, 期别, 本年累计)" in errors


def test_file_that_is_not_what_its_name_says(tmp_path):
    s = settings_for(tmp_path)
    fake = s.inbox / "city_202610.xlsx"
    fake.parent.mkdir(parents=True)
    fake.write_text("地区,固定资产投资\n武义,1\n", encoding="utf-8")
    result, errors = rejected(s, fake, "unreadable_file")
    assert "not a readable XLSX workbook" in errors
    s2 = settings_for(tmp_path / "b", **{"sources.yaml": "sources:\n  - {code: c, pattern: 'city_*.csv', "
                                          "layout: wide, encoding: utf-8}\n"})
    gbk = write_csv(s2.inbox / "city_202610.csv", wide_grid(), "gbk")
    result, errors = rejected(s2, gbk, "bad_encoding")
    assert "declares encoding 'utf-8'" in errors


def test_file_no_source_matches(tmp_path):
    s = settings_for(tmp_path)
    path = write_csv(s.inbox / "notes_202610.txt", [["hello"]])
    result, errors = rejected(s, path, "unknown_source")
    assert "city_csv: city_*.csv" in errors


# -- warn -----------------------------------------------------------------------------------------------

def test_ytd_value_lower_than_previous_period(tmp_path):
    s = settings_for(tmp_path)
    sep = write_csv(s.inbox / "city_202609.csv", wide_grid(rows_with({(1, 1): "130.0"}),
                                                           title="2026年1-9月金华市各县（市、区）主要经济指标"))
    oct_ = write_csv(s.inbox / "city_202610.csv", wide_grid())
    first, second = ingest(s, sep, oct_)
    assert first.messages == []
    assert second.status == "loaded"
    assert codes(second) == [("warning", "ytd_decreased", 5, "B (固定资产投资(亿元) 本年累计)")]
    assert "120.3 is lower than 130 for 2026-09" in second.messages[0].text
    assert query(s, "select code, row_number, column_name from raw.file_messages") == \
        [("ytd_decreased", 5, "B (固定资产投资(亿元) 本年累计)")]


def test_growth_outside_plus_minus_100(tmp_path):
    s = settings_for(tmp_path)
    # beyond +-100 % but within the plausible -100 .. 1000 % (below -100 % is implausible_value)
    path = write_csv(s.inbox / "city_202610.csv", wide_grid(rows_with({(3, 5): "130.5"})))
    [result] = ingest(s, path)
    assert result.status == "loaded"
    assert codes(result) == [("warning", "growth_out_of_range", 7, "F (社会消费品零售总额(亿元) 增长(%))")]


def test_place_missing_that_the_source_had_before(tmp_path):
    s = settings_for(tmp_path)
    sep = write_csv(s.inbox / "city_202609.csv", wide_grid(title="2026年1-9月主要经济指标"))
    # 东阳 dropped; ranks re-numbered so only the missing place is reported
    oct_ = write_csv(s.inbox / "city_202610.csv", wide_grid(rows_with({(4, 3): "3"}, drop=(3,))))
    first, second = ingest(s, sep, oct_)
    assert second.status == "loaded"
    assert codes(second) == [("warning", "place_missing", None, None)]
    assert "东阳 (dongyang) was in this source's previous file city_202609.csv" in second.messages[0].text


def test_published_rank_that_disagrees_with_the_data(tmp_path):
    s = settings_for(tmp_path)
    path = write_csv(s.inbox / "city_202610.csv", wide_grid(rows_with({(1, 3): "3", (3, 3): "2"})))
    [result] = ingest(s, path)
    assert result.status == "loaded"
    assert codes(result) == [("warning", "rank_disagrees", 5, "C (固定资产投资(亿元) 比上年同期增长(%))"),
                             ("warning", "rank_disagrees", 7, "C (固定资产投资(亿元) 比上年同期增长(%))")]
    assert "published rank 3 but the file's data ranks it 2 of 4 by growth" in result.messages[0].text
    # the published rank is stored as printed
    assert query(s, "select published_rank from staging.observations where place_code = 'wuyi' "
                    "and indicator_code = 'fai'") == [(3,)]


def test_totals_are_kept_apart_under_the_city_code(tmp_path):
    s = settings_for(tmp_path)
    [result] = ingest(s, write_csv(s.inbox / "city_202610.csv", wide_grid()))
    assert result.n_totals == 2 and result.n_observations == 10
    assert query(s, "select place_code, indicator_code, value, is_total, published_rank from staging.observations "
                    "where is_total order by indicator_code") == [("jh", "fai", 1000.5, True, None),
                                                                  ("jh", "retail", 900.0, True, None)]


def test_units_converted_from_header(tmp_path):
    s = settings_for(tmp_path)
    header_a = ["地区", "固定资产投资（万元）", "", "", "社会消费品零售总额", ""]
    path = write_csv(s.inbox / "city_202610.csv", wide_grid(header_a=header_a))
    ingest(s, path)
    assert query(s, "select indicator_code, value, raw_value from staging.observations where place_code = 'wuyi' "
                    "order by indicator_code") == [("fai", 0.01203, "120.3"), ("retail", 80.1, "80.1")]


def test_xlsx_bad_cell_rejects_with_sheet_row_column(tmp_path):
    from tests.test_ingest_readers import write_merged_xlsx

    s = settings_for(tmp_path)
    s.inbox.mkdir(parents=True)
    path = write_merged_xlsx(s.inbox / "city_202610.xlsx", rows=rows_with({(2, 1): "n/a?"}))
    result, errors = rejected(s, path, "not_numeric")
    assert "sheet 主要指标, row 6, column B (固定资产投资(亿元) 本年累计)" in errors
    assert openpyxl.load_workbook(s.quarantine / "city_202610.xlsx").active.title == "主要指标"
