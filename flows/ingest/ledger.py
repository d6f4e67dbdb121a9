"""The file ledger (raw.files, raw.file_messages) and where files go afterwards.

Every file seen gets a row, so `raw.files` answers "what happened to the file I dropped in
the inbox". Loaded and duplicate inbox files move to <home>/archive/YYYY/MM/ (so the hourly
run does not read them again and nothing is lost); rejected ones go to <home>/quarantine/ with
<name>.errors.txt beside them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from flows.config.settings import Settings
from flows.ingest.model import FileResult, Message
from flows.warehouse.db import load_sql


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def loaded_with_sha(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple[int, str] | None:
    """(file_id, file_name) of the loaded file with this content, if any."""
    found = con.execute(load_sql("staging/ledger_loaded_with_sha"), {"sha256": sha256}).fetchall()
    return found[0] if found else None


def next_file_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select nextval('raw.file_id_seq')").fetchall()[0][0]


def record_file(con: duckdb.DuckDBPyConnection, result: FileResult, path: Path, sha256: str, size: int,
                received_at: datetime, loaded_at: datetime | None, duplicate_of: int | None = None) -> None:
    """Insert the ledger row and the file's messages (inside the caller's transaction)."""
    con.execute(load_sql("staging/ledger_insert_file"), {
        "file_id": result.file_id, "file_name": result.file_name, "original_path": str(path),
        "sha256": sha256, "size_bytes": size, "source_code": result.source_code, "status": result.status,
        "received_at": received_at, "loaded_at": loaded_at, "periods": sorted(set(result.periods)),
        "n_rows": result.n_rows, "n_observations": result.n_observations, "n_revised": result.n_revised,
        "n_warnings": result.n_warnings, "n_errors": result.n_errors, "duplicate_of": duplicate_of,
        "stored_path": result.stored_path,
    })
    if result.messages:
        # an Arrow table, as the observations are (importing pandas for this would slow every command)
        text, messages = pa.string(), result.messages
        frame = pa.table({
            "severity": pa.array([m.severity for m in messages], text),
            "code": pa.array([m.code for m in messages], text),
            "sheet": pa.array([m.sheet for m in messages], text),
            "row_number": pa.array([m.row for m in messages], pa.int64()),
            "column_name": pa.array([m.column for m in messages], text),
            "message": pa.array([m.text for m in messages], text),
        })
        con.register("incoming_messages", frame)
        try:
            con.execute(load_sql("staging/ledger_insert_messages"), {"file_id": result.file_id})
        finally:
            con.unregister("incoming_messages")


def in_inbox(path: Path, settings: Settings) -> bool:
    return path.resolve().is_relative_to(settings.inbox.resolve())


def archive_path(path: Path, settings: Settings, when: datetime, file_id: int) -> Path:
    return _free(settings.home / "archive" / f"{when:%Y}" / f"{when:%m}" / path.name, file_id)


def quarantine_path(path: Path, settings: Settings, file_id: int) -> Path:
    return _free(settings.quarantine / path.name, file_id)


def _free(target: Path, file_id: int) -> Path:
    """The target, or <file_id>_<name> beside it when a file of that name is already there."""
    return target if not target.exists() else target.with_name(f"{file_id}_{target.name}")


def write_errors_file(target: Path, result: FileResult, messages: list[Message]) -> Path:
    """<name>.errors.txt: every problem, one a line, with sheet/row/column, then what to do; in Chinese
    for the operator, each with the English line the logs and raw.file_messages carry beneath it."""
    errors_path = target.with_name(target.name + ".errors.txt")
    n_errors = sum(m.severity == 'error' for m in messages)
    lines = [f"bipin 拒收了 {result.file_name}（数据来源 {result.source_code or '未识别'}，文件编号 {result.file_id}）："
             f"{n_errors} 个问题，本文件的数据均未导入。",
             f"bipin rejected {result.file_name} (source {result.source_code or 'none'}, file_id {result.file_id}).",
             f"{n_errors} problem(s); nothing from this file was loaded.", ""]
    for m in messages:
        lines += [m.line_zh(), f"    {m.line()}"]
    lines += ["", "处理办法：改正文件（或 config/ 中的地名、指标、来源配置）后重新放入收件箱。",
              "Fix the file (or the catalog/sources.yaml) and drop it into the inbox again."]
    errors_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return errors_path
