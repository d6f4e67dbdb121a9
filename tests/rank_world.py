"""Tiny hand-made warehouses for the rank tests: a catalog built in code, files and observations
inserted straight into raw.files and staging.observations (no ingest involved)."""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from flows.config.catalog import Benchmark, Catalog, Group, Indicator, Membership, Place, Scoring
from flows.warehouse.db import connect, sync_catalog

COUNTIES = ["aa", "bb", "cc", "dd", "ee"]
NAMES = {"aa": "甲县", "bb": "乙县", "cc": "丙县", "dd": "丁县", "ee": "戊县"}


def small_catalog(groups=None, indicators=None, benchmarks=(), places=None, min_coverage: float = 1.0) -> Catalog:
    """Five counties in one city; group `city` holds all five unless told otherwise. A member without its
    ranked value is not reported (issue 19): tests that leave values out lower `min_coverage`."""
    places = places or (
        Place(code="city", name="某市", short_name="某市", level="city"),
        *(Place(code=c, name=NAMES[c], short_name=NAMES[c][:1], parent="city") for c in COUNTIES),
    )
    groups = groups or (Group(code="city", name="某市", label="全市", members_with_parent="city",
                              min_coverage=min_coverage),)
    indicators = indicators or (
        Indicator(code="gdp", name="地区生产总值", unit="亿元", basis="growth", aliases=("GDP",)),
        Indicator(code="jobless", name="失业率", unit="%", kind="rate", basis="level", direction="lower",
                  jan_feb_combined=False),
    )
    return Catalog(places=places, groups=groups, indicators=indicators, benchmarks=tuple(benchmarks),
                   settings={"calendar_years": [2023, 2027]})


def warehouse(catalog: Catalog) -> duckdb.DuckDBPyConnection:
    con = connect(":memory:")
    sync_catalog(con, catalog)
    return con


class Loader:
    """Writes one 'file' per call, as ingest would: a raw.files row and its observations."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.next_id = 1

    def load(self, rows, loaded_at: datetime, name: str | None = None, rank_group: str = "city") -> int:
        """rows: (place, indicator, period, value, growth_pct[, published_rank]); returns the file_id.
        A published rank belongs to `rank_group`, as ingest records it (migration 031)."""
        file_id = self.next_id
        self.next_id += 1
        periods = sorted({r[2] for r in rows})
        self.con.execute(
            "insert into raw.files (file_id, file_name, original_path, sha256, size_bytes, source_code, status,"
            " received_at, loaded_at, periods, n_rows, n_observations, n_revised)"
            " values (?, ?, ?, ?, 0, 'test', 'loaded', ?, ?, ?, ?, ?, 0)",
            [file_id, name or f"file{file_id}.xlsx", f"/inbox/file{file_id}.xlsx", f"sha{file_id}", loaded_at,
             loaded_at, periods, len(rows), len(rows)],
        )
        for n, row in enumerate(rows):
            place, indicator, period, value, growth = row[:5]
            published = row[5] if len(row) > 5 else None
            self.con.execute(
                "insert into staging.observations (file_id, place_code, indicator_code, period, value, growth_pct,"
                " published_rank, rank_group_code, loaded_at, sheet, row_number, value_column, growth_column,"
                " raw_value, raw_growth) values (?, ?, ?, ?, ?, ?, ?, ?, ?, '主要指标', ?, 'C', 'D', ?, ?)",
                [file_id, place, indicator, period, value, growth, published,
                 rank_group if published is not None else None, loaded_at, n + 4,
                 None if value is None else str(value), None if growth is None else str(growth)],
            )
        return file_id


def ranks(con, indicator: str, period: date, group: str = "city") -> dict[str, int | None]:
    rows = con.execute(
        "select place_code, rank from marts.rankings where indicator_code = ? and period = ? and group_code = ?",
        [indicator, period, group],
    ).fetchall()
    return dict(rows)


def at(year: int, month: int, day: int = 1, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour)


__all__ = ["Benchmark", "Group", "Indicator", "Membership", "Scoring", "Loader", "small_catalog", "warehouse",
           "ranks", "at", "COUNTIES"]
