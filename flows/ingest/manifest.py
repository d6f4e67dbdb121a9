"""The archive's own record of what was loaded, in order: <home>/archive/manifest.jsonl.

The warehouse must never be the only copy of the data. Every loaded (or duplicate) file is kept in
the archive, and this file remembers for each one when bipin received it and when its values became
current, one JSON object a line, in load order. `bipin rebuild` replays it to build the same
warehouse again, with the same times, so revisions and `--as-of` answers come out identical.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flows.ingest.ledger import sha256_of

MANIFEST_NAME = "manifest.jsonl"


@dataclass(frozen=True)
class ArchivedFile:
    path: Path                    # where the archived copy is
    status: str                   # loaded / duplicate
    received_at: datetime | None  # None: the file is in the archive but not in the manifest
    loaded_at: datetime | None
    sha256: str | None = None     # what the manifest says the file's bytes hash to


def manifest_path(home: Path) -> Path:
    return Path(home) / "archive" / MANIFEST_NAME


def record(home: Path, stored: Path, file_name: str, sha256: str, status: str,
           received_at: datetime, loaded_at: datetime | None) -> int:
    """Append one line (after the file is in the archive; the warehouse lock orders the writers); returns
    the manifest's size before it, for take_back when the database then refuses the file."""
    path = manifest_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    before = path.stat().st_size if path.exists() else 0
    line = json.dumps({
        "archived": str(Path(stored).resolve().relative_to(path.parent.resolve())), "file_name": file_name,
        "sha256": sha256, "status": status, "received_at": received_at.isoformat(),
        "loaded_at": loaded_at.isoformat() if loaded_at else None,
    }, ensure_ascii=False)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return before


def take_back(home: Path, size: int) -> None:
    """Cut the manifest back to `size` bytes: the line record() added goes again."""
    path = manifest_path(home)
    if path.exists() and path.stat().st_size > size:
        with path.open("r+b") as fh:
            fh.truncate(size)


def replay_order(home: Path) -> tuple[list[ArchivedFile], list[str]]:
    """Archived files in their original load order, and warnings about what the manifest misses.

    Files in the archive that the manifest does not name (archived by hand, or by a version of bipin
    before the manifest) follow in name order and get new times; a manifest line whose file is gone is
    reported, never guessed (`damaged` names it as a problem that must stop a replacement).
    """
    path = manifest_path(home)
    archive = path.parent
    order: list[ArchivedFile] = []
    warnings: list[str] = []
    named: set[Path] = set()
    if path.exists():
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not text.strip():
                continue
            try:
                entry = json.loads(text)
                stored = (archive / entry["archived"]).resolve()
                received = datetime.fromisoformat(entry["received_at"])
                loaded = datetime.fromisoformat(entry["loaded_at"]) if entry.get("loaded_at") else None
            except (ValueError, KeyError, TypeError) as exc:
                warnings.append(f"{path} line {number}: not a manifest entry ({exc}); skipped")
                continue
            if not stored.is_file():  # named by damaged(), which stops a replacement
                continue
            named.add(stored)
            order.append(ArchivedFile(stored, entry.get("status", "loaded"), received, loaded, entry.get("sha256")))
    if archive.is_dir():
        for stray in sorted(p.resolve() for p in archive.rglob("*") if p.is_file() and p != path
                            and not p.name.startswith(".")):
            if stray not in named:
                warnings.append(f"{stray}: in the archive but not in {MANIFEST_NAME}; loaded last, with new times")
                order.append(ArchivedFile(stray, "loaded", None, None))
    return order, warnings


def damaged(home: Path) -> list[str]:
    """One line per archived file the manifest names that is gone or no longer has the bytes it had
    when it was loaded (its sha256): replaying it would build a different warehouse."""
    path = manifest_path(home)
    archive = path.parent
    found: list[str] = []
    if not path.exists():
        return found
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            entry = json.loads(text) if text.strip() else None
        except ValueError:
            continue  # replay_order warns about lines that are not entries
        if not isinstance(entry, dict) or "archived" not in entry:
            continue
        stored = archive / entry["archived"]
        if not stored.is_file():
            found.append(f"{stored}: missing (manifest line {number}, {entry.get('file_name')} loaded "
                         f"{entry.get('loaded_at') or entry.get('received_at')}); restore it from the backup "
                         f"of {archive} / 缺少归档文件，请从备份恢复")
        elif entry.get("sha256") and (sha := sha256_of(stored)) != entry["sha256"]:
            found.append(f"{stored}: changed since it was loaded (sha256 {sha[:12]}..., "
                         f"manifest line {number} says {entry['sha256'][:12]}...); restore the original from "
                         f"the backup of {archive} / 归档文件已被改动，请从备份恢复原件")
    return found
