"""Prefect faults end a command in one line saying what to do, and nothing is sent twice: a server
PREFECT_API_URL names that is down, and bipin's background server killed during a send (real
servers on 127.0.0.1)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from flows.cli.guard import prefect_fault
from tests.demo_home import UNTIL, build_demo_home
from tests.ingest_world import settings_for, wide_grid, write_csv
from tests.test_ops_prefect_server import _bipin, _env, _record

ROOT = Path(__file__).resolve().parents[1]


def test_a_server_that_is_down_is_one_line_saying_what_to_do(tmp_path):
    s = settings_for(tmp_path)
    write_csv(s.inbox / "city_202610.csv", wide_grid())
    result = _bipin(_env(tmp_path, PREFECT_API_URL="http://127.0.0.1:9/api"), "ingest")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert "http://127.0.0.1:9/api (PREFECT_API_URL) does not answer" in result.stderr
    assert "unset PREFECT_API_URL" in result.stderr
    assert list(s.inbox.iterdir())  # nothing was loaded without a record of the run


def test_transport_errors_under_prefects_wrappers_are_named_with_what_to_do(monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:5/api")
    try:
        try:
            raise httpx.ReadTimeout("timed out")
        except httpx.ReadTimeout as inner:
            raise RuntimeError("Crashed") from inner
    except RuntimeError as wrapped:
        line = prefect_fault(wrapped)
    assert line.startswith("the Prefect server at http://127.0.0.1:5/api timed out during the command (ReadTimeout")
    assert "unset PREFECT_API_URL" in line and "not sent twice" in line and "\n" not in line
    assert prefect_fault(ValueError("a bug")) is None


def _server_pids(keeper: int) -> list[int]:
    children = Path(f"/proc/{keeper}/task/{keeper}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


@pytest.mark.e2e
def test_background_server_killed_during_a_send_is_one_line_and_nothing_goes_twice(tmp_path):
    build_demo_home(tmp_path / "home")
    shutil.copytree(ROOT / "config", tmp_path / "config")
    env = _env(tmp_path)
    outbox = tmp_path / "home" / "outbox" / "weekly"
    period = f"{UNTIL:%Y-%m}"
    killed: list[int] = []

    def kill_at_first_email() -> None:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not killed:
            record = _record(tmp_path)
            if record and outbox.exists() and any(outbox.rglob("*.eml")):
                for pid in [*_server_pids(record["pid"]), record["pid"]]:
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
            time.sleep(0.05)

    watcher = threading.Thread(target=kill_at_first_email, daemon=True)
    watcher.start()
    try:
        first = subprocess.run([sys.executable, "-m", "flows.cli", "brief", "weekly", "--period", period],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
        watcher.join(5)
        assert killed, first.stderr
        sent = {p: p.stat().st_mtime_ns for p in outbox.rglob("*.eml")}
        said = " ".join(first.stderr.split())
        assert first.returncode == 2 and "Traceback" not in said, first.stderr[-3000:]
        assert said.count("error:") == 1 and "stopped answering during the command" in said, said[-2000:]
        assert "run the command again" in said and "not sent twice" in said
        assert "EventsWorker" not in said and "Error logging to API" not in said

        # the next command starts a new server; what went out before the kill is not sent again
        again = _bipin(env, "brief", "weekly", "--period", period)
        assert again.returncode == 0, again.stderr[-2000:]
        assert again.stdout.count("skipped") >= len(sent), again.stdout
        assert all(p.stat().st_mtime_ns == mtime for p, mtime in sent.items())
    finally:
        _bipin(env, "server", "stop")
