"""Commands find their Prefect server: the first starts bipin's background server under the home,
later ones reuse it, `bipin server stop` ends it; PREFECT_API_URL wins; a start that does not finish
in time is one line saying what to do. Real servers on 127.0.0.1 with a private PREFECT_HOME."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.ingest_world import settings_for, wide_grid, write_csv

ROOT = Path(__file__).resolve().parents[1]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "BIPIN_PREFECT_SERVER")}
    env.update({"BIPIN_HOME": str(tmp_path / "home"), "BIPIN_CONFIG_DIR": str(tmp_path / "config"),
                "PREFECT_HOME": str(tmp_path / "home" / "prefect"), "COLUMNS": "200",
                "BIPIN_PREFECT_START_TIMEOUT": "300"}, **extra)
    return env


def _bipin(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


def _record(tmp_path: Path) -> dict | None:
    path = tmp_path / "home" / "prefect" / "bipin-server.json"
    return json.loads(path.read_text()) if path.exists() else None


def _flow_runs(api_url: str) -> list[dict]:
    request = urllib.request.Request(f"{api_url}/flow_runs/filter", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0] != "Z"


@pytest.mark.e2e
def test_commands_share_one_background_server_until_it_is_stopped(tmp_path):
    settings = settings_for(tmp_path)
    first_file = write_csv(settings.inbox / "city_a_202610.csv", wide_grid())
    env = _env(tmp_path)
    try:
        first = _bipin(env, "ingest", str(first_file))
        assert first.returncode == 0, first.stderr
        assert "starting Prefect's local server in the background" in first.stderr
        started = _record(tmp_path)
        assert started and started["owner"] == "background" and _alive(started["pid"])
        from flows.run.prefect_server.template import template_path

        if template_path().is_file():  # made by the install step: the new home began from a copy
            assert "copied from the migrated template" in Path(started["log"]).read_text(encoding="utf-8")
        request = urllib.request.Request(f"{started['api_url']}/block_types/filter", data=b"{}", method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:  # Prefect's own blocks, as after any start
            assert {"secret", "local-file-system"} <= {b["slug"] for b in json.loads(response.read())}

        again = write_csv(settings.inbox / "city_a_202610.csv", wide_grid())  # the same file again: a duplicate
        second = _bipin(env, "ingest", str(again))
        assert second.returncode == 0, second.stderr
        assert "starting Prefect's local server" not in second.stderr
        assert _record(tmp_path) == started  # the same server, reused

        # both runs are recorded where the server's UI shows them
        runs = [r for r in _flow_runs(started["api_url"]) if r["state_type"] == "COMPLETED"]
        assert len(runs) == 2

        status = _bipin(env, "server", "status")
        assert "background Prefect server" in status.stdout and "answers" in status.stdout
        assert started["api_url"] in status.stdout

        stopped = _bipin(env, "server", "stop")
        assert stopped.returncode == 0 and "stopped the background Prefect server" in stopped.stdout
        assert not _alive(started["pid"]) and _record(tmp_path) is None
        assert "no Prefect server running" in _bipin(env, "server", "status").stdout
    finally:
        _bipin(env, "server", "stop")


def test_an_explicit_prefect_api_url_wins_and_nothing_is_started(tmp_path):
    env = _env(tmp_path, PREFECT_API_URL="http://127.0.0.1:9/api")  # port 9: nobody answers
    status = _bipin(env, "server", "status")
    assert "commands use http://127.0.0.1:9/api (PREFECT_API_URL); it does NOT answer" in " ".join(status.stdout.split())
    assert _record(tmp_path) is None


def test_a_server_slow_to_start_is_one_line_saying_what_to_do(tmp_path):
    settings = settings_for(tmp_path)
    path = write_csv(settings.inbox / "city_a_202610.csv", wide_grid())
    env = _env(tmp_path, BIPIN_PREFECT_START_TIMEOUT="0.5")
    try:
        result = _bipin(env, "ingest", str(path))
        assert result.returncode == 2
        lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(lines) == 1 and "Traceback" not in result.stderr
        message = " ".join(result.stderr.split())
        assert "did not answer within 0 s" in message and "run the command again" in message
        assert "BIPIN_PREFECT_START_TIMEOUT" in message
        assert path.exists()  # nothing was ingested
    finally:
        _bipin(env, "server", "stop")


def test_a_background_server_whose_home_was_deleted_stops_instead_of_running_for_ever(tmp_path, monkeypatch):
    import shutil
    import time

    from flows.run.prefect_server import connect

    home = tmp_path / "home" / "prefect"
    monkeypatch.setenv("BIPIN_PREFECT_IDLE_MINUTES", "120")
    record, started = connect.start_background(home)
    assert started and _alive(record.pid)
    try:
        connect.wait_ready(home, record, timeout_s=300)  # up and serving: it holds its database open
        server_pids = [int(p) for p in Path(f"/proc/{record.pid}/task/{record.pid}/children").read_text().split()]
        shutil.rmtree(tmp_path / "home")  # what an operator's `rm -rf var` does to a running server's home

        deadline = time.monotonic() + 60
        while _alive(record.pid) and time.monotonic() < deadline:
            time.sleep(0.5)
            connect._reap(record.pid)
        assert not _alive(record.pid)
        assert server_pids and not any(_alive(pid) for pid in server_pids)
    finally:
        if _alive(record.pid):
            os.kill(record.pid, 15)  # the keeper stops its server on SIGTERM


def test_the_servers_task_run_recorder_writes_in_batches_unless_the_operator_says_otherwise(tmp_path, monkeypatch):
    from flows.run.prefect_server.process import server_env

    env = server_env(tmp_path)
    # one task run a transaction held each subflow's creation up by ~2 s on SQLite
    assert int(env["PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE"]) > 1
    assert float(env["PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL"]) <= 1
    monkeypatch.setenv("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE", "1")
    assert server_env(tmp_path)["PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE"] == "1"


@pytest.mark.parametrize("started_at", ["2026-12-04T15:00:00+00:00", "2026-12-04T07:00:00-08:00",
                                        "2026-12-04T15:00:00"])  # the last: a record from before the offset was kept
def test_server_status_says_the_start_in_the_configured_time_zone(tmp_path, started_at):
    """The machine's clock is UTC; settings.yaml's zone is Asia/Shanghai (UTC+8): 15:00 UTC is 23:00 there."""
    settings_for(tmp_path)
    prefect = tmp_path / "home" / "prefect"
    prefect.mkdir(parents=True, exist_ok=True)
    # a live process that passes for bipin's (its command line names flows); nobody answers on port 9
    stand_in = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "flows"])
    try:
        record = {"pid": stand_in.pid, "port": 9, "api_url": "http://127.0.0.1:9/api", "started_at": started_at,
                  "log": str(prefect / "server.log"), "owner": "background"}
        (prefect / "bipin-server.json").write_text(json.dumps(record), encoding="utf-8")
        status = _bipin(_env(tmp_path, TZ="UTC"), "server", "status")
    finally:
        stand_in.kill()
        stand_in.wait()
    assert status.returncode == 0, status.stderr
    assert f"background Prefect server, pid {stand_in.pid}, since 2026-12-04 23:00:00:" in status.stdout
