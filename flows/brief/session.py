"""One DuckDB connection held for a whole briefing run, lent out as cursors.

Opening and closing the warehouse file starts and stops the DuckDB database instance each time, and
a run would open it several times per kind plus once per focus. While a session is open,
plan.open_db hands out cursors of its connection instead (cheap, and safe to use from the render
threads). A read-only session lends only to read-only callers; a read-write one lends to both.
Sessions are per process: tasks on Dask workers open their own connections as before.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from flows.config.settings import Settings
from flows.warehouse.db import connect

_open: dict[Path, tuple[duckdb.DuckDBPyConnection, bool]] = {}
_lock = threading.Lock()


@contextmanager
def warehouse_session(settings: Settings, read_only: bool) -> Iterator[None]:
    """Hold the warehouse open for the block (no-op when it cannot be opened yet or one is held)."""
    path = Path(settings.db_path).resolve()
    with _lock:
        held = path in _open
    if held or (read_only and not path.exists()):  # a read-only run without a warehouse fails in make_plan
        yield
        return
    con = connect(settings.db_path, read_only=read_only)
    with _lock:
        _open[path] = (con, read_only)
    try:
        yield
    finally:
        with _lock:
            _open.pop(path, None)
        con.close()


def borrow(settings: Settings, read_only: bool) -> duckdb.DuckDBPyConnection | None:
    """A cursor of the session's connection for this warehouse, or None (open your own connection)."""
    with _lock:
        found = _open.get(Path(settings.db_path).resolve())
        if found is None or (found[1] and not read_only):
            return None
        return found[0].cursor()
