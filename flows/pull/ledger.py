"""pull.ledger and pull.source_status: what was fetched (never twice) and which source is failing since when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from flows.warehouse.db import load_sql


@dataclass(frozen=True)
class Seen:
    """The latest recorded version of one remote item."""

    version: str
    etag: str | None
    last_modified: str | None
    sha256: str


@dataclass(frozen=True)
class Entry:
    """One remote item's version, as recorded."""

    source_code: str
    remote_id: str
    version: str
    sha256: str
    size_bytes: int
    provenance: str
    file_name: str | None
    etag: str | None = None
    last_modified: str | None = None


def last_seen(con: duckdb.DuckDBPyConnection, source_code: str, remote_id: str) -> Seen | None:
    row = con.execute(load_sql("pull/ledger_last"), {"source_code": source_code, "remote_id": remote_id}).fetchone()
    return Seen(*row[:4]) if row else None


def known_versions(con: duckdb.DuckDBPyConnection, source_code: str) -> dict[str, str]:
    """remote_id -> latest version, for every item of the source pulled before."""
    return dict(con.execute(load_sql("pull/ledger_known_ids"), {"source_code": source_code}).fetchall())


def written_with_sha(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple[str, str] | None:
    """(source_code, file_name) of the first file written with this content, from any source."""
    row = con.execute(load_sql("pull/ledger_written_sha"), {"sha256": sha256}).fetchone()
    return (row[0], row[1]) if row else None


def record(con: duckdb.DuckDBPyConnection, entry: Entry, when: datetime) -> None:
    con.execute(load_sql("pull/ledger_insert"), {
        "source_code": entry.source_code, "remote_id": entry.remote_id, "version": entry.version,
        "etag": entry.etag, "last_modified": entry.last_modified, "sha256": entry.sha256,
        "size_bytes": entry.size_bytes, "provenance": entry.provenance, "pulled_at": when,
        "file_name": entry.file_name,
    })


def record_status(con: duckdb.DuckDBPyConnection, source_code: str, when: datetime, error: str | None,
                  fault_kind: str | None = None) -> tuple[datetime | None, int]:
    """A source's outcome: `error` is the one line to show (None: it worked). Returns (failing since, runs failed)."""
    con.execute(load_sql("pull/status_record"), {"source_code": source_code, "now": when, "error": error,
                                                 "fault_kind": fault_kind if error else None})
    return con.execute("select failing_since, n_failures from pull.source_status where source_code = ?",
                       [source_code]).fetchone()

