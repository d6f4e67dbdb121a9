"""Build the rank marts from staging.observations: run sql/marts/ (build/, store/, views/) in dependency order.

The marts are views in schema `marts`. Ranks and top-three counts are computed when read (mart_store.ranked:
a window over the slices asked for); what has a history is stored in `mart_store` tables: the top-three
rows of every slice, per-slice sizes (published periods) and streaks.
A build brings those up to date for the indicator x period slices whose observations differ between what
the store shows and what is asked for (loaded between the two cuts): their published periods, their top
three, and the streaks that may run through them.
Each build is one transaction: record meta.rank_state (the views read its cut), delete the window, insert.

As of a past moment T: `build(con, as_of=T)` makes the marts show exactly what they showed with the observations
loaded by T, and `marts_as_of(con, T)` does that for a `with` block, then brings the marts back to now.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb

from flows.config.settings import DEFAULT_TIMEZONE, local_now
from flows.warehouse.db import load_sql

# (view, model file) — created on every build so a changed model takes effect; the mart_store views
# come first because the marts views read them
VIEWS = (
    ("mart_store.current_values", "marts/store/current_values"),
    ("mart_store.memberships", "marts/store/memberships"),
    ("mart_store.group_sizes", "marts/store/group_sizes"),
    ("mart_store.member_values", "marts/store/member_values"),
    ("mart_store.ranked", "marts/store/ranked"),
    ("mart_store.top3", "marts/store/top3"),
    ("marts.periods", "marts/views/periods"),
    ("marts.rankings", "marts/views/rankings"),
    ("marts.top3_counts", "marts/views/top3_counts"),
    ("marts.streaks", "marts/views/streaks"),
    ("marts.scorecards", "marts/views/scorecards"),
    ("marts.benchmark_gaps", "marts/views/benchmark_gaps"),
    ("marts.rank_disagreements", "marts/views/rank_disagreements"),
    ("marts.target_progress", "marts/views/target_progress"),
    ("marts.rank_levers", "marts/views/rank_levers"),
)
STORE_TABLES = ("place_ids", "published_periods", "partial_periods", "streaks")
MACROS = (("is_member_on", "valid_from, valid_to, day"), ("finite", "x"))


@dataclass(frozen=True)
class RankState:
    as_of: datetime | None
    watermark: datetime | None
    catalog_fingerprint: str
    built_at: datetime
    mode: str
    n_slices: int

    @property
    def cut(self) -> datetime | None:
        """Upper bound of loaded_at the store includes (None = nothing loaded yet)."""
        return self.as_of if self.as_of is not None else self.watermark


@dataclass
class BuildSummary:
    mode: str                     # full / incremental / unchanged
    as_of: datetime | None
    watermark: datetime | None
    n_slices: int                 # indicator x period slices rebuilt
    periods: list[date]           # periods whose marts were rebuilt
    seconds: float
    step_seconds: dict[str, float] = field(default_factory=dict)


def read_state(con: duckdb.DuckDBPyConnection) -> RankState | None:
    row = con.execute(
        "select as_of, watermark, catalog_fingerprint, built_at, mode, n_slices from meta.rank_state"
    ).fetchone()
    return RankState(*row) if row else None


def build(con: duckdb.DuckDBPyConnection, as_of: datetime | None = None, full: bool = False,
          timezone: str = DEFAULT_TIMEZONE) -> BuildSummary:
    """Bring the marts to the observations loaded by `as_of` (None = everything); return what was done.
    `as_of` and built_at are naive local times of `timezone`, as loaded_at is (convert at the edge: to_local)."""
    if as_of is not None and as_of.tzinfo is not None:
        raise ValueError(f"as_of {as_of.isoformat()} carries a UTC offset: convert it into the configured zone "
                         "first (flows.config.settings.to_local), the warehouse compares naive local times")
    started = time.perf_counter()
    steps: dict[str, float] = {}
    fingerprint = con.execute(load_sql("marts/build/catalog_fingerprint")).fetchone()[0]
    watermark = con.execute(load_sql("marts/build/watermark"), {"cut": as_of}).fetchone()[0]
    state = read_state(con)
    mode = "full" if full or state is None or state.catalog_fingerprint != fingerprint else "incremental"
    if mode == "full":
        after, until = None, as_of
    else:
        after, until = _diff_bounds(state.cut, as_of)
        if after is not None and after == until:
            mode = "unchanged"
    # the store's row order means nothing (views and reads say what they need), so let DuckDB write
    # and window in parallel without keeping input order; the setting is put back afterwards
    preserve = con.execute("select current_setting('preserve_insertion_order')").fetchone()[0]
    con.execute("set preserve_insertion_order = false")
    con.execute("begin transaction")
    try:
        # the views read the cut from here, so it is recorded before anything is rebuilt
        con.execute("delete from meta.rank_state")
        con.execute(
            "insert into meta.rank_state values (?, ?, ?, ?, ?, 0)",
            [as_of, watermark, fingerprint, local_now(timezone), mode],
        )
        _create_views(con)
        if mode == "unchanged":
            n_slices, periods = 0, []
        else:
            n_slices, periods = _rebuild(con, mode, after, until, steps)
            if mode == "incremental" and n_slices == 0:
                mode = "unchanged"
        con.execute("update meta.rank_state set mode = ?, n_slices = ?", [mode, n_slices])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.execute(f"set preserve_insertion_order = {bool(preserve)}")
    return BuildSummary(mode, as_of, watermark, n_slices, periods, time.perf_counter() - started, steps)


@contextmanager
def marts_as_of(con: duckdb.DuckDBPyConnection, as_of: datetime, timezone: str = DEFAULT_TIMEZONE):
    """Marts as of `as_of` inside the block (read marts.* as usual), back to now afterwards."""
    previous = read_state(con)
    summary = build(con, as_of=as_of, timezone=timezone)
    try:
        yield summary
    finally:
        build(con, as_of=previous.as_of if previous else None, timezone=timezone)


def _diff_bounds(old_cut: datetime | None, new_cut: datetime | None) -> tuple[datetime | None, datetime | None]:
    """Observations loaded in (after, until] differ between the two cuts (None new_cut = no limit)."""
    if old_cut is None:  # the store holds nothing: everything up to the new cut is new
        return None, new_cut
    if new_cut is None:
        return old_cut, None
    return min(old_cut, new_cut), max(old_cut, new_cut)


def _rebuild(con, mode: str, after, until, steps: dict[str, float]) -> tuple[int, list[date]]:
    """Rebuild the changed slices: their summaries, published periods, top three, then the streaks
    that may run through them; returns (slices, periods whose marts changed)."""
    step = _Steps(con, steps)
    full = mode == "full"
    step.temp("rank_window", "changed_slices", {"loaded_after": after, "loaded_until": until})
    if full:
        for table in STORE_TABLES:
            step.run("clear", f"delete from mart_store.{table}")
        step.run("place_ids", f"insert into mart_store.place_ids {load_sql('marts/build/place_ids')}")
        _check_key_ranges(con)
    n_slices = con.execute("select count(*) from rank_window").fetchone()[0]
    touched = set()
    if n_slices:
        bounds = _bounds(con, reopen=True)  # read before the published periods are replaced
        _summarise_slices(step, bounds, full)
        _rebuild_published(step, bounds, full)
        _rebuild_streaks(step, bounds, full)
        touched = {r[0] for r in con.execute(load_sql("marts/build/touched_periods")).fetchall()}
    for table in ("rank_window", "rank_slice_tops", "rank_overflow_tops", "rank_pub_new", "rank_reopened",
                  "rank_group_sizes"):
        con.execute(f"drop table if exists {table}")
    return n_slices, sorted(touched)


def _check_key_ranges(con) -> None:
    """sql/marts/build/streaks.sql packs place, indicator and group ids into one bigint; say so if a catalog
    ever outgrows it instead of mixing two places' streaks."""
    places, indicators, groups = con.execute("""
        select (select max(place_id) from mart_store.place_ids), (select max(sort_order) from ref.indicators),
               (select max(sort_order) from ref.groups)
    """).fetchone()
    if (places or 0) >= 2**21 or (indicators or 0) >= 2**10 or (groups or 0) >= 2**30:
        raise ValueError(f"the catalog has {places} places, indicator ids up to {indicators} and group ids up "
                         f"to {groups}: the streak key holds 2^21 places, 2^10 indicators, 2^30 groups")


