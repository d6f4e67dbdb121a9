"""Serialise use of the DuckDB file so two runs at once queue instead of failing.

DuckDB lets one process at a time open a database file for writing; a second process gets
"Could not set lock on file". So every run takes, in this order:
  1. a lock inside this process (threads of one process queue, e.g. two runs under `prefect.serve`);
  2. a Prefect global concurrency limit (one slot) when a shared Prefect server is configured
     (PREFECT_API_URL, a profile), so runs on different workers queue and the wait shows in the
     Prefect UI; not with bipin's own server on this machine (background or `make serve`'s), whose
     runs all come from this machine, where step 3 already queues them (the limit's API calls and
     lease thread would only add to every command);
  3. a file lock next to the database (`<db>.lock`), so any bipin process on this machine queues,
     with or without a server.
Taking the lock again inside the same run (a subflow, a task thread) is a no-op: the runs that hold
it are remembered in a context variable, which Prefect copies into task threads. A pipeline takes
step 2 once for its whole run (`run_limit`): each acquisition and release of a Prefect limit is a few
API calls and a lease thread; its stages then take 1 and 3 only.
If the file still cannot be opened (another program holds it), the error names that process.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TypeVar

from filelock import FileLock, Timeout

LIMIT_NAME = "bipin-warehouse"
# set by flows/prefect_server/connect.py to the API address when the command uses bipin's own local server
LOCAL_SERVER_ENV = "BIPIN_PREFECT_LOCAL_API"
DEFAULT_TIMEOUT_S = 900.0  # far beyond any run (bench/RESULTS.md): a wait this long means something is stuck

_held: ContextVar[frozenset[str]] = ContextVar("bipin_warehouse_locks_held", default=frozenset())
_limit_held: ContextVar[bool] = ContextVar("bipin_prefect_limit_held", default=False)
_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()
_limits_created: set[str] = set()

T = TypeVar("T")


class WarehouseBusy(RuntimeError):
    """The database stayed locked by someone else for longer than we were willing to wait."""


def lock_timeout() -> float:
    return float(os.environ.get("BIPIN_LOCK_TIMEOUT", DEFAULT_TIMEOUT_S))


def lock_path(db_path: str | Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def warehouse_lock(db_path: str | Path, timeout: float | None = None, use_server: bool | None = None,
                   on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the right to use the database file for the duration of the block (reentrant).

    `on_wait(holder)` is called once if another bipin process holds the file lock, before waiting
    for it, so a command can say who it waits for.
    """
    if str(db_path) == ":memory:":
        yield
        return
    key = str(Path(db_path).resolve())
    if key in _held.get():
        yield
        return
    timeout = lock_timeout() if timeout is None else timeout
    deadline = time.monotonic() + timeout
    with ExitStack() as stack:
        stack.enter_context(_process_lock(key, timeout))
        server = _server_url() if use_server is None else use_server
        if server and not _limit_held.get():
            stack.enter_context(_prefect_limit(_remaining(deadline)))
        stack.enter_context(_file_lock(Path(key), _remaining(deadline), on_wait))
        token = _held.set(_held.get() | {key})
        try:
            yield
        finally:
            _held.reset(token)


@contextmanager
def run_limit(timeout: float | None = None) -> Iterator[None]:
    """Hold the Prefect concurrency limit (step 2) for a whole run when a server is configured; the
    warehouse_lock blocks inside take only the process and file locks. A no-op without a server."""
    if _limit_held.get() or not _server_url():
        yield
        return
    with _prefect_limit(lock_timeout() if timeout is None else timeout):
        token = _limit_held.set(True)
        try:
            yield
        finally:
            _limit_held.reset(token)


def _remaining(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())


@contextmanager
def _process_lock(key: str, timeout: float) -> Iterator[None]:
    with _process_locks_guard:
        lock = _process_locks.setdefault(key, threading.Lock())
    if not lock.acquire(timeout=timeout):
        raise WarehouseBusy(f"{key}: another run in this process kept the database for more than {timeout:.0f} s")
    try:
        yield
    finally:
        lock.release()


