"""`make serve` stops both of its processes (the deployments and the Prefect server) on one signal.

Two `make serve` run side by side on free ports, each with its own BIPIN_HOME: one gets Ctrl-C as a
terminal sends it (SIGINT to the whole process group), the other SIGTERM to make alone (what `kill`
or a supervisor sends). Both must leave no process behind and remove their server record.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
START_WAIT_S = 300  # a Prefect server migrating a new database on a loaded 2-core machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().rsplit(")", 1)[-1].split()[0] != "Z"


def _server_pids(port: int) -> list[int]:
    """Processes whose command line is `prefect server start ... --port PORT`."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"server" in cmd and b"--port" in cmd and str(port).encode() in cmd:
                found.append(int(proc.name))
    return found


def _children(parent: int) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and int((proc / "stat").read_text().rsplit(")", 1)[-1].split()[1]) == parent:
                found.append(int(proc.name))
        except OSError:
            continue
    return found


class Serve:
    """One `make serve` with its own home and port; its output is collected as it comes."""

    def __init__(self, tmp_path: Path, name: str) -> None:
        self.port = _free_port()
        self.home = tmp_path / name
        env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "BIPIN_PREFECT_SERVER")}
        env.update({"BIPIN_HOME": str(self.home), "PREFECT_HOME": str(self.home / "prefect"),
                    "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
        # STAMP= : the virtualenv is the one running this test, no install step
        self.env = env
        self.make = subprocess.Popen(["make", "-s", "serve", f"PREFECT_PORT={self.port}", "STAMP="], cwd=ROOT,
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)
        self.output: list[str] = []
        self.serving = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.make.stdout:
            self.output.append(line)
            if "serving" in line and "deployments" in line:
                self.serving.set()

    def processes(self) -> dict[str, list[int]]:
        """make, its python (flows.run.serve) and the Prefect server it started."""
        return {"make": [self.make.pid], "flows.run.serve": _children(self.make.pid), "server": _server_pids(self.port)}


def _wait_gone(pids: list[int], timeout_s: float) -> list[int]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.2)
    return [p for p in pids if _alive(p)]


@pytest.mark.e2e
def test_make_serve_stops_both_processes_on_ctrl_c_and_on_sigterm(tmp_path):
    ctrl_c, term = Serve(tmp_path, "ctrl_c"), Serve(tmp_path, "term")
    try:
        for serve in (ctrl_c, term):
            assert serve.serving.wait(START_WAIT_S), "make serve never served:\n" + "".join(serve.output)
        before = {"ctrl_c": ctrl_c.processes(), "term": term.processes()}
        for procs in before.values():
            assert procs["flows.run.serve"] and procs["server"], before  # both processes were up
        # commands under the same home use make serve's server (they start none of their own)
        status = subprocess.run([sys.executable, "-m", "flows.cli", "server", "status"], cwd=ROOT, env=ctrl_c.env,
                                capture_output=True, text=True, timeout=120)
        assert "make serve Prefect server" in status.stdout and f"127.0.0.1:{ctrl_c.port}/api" in status.stdout
        assert "answers" in status.stdout

        os.killpg(ctrl_c.make.pid, signal.SIGINT)   # Ctrl-C in a terminal: the foreground process group
        os.kill(term.make.pid, signal.SIGTERM)      # kill <make's pid>: make passes it to its child

        for name, serve in (("ctrl_c", ctrl_c), ("term", term)):
            pids = [p for group in before[name].values() for p in group]
            serve.make.wait(60)
            assert _wait_gone(pids, 30) == [], f"{name}: left running\n" + "".join(serve.output)
            assert not (serve.home / "prefect" / "bipin-server.json").exists()
            assert "stopping the Prefect server" in "".join(serve.output)
    finally:
        for serve in (ctrl_c, term):
            if serve.make.poll() is None:
                os.killpg(serve.make.pid, signal.SIGKILL)
            for pid in _server_pids(serve.port):
                os.kill(pid, signal.SIGKILL)