class _Steps:
    """Runs the models, timing each (the benchmark prints where the time goes)."""

    def __init__(self, con, seconds: dict[str, float]):
        self.con, self.seconds = con, seconds

    def run(self, name: str, sql: str, params: dict | list | None = None) -> None:
        t = time.perf_counter()
        self.con.execute(sql, params or {})
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - t

    def temp(self, table: str, model: str, params: dict | None = None) -> None:
        self.run(model, f"create or replace temp table {table} as {load_sql('marts/build/' + model)}", params)


def _bounds(con, reopen: bool = False) -> dict:
    """Period bounds of rank_window; with reopen, also where streaks may reopen (reads the store)."""
    models = ("window_bounds", "reopen_bound") if reopen else ("window_bounds",)
    bounds = {}
    for model in models:
        cur = con.execute(load_sql("marts/build/" + model))
        bounds.update(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
    return bounds


def _summarise_slices(step: _Steps, bounds: dict, full: bool) -> None:
    """Size and top three of every slice in rank_window (rank_slice_tops, rank_overflow_tops).

    No slice is sorted in full: one aggregate pass keeps each slice's best eight, and only the rare
    slice with more tied at third than that is ranked in full.
    """
    con = step.con
    if full:  # every slice is in the window: read the current values whole, no semi join
        values = "select * from mart_store.current_values"
    else:  # a view takes no parameters: the window's bounds (dates the store gave) go in as literals
        values = load_sql("marts/build/window_values")
        for name in ("window_from", "window_to"):
            values = values.replace(f"${name}", f"date '{date.isoformat(bounds[name])}'")
    con.execute(f"create or replace temp view rank_window_values as {values}")
    step.temp("rank_slice_tops", "slice_tops")
    con.execute("drop view rank_window_values")
    step.temp("rank_group_sizes", "window_group_sizes", {k: bounds[k] for k in ("window_from", "window_to")})
    n_overflow, overflow_from, overflow_to = con.execute(
        "select count(*), min(period), max(period) from rank_slice_tops where needs_full_rank"
    ).fetchone()
    if n_overflow:
        step.temp("rank_overflow_tops", "top3_overflow", {"overflow_from": overflow_from, "overflow_to": overflow_to})
    else:
        con.execute("create or replace temp table rank_overflow_tops as "
                    "select group_id, indicator_id, seq, top_places, top_ranks from rank_slice_tops limit 0")


def _rebuild_published(step: _Steps, bounds: dict, full: bool) -> None:
    """Published periods (with each slice's size and top three) of the rebuilt indicators from their
    first rebuilt seq on; before they are replaced, the stored streaks that may change (rank_reopened)."""
    con = step.con
    published = {"window_from": bounds["window_from"], "reopen_from": bounds["reopen_from"]}
    # a partial slice depends only on its own observations and the catalog: replace the window's
    if not full:
        step.run("store partial_periods", "delete from mart_store.partial_periods as pp where exists (select 1 "
                 "from rank_window as w where w.indicator_id = pp.indicator_id and w.seq = pp.seq)")
    step.run("store partial_periods",
             f"insert into mart_store.partial_periods by name {load_sql('marts/build/partial_periods')}")
    if full:  # nothing stored to renumber or reopen: straight into the store
        # written in indicator x group order: the streaks read the top three back in that order, and
        # their bit aggregate then finds its keys close together (bench/bench_rank.py)
        step.run("published_periods", "insert into mart_store.published_periods by name select * from "
                 f"({load_sql('marts/build/published_periods')}) order by indicator_id, group_id, seq", published)
        con.execute("create or replace temp table rank_reopened as select * from mart_store.streaks limit 0")
        return
    step.temp("rank_pub_new", "published_periods", published)
    step.temp("rank_reopened", "reopened_streaks", {"reopen_from": bounds["reopen_from"]})
    step.run("store published_periods", """
        delete from mart_store.published_periods as pp
        where pp.period >= $window_from
          and exists (select 1 from (select indicator_id, min(seq) as from_seq from rank_window group by all) as a
                      where a.indicator_id = pp.indicator_id and pp.seq >= a.from_seq)
    """, {"window_from": bounds["window_from"]})
    step.run("store published_periods", "insert into mart_store.published_periods by name select * from rank_pub_new")


def _rebuild_streaks(step: _Steps, bounds: dict, full: bool) -> None:
    """Replace the stored streaks the window may change (rank_reopened) with the runs found again."""
    if not full:
        step.run("store streaks", """
            delete from mart_store.streaks as s
            where exists (select 1 from rank_reopened as r
                          where r.place_id = s.place_id and r.indicator_id = s.indicator_id and r.group_id = s.group_id
                            and r.is_first = s.is_first and r.start_pub_idx = s.start_pub_idx)
        """)
    step.run("streaks", f"insert into mart_store.streaks by name {load_sql('marts/build/streaks')}",
             {"reopen_from": bounds["reopen_from"], "window_from": bounds["window_from"]})


def _create_views(con: duckdb.DuckDBPyConnection) -> None:
    for name, args in MACROS:
        con.execute(f"create or replace macro mart_store.{name}({args}) as {load_sql('marts/macros/' + name)}")
    for view, model in VIEWS:
        con.execute(f"create or replace view {view} as {load_sql(model)}")

