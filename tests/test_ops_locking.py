"""The warehouse lock: contending runs queue, nested use is free, a stuck holder is named."""

from __future__ import annotations

import contextvars
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import pytest

from flows.config.settings import PROJECT_ROOT, load_settings
from flows.warehouse.db import open_warehouse
from flows.warehouse.locks import WarehouseBusy, holder_from_error, open_with_wait, warehouse_lock


def _child(code: str, ready: Path) -> subprocess.Popen:
    """A second process running `code`; it touches `ready` once it holds what it holds."""
    script = textwrap.dedent(code).replace("READY", repr(str(ready)))
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=PROJECT_ROOT)
    for _ in range(300):
        if ready.exists():
            return proc
        if proc.poll() is not None:
            raise AssertionError(f"child exited early with {proc.returncode}")
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("child never became ready")


def test_second_process_waits_for_the_first_then_proceeds(tmp_path):
    settings = load_settings(home=tmp_path)
    ready = tmp_path / "ready"
    child = _child(
        f"""
        import time, pathlib
        from flows.config.settings import load_settings
        from flows.warehouse.db import open_warehouse
        with open_warehouse(load_settings(home={str(tmp_path)!r})) as con:
            con.execute("create table t (who varchar, written_at double)")
            pathlib.Path(READY).touch()
            time.sleep(1.0)
            con.execute("insert into t values ('child', ?)", [time.time()])
        """,
        ready,
    )
    started = time.time()
    with open_warehouse(settings) as con:  # would raise DuckDB's lock error without the queue
        waited = time.time() - started
        rows = con.execute("select who, written_at from t").fetchall()
        con.execute("insert into t values ('parent', ?)", [time.time()])
    assert child.wait(10) == 0
    assert rows and rows[0][0] == "child", "parent got in before the child had finished"
    assert waited >= 0.5


