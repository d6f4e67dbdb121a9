"""The background server's keeper: `python -m flows.run.prefect_server.supervisor HOME PORT IDLE_S`.

A bipin command starts this process detached (own session, output to the log, no terminal) and
returns as soon as the API answers; later commands reuse the server. The keeper starts `prefect
server start`, and stops it and removes the record when asked (SIGTERM: `bipin server stop`), when
the server dies, or when no command has used it for IDLE_S seconds (0 = never), so a server left
by a CI job or a demo does not run for ever. It imports nothing heavy: it only waits.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from flows.run.prefect_server import process
from flows.run.prefect_server.record import mark_used, read_record, remove_record, seconds_unused

CHECK_EVERY_S = 1.0
RECORD_GRACE_S = 60.0  # the starting command writes the record just after starting this process


def supervise(prefect_home: Path, port: int, idle_stop_s: float, log: Path) -> int:
    stopping: list[str] = []

    def on_signal(signum, _frame) -> None:
        stopping.append(signal.Signals(signum).name)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    mark_used(prefect_home)
    server = process.launch(prefect_home, port, log)
    why, started, recorded = "", time.monotonic(), False
    try:
        while not stopping:
            if server.poll() is not None:
                why = f"the server exited with code {server.returncode}"
                break
            # a home deleted under a running server (rm -rf var) takes the last-used file with it, so
            # the idle stop would never come: a keeper no longer on record stops instead
            record = read_record(prefect_home)
            mine = record is not None and record.pid == os.getpid()
            recorded = recorded or mine
            if not mine and (recorded or time.monotonic() - started > RECORD_GRACE_S):
                why = "its record is gone (the home was removed or another server took its place)"
                break
            if idle_stop_s and seconds_unused(prefect_home, time.time()) > idle_stop_s:
                why = f"unused for {idle_stop_s:.0f} s"
                break
            time.sleep(CHECK_EVERY_S)
        why = why or f"{stopping[0]} received"
    finally:
        process.stop(server)
        remove_record(prefect_home, os.getpid())
    process.note_in_log(log, f"bipin: background Prefect server on port {port} stopped: {why}")
    return 0


if __name__ == "__main__":
    home, port_arg, idle_arg = sys.argv[1:4]
    prefect_home = Path(home)
    sys.exit(supervise(prefect_home, int(port_arg), float(idle_arg), prefect_home / "server.log"))
