"""Benchmark: `make run` on the demo data, wall time split into Prefect start-up and the job's own work.

Run: .venv/bin/python -m bench.bench_run
Does what `bipin run` does, in a throwaway BIPIN_HOME with its own PREFECT_HOME (Prefect's local
mode: a temporary server started on first use): demo inbox, then `pipeline(force=True)` sending
every briefing to the outbox. "Own work" is the time inside the stages (ingest, rank, each
briefing kind) plus writing the demo files; everything else is Prefect start-up and orchestration.
Reference: own work <= 5 s on the team's 2-core machine (issue 5).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

TARGET_OWN_S = 5.0


def main() -> None:
    started = time.perf_counter()
    home = Path(tempfile.mkdtemp(prefix="bipin-bench-run-"))
    os.environ["BIPIN_HOME"] = str(home)
    os.environ.pop("BIPIN_DB", None)
    os.environ["PREFECT_HOME"] = str(home / "prefect")
    os.environ.pop("PREFECT_API_URL", None)
    from flows.settings import load_settings, prepare_prefect_env

    settings = load_settings()
    prepare_prefect_env(settings)

    from flows.catalog import load_catalog
    from flows.ops import ensure_demo_inbox, task_work_seconds

    t = time.perf_counter()
    n_files = ensure_demo_inbox(settings, load_catalog(settings.config_dir), date.today())
    demo_s = time.perf_counter() - t

    t = time.perf_counter()
    from flows.pipeline import pipeline  # imports prefect and the stages

    import_s = time.perf_counter() - t
    t = time.perf_counter()
    state = pipeline(force=True, return_state=True)
    flow_s = time.perf_counter() - t
    total_s = time.perf_counter() - started
    if not state.is_completed():
        print(f"pipeline did not complete: {state.message}", file=sys.stderr)
    stages = state.result(raise_on_failure=False)["stages"] if state.is_completed() else []
    work = task_work_seconds(state.state_details.flow_run_id)
    own_s = demo_s + work["total"]
    n_eml = len(list(settings.outbox.rglob("*.eml")))

    print(f"bench_run: `make run` equivalent on the demo data ({n_files} demo files, {n_eml} emails in the outbox)")
    print(f"  home {home}")
    for r in stages:
        print(f"  stage {r['stage']:<16} {r['seconds']:6.2f} s wall (with its Prefect overhead)  {r['outcome']}")
    for name, seconds in sorted(work.items()):
        print(f"  own work in {name:<10} {seconds:6.2f} s (inside tasks)")
    print(f"  demo files            {demo_s:6.2f} s")
    print(f"  own work              {own_s:6.2f} s   (target <= {TARGET_OWN_S:.1f} s: "
          f"{'met' if own_s <= TARGET_OWN_S else 'MISSED'})")
    print(f"  prefect import        {import_s:6.2f} s")
    print(f"  pipeline flow         {flow_s:6.2f} s (of which Prefect start-up + orchestration "
          f"{flow_s - work['total']:.2f} s)")
    print(f"  wall time             {total_s:6.2f} s = Prefect {total_s - own_s:.2f} s + own work {own_s:.2f} s")


if __name__ == "__main__":
    main()
