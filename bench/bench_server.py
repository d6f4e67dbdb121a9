"""Benchmark: operator commands' wall time with bipin's background Prefect server (issue 12, item 1).

Run: .venv/bin/python -m bench.bench_server [--repeat 3] [--fresh-runs 1] [--fresh-only]
Everything runs as an operator would type it (`python -m flows.cli ...` in a subprocess, which is what
the `bipin` script runs), in a throwaway BIPIN_HOME with its own PREFECT_HOME, nothing running at first:

1. `bipin run` on the fresh home: the state of a fresh clone after install (no database, no Prefect
   database, no server): the demo files are written while the server starts, then the pipeline.
   Target <= 25 s (`make run` on a fresh clone).
2. `bipin ingest ONE_SMALL_FILE` on a new home, twice in a row, no server started by hand: the first
   starts the background server, the second reuses it. Target for the second: <= 5 s.
3. With a server up (started beforehand with `bipin server start`, as `make serve` would have it):
   `bipin ingest ONE_SMALL_FILE`, --repeat times. Target <= 4 s.
4. For reference: the same ingest with BIPIN_PREFECT_SERVER=temporary (Prefect's temporary server
   for the one command, the way every command ran before).
The small file is one of the demo's monthly city tables (a few hundred values). Each server is
stopped at the end. Prints one line per measurement: wall time, the command's CPU time, the server's
CPU time during it, and the 1-minute load average (on the shared 2-core machine the wall time grows
with the load; the CPU times show what a quiet machine would wait).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"run_fresh": 25.0, "ingest_second": 5.0, "ingest_server_up": 4.0}


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "BIPIN_DB", "BIPIN_PREFECT_SERVER")}
    env.update({"BIPIN_HOME": str(home), "PREFECT_HOME": str(home / "prefect"),
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}, **extra)
    return env


def _server_cpu(env: dict[str, str]) -> float:
    """CPU seconds used so far by the Prefect server recorded under the home (0 when none runs)."""
    record = Path(env["PREFECT_HOME"]) / "bipin-server.json"
    if not record.exists():
        return 0.0
    keeper = json.loads(record.read_text())["pid"]
    total = 0.0
    for proc in Path("/proc").iterdir():
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[-1].split()
        except (OSError, ValueError):
            continue
        if proc.name.isdigit() and int(fields[1]) == keeper:  # the server is the keeper's child
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def timed(env: dict[str, str], *args: str) -> tuple[float, float, float]:
    """(wall, the command's CPU, the server's CPU during the command) in seconds."""
    server_before = _server_cpu(env)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=ROOT, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"bipin {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, max(0.0, _server_cpu(env) - server_before)


def small_file(scratch: Path, n: int) -> Path:
    """A copy of the n-th small demo file (a different file each time: each ingest loads new values)."""
    files = sorted((scratch / "demo").glob("synthetic_zhejiang_long_*.csv"))
    source = files[n % len(files)]
    target = scratch / f"copy{n}" / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    return target


def report(name: str, figures: tuple[float, float, float]) -> None:
    seconds, cpu, server_cpu = figures
    target = TARGETS.get(name)
    verdict = "" if target is None else f"  (target <= {target:.0f} s: {'met' if seconds <= target else 'NOT met'})"
    print(f"{name:<18} wall {seconds:6.2f} s  command CPU {cpu:5.2f} s  server CPU {server_cpu:5.2f} s"
          f"  load {os.getloadavg()[0]:.1f}{verdict}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fresh-runs", type=int, default=1, help="`bipin run` on this many fresh homes")
    parser.add_argument("--fresh-only", action="store_true", help="only the fresh `bipin run`s (1.), not 2.-4.")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bipin-bench-server-"))
    print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    homes = [scratch / name for name in ("run", "ingest", "up", "temporary")]
    try:
        subprocess.run([sys.executable, "-m", "flows.cli", "demo-data", "--until", "2026-10",
                        "--out", str(scratch / "demo")], cwd=ROOT, env=_env(scratch / "demo-home"),
                       stdout=subprocess.DEVNULL, check=True)

        for n in range(args.fresh_runs):
            fresh = homes[0].with_name(f"run{n}")
            homes.append(fresh)
            report("run_fresh", timed(_env(fresh), "run"))
            timed(_env(fresh), "server", "stop")
        if args.fresh_only:
            return

        env = _env(homes[1])
        report("ingest_first", timed(env, "ingest", str(small_file(scratch, 1))))
        report("ingest_second", timed(env, "ingest", str(small_file(scratch, 2))))

        env = _env(homes[2])
        report("server_start", timed(env, "server", "start"))
        for n in range(args.repeat):
            report("ingest_server_up", timed(env, "ingest", str(small_file(scratch, 3 + n))))

        env = _env(homes[3], BIPIN_PREFECT_SERVER="temporary")
        report("ingest_temporary", timed(env, "ingest", str(small_file(scratch, 3 + args.repeat))))
    finally:
        for home in [h for h in homes if h.name != "temporary"]:
            subprocess.run([sys.executable, "-m", "flows.cli", "server", "stop"], cwd=ROOT, env=_env(home),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"load average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
