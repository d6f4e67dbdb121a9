"""Benchmark the briefing stages of one `bipin run` without Prefect: weekly, monthly, quarterly, digest.

    .venv/bin/python -m bench.bench_brief_stages --db var/bipin.duckdb [--as-of 2026-11-30T08:00] [--repeat 3]
        [--models] [--outbox DIR]

Copies the warehouse (one `bipin run` made it) into a throwaway home and, in this one process as
`bipin run` does, runs each kind's plain functions the brief flow's tasks call: plan, render every
recipient in 4 threads (the flow's thread pool), deliver to the outbox (--resend: the copy's ledger
already lists the run's sends), the operators' digest. Prints wall seconds and CPU seconds (this process, every thread: steadier than wall on a shared
machine) per kind and in all; --models
adds the time spent in each sql/brief model (calls against the warehouse, not the run's cache).
Each repeat starts on a fresh copy in the same process, as a second `bipin run` would not: the first
repeat is the one to compare with `bipin run`'s "brief" figure (its imports are not counted there).
--outbox keeps the last repeat's outbox there, for bench/compare_outbox.py (the same warehouse before and
after a change: the emails must be the same).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from flows.brief import operators, session
from flows.brief import plan as p
from flows.brief.content import queries as q
from flows.config.settings import load_settings

KINDS = ("weekly", "monthly", "quarterly", "digest")


def timed_fetch(spent: dict[str, list[float]]):
    """q.fetch that records the seconds each model spends in DuckDB (the run's cache passes through)."""
    plain = q.fetch

    def fetch(con, model: str, **params):
        if not isinstance(con, duckdb.DuckDBPyConnection):
            return plain(con, model, **params)
        started = time.perf_counter()
        try:
            return plain(con, model, **params)
        finally:
            spent[model].append(time.perf_counter() - started)

    return fetch


def run_kind(settings, kind: str, as_of: str) -> int:
    """One kind as the brief flow runs it; the number of emails written."""
    with session.warehouse_session(settings, read_only=False):
        plan = p.make_plan(settings, kind, as_of=as_of)
        assert not plan.problems, plan.problems
        written = 0
        if kind != "digest":
            with ThreadPoolExecutor(max_workers=4) as pool:
                outcomes = list(pool.map(lambda r: p.render_for(settings, plan, r), plan.recipients))
            failed = [o.detail for o in outcomes if o.outgoing is None]
            assert not failed, failed
            written += len(p.deliver(settings, [o.outgoing for o in outcomes], True, False))
        digests = operators.digests_for(settings, plan, [], resend=True)
        written += len(p.deliver(settings, digests, True, False)) if digests else 0
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path, help="a warehouse `bipin run` made")
    parser.add_argument("--as-of", default="2026-11-30T08:00")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--models", action="store_true", help="seconds per sql/brief model")
    parser.add_argument("--outbox", type=Path, help="copy the outbox here")
    args = parser.parse_args()
    spent: dict[str, list[float]] = defaultdict(list)
    if args.models:
        q.fetch = timed_fetch(spent)
    for n in range(args.repeat):
        home = Path(tempfile.mkdtemp(prefix="bipin-bench-stages-"))
        shutil.copy(args.db, home / "bipin.duckdb")
        settings = load_settings(home=home)
        figures = []
        for kind in KINDS:
            spent.clear()
            started, cpu = time.perf_counter(), time.process_time()
            emails = run_kind(settings, kind, args.as_of)
            figures.append((kind, time.perf_counter() - started, emails, time.process_time() - cpu))
            if args.models:
                for model, calls in sorted(spent.items(), key=lambda kv: -sum(kv[1])):
                    print(f"  {kind:9} {model:16} {sum(calls):.3f} s ({len(calls)} calls)")
        total, cpu = sum(f[1] for f in figures), sum(f[3] for f in figures)
        print(f"run {n + 1}: brief {total:.2f} s wall, {cpu:.2f} CPU-s = "
              + ", ".join(f"{k} {s:.2f} s / {c:.2f} CPU-s ({e} emails)" for k, s, e, c in figures))
        if args.outbox:
            shutil.rmtree(args.outbox, ignore_errors=True)
            shutil.copytree(settings.outbox, args.outbox)
        shutil.rmtree(home)


if __name__ == "__main__":
    main()
