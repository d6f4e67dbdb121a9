"""Read the marts for one place or one number: what `bipin show` and `bipin explain` print."""

from __future__ import annotations

from datetime import date

import duckdb

from flows.warehouse.db import fetch_dicts


def newest_period(con: duckdb.DuckDBPyConnection, place_code: str, indicator_code: str | None = None) -> date | None:
    """The newest period the place is ranked in (for one indicator when given)."""
    return con.execute("select max(period) from marts.rankings where place_code = ? "
                       "and (?::varchar is null or indicator_code = ?)",
                       [place_code, indicator_code, indicator_code]).fetchone()[0]


def place_ranks(con, place_code: str, period: date, groups: list[str] | None) -> list[dict]:
    return fetch_dicts(con, "marts/lookups/place_ranks", {"place": place_code, "period": period, "groups": groups})


def observation_versions(con, place_code: str, indicator_code: str, period: date) -> list[dict]:
    return fetch_dicts(con, "marts/lookups/observation_versions",
                       {"place": place_code, "indicator": indicator_code, "period": period})


def groups_with(con, place_code: str, indicator_code: str, period: date) -> list[str]:
    """Groups in which the place has a row for this indicator and period, in catalog order."""
    rows = con.execute("""
        select r.group_code from marts.rankings as r join ref.groups as g using (group_code)
        where r.place_code = ? and r.indicator_code = ? and r.period = ? order by g.sort_order
    """, [place_code, indicator_code, period]).fetchall()
    return [r[0] for r in rows]


def slice_ranking(con, indicator_code: str, period: date, group_code: str) -> list[dict]:
    return fetch_dicts(con, "marts/lookups/slice", {"indicator": indicator_code, "period": period, "group": group_code})

