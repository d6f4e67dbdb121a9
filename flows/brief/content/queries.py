"""Read what a briefing needs from the warehouse: the rank marts, ref.*, raw.files (never staging).

Each function runs one sql/brief/*.sql model with its values as parameters and returns plain rows
(dicts), which content.py turns into sentences. Nothing here decides what to say.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from flows.config.settings_file import ReleaseLags
from flows.warehouse.db import load_sql
from flows.warehouse.rank_state import rank_as_of, rank_catalog_is_stale, rank_watermark  # noqa: F401 (q.* callers)


def fetch(con: duckdb.DuckDBPyConnection | RunReads, model: str, **params) -> list[dict]:
    """Rows of sql/brief/<model>.sql as dicts; only the parameters the model names are passed."""
    if isinstance(con, RunReads):
        return con.fetch(model, **params)
    sql = load_sql(f"brief/{model}")
    used = {k: v for k, v in params.items() if f"${k}" in sql}
    cur = con.execute(sql, used)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


# models whose rows for a set of groups (places) are the union of their rows for each one alone:
# per model, each list parameter -> the column naming it in the rows
SPLIT_MODELS = {"group_rankings": {"groups": "group_code"}, "top3_counts": {"groups": "group_code"},
                "scorecards": {"groups": "group_code"}, "benchmark_gaps": {"places": "focus_place_code"},
                "target_progress": {"places": "place_code"}, "coverage": {"groups": "group_code"},
                "rank_levers": {"places": "place_code", "groups": "group_code"}}


class RunReads:
    """A connection that reads once what several recipients of one run ask alike.

    Recipients of a run share the period and the moment, so most queries repeat with the same
    parameters; the per-group (per-place) models are read once for all the run's groups (focus places)
    and each caller gets the rows of its own (the models order by group or place first, or by columns
    that do not depend on which others are asked, so filtering keeps the order). `memo(key, make)` keeps
    the rows (plan.shared_reads: for the run, or for every run of the process while the warehouse's
    reads_state is the same); rows are never modified.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, groups: list[str], places: list[str],
                 memo: Callable[[tuple, Callable[[], list[dict]]], list[dict]]):
        self.con, self.memo = con, memo
        self.every = {"groups": sorted(set(groups)), "places": sorted(set(places))}

    def fetch(self, model: str, **params) -> list[dict]:
        keep = {}  # the parameters widened to the run's every group (place): the rows' column -> kept values
        for param, column in SPLIT_MODELS.get(model, {}).items():
            wanted, every = params.get(param), self.every[param]
            if wanted is not None and list(wanted) != every and set(wanted) <= set(every):
                keep[column] = set(wanted)
                params = {**params, param: every}
        if keep:
            return [r for r in self.fetch(model, **params) if all(r[c] in v for c, v in keep.items())]
        key = ("reads", model, *sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
        return self.memo(key, lambda: fetch(self.con, model, **params))


# The small tables that move whenever anything the sql/brief models read moves: staging.observations
# changes only by a load, which writes raw.files; mart_store only by a rank build, which writes
# meta.rank_state; the catalog and targets are ref itself; an upgrade writes meta.migrations. Hashing
# these instead of every table keeps the fingerprint cheap on a national warehouse.
# Not delivery: sends change it between the kinds of one run.
READ_SCHEMAS = ("raw", "ref", "meta")


def reads_state(con) -> str | None:
    """Fingerprint of what the sql/brief models read: the rows (count and an order-free sum of row hashes)
    of the READ_SCHEMAS tables, which change whenever the rest does. Two equal fingerprints of one
    warehouse file mean every model returns the same rows for the same parameters, so the kinds of one
    `bipin run` (one process, nothing rebuilt between them) may share their reads. The views are not read
    back (DuckDB prints a view's text differently from one read to the next): rank's build, the only one
    to create them, writes meta.rank_state, and a migration meta.migrations."""
    tables = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_type = 'BASE TABLE' and list_contains(?, table_schema) order by all", [list(READ_SCHEMAS)]
    ).fetchall()
    if not tables:
        return None
    parts = [f"select '{s}.{t}' as part, count(*)::varchar || ':' || coalesce(sum(hash(x)::hugeint), 0)::varchar "
             f'as state from "{s}"."{t}" as x' for s, t in tables]  # names from the catalog, not user text
    return con.execute(f"select md5(string_agg(part || '=' || state, ';' order by part)) "
                       f"from ({' union all '.join(parts)})").fetchone()[0]


def newest_period(con, period_limit: date | None = None, quarter_only: bool = False,
                  groups: list[str] | None = None) -> tuple[date, str] | None:
    """The newest complete (published) period, of `groups` when given, at most `period_limit`."""
    rows = fetch(con, "newest_period", period_limit=period_limit, quarter_only=quarter_only, groups=groups)
    return (rows[0]["period"], rows[0]["period_label"]) if rows else None


def coverage(con, period_from: date, groups: list[str] | None = None) -> list[dict]:
    """Partial (unpublished) slices per group and period from `period_from` on (sql/brief/coverage.sql)."""
    if isinstance(con, duckdb.DuckDBPyConnection) and not table_exists(con, "marts.periods"):
        return []
    # most days every slice is complete: then nothing is partial and the rank marts are not read at all
    partial_periods = [r["period"] for r in fetch(con, "unpublished_periods", period_from=period_from)]
    if not partial_periods:
        return []
    return fetch(con, "coverage", period_from=period_from, groups=groups, partial_periods=partial_periods)


def stale_periods(con, as_of: datetime, lags: ReleaseLags) -> list[dict]:
    """Per calendar: the newest complete period and the newest one due by `as_of` (sql/brief/stale_periods.sql)."""
    return fetch(con, "stale_periods", as_of=as_of, monthly_lag_days=lags.monthly,
                 quarterly_lag_days=lags.quarterly)


def table_exists(con, qualified: str) -> bool:
    schema, name = qualified.split(".")
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name]).fetchone()[0])


@dataclass(frozen=True)
class WarehouseState:
    """What the guards look at before anything is rendered."""

    n_rankings: int
    newest_loaded_at: datetime | None
    marts_missing: tuple[str, ...]


MARTS = ("marts.periods", "marts.rankings", "marts.top3_counts", "marts.streaks", "marts.scorecards",
         "marts.benchmark_gaps")


def warehouse_state(con, as_of: datetime) -> WarehouseState:
    present = {row[0] for row in con.execute(  # one catalog query for all the marts
        "select table_schema || '.' || table_name from information_schema.tables "
        "where list_contains(?, table_schema || '.' || table_name)", [list(MARTS)]).fetchall()}
    missing = tuple(m for m in MARTS if m not in present)
    # the ranking rows the marts hold, counted from the stored periods (ranks are computed when read)
    n = 0 if missing else con.execute("select coalesce(sum(n_reported), 0) from marts.periods").fetchone()[0]
    newest = con.execute(
        "select max(loaded_at) from raw.files where status = 'loaded' and loaded_at <= ?", [as_of]
    ).fetchone()[0]
    return WarehouseState(n_rankings=n, newest_loaded_at=newest, marts_missing=missing)
