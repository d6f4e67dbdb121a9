"""How a command finds its Prefect server, in this order (docs/OPERATIONS.md, "Which Prefect server"):

1. PREFECT_API_URL in the environment, the active Prefect profile, or Prefect settings already in
   force in this process (a test harness): that server, untouched.
2. BIPIN_PREFECT_SERVER=temporary: Prefect's temporary server for this command alone (slow, leaves
   nothing running).
3. The server recorded under PREFECT_HOME (default BIPIN_HOME/prefect): `make serve`'s, or the
   background server an earlier command started.
4. Otherwise start the background server (flows/prefect_server/supervisor.py) and wait for it.

PREFECT_API_URL is then set for this process, before Prefect is imported (Prefect reads its
settings once, at import).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flows.config.settings import PROJECT_ROOT
from flows.run.prefect_server import process
from flows.run.prefect_server.record import (
    LOG_NAME,
    ServerRecord,
    free_port,
    is_healthy,
    log_tail,
    mark_used,
    process_alive,
    read_record,
    remove_record,
    write_record,
)
from flows.warehouse.locks import LOCAL_SERVER_ENV

MODE_ENV = "BIPIN_PREFECT_SERVER"               # background (default) | temporary
START_TIMEOUT_ENV = "BIPIN_PREFECT_START_TIMEOUT"
IDLE_ENV = "BIPIN_PREFECT_IDLE_MINUTES"
DEFAULT_START_TIMEOUT_S = 180.0  # a first start migrates a new database: minutes on a loaded machine
DEFAULT_IDLE_MINUTES = 120.0


class ServerStartError(RuntimeError):
    """No Prefect server could be reached or started; the message says what to do (one line)."""


@dataclass(frozen=True)
class Choice:
    api_url: str | None          # None: Prefect decides (a profile, or its temporary server)
    source: str                  # why this server: PREFECT_API_URL, profile, temporary, background, make serve
    record: ServerRecord | None = None


def prefect_home() -> Path:
    """PREFECT_HOME as this process's Prefect will see it (settings.prepare_prefect_env sets it)."""
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser().resolve()


def configured_elsewhere() -> Choice | None:
    """Steps 1 and 2: a server the operator (or a test) chose, or Prefect's temporary one."""
    if os.environ.get("PREFECT_API_URL"):
        return Choice(os.environ["PREFECT_API_URL"], "PREFECT_API_URL")
    if "prefect.settings" in sys.modules:  # already imported here: its settings are fixed (a test harness)
        from prefect.settings import get_current_settings

        url = get_current_settings().api.url
        if url:
            return Choice(url, "Prefect settings in this process")
    profile_url = _profile_api_url()
    if profile_url:
        return Choice(profile_url, "Prefect profile")
    if os.environ.get(MODE_ENV, "background") == "temporary":
        return Choice(None, "temporary")
    return None


def _profile_api_url() -> str | None:
    """PREFECT_API_URL from the active profile (`prefect config set PREFECT_API_URL=...`)."""
    path = Path(os.environ.get("PREFECT_PROFILES_PATH") or prefect_home() / "profiles.toml")
    try:
        profiles = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active") or "ephemeral"
    return (profiles.get("profiles", {}).get(active) or {}).get("PREFECT_API_URL")


