"""Benchmark the rank marts at national scale (not part of `make test`).

    .venv/bin/python -m bench.bench_rank [--db PATH] [--keep]

Loads bench/national.py's data set (2,844 places, 333 city groups + 31 province groups,
40 monthly indicators x 120 periods = 13.65M observations) into a fresh DuckDB file, then measures
  (a) a full rebuild of the marts: what a build stores (every slice's top three, published periods,
      streaks); ranks, top-three counts and scorecards are views computed when read,
  (b) an incremental rebuild after one new period is loaded for every indicator,
  (c) a vectorised pandas reference computing the same ranks, top-three counts and streaks
      (groupby rank / cumcount, no Python loops over rows), in a child process, checked for
      agreement with the marts on the newest period,
  (d) peak RSS of this process (the builds) and of the pandas child,
and, apart, what reading the views costs: one period of one group (a briefing's read), one period of
everything, one place's streaks, and every rank at once (what the pandas reference computes).
Prints each figure beside its target.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import psutil

from bench.national import N_PERIODS, build_catalog, load_observations, periods_for
from flows.rank import marts
from flows.warehouse import db as warehouse

TARGETS = {"full_s": 3.0, "incremental_s": 0.3, "speedup": 4.0, "peak_rss_gb": 3.0}
CALENDARS = ("monthly", "monthly_jf")


class PeakRss:
    """Samples this process's RSS every 20 ms; the builds allocate inside DuckDB, outside Python."""

    def __init__(self):
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        proc = psutil.Process()
        while not self._stop.is_set():
            self.peak = max(self.peak, proc.memory_info().rss)
            time.sleep(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def pandas_reference(db_path: str, out: mp.Queue) -> None:
    """Ranks, top-three counts and streaks in pandas, from the same current observations."""
    import duckdb
    import pandas as pd

    con = duckdb.connect(db_path, read_only=True)
    obs = con.execute("""
        select o.place_code, o.indicator_code, o.period, o.value, o.growth_pct,
               i.basis, i.direction, c.seq, c.n_months
        from staging.observations o
        join ref.indicators i using (indicator_code)
        join ref.calendar c on c.calendar_code = i.calendar_code and c.period = o.period
    """).df()
    members = con.execute("select group_code, place_code, valid_from, valid_to from ref.group_members").df()
    con.close()
    proc = psutil.Process()
    started = time.perf_counter()
    for col in ("place_code", "indicator_code", "basis", "direction"):
        obs[col] = obs[col].astype("category")
    members["place_code"] = members["place_code"].astype(obs["place_code"].dtype)
    members["group_code"] = members["group_code"].astype("category")
    obs["metric"] = obs["growth_pct"].where(obs["basis"] == "growth", obs["value"])
    obs["sort_key"] = obs["metric"].where(obs["direction"] == "higher", -obs["metric"])
    df = obs.merge(members[["group_code", "place_code"]], on="place_code")  # open-ended spells here
    keys = ["group_code", "indicator_code", "seq"]
    df["rank"] = df.groupby(keys, observed=True)["sort_key"].rank(method="min", ascending=False)
    top3 = df[df["rank"] <= 3]
    counts = top3.groupby(["seq", "group_code", "place_code"], observed=True).size()
    # streaks: consecutive seq (every period is published here) -> island = seq - cumcount
    top3 = top3.sort_values(["group_code", "indicator_code", "place_code", "seq"])
    run_keys = ["group_code", "indicator_code", "place_code"]
    island = top3["seq"] - top3.groupby(run_keys, observed=True).cumcount()
    streaks = top3.assign(island=island).groupby(run_keys + ["island"], observed=True).agg(
        n_periods=("seq", "size"), n_months=("n_months", "sum"), end_seq=("seq", "max"))
    seconds = time.perf_counter() - started
    sample = df[(df["indicator_code"] == "i00")]
    sample = sample[sample["seq"] == sample["seq"].max()][["group_code", "place_code", "rank"]]
    out.put({"seconds": seconds, "peak_rss": proc.memory_info().rss, "n_rankings": len(df), "n_top3": len(top3),
             "n_counts": len(counts), "n_streaks": len(streaks),
             "sample": {(str(g), str(p)): (None if pd.isna(r) else int(r)) for g, p, r in sample.itertuples(index=False)}})


def median_run(runs: list) -> object:
    return sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]


def spread(runs: list) -> str:
    times = sorted(r.seconds for r in runs)
    return f"best {times[0]:.2f} s, median {times[len(times) // 2]:.2f} s, worst {times[-1]:.2f} s of {len(times)}"


