"""Start and stop the `prefect server start` process itself (one uvicorn process, SQLite in PREFECT_HOME).

Used by the background supervisor (flows/prefect_server/supervisor.py) and by `make serve`
(flows/run/serve.py). The server runs in a session of its own, so a Ctrl-C meant for the command that
started it does not reach it: its owner stops it, on purpose, and waits for it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

HOST = "127.0.0.1"


UI_ADDRESS_KEYS = ("PREFECT_UI_API_URL", "PREFECT_SERVER_UI_API_URL", "PREFECT_UI_URL",
                   "PREFECT_SERVER_API_HOST", "PREFECT_SERVER_API_PORT")


def server_env(prefect_home: Path, port: int | None = None) -> dict[str, str]:
    """The server's environment: its own home and database, telemetry off, the UI on.

    With `port`, the UI's own address settings name this server: `prefect server start --port` does not
    set them, so its /ui-settings would send the browser to 127.0.0.1:4200 ("Can't connect to Server API")."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PREFECT_API_URL", "PREFECT_API_KEY") and (port is None or k not in UI_ADDRESS_KEYS)}
    env.update({
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_UI_ENABLED": "true",
        "PREFECT_SERVER_UI_ENABLED": "true",
        "PREFECT_SERVER_LOGGING_LEVEL": env.get("PREFECT_SERVER_LOGGING_LEVEL", "WARNING"),
    })
    # Task runs reach the database through the server's task run recorder, by default one row a
    # transaction: on SQLite those writes held up each subflow's creation (bench/RESULTS.md, Prefect
    # server). In batches of 20, flushed every second, a task run shows in the UI at most a second later. The operator's values win.
    for key, value in (("BATCH_SIZE", "20"), ("READ_BATCH_SIZE", "20"), ("FLUSH_INTERVAL", "1")):
        env.setdefault(f"PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_{key}", value)
    if port is not None:
        env.update({
            "PREFECT_SERVER_API_HOST": HOST,
            "PREFECT_SERVER_API_PORT": str(port),
            "PREFECT_SERVER_UI_API_URL": f"http://{HOST}:{port}/api",
            "PREFECT_UI_URL": f"http://{HOST}:{port}",
        })
    # the database next to the record unless the operator chose one
    env.setdefault("PREFECT_API_DATABASE_CONNECTION_URL", f"sqlite+aiosqlite:///{prefect_home}/prefect.db")
    return env


def launch(prefect_home: Path, port: int, log: Path) -> subprocess.Popen:
    """`prefect server start` on 127.0.0.1:port, output appended to `log`, in its own session.

    A home without a database starts from the install's migrated template (flows/prefect_server/template.py)."""
    from flows.run.prefect_server import template

    prefect_home.mkdir(parents=True, exist_ok=True)
    env = server_env(prefect_home, port)
    if template.uses_default_database(env, prefect_home) and template.seed(prefect_home):
        note_in_log(log, f"bipin: new Prefect database copied from the migrated template {template.template_path()}")
        env.update(template.SEEDED_SERVER_ENV)
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", HOST, "--port", str(port)],
            env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def note_in_log(log: Path, line: str) -> None:
    """A dated line of bipin's own in the server's log (what a reader of the log needs to know)."""
    try:
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}\n")
    except OSError:  # the home was removed under us: nobody is left to read it
        pass


def stop(process: subprocess.Popen, grace_s: float = 20.0) -> None:
    """SIGTERM (uvicorn shuts down cleanly), then SIGKILL after `grace_s`; always reaps it."""
    if process.poll() is None:
        _signal_group(process.pid, signal.SIGTERM)
        try:
            process.wait(grace_s)
        except subprocess.TimeoutExpired:
            _signal_group(process.pid, signal.SIGKILL)
            process.wait()


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def signal_and_wait(pid: int, timeout_s: float) -> bool:
    """Send SIGTERM to another process (not our child) and wait until it is gone; True if it went."""
    from flows.run.prefect_server.record import process_alive

    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not process_alive(pid, ours=False):
            return True
        time.sleep(0.2)
    return False
