"""The record of a running local Prefect server: `<PREFECT_HOME>/bipin-server.json`.

Written by whoever starts the server (a bipin command's background supervisor, or `make serve`),
read by every later command to find it, removed when the server stops. It holds the process to
signal, the API address and the log file. The record's owner keeps it honest: a record whose
process is gone, or is no longer a bipin process, counts as no server.
"""

from __future__ import annotations

import json
import os
import socket
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

RECORD_NAME = "bipin-server.json"
LAST_USED_NAME = "bipin-server.last-used"   # touched by each command that uses the server (idle stop)
LOG_NAME = "server.log"
OWNERS = ("background", "make serve")


@dataclass(frozen=True)
class ServerRecord:
    pid: int             # the process to signal: the background supervisor, or `make serve`'s python
    port: int
    api_url: str         # http://127.0.0.1:PORT/api
    started_at: str      # ISO time with the machine's UTC offset (`server status` says it in the configured zone)
    log: str             # the server's log file
    owner: str           # one of OWNERS
    idle_stop_s: float = 0.0  # background: stops after this long unused (0 = never)

    @property
    def ui_url(self) -> str:
        return self.api_url.removesuffix("/api")


def record_path(prefect_home: Path) -> Path:
    return Path(prefect_home) / RECORD_NAME


def read_record(prefect_home: Path) -> ServerRecord | None:
    try:
        data = json.loads(record_path(prefect_home).read_text(encoding="utf-8"))
        return ServerRecord(**data)
    except (OSError, ValueError, TypeError):
        return None


def write_record(prefect_home: Path, record: ServerRecord) -> None:
    path = record_path(prefect_home)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(record), indent=2), encoding="utf-8")
    tmp.replace(path)  # readers never see half a record


def remove_record(prefect_home: Path, pid: int) -> None:
    """Remove the record if it is still `pid`'s (a newer server may have replaced it)."""
    current = read_record(prefect_home)
    if current is not None and current.pid == pid:
        record_path(prefect_home).unlink(missing_ok=True)


def mark_used(prefect_home: Path) -> None:
    path = Path(prefect_home) / LAST_USED_NAME
    path.touch()


def seconds_unused(prefect_home: Path, now: float) -> float:
    try:
        return now - (Path(prefect_home) / LAST_USED_NAME).stat().st_mtime
    except OSError:
        return 0.0


def process_alive(pid: int, ours: bool = True) -> bool:
    """True when `pid` runs (not a zombie) and, with `ours`, is one of bipin's processes where /proc
    tells (a record left by a crash may name a pid the system has since given to another program)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return not ours
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc here: trust the signal check
    if stat.rsplit(")", 1)[-1].split()[0] == "Z":
        return False
    # an empty command line: a process between fork and exec, i.e. one we are starting right now
    return not ours or not cmdline or b"flows" in cmdline or b"bipin" in cmdline


def is_healthy(api_url: str, timeout_s: float = 2.0) -> bool:
    """The Prefect API answers its health check."""
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout_s) as response:
            return response.status == 200
    except (OSError, ValueError):
        return False


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def log_tail(path: str | Path, max_lines: int = 1) -> str:
    """The last non-empty line(s) of a log, for a one-line error."""
    try:
        lines = [ln.strip() for ln in Path(path).read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    return " | ".join(lines[-max_lines:])
