"""The run's memory (flows/ingest/memory.py) answers the warehouse checks exactly as their SQL does.

The same inboxes are ingested twice, once as shipped and once with the memory refusing every check
(so each file runs sql/staging/ytd_decreases, missing_places and count_revisions); the ledger, the
messages and staging must come out the same. The inboxes hold what those checks find inside one run:
year-to-date decreases against an earlier file and within one file, a place dropped since the source's
previous file, revisions of values, growth and ranks, a rejected file in between; then a second run
against what the first one stored (the SQL path in both).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.ingest.memory import RunMemory
from tests.ingest_world import GOOD_ROWS, codes, ingest, query, settings_for, wide_grid, write_csv

SEP = "2026年1-9月金华市各县（市、区）主要经济指标"


def rows_with(changes: dict[tuple[int, int], str], drop: tuple[int, ...] = ()) -> list[list[str]]:
    rows = [list(r) for r in GOOD_ROWS]
    for (r, c), text in changes.items():
        rows[r][c] = text
    return [row for i, row in enumerate(rows) if i not in drop]


def first_inbox(inbox: Path) -> None:
    write_csv(inbox / "city_202609.csv", wide_grid(rows_with({(1, 1): "130.0", (2, 4): "510"}), title=SEP))
    # 东阳 dropped (ranks re-numbered), 武义's fai and 义乌's retail below September's
    write_csv(inbox / "city_202610.csv", wide_grid(rows_with({(4, 3): "3"}, drop=(3,))))
    write_csv(inbox / "city_202610_bad.csv", wide_grid(rows_with({(2, 2): "待核"})))
    # a re-issue: 武义's growth and rank, 义乌's rank changed, 东阳 back
    write_csv(inbox / "city_202610_revised.csv",
              wide_grid(rows_with({(1, 2): "9.5", (1, 3): "1", (2, 3): "2"})))
    # two periods in one file: August above September for 武义 (same-file comparison), 东阳 only in August
    write_csv(inbox / "long_2026.csv", [
        ["地区", "指标", "期别", "本年累计", "比上年同期增长(%)", "位次"],
        ["武义", "社会消费品零售总额", "2026年1-8月", "90", "3", ""],
        ["武义", "社会消费品零售总额", "2026年1-9月", "85", "3", ""],
        ["东阳", "社会消费品零售总额", "2026年1-8月", "150", "2", ""],
        ["义乌", "固定资产投资", "2026年1-9月", "390", "9", ""],
    ])


def second_inbox(inbox: Path) -> None:
    write_csv(inbox / "city_202610_again.csv", wide_grid(rows_with({(2, 1): "350.0"}, drop=(4,))))
    write_csv(inbox / "long_2026b.csv", [
        ["地区", "指标", "期别", "本年累计", "比上年同期增长(%)", "位次"],
        ["武义", "社会消费品零售总额", "2026年1-10月", "70", "3", ""],
    ])


def outcome(settings) -> dict:
    return {
        "files": query(settings, "select file_id, file_name, source_code, status, periods, n_rows, n_observations, "
                                 "n_revised, n_warnings, n_errors, duplicate_of from raw.files order by file_id"),
        "messages": query(settings, "select file_id, severity, code, sheet, row_number, column_name, message "
                                    "from raw.file_messages order by all"),
        "staging": query(settings, "select * exclude (loaded_at) from staging.observations order by all"),
    }


def run_both_ways(tmp_path, monkeypatch, sql_only: bool) -> tuple[dict, list]:
    if sql_only:
        monkeypatch.setattr(RunMemory, "knows_periods", lambda self, periods: False)
        monkeypatch.setattr(RunMemory, "knows_source", lambda self, source_code: False)
    s = settings_for(tmp_path / ("sql" if sql_only else "memory"))
    first_inbox(s.inbox)
    results = ingest(s)
    second_inbox(s.inbox)
    results += ingest(s)
    monkeypatch.undo()
    return outcome(s), [(r.file_name, r.status, r.n_revised, codes(r)) for r in results]


def test_memory_and_sql_give_the_same_ledger_messages_and_staging(tmp_path, monkeypatch):
    with_memory, results = run_both_ways(tmp_path, monkeypatch, sql_only=False)
    with_sql, sql_results = run_both_ways(tmp_path, monkeypatch, sql_only=True)
    assert results == sql_results
    assert with_memory == with_sql
    # the inboxes do hold what the checks look for
    found = {code for _, _, code, *_ in with_memory["messages"]}
    assert {"ytd_decreased", "place_missing", "not_numeric"} <= found and "unknown_indicator" not in found
    assert any("for 2026-08" in m[-1] for m in with_memory["messages"])  # compared within the long file
    assert sum(f[7] for f in with_memory["files"]) > 0  # revisions counted
    by_name = {name: (status, revised, found) for name, status, revised, found in results}
    assert by_name["city_202610_revised.csv"][1] == 3  # 武义 growth and rank, 义乌 and 金东 rank


@pytest.mark.parametrize("limit", [0, 8])
def test_a_full_memory_hands_the_checks_back_to_sql(tmp_path, monkeypatch, limit):
    monkeypatch.setattr("flows.ingest.memory.MAX_KEYS", limit)
    s = settings_for(tmp_path / "small")
    first_inbox(s.inbox)
    results = ingest(s)
    monkeypatch.undo()
    reference, ref_results = run_both_ways(tmp_path, monkeypatch, sql_only=True)
    second_inbox(s.inbox)
    results += ingest(s)
    assert [(r.file_name, r.status, r.n_revised, codes(r)) for r in results] == ref_results
    assert outcome(s) == reference


def test_a_first_load_into_an_empty_warehouse_runs_no_check_query(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the run's memory should have answered")

    monkeypatch.setattr("flows.ingest.rules.ytd_decreases", refuse)
    monkeypatch.setattr("flows.ingest.rules.missing_places", refuse)
    s = settings_for(tmp_path)
    first_inbox(s.inbox)
    assert [r.status for r in ingest(s)] == ["loaded", "loaded", "rejected", "loaded", "loaded"]
    assert query(s, "select sum(n_revised) from raw.files") == [(5,)]