def read_costs(con) -> dict[str, float]:
    """Seconds to read the views that rank when read, from a briefing's read to every rank at once."""
    period = con.execute("select max(period) from mart_store.published_periods where indicator_id = 0").fetchone()[0]
    reads = {
        "one period x group": ("select count(*), sum(rank) from marts.rankings where period = ? and group_code = 'g_c007'",
                               [period]),
        "one period, every group": ("select count(*), sum(rank), sum(prev_rank) from marts.rankings where period = ?",
                                    [period]),
        "top-three counts, one period": ("select count(*), sum(n_top3_prev) from marts.top3_counts where period = ?",
                                         [period]),
        "streaks of one place": ("select count(*), sum(n_months) from marts.streaks where place_code = 'k0007'", []),
        "every rank": ("select count(*), sum(rank) from marts.rankings", []),
    }
    seconds = {}
    for name, (sql, params) in reads.items():
        t = time.perf_counter()
        con.execute(sql, params).fetchall()
        seconds[name] = time.perf_counter() - t
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="DuckDB file to create (default: a temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the database file afterwards")
    parser.add_argument("--repeat", type=int, default=3, help="full and incremental rebuilds to time (median reported)")
    args = parser.parse_args()
    folder = None if args.db else tempfile.mkdtemp(prefix="bipin-bench-")
    db_path = args.db or os.path.join(folder, "bench.duckdb")
    Path(db_path).unlink(missing_ok=True)

    t = time.perf_counter()
    catalog = build_catalog()
    con = warehouse.connect(db_path)
    warehouse.sync_catalog(con, catalog)
    history = {cal: periods_for(cal, N_PERIODS + 1)[:-1] for cal in CALENDARS}
    newest = {cal: periods_for(cal, N_PERIODS + 1)[-1:] for cal in CALENDARS}
    n_obs = load_observations(con, catalog, history)
    con.execute("checkpoint")
    print(f"loaded {n_obs:,} observations in {time.perf_counter() - t:.1f} s ({db_path})")

    with PeakRss() as rss:
        fulls = []
        for _ in range(args.repeat):
            fulls.append(marts.build(con, full=True))
            con.execute("checkpoint")
        before_newest = marts.read_state(con).watermark
        load_observations(con, catalog, newest, first_file_id=10_000)
        con.execute("checkpoint")
        incrementals = []
        for i in range(args.repeat):
            if i:  # back to before the new period (itself incremental), then forward again
                marts.build(con, as_of=before_newest)
                con.execute("checkpoint")
            incrementals.append(marts.build(con))
    full, incremental = median_run(fulls), median_run(incrementals)
    n_rankings = con.execute("select coalesce(sum(n_reported), 0) from marts.periods").fetchone()[0]
    n_streaks = con.execute("select count(*) from mart_store.streaks where not is_first").fetchone()[0]
    n_top3 = con.execute("select count(*) from mart_store.top3").fetchone()[0]
    ours = dict(con.execute("""
        select group_code || '/' || place_code, rank from marts.rankings
        where indicator_code = 'i00' and seq = (select max(seq) from marts.rankings where indicator_code = 'i00')
    """).fetchall())
    reads = read_costs(con)
    con.close()

    queue: mp.Queue = mp.get_context("spawn").Queue()
    child = mp.get_context("spawn").Process(target=pandas_reference, args=(db_path, queue))
    child.start()
    ref = queue.get()
    child.join()
    mismatches = sum(1 for (g, p), r in ref["sample"].items() if ours.get(f"{g}/{p}") != r)

    speedup = ref["seconds"] / full.seconds
    rows = [
        ("full rebuild (median)", f"{full.seconds:.2f} s", f"<= {TARGETS['full_s']} s", full.seconds <= TARGETS["full_s"]),
        ("incremental (median)", f"{incremental.seconds:.3f} s", f"<= {TARGETS['incremental_s']} s",
         incremental.seconds <= TARGETS["incremental_s"]),
        ("pandas reference", f"{ref['seconds']:.2f} s", "", True),
        ("speed-up vs pandas", f"{speedup:.1f}x", f">= {TARGETS['speedup']}x", speedup >= TARGETS["speedup"]),
        ("peak RSS (builds)", f"{rss.peak / 2**30:.2f} GB", f"<= {TARGETS['peak_rss_gb']} GB",
         rss.peak / 2**30 <= TARGETS["peak_rss_gb"]),
        ("peak RSS (pandas child)", f"{ref['peak_rss'] / 2**30:.2f} GB", "", True),
    ]
    print(f"\nrankings rows {n_rankings:,} (pandas {ref['n_rankings']:,}), top-three rows {n_top3:,} "
          f"(pandas {ref['n_top3']:,}), streaks {n_streaks:,} (pandas top-three runs {ref['n_streaks']:,}); "
          f"newest-period ranks of i00 differing: {mismatches}")
    print(f"incremental rebuilt {incremental.n_slices} slices, periods {[str(p) for p in incremental.periods]}")
    print(f"full rebuilds: {spread(fulls)}; incremental: {spread(incrementals)}")
    print(f"\n{'measure':30} {'result':>12} {'target':>12}")
    for name, value, target, ok in rows:
        print(f"{name:30} {value:>12} {target:>12} {'' if not target else ('ok' if ok else 'MISSED')}")
    print("\nreading the views (computed when read): " + ", ".join(f"{k} {v:.2f} s" for k, v in reads.items()))
    print("\nfull rebuild steps: " + ", ".join(f"{k} {v:.2f}" for k, v in full.step_seconds.items()))
    print("incremental steps: " + ", ".join(f"{k} {v:.3f}" for k, v in incremental.step_seconds.items()))
    if folder and not args.keep:
        shutil.rmtree(folder, ignore_errors=True)  # the database file and its folder


if __name__ == "__main__":
    main()
