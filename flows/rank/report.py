"""What a rank run reports: its build summary, top-three counts per group, rank disagreements."""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from flows.rank.marts import BuildSummary
from flows.warehouse.db import fetch_dicts

MAX_LISTED_DISAGREEMENTS = 50


def newest_top3_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict]]:
    """Per group: its newest period's top-three counts, best first (plain values, ready for an artifact)."""
    tables: dict[str, list[dict]] = {}
    for row in fetch_dicts(con, "marts/reports/newest_top3"):
        tables.setdefault(row["group_code"], []).append({
            "period": _text(row["period"]),
            "place": row["place_name"] or row["place_code"],
            "top3": row["n_top3"],
            "top3_prev": row["n_top3_prev"],
            "first": row["n_first"],
            "ranked": row["n_ranked_indicators"],
        })
    return tables


def partial_slices(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Per group and period, the slices not published yet for want of coverage (newest first)."""
    rows = con.execute("""
        select group_code, period, count(*) as n_indicators, min(n_reported) as n_reported, max(n_members) as n_members
        from marts.periods where not is_complete group by all order by period desc, group_code
    """).fetchall()
    return [{"group": g, "period": _text(p), "indicators": n, "reported": f"{r}/{m}"} for g, p, n, r, m in rows]


def summarise(con: duckdb.DuckDBPyConnection, built: BuildSummary) -> dict:
    """The run's summary: what was rebuilt, newest top-three tables, and every rank disagreement."""
    disagreements = fetch_dicts(con, "marts/reports/disagreements")
    return {
        "mode": built.mode,
        "as_of": _text(built.as_of),
        "watermark": _text(built.watermark),
        "n_slices": built.n_slices,
        "periods": [_text(p) for p in built.periods],
        "seconds": round(built.seconds, 3),
        "n_rankings": con.execute("select coalesce(sum(n_reported), 0) from marts.periods").fetchone()[0],
        "partial": partial_slices(con),
        "n_disagreements": len(disagreements),
        "disagreements": [{k: _text(v) for k, v in d.items()} for d in disagreements[:MAX_LISTED_DISAGREEMENTS]],
        "top3": newest_top3_tables(con),
    }


def _text(value):
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value