def reachable(api_url: str, timeout_s: float = 5.0) -> bool:
    """Whether anything answers at the address (any HTTP reply counts: Prefect Cloud wants a key for /health)."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout_s):
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):
        return False


def running(home: Path) -> ServerRecord | None:
    """The server recorded under `home`, if its process still runs (it may still be starting)."""
    record = read_record(home)
    return record if record is not None and process_alive(record.pid) else None


def start_background(home: Path) -> tuple[ServerRecord, bool]:
    """Step 3 or 4 without waiting: the recorded server, or a new background one (returns at once).

    The flag says whether this call started it."""
    from filelock import FileLock

    home.mkdir(parents=True, exist_ok=True)
    with FileLock(str(home / "bipin-server.lock"), timeout=60):  # two commands at once start one server
        record = running(home)
        if record is not None:
            return record, False
        port = free_port(process.HOST)
        idle_s = float(os.environ.get(IDLE_ENV, DEFAULT_IDLE_MINUTES)) * 60
        log = home / LOG_NAME
        with open(log, "ab") as out:
            keeper = subprocess.Popen(
                [sys.executable, "-m", "flows.run.prefect_server.supervisor", str(home), str(port), str(idle_s)],
                cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,  # outlives this command; a Ctrl-C here does not reach it
            )
        record = ServerRecord(pid=keeper.pid, port=port, api_url=f"http://{process.HOST}:{port}/api",
                              started_at=datetime.now().astimezone().isoformat(timespec="seconds"), log=str(log),
                              owner="background", idle_stop_s=idle_s)
        write_record(home, record)
        return record, True


def start_timeout() -> float:
    return float(os.environ.get(START_TIMEOUT_ENV, DEFAULT_START_TIMEOUT_S))


def wait_ready(home: Path, record: ServerRecord, timeout_s: float | None = None) -> None:
    """Block until the recorded server answers; one clear line if it does not."""
    timeout_s = start_timeout() if timeout_s is None else timeout_s
    deadline = time.monotonic() + timeout_s
    while not is_healthy(record.api_url):
        if not process_alive(record.pid, ours=False):
            _reap(record.pid)
            last = log_tail(record.log)
            raise ServerStartError(
                f"Prefect's local server stopped while starting ({last or 'no output'}); see {record.log}, "
                f"or set PREFECT_API_URL to a running Prefect server")
        if time.monotonic() > deadline:
            raise ServerStartError(
                f"Prefect's local server at {record.api_url} did not answer within {timeout_s:.0f} s "
                f"(the machine may be busy; it keeps starting in the background, log {record.log}): run the "
                f"command again in a minute, allow longer with {START_TIMEOUT_ENV}=600, or set PREFECT_API_URL")
        time.sleep(0.25)
    mark_used(home)


_pending: list[ServerRecord] = []  # begun by begin(), waited for by connect()


def begin() -> None:
    """Start the background server now if a command will need it, without waiting, and point this
    process at it: `bipin run` writes the demo files and imports Prefect while it boots (its address
    is known from the start); connect() then waits for it to answer."""
    if configured_elsewhere() is None:
        record, _ = start_background(prefect_home())
        _use_local(record)
        _pending.append(record)


def _use_local(record: ServerRecord) -> None:
    """Point this process at bipin's own server on this machine (flows/warehouse/locks.py: no Prefect limit).

    One retry per request, not Prefect's five with 2-32 s back-off: a local server that stopped (killed,
    crashed) does not come back within the minute each request would spend finding that out, which made a
    killed server hold the command for minutes before its one-line error (the operator's value wins)."""
    os.environ["PREFECT_API_URL"] = record.api_url
    os.environ[LOCAL_SERVER_ENV] = record.api_url
    os.environ.setdefault("PREFECT_CLIENT_MAX_RETRIES", "1")


def connect(announce: Callable[[str], None] | None = None) -> Choice:
    """Decide the server for this process and point Prefect at it (call before importing prefect).

    `announce` hears one line when this command has to wait for a server to start."""
    if _pending:
        record = _pending.pop()
        if announce is not None and not is_healthy(record.api_url):
            announce(f"waiting for Prefect's local server to start in the background ({record.ui_url}; "
                     "later commands reuse it, `bipin server stop` stops it)")
        wait_ready(prefect_home(), record)
        return Choice(record.api_url, record.owner, record)
    choice = configured_elsewhere()
    if choice is not None:
        if choice.api_url and choice.source != "Prefect settings in this process" and not reachable(choice.api_url):
            raise ServerStartError(
                f"the Prefect server {choice.api_url} ({choice.source}) does not answer: start it, or unset "
                "PREFECT_API_URL (and `prefect config unset PREFECT_API_URL` for a profile) so bipin starts its "
                "own background server")
        return choice
    home = prefect_home()
    record, started = start_background(home)
    if announce is not None and not is_healthy(record.api_url):
        announce(f"{'starting' if started else 'waiting for'} Prefect's local server in the background "
                 f"({record.ui_url}; later commands reuse it, `bipin server stop` stops it)")
    wait_ready(home, record)
    _use_local(record)
    return Choice(record.api_url, record.owner, record)


def stop(home: Path, timeout_s: float = 30.0) -> ServerRecord | None:
    """Stop the server recorded under `home` (its owner stops Prefect and removes the record)."""
    record = running(home)
    if record is None:
        stale = read_record(home)
        if stale is not None:
            remove_record(home, stale.pid)
        return None
    if not process.signal_and_wait(record.pid, timeout_s):
        raise ServerStartError(f"the Prefect server process {record.pid} did not stop within {timeout_s:.0f} s; "
                               f"kill it by hand (kill {record.pid})")
    _reap(record.pid)
    return record


def _reap(pid: int) -> None:
    """Collect our own child's exit status, if it was started by this process (tests, `bipin run`)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