def test_threads_of_one_process_queue_and_nested_use_is_free(tmp_path):
    db = tmp_path / "w.duckdb"
    order: list[str] = []

    def run(name: str) -> None:
        with warehouse_lock(db):
            order.append(f"{name} in")
            with warehouse_lock(db):  # a subflow taking it again must not deadlock
                time.sleep(0.2)
            order.append(f"{name} out")

    threads = [threading.Thread(target=run, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert order in (["a in", "a out", "b in", "b out"], ["b in", "b out", "a in", "a out"])


def test_task_thread_with_copied_context_reuses_the_holders_lock(tmp_path):
    db = tmp_path / "w.duckdb"
    got = []
    with warehouse_lock(db):
        # Prefect's thread pool runs each task in a copy of the submitting context
        ctx = contextvars.copy_context()
        t = threading.Thread(target=lambda: ctx.run(lambda: got.append(_enter(db))))
        t.start()
        t.join(5)
    assert got == ["entered"]


def _enter(db: Path) -> str:
    with warehouse_lock(db, timeout=1):
        return "entered"


def test_gives_up_naming_the_process_that_holds_the_lock(tmp_path):
    ready = tmp_path / "ready"
    db = tmp_path / "w.duckdb"
    child = _child(
        f"""
        import time, pathlib
        from flows.warehouse.locks import warehouse_lock
        with warehouse_lock({str(db)!r}):
            pathlib.Path(READY).touch()
            time.sleep(3)
        """,
        ready,
    )
    try:
        with pytest.raises(WarehouseBusy) as err:
            with warehouse_lock(db, timeout=0.3):
                pass
        assert f"process {child.pid}" in str(err.value)
        assert "python" in str(err.value).lower()
    finally:
        child.kill()
        child.wait()


def test_database_held_by_another_program_is_named(tmp_path):
    """A DuckDB shell or notebook does not take our lock: the message names it from DuckDB's error."""
    ready = tmp_path / "ready"
    db = tmp_path / "w.duckdb"
    child = _child(
        f"""
        import time, pathlib, duckdb
        con = duckdb.connect({str(db)!r})
        pathlib.Path(READY).touch()
        time.sleep(5)
        """,
        ready,
    )
    try:
        with pytest.raises(WarehouseBusy) as err:
            open_with_wait(lambda: duckdb.connect(str(db)), db, timeout=0.4)
        message = str(err.value)
        assert f"process {child.pid}" in message and "python" in message.lower()
        assert str(db) in message
    finally:
        child.kill()
        child.wait()


def test_holder_is_read_from_duckdbs_error_text():
    text = (
        'IO Error: Could not set lock on file "/x/bipin.duckdb": Conflicting lock is held in '
        f"/usr/bin/python3 (PID {os.getpid()}) by user root. See also https://duckdb.org/docs/connect/concurrency"
    )
    assert holder_from_error(text).startswith(f"process {os.getpid()} (")
    assert holder_from_error("no pid here") == "another process"


def test_with_a_prefect_server_the_global_concurrency_limit_is_held(tmp_path, prefect_harness):
    from prefect.client.orchestration import get_client

    from flows.warehouse.locks import LIMIT_NAME

    def active_slots() -> int:
        with get_client(sync_client=True) as client:
            return client.read_global_concurrency_limit_by_name(LIMIT_NAME).active_slots

    with warehouse_lock(tmp_path / "w.duckdb"):  # creates the one-slot limit on first use
        inside = active_slots()
    assert inside == 1
    assert active_slots() == 0
    with get_client(sync_client=True) as client:
        assert client.read_global_concurrency_limit_by_name(LIMIT_NAME).limit == 1


def test_a_run_holds_the_prefect_limit_once_and_its_stages_take_only_the_file_lock(tmp_path, prefect_harness):
    import threading

    from prefect.client.orchestration import get_client

    from flows.warehouse.locks import LIMIT_NAME, lock_path, run_limit

    def active_slots() -> int:
        with get_client(sync_client=True) as client:
            return client.read_global_concurrency_limit_by_name(LIMIT_NAME).active_slots

    db = tmp_path / "w.duckdb"
    with warehouse_lock(db):  # the one-slot limit exists
        pass
    with run_limit():
        assert active_slots() == 1
        for _stage in range(3):
            # a second acquisition of the one slot would wait out the timeout: the stage does not try
            with warehouse_lock(db, timeout=5):
                assert active_slots() == 1
                assert lock_path(db).exists()
        # the file lock is still per stage: another thread of this process can take it between stages
        took: list[bool] = []
        worker = threading.Thread(target=lambda: took.append(_file_lock_free(db)))
        worker.start()
        worker.join()
        assert took == [True]
    assert active_slots() == 0


def _file_lock_free(db) -> bool:
    from filelock import FileLock, Timeout

    from flows.warehouse.locks import lock_path

    try:
        with FileLock(str(lock_path(db)), timeout=0):
            return True
    except Timeout:
        return False


def test_with_bipins_own_server_on_this_machine_only_the_file_lock_is_taken(tmp_path, prefect_harness,
                                                                             monkeypatch):
    from prefect.client.orchestration import get_client
    from prefect.settings import get_current_settings

    from flows.warehouse.locks import LIMIT_NAME, LOCAL_SERVER_ENV, lock_path, run_limit

    def active_slots() -> int:
        with get_client(sync_client=True) as client:
            return client.read_global_concurrency_limit_by_name(LIMIT_NAME).active_slots

    db = tmp_path / "w.duckdb"
    with warehouse_lock(db):  # a shared server: the limit is taken (and exists from here on)
        assert active_slots() == 1
    monkeypatch.setenv(LOCAL_SERVER_ENV, str(get_current_settings().api.url))  # what connect.py sets
    with run_limit(), warehouse_lock(db):
        assert active_slots() == 0
        assert lock_path(db).exists()  # the file lock queues this machine's processes
