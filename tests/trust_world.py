"""Issue 9 (ingest side) test world: the ingest_world catalog plus sources for preliminary flags and a
declared encoding, and one good file that every test loads in the same run as its bad one, to show
that no valid observation of another file is lost."""

from __future__ import annotations

from pathlib import Path

from tests.ingest_world import CATALOG, ingest, query, settings_for, write_csv

SOURCES = CATALOG["sources.yaml"] + """
  - code: good_long
    pattern: "good_*.csv"
    layout: long
    columns: {place: 地区, indicator: 指标, period: 期别, value: 本年累计, growth: 比上年同期增长(%), rank: 位次}
  - {code: gb_csv, pattern: "gb_*.csv", layout: wide, format: csv, encoding: gb18030}
  - {code: flash_csv, pattern: "flash_*.csv", layout: wide, format: csv, preliminary_words: [快报, 初步数]}
  - code: us_long
    pattern: "us_*.csv"
    layout: long
    preliminary_column: preliminary
    columns: {place: county, indicator: indicator, period: date, value: value}
"""
GOOD_NAME = "good_batch.csv"
GOOD_ROWS = [
    ["地区", "指标", "期别", "本年累计", "比上年同期增长(%)", "位次"],
    ["武义", "固定资产投资", "2026年1-9月", "110.5", "8.0", ""],
    ["义乌", "固定资产投资", "2026年1-9月", "380.0", "9.0", ""],
    ["东阳", "地区生产总值", "2026年前三季度", "600.0", "5.5", ""],
]
# (place, indicator, period, value, growth) the good file must leave in staging
GOOD_OBSERVATIONS = [
    ("dongyang", "gdp", "2026-09-01", 600.0, 5.5),
    ("wuyi", "fai", "2026-09-01", 110.5, 8.0),
    ("yiwu", "fai", "2026-09-01", 380.0, 9.0),
]


def trust_settings(tmp_path: Path, **overrides: str):
    return settings_for(tmp_path, **{"sources.yaml": SOURCES, **overrides})


def write_good(settings) -> Path:
    return write_csv(settings.inbox / GOOD_NAME, GOOD_ROWS)


def good_observations(settings) -> list[tuple]:
    """What staging holds from the good file (all of it, or the test fails)."""
    return query(settings, "select o.place_code, o.indicator_code, o.period::varchar, o.value, o.growth_pct "
                           "from staging.observations o join raw.files f using (file_id) "
                           "where f.file_name = ? order by all", [GOOD_NAME])


def messages_of(settings, file_name: str) -> list[tuple]:
    """(severity, code, row, column, message) the ledger keeps for a file."""
    return query(settings, "select m.severity, m.code, m.row_number, m.column_name, m.message "
                           "from raw.file_messages m join raw.files f using (file_id) where f.file_name = ? "
                           "order by all", [file_name])


def run_with_good(settings, *files: Path) -> list:
    """Ingest the good file and `files` in one run; the good file must load whole. The files' results."""
    good = write_good(settings)
    results = {r.file_name: r for r in ingest(settings, good, *files)}
    assert results[good.name].status == "loaded"
    assert good_observations(settings) == GOOD_OBSERVATIONS
    return [results[Path(f).name] for f in files]
