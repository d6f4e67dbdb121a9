"""Issue 19, items 2 and 3: coverage counts a member only when its ranked value is present (a slice with
nothing ranked is never published); a published 位次 belongs to the group it was published for, and a
disagreement is judged only when the file holds that whole group. Real ingest, real marts build."""

from __future__ import annotations

from datetime import date

import pytest

from flows.config.catalog import CatalogError, load_catalog
from flows.ingest.sources import source_options
from flows.rank import marts
from flows.warehouse.db import connect
from tests.ingest_world import CATALOG, ingest, query, settings_for, write_csv

PLACES = CATALOG["places.yaml"] + """
  - {code: ls, name: 丽水市, short_name: 丽水, parent: zj, level: city}
  - {code: jingning, name: 景宁县, short_name: 景宁, parent: ls, level: county}
  - {code: qingtian, name: 青田县, short_name: 青田, parent: ls, level: county}
"""
GROUPS = """
groups:
  - {code: jinhua, name: 金华市各县, label: 全市, members_with_parent: jh}
  - {code: zhejiang, name: 全省各县, label: 全省, members_all_counties: true}
  - code: shanqu
    name: 山区县
    label: 山区3县
    members: [{place: wuyi}, {place: jingning}, {place: qingtian}]
"""
SOURCES = CATALOG["sources.yaml"] + """
  - {code: shanqu_csv, pattern: "shanqu_*.csv", layout: wide, format: csv, rank_group: shanqu}
"""
TITLE = "2026年1-10月各县（市、区）主要经济指标"
A = ["地区", "固定资产投资（亿元）", "", ""]
B = ["", "本年累计", "比上年同期增长(%)", "位次"]
OCT = date(2026, 10, 1)


def world(tmp_path):
    return settings_for(tmp_path, **{"places.yaml": PLACES, "groups.yaml": GROUPS, "sources.yaml": SOURCES})


def table(rows, b=None):
    return [[TITLE], A, b or B, *rows]


def build(s):
    con = connect(s.db_path)
    try:
        marts.build(con, full=True)
    finally:
        con.close()


def published(s, group: str) -> dict:
    return dict(query(s, "select place_code, published_rank from marts.rankings where group_code = ? "
                         "and indicator_code = 'fai' and period = ?", [group, OCT]))


def test_a_city_files_rank_is_shown_in_the_city_group_only(tmp_path):
    s = world(tmp_path)
    path = write_csv(s.inbox / "city_202610.csv", table([
        ["武义县", "120.3", "8.2", "2"], ["义乌", "400.0", "9.1", "1"], ["东阳市", "300.2", "3.0", "3"],
        ["金东区", "180.0", "-1.5", "4"]]))
    [result] = ingest(s, path)
    assert result.status == "loaded" and not [m for m in result.messages if m.code.startswith("rank_")]
    assert query(s, "select distinct rank_group_code from staging.observations where published_rank is not null"
                 ) == [("jinhua",)]
    build(s)
    assert published(s, "jinhua") == {"wuyi": 2, "yiwu": 1, "dongyang": 3, "jindong": 4}
    # the province ranks the same counties among six: the city's 位次 has no place there
    assert published(s, "zhejiang") == {"wuyi": None, "yiwu": None, "dongyang": None, "jindong": None}
    assert published(s, "shanqu") == {"wuyi": None}


def test_a_file_covering_part_of_its_group_is_not_judged_against_itself(tmp_path):
    """2 of the 3 mountain counties, printed with their 位次 among the 3: among the 2 they rank 1 and 2."""
    s = world(tmp_path)
    path = write_csv(s.inbox / "shanqu_202610.csv", table([["武义县", "120.3", "8.2", "3"], ["景宁县", "50.0", "9.0", "1"]]))
    [result] = ingest(s, path)
    assert result.status == "loaded"
    assert [m.code for m in result.messages if m.code == "rank_disagrees"] == []
    assert set(query(s, "select place_code, rank_group_code from staging.observations")) == {
        ("wuyi", "shanqu"), ("jingning", "shanqu")}
    build(s)
    assert published(s, "shanqu") == {"wuyi": 3, "jingning": 1}
    assert published(s, "jinhua") == {"wuyi": None}
    assert query(s, "select count(*) from marts.rank_disagreements") == [(0,)]