@contextmanager
def _file_lock(db_path: Path, timeout: float, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    owner = path.with_name(path.name + ".owner")
    lock = FileLock(str(path), timeout=timeout)
    try:
        if on_wait is not None:
            try:
                lock.acquire(timeout=0)
            except Timeout:
                on_wait(_read_owner(owner))
                lock.acquire()
        else:
            lock.acquire()
    except Timeout:
        raise WarehouseBusy(
            f"{db_path}: still locked after {timeout:.0f} s by {_read_owner(owner)}; wait for it to finish, "
            f"or stop it if it is stuck (the lock file is {path})"
        ) from None
    try:
        # Who holds the lock, for the message a waiting run gives when it gives up.
        owner.write_text(f"{os.getpid()}\n{' '.join(sys.argv)[:300]}\n", encoding="utf-8")
        yield
    finally:
        lock.release()


def _read_owner(owner: Path) -> str:
    try:
        pid = int(owner.read_text(encoding="utf-8").split("\n", 1)[0])
    except (OSError, ValueError):
        return "another process"
    return describe_process(pid)


def _server_url() -> str | None:
    """The Prefect API this process talks to, if any (ephemeral local mode counts as none)."""
    if "prefect" not in sys.modules and not os.environ.get("PREFECT_API_URL"):
        return None  # do not pay for importing prefect just to learn there is no server
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    if not url or str(url) == os.environ.get(LOCAL_SERVER_ENV):
        return None  # no server, or bipin's own on this machine: the file lock queues its runs
    return str(url)


@contextmanager
def _prefect_limit(timeout: float) -> Iterator[None]:
    from prefect.concurrency.sync import concurrency

    _ensure_limit(LIMIT_NAME)
    try:
        with concurrency(LIMIT_NAME, occupy=1, timeout_seconds=timeout, strict=True):
            yield
    except TimeoutError:
        raise WarehouseBusy(
            f"the Prefect concurrency limit {LIMIT_NAME!r} stayed taken for {timeout:.0f} s; "
            "see Concurrency in the Prefect UI for the run that holds it"
        ) from None


def _ensure_limit(name: str) -> None:
    """Create the one-slot global concurrency limit the first time a server is used."""
    if name in _limits_created:
        return
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            try:
                client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
            except ObjectAlreadyExists:
                pass  # another run created it at the same moment
    _limits_created.add(name)


# -- when the file is held by a program that does not take our lock -------------------------------

_PID = re.compile(r"\(PID (\d+)\)")


def is_lock_conflict(exc: BaseException) -> bool:
    return "Could not set lock on file" in str(exc) or "Conflicting lock" in str(exc)


def holder_from_error(message: str) -> str:
    """DuckDB's lock error names the PID that holds the file; say which program that is."""
    match = _PID.search(message)
    return describe_process(int(match.group(1))) if match else "another process"


def describe_process(pid: int) -> str:
    try:
        import psutil

        proc = psutil.Process(pid)
        cmd = " ".join(proc.cmdline())[:200] or proc.name()
        return f"process {pid} ({proc.name()}: {cmd})"
    except Exception:  # psutil missing, process gone or not ours to inspect
        return f"process {pid}"


def open_with_wait(open_fn: Callable[[], T], db_path: str | Path, timeout: float | None = None) -> T:
    """Call open_fn, retrying while another program holds the file; then fail naming that program."""
    timeout = lock_timeout() if timeout is None else timeout
    deadline = time.monotonic() + timeout
    delay = 0.05
    while True:
        try:
            return open_fn()
        except Exception as exc:
            if not is_lock_conflict(exc):
                raise
            if time.monotonic() + delay > deadline:
                raise WarehouseBusy(
                    f"{db_path}: cannot open the database, it is held by {holder_from_error(str(exc))}; "
                    "close that program (a DuckDB shell or notebook?) or wait for it to finish"
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
