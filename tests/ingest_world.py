"""A tiny catalog and file writers for the ingest tests: one city (金华) with four counties.

Each test writes the few rows it needs with these helpers and states the expected result.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb

from flows.config.catalog import load_catalog
from flows.config.settings import load_settings
from flows.ingest.pipeline import discover, ingest_paths

CATALOG = {
    "places.yaml": """
places:
  - {code: zj, name: 浙江省, short_name: 浙江, level: province}
  - {code: jh, name: 金华市, short_name: 金华, parent: zj, level: city}
  - {code: wuyi, name: 武义县, short_name: 武义, parent: jh, level: county}
  - {code: yiwu, name: 义乌市, short_name: 义乌, parent: jh, level: county}
  - {code: dongyang, name: 东阳市, short_name: 东阳, parent: jh, level: county}
  - {code: jindong, name: 金东区, short_name: 金东, parent: jh, level: county, aliases: [金义新区]}
""",
    "groups.yaml": """
groups:
  - {code: jinhua, name: 金华市各县, label: 全市, members_with_parent: jh}
""",
    "indicators.yaml": """
indicators:
  - {code: fai, name: 固定资产投资, unit: 亿元, kind: ytd, basis: growth, aliases: [固投]}
  - {code: retail, name: 社会消费品零售总额, unit: 亿元, kind: ytd, basis: growth}
  - {code: loss, name: 规上工业企业亏损面, unit: "%", kind: rate, basis: level, direction: lower}
  - {code: gdp, name: 地区生产总值, unit: 亿元, kind: ytd, basis: growth, frequency: quarterly}
""",
    "settings.yaml": "timezone: Asia/Shanghai\ncalendar_years: [2024, 2027]\n",
    "sources.yaml": """
sources:
  - {code: city_csv, pattern: "city_*.csv", layout: wide, format: csv}
  - {code: city_xlsx, pattern: "city_*.xlsx", layout: wide, format: xlsx}
  - code: office_long
    pattern: "long_*"
    layout: long
    columns: {place: 地区, indicator: 指标, period: 期别, value: 本年累计, growth: 比上年同期增长(%), rank: 位次}
""",
}

TITLE = "2026年1-10月金华市各县（市、区）主要经济指标"
HEADER_A = ["地区", "固定资产投资（亿元）", "", "", "社会消费品零售总额（亿元）", ""]
HEADER_B = ["", "本年累计", "比上年同期增长(%)", "位次", "本年累计", "增长(%)"]
# ranks agree with growth: 义乌 9.1 > 武义 8.2 > 东阳 3.0 > 金东 -1.5
GOOD_ROWS = [
    ["全市", "1000.5", "5.0", "", "900", "4.0"],
    ["武义县", "120.3", "8.2", "2", "80.1", "3.3"],
    ["义乌", "400.0", "9.1", "1", "500.2", "6.0"],
    ["东阳市", "300.2", "3.0", "3", "200.0", "2.1"],
    ["金义新区", "180.0", "-1.5", "4", "119.7", "1.0"],
]


def make_config(folder: Path, **overrides: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {**CATALOG, **overrides}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def settings_for(tmp_path: Path, **overrides: str):
    config = make_config(tmp_path / "config", **overrides)
    return load_settings(config_dir=config, home=tmp_path / "home")


def wide_grid(rows=None, title=TITLE, header_a=None, header_b=None) -> list[list[str]]:
    return [[title], header_a or HEADER_A, header_b or HEADER_B, *(GOOD_ROWS if rows is None else rows),
            [], ["注：演示数据"]]


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def ingest(settings, *paths: Path):
    """Run the plain ingest functions on files or folders (none = the inbox), as the flow does."""
    files = discover([str(p) for p in paths] or None, settings)
    return ingest_paths(settings, load_catalog(settings.config_dir), files)


def query(settings, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(settings.db_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def codes(result) -> list[tuple[str, str, int | None, str | None]]:
    """(severity, code, row, column) of a file's messages, in order."""
    return [(m.severity, m.code, m.row, m.column) for m in result.messages]
