"""Benchmark targets and levers at national scale (not part of `make test`).

    .venv/bin/python -m bench.bench_targets [--db PATH] [--repeat 3]

Loads bench/national.py's data set (2,844 places, 40 monthly indicators x 120 periods) plus synthetic
targets for every place (12 indicators each: 10 growth, 2 level targets for 2026), then measures
  (a) reading one period (2026年1-10月) of marts.target_progress for every place,
  (b) reading one period of marts.rank_levers for every place and group,
  (c) the full rank rebuild creating the two new views against the same rebuild without them (as main
      builds), alternating, in the same run (ref.targets filled in both: the build never reads it).
Prints each figure beside its target.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.national import N_PERIODS, N_PLACES, build_catalog, load_observations, periods_for
from flows.config.targets import Target
from flows.rank import marts
from flows.warehouse import db as warehouse

TARGETS = {"read_s": 1.0, "rebuild_ratio": 1.10}
NEW_VIEWS = ("marts.target_progress", "marts.rank_levers")
PERIOD = date(2026, 10, 1)


def synthetic_targets(catalog) -> tuple[Target, ...]:
    """12 targets a county: growth 3-9% on i00..i11, except level targets (the year's total) on i03 and i07."""
    out = []
    for place in (p for p in catalog.places if p.level == "county"):
        n = int(place.code[1:])
        for i in range(12):
            level = i in (3, 7)
            out.append(Target(year=2026, place_code=place.code, indicator_code=f"i{i:02d}",
                              basis="level" if level else "growth",
                              target=float(4000 + n % 1000) if level else 3.0 + (n * 7 + i) % 7,
                              unit="亿元" if level else "%", source_note="synthetic", is_synthetic=True))
    return tuple(out)


def timed_read(con, sql: str, params: list, repeat: int) -> tuple[float, int]:
    """Median seconds of reading every row (into Arrow, as a caller taking the whole period would), and
    the row count."""
    times, n = [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        n = con.sql(sql, params=params).to_arrow_table().num_rows
        times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2], n


def full_build(con, with_views: bool) -> float:
    """One full rebuild, creating the two new views or not (ref.targets stays: the build never reads it)."""
    views = marts.VIEWS
    if not with_views:
        marts.VIEWS = tuple(v for v in views if v[0] not in NEW_VIEWS)
        for view in NEW_VIEWS:
            con.execute(f"drop view if exists {view}")
    try:
        seconds = marts.build(con, full=True).seconds
    finally:
        marts.VIEWS = views
    con.execute("checkpoint")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="DuckDB file to create (default: a temp folder)")
    parser.add_argument("--reuse", action="store_true", help="--db already holds the data set: skip loading")
    parser.add_argument("--repeat", type=int, default=3, help="rebuilds of each kind and reads to time (median)")
    args = parser.parse_args()
    folder = None if args.db else tempfile.mkdtemp(prefix="bipin-bench-targets-")
    db_path = args.db or os.path.join(folder, "bench.duckdb")
    if not args.reuse:
        Path(db_path).unlink(missing_ok=True)

    t = time.perf_counter()
    catalog = build_catalog()
    targets = synthetic_targets(catalog)
    con = warehouse.connect(db_path)
    warehouse.sync_catalog(con, catalog, targets)
    if not args.reuse:
        load_observations(con, catalog, {cal: periods_for(cal, N_PERIODS) for cal in ("monthly", "monthly_jf")})
        con.execute("checkpoint")
    n_obs = con.execute("select count(*) from staging.observations").fetchone()[0]
    print(f"{n_obs:,} observations and {len(targets):,} targets ({N_PLACES:,} places) "
          f"ready in {time.perf_counter() - t:.1f} s ({db_path})")

    without, with_ = [], []
    for i in range(args.repeat):  # alternating, which goes first too, so both see the same machine
        for with_views in ((False, True) if i % 2 == 0 else (True, False)):
            (with_ if with_views else without).append(full_build(con, with_views))
    before, after = sorted(without)[len(without) // 2], sorted(with_)[len(with_) // 2]
    progress_s, n_progress = timed_read(con, "select * from marts.target_progress where period = ?", [PERIOD],
                                        args.repeat)
    levers_s, n_levers = timed_read(con, "select * from marts.rank_levers where period = ?", [PERIOD], args.repeat)
    # the same read of the existing view, for scale (a loaded machine slows every figure alike)
    rankings_s, n_rankings = timed_read(con, "select * from marts.rankings where period = ?", [PERIOD], args.repeat)
    n_places = con.execute("select count(distinct place_code) from marts.target_progress where period = ?",
                           [PERIOD]).fetchone()[0]
    con.close()

    rows = [
        (f"target_progress, one period ({n_progress:,} rows, {n_places:,} places)", f"{progress_s:.2f} s",
         f"<= {TARGETS['read_s']} s", progress_s <= TARGETS["read_s"]),
        (f"rank_levers, one period ({n_levers:,} rows)", f"{levers_s:.2f} s", f"<= {TARGETS['read_s']} s",
         levers_s <= TARGETS["read_s"]),
        (f"for scale: marts.rankings, one period ({n_rankings:,} rows)", f"{rankings_s:.2f} s", "", True),
        ("full rebuild without (median)", f"{before:.2f} s", "", True),
        ("full rebuild with (median)", f"{after:.2f} s", f"<= {before * TARGETS['rebuild_ratio']:.2f} s",
         after <= before * TARGETS["rebuild_ratio"]),
    ]
    print(f"full rebuilds without: {', '.join(f'{s:.2f}' for s in without)} s; with: "
          f"{', '.join(f'{s:.2f}' for s in with_)} s")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    print(f"\n{'measure':58} {'result':>9} {'target':>10}")
    for name, value, target, ok in rows:
        print(f"{name:58} {value:>9} {target:>10} {'' if not target else ('ok' if ok else 'MISSED')}")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
