"""A/B timing of the national rank build between two code trees, same data, alternating runs.

    git archive main | tar -x -C /tmp/a     # the tree to compare with
    .venv/bin/python bench/ab_rank.py /tmp/a /tmp/a.duckdb load      # once per tree and file
    .venv/bin/python bench/ab_rank.py /tmp/a /tmp/a.duckdb full      # one timed full rebuild
    .venv/bin/python bench/ab_rank.py /tmp/a /tmp/a.duckdb inc       # one timed incremental rebuild

ROOT is the code tree imported (it goes first on sys.path); each call is one fresh process, so runs of
the two trees can alternate (A B B A) and share whatever else the machine is doing.
"""
import sys
import time

root, db, mode = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, root)

from bench.bench_rank import CALENDARS  # noqa: E402
from bench.national import N_PERIODS, build_catalog, load_observations, periods_for  # noqa: E402
from flows.rank import marts  # noqa: E402
from flows.warehouse import db as warehouse  # noqa: E402

con = warehouse.connect(db)
if mode == "load":
    catalog = build_catalog()
    warehouse.sync_catalog(con, catalog)
    load_observations(con, catalog, {cal: periods_for(cal, N_PERIODS + 1)[:-1] for cal in CALENDARS})
    con.execute("checkpoint")
    marts.build(con, full=True)
    before = marts.read_state(con).watermark
    load_observations(con, catalog, {cal: periods_for(cal, N_PERIODS + 1)[-1:] for cal in CALENDARS},
                      first_file_id=10_000)
    con.execute("checkpoint")
    open(db + ".before", "w").write(before.isoformat())
elif mode == "full":
    t = time.perf_counter()
    marts.build(con, full=True)
    print(f"full {time.perf_counter() - t:.2f}")
    con.execute("checkpoint")
else:
    from datetime import datetime
    marts.build(con, as_of=datetime.fromisoformat(open(db + ".before").read()))
    con.execute("checkpoint")
    t = time.perf_counter()
    marts.build(con)
    print(f"incremental {time.perf_counter() - t:.3f}")
    con.execute("checkpoint")
con.close()
