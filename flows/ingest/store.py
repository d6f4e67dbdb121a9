"""Put one file's outcome away atomically: its copy (archive or quarantine) and its ledger rows together.

The copy is written first (to a temporary name, then renamed), the manifest line next, the database
transaction last; when the transaction fails the copy and the manifest line are taken back, so the
warehouse never holds data its archive cannot rebuild, and the archive never holds a file the ledger
does not know. Only then does the inbox file go. A file system that refuses (archive not writable,
disk full) stops the run with StorageError: one line naming the path and what to do; the file stays
in the inbox, and the next run picks it up.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from flows.ingest import ledger, manifest
from flows.ingest.model import FileResult, error
from flows.warehouse.db import load_sql


class StorageError(Exception):
    """The file system or the database file refused a write: the run stops; nothing of this file is kept."""


def commit_loaded(con, path, ctx, result, sha, size, received_at) -> FileResult:
    loaded_at = ctx.stamp()
    result.file_id = ledger.next_file_id(con)
    # every loaded file is kept in the archive (files named elsewhere as a copy): the warehouse
    # must never be the only copy of the data
    target = ledger.archive_path(path, ctx.settings, received_at, result.file_id) if ctx.keep_copies else None
    result.stored_path = str(target) if target else str(path)
    undo = _keep(ctx, path, target, sha, "loaded", received_at, loaded_at)
    con.execute("begin transaction")
    try:
        result.n_revised = con.execute(load_sql("staging/count_revisions")).fetchall()[0][0]
        ledger.record_file(con, result, path, sha, size, received_at, loaded_at)
        con.execute(load_sql("staging/insert_observations"), {"file_id": result.file_id, "loaded_at": loaded_at})
        con.execute("commit")
    except Exception as exc:  # a database failure rejects the file; nothing of it stays
        _rollback(con, undo, ctx, exc)
        result.file_id, result.stored_path, result.n_revised = None, None, 0
        return commit_rejected(con, path, ctx, result, sha, size, received_at,
                               [error("load_failed", f"the database refused the file ({type(exc).__name__}: {exc})")])
    _leave_inbox(path, ctx, target)
    return result


def commit_duplicate(con, path, ctx, result, sha, size, received_at, earlier) -> FileResult:
    result.status = "duplicate"
    result.messages = []
    result.file_id = ledger.next_file_id(con)
    target = ledger.archive_path(path, ctx.settings, received_at, result.file_id) \
        if ledger.in_inbox(path, ctx.settings) else None
    result.stored_path = str(target) if target else None
    undo = _keep(ctx, path, target, sha, "duplicate", received_at, None)
    con.execute("begin transaction")
    try:
        ledger.record_file(con, result, path, sha, size, received_at, None, duplicate_of=earlier[0])
        con.execute("commit")
    except Exception as exc:
        _rollback(con, undo, ctx, exc)
        raise
    _leave_inbox(path, ctx, target)
    return result


def commit_rejected(con, path, ctx, result, sha, size, received_at, messages) -> FileResult:
    result.status = "rejected"
    result.messages = messages
    result.n_observations = 0
    result.periods = []
    result.file_id = ledger.next_file_id(con)
    target = ledger.quarantine_path(path, ctx.settings, result.file_id)
    result.stored_path = str(target)
    _copy(path, target, "the quarantine")
    try:
        errors_file = ledger.write_errors_file(target, result, messages)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise _storage(target.parent, exc, "the quarantine") from None
    con.execute("begin transaction")
    try:
        ledger.record_file(con, result, path, sha, size, received_at, None)
        con.execute("commit")
    except Exception as exc:
        _rollback(con, lambda: (target.unlink(missing_ok=True), errors_file.unlink(missing_ok=True)), ctx, exc)
        raise
    _leave_inbox(path, ctx, target)
    return result


def _keep(ctx, path: Path, target: Path | None, sha: str, status: str, received_at, loaded_at):
    """Copy into the archive and add the manifest line; returns what takes both back."""
    if target is None:
        return lambda: None
    _copy(path, target, "the archive")
    home = ctx.settings.home
    try:
        mark = manifest.record(home, target, path.name, sha, status, received_at, loaded_at)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise _storage(manifest.manifest_path(home), exc, "the archive") from None

    def undo() -> None:
        target.unlink(missing_ok=True)
        manifest.take_back(home, mark)
    return undo


def _copy(path: Path, target: Path, what: str) -> None:
    """Copy under a temporary name, then rename: a half-written copy never carries the file's name."""
    part = target.with_name(f".{target.name}.part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, part)
        os.replace(part, target)
    except OSError as exc:
        try:
            part.unlink(missing_ok=True)
        except OSError:
            pass
        raise _storage(target.parent, exc, what) from None


def _leave_inbox(path: Path, ctx, target: Path | None) -> None:
    """The inbox file goes once its copy and its rows are in (a file named elsewhere stays where it is)."""
    if target is not None and ledger.in_inbox(path, ctx.settings):
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def _rollback(con, undo, ctx, exc: Exception) -> None:
    try:
        con.execute("rollback")
    except duckdb.Error:
        pass  # an invalidated connection has nothing left to roll back
    undo()
    if _is_storage(exc):
        raise _storage(ctx.settings.db_path, exc, "the warehouse") from None


def _is_storage(exc: Exception) -> bool:
    text = str(exc).lower()
    return isinstance(exc, OSError | duckdb.IOException) or any(
        w in text for w in ("no space left", "file too large", "disk full", "read-only file system", "invalidated"))


def _storage(where: Path, exc: Exception, what: str) -> StorageError:
    reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
    return StorageError(f"{where}: cannot write {what} ({reason}); free disk space or make it writable for the "
                        "user running bipin, then run ingest again (nothing of the file was kept; it stays in the inbox)")