def test_a_file_covering_its_whole_group_is_judged(tmp_path):
    s = world(tmp_path)
    path = write_csv(s.inbox / "shanqu_202610.csv", table([
        ["武义县", "120.3", "8.2", "3"], ["景宁县", "50.0", "9.0", "1"], ["青田县", "60.0", "8.5", "1"]]))
    [result] = ingest(s, path)
    said = [(m.code, m.row) for m in result.messages if m.code == "rank_disagrees"]
    assert said == [("rank_disagrees", 6)]  # 青田 8.5 is second of three, printed 1
    assert "published rank 1 but the file's data ranks it 2 of 3" in next(
        m.text for m in result.messages if m.code == "rank_disagrees")


def test_the_group_is_inferred_from_the_places_and_the_largest_rank(tmp_path):
    """Four 金华 counties with 位次 up to 6 cannot rank among 金华's four: the province's six it is."""
    s = world(tmp_path)
    path = write_csv(s.inbox / "city_202610.csv", table([
        ["武义县", "120.3", "8.2", "2"], ["义乌", "400.0", "9.1", "1"], ["东阳市", "300.2", "3.0", "5"],
        ["金东区", "180.0", "-1.5", "6"]]))
    [result] = ingest(s, path)
    assert query(s, "select distinct rank_group_code from staging.observations where published_rank is not null"
                 ) == [("zhejiang",)]
    assert [m.code for m in result.messages if m.code == "rank_disagrees"] == []  # 4 of 6: not judged


def test_ranks_no_group_can_hold_are_kept_and_shown_nowhere(tmp_path):
    s = world(tmp_path)
    path = write_csv(s.inbox / "city_202610.csv", table([["武义县", "120.3", "8.2", "9"], ["义乌", "400.0", "9.1", "1"]]))
    [result] = ingest(s, path)
    assert result.status == "loaded"
    assert [m.code for m in result.messages if m.code == "rank_group_unknown"] == ["rank_group_unknown"]
    assert query(s, "select place_code, published_rank, rank_group_code from staging.observations order by 1") == [
        ("wuyi", 9, None), ("yiwu", 1, None)]
    build(s)
    assert published(s, "jinhua") == {"wuyi": None, "yiwu": None}


def test_a_slice_without_its_ranked_value_is_not_reported_nor_published(tmp_path):
    """The bug: levels only (the growth column unread) were '4 of 4 reported, 0 ranked' and published."""
    s = world(tmp_path)
    path = write_csv(s.inbox / "city_202610.csv", table(
        [["武义县", "120.3"], ["义乌", "400.0"], ["东阳市", "300.2"], ["金东区", "180.0"]],
        b=["", "本年累计", "", ""]))
    [result] = ingest(s, path)
    assert result.status == "loaded"
    build(s)
    assert query(s, "select n_members, n_reported, n_ranked, is_complete from marts.periods "
                    "where group_code = 'jinhua' and indicator_code = 'fai'") == [(4, 0, 0, False)]
    assert query(s, "select count(*) from mart_store.published_periods") == [(0,)]


def test_coverage_counts_members_whose_ranked_value_is_present(tmp_path):
    s = world(tmp_path)
    path = write_csv(s.inbox / "city_202610.csv", table(
        [["武义县", "120.3", "8.2", ""], ["义乌", "400.0", "9.1", ""], ["东阳市", "300.2", "—", ""],
         ["金东区", "180.0", "-1.5", ""]]))
    ingest(s, path)
    build(s)
    assert query(s, "select n_members, n_reported, n_ranked, is_complete from marts.periods "
                    "where group_code = 'jinhua' and indicator_code = 'fai'") == [(4, 3, 3, False)]


def test_a_misspelt_rank_group_is_a_config_error_with_a_suggestion(tmp_path):
    s = settings_for(tmp_path, **{"places.yaml": PLACES, "groups.yaml": GROUPS,
                                  "sources.yaml": SOURCES.replace("rank_group: shanqu", "rank_group: shanq")})
    with pytest.raises(CatalogError) as caught:
        source_options(load_catalog(s.config_dir))
    assert "rank_group 'shanq' is not a group code" in str(caught.value) and "did you mean 'shanqu'?" in str(caught.value)
