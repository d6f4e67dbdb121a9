"""`bipin rebuild`: a new warehouse from the archive alone, the same as the one it replaces.

Every loaded file is kept in <home>/archive and listed, in load order with its times, in
archive/manifest.jsonl (flows/ingest/manifest.py). Replaying that list with the original received and
loaded times gives the same staging rows (every version, with the same loaded_at), so revisions and
as-of reads come out as they were; a full rank then builds the marts, and config (catalog, annual targets,
units) is mirrored as in every run. What is not in the archive is copied from the old warehouse when that still
opens: the send ledger, and the rejected files' ledger rows and messages (their files are in quarantine).
Every archived file is checked against the sha256 the manifest recorded before anything is replayed
(`damaged`): a file gone or changed is named, and the CLI then refuses to replace the warehouse.
Plain functions, no Prefect: this is the tool for the day the warehouse is gone or damaged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from flows.config.catalog import Catalog
from flows.config.settings import Settings
from flows.ingest import manifest
from flows.ingest.load import IngestContext, load_file
from flows.ingest.model import FileResult
from flows.rank import marts
from flows.warehouse.db import connect, mirror_config


class RebuildError(Exception):
    """The rebuild cannot start (target exists, nothing archived): a usage or environment problem."""


@dataclass
class RebuildResult:
    target: Path
    n_files: int = 0
    n_loaded: int = 0
    n_observations: int = 0
    warnings: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # files whose outcome differs from the original's
    damaged: list[str] = field(default_factory=list)  # archived files gone or changed since they were loaded
    send_ledger_rows: int | None = None                # None: the old ledger could not be read
    rejected_rows: int | None = None                   # rejected files carried over (None: not readable)


def default_target(db_path: Path) -> Path:
    return db_path.with_name(f"{db_path.stem}.rebuilt{db_path.suffix or '.duckdb'}")


def rebuild(settings: Settings, catalog: Catalog, target: Path,
            on_file: Callable[[FileResult], None] | None = None, stop_if_damaged: bool = False) -> RebuildResult:
    """Replay the archive into a new DuckDB file at `target` and rank it in full.

    `stop_if_damaged`: when an archived file is gone or changed, build nothing (result.damaged says which)."""
    if target.exists():
        raise RebuildError(f"{target} already exists; remove it or choose another file with --to")
    order, warnings = manifest.replay_order(settings.home)
    if not order:
        raise RebuildError(f"nothing to rebuild from: no archived files under {settings.home / 'archive'}")
    result = RebuildResult(target=target, n_files=len(order), warnings=warnings,
                           damaged=manifest.damaged(settings.home))
    if result.damaged and stop_if_damaged:
        return result
    ctx = IngestContext(settings.with_overrides(db_path=target), catalog, keep_copies=False)
    con = connect(target)
    try:
        mirror_config(con, settings, catalog)
        _copy_pull_ledger(con, settings.db_path)  # before the replay: ingest reads each file's provenance there
        con.execute("set threads = 1")  # many tiny statements, as in ingest
        for item in order:
            ctx.replay = [t for t in (item.received_at, item.loaded_at) if t is not None]
            outcome = load_file(con, item.path, ctx)
            ctx.replay = []
            if outcome.status != item.status:
                result.changed.append(f"{item.path}: {item.status} originally, {outcome.status} now"
                                      + (f" ({outcome.messages[0].line()})" if outcome.messages else ""))
            result.n_loaded += outcome.status == "loaded"
            result.n_observations += outcome.n_observations
            if on_file:
                on_file(outcome)
        con.execute("reset threads")
        marts.build(con, full=True, timezone=settings.timezone)
        result.send_ledger_rows, result.rejected_rows = _copy_from_original(con, settings.db_path)
    finally:
        con.close()
    return result


@contextmanager
def _original_attached(con: duckdb.DuckDBPyConnection, original: Path) -> Iterator[bool]:
    """The old warehouse attached read-only as `original` for the block; False when it is gone or will not open."""
    if not original.exists():
        yield False
        return
    try:
        con.execute("attach ? as original (read_only)", [str(original)])
    except duckdb.Error:
        yield False
        return
    try:
        yield True
    finally:
        con.execute("detach original")


def _copy_pull_ledger(con: duckdb.DuckDBPyConnection, original: Path) -> None:
    """Carry the pull ledger over: the files keep their provenance, and pull does not fetch them again."""
    with _original_attached(con, original) as attached:
        if not attached:
            return
        try:
            for table in ("pull.ledger", "pull.source_status"):
                con.execute(f"insert into {table} by name select * from original.{table}")
        except duckdb.CatalogException:
            pass  # an original from before the pull stage: nothing to carry


def _copy_from_original(con: duckdb.DuckDBPyConnection, original: Path) -> tuple[int | None, int | None]:
    """Carry over what the archive does not hold: the send ledger (so nothing is mailed twice) and the
    rejected files with their messages (the digest and `bipin status` report them). Returns the row
    counts, None for what could not be read."""
    with _original_attached(con, original) as attached:
        if not attached:
            return None, None
        return _copy_send_ledger(con), _copy_rejected(con)


def _copy_send_ledger(con: duckdb.DuckDBPyConnection) -> int | None:
    try:
        # by name: an original not yet migrated to the newest ledger columns still copies over
        con.execute("insert into delivery.send_ledger by name select * from original.delivery.send_ledger")
        return con.execute("select count(*) from delivery.send_ledger").fetchall()[0][0]
    except duckdb.Error:
        return None


def _copy_rejected(con: duckdb.DuckDBPyConnection) -> int | None:
    """Rejected files get new ids of this warehouse's numbering; the comparison ignores ids."""
    try:
        con.execute("begin transaction")
        con.execute("""
            create temp table rejected_ids as
            select file_id as old_id, nextval('raw.file_id_seq') as new_id
            from original.raw.files where status = 'rejected' order by file_id""")
        con.execute("""
            insert into raw.files by name
            select f.* replace (r.new_id as file_id)
            from original.raw.files f join rejected_ids r on r.old_id = f.file_id""")
        con.execute("""
            insert into raw.file_messages by name
            select m.* replace (r.new_id as file_id)
            from original.raw.file_messages m join rejected_ids r on r.old_id = m.file_id""")
        n = con.execute("select count(*) from rejected_ids").fetchall()[0][0]
        con.execute("drop table rejected_ids")
        con.execute("commit")
        return n
    except duckdb.Error:
        con.execute("rollback")
        return None
