"""The warehouse checks of ingest (rules ytd_decreased and place_missing, the revision count: each written
once, in sql/staging/) across the files of one run and against what an earlier run stored.

The inboxes hold what those checks find: year-to-date decreases against an earlier file of the same run
and within one file, a place dropped since the source's previous file, revisions of values, growth and
ranks, a rejected file in between; then a second run against what the first one stored.
"""

from __future__ import annotations

from pathlib import Path

from ingest_world import GOOD_ROWS, codes, ingest, query, settings_for, wide_grid, write_csv

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


def test_the_checks_find_what_the_files_of_one_run_and_the_next_hold(tmp_path):
    s = settings_for(tmp_path)
    first_inbox(s.inbox)
    first = ingest(s)
    second_inbox(s.inbox)
    second = ingest(s)
    fai, retail = "B (固定资产投资(亿元) 本年累计)", "E (社会消费品零售总额(亿元) 本年累计)"
    ytd, missing = ("warning", "ytd_decreased"), ("warning", "place_missing", None, None)
    assert [(r.file_name, r.status, r.n_revised, codes(r)) for r in first + second] == [
        ("city_202609.csv", "loaded", 0, []),
        ("city_202610.csv", "loaded", 0, [(*ytd, 5, fai), (*ytd, 6, retail), missing]),
        ("city_202610_bad.csv", "rejected", 0, [("error", "not_numeric", 6, "C (固定资产投资(亿元) 比上年同期增长(%))")]),
        # 武义 growth and rank, 义乌 and 金东 rank: three revisions
        ("city_202610_revised.csv", "loaded", 3, [(*ytd, 5, fai), (*ytd, 6, retail)]),
        # August above September for 武义 inside the one file
        ("long_2026.csv", "loaded", 2, [(*ytd, 3, "D (本年累计)")]),
        ("city_202610_again.csv", "loaded", 2, [(*ytd, 5, fai), (*ytd, 5, retail), (*ytd, 6, fai), (*ytd, 6, retail),
                                                missing]),
        ("long_2026b.csv", "loaded", 1, [("warning", "indicator_missing", None, None), (*ytd, 2, "D (本年累计)"),
                                         missing, missing]),
    ]
    messages = {m[-1] for m in outcome(s)["messages"]}
    assert ("wuyi / retail / 2026-09: year-to-date value 85 is lower than 90 for 2026-08; a year-to-date total "
            "cannot fall - check the figure") in messages
    assert ("东阳 (dongyang) was in this source's previous file city_202609.csv but is missing here; check whether "
            "the table was cut short") in messages
    assert ("金东 (jindong) was in this source's previous file city_202610_revised.csv but is missing here; check "
            "whether the table was cut short") in messages
    assert query(s, "select sum(n_revised) from raw.files") == [(8,)]
