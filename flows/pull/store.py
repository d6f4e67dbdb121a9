"""Landing pulled bytes in the inbox: complete or not at all, each content once, each remote version once.

Bytes go to <home>/pull/partial/ under a temporary name and are renamed into the inbox only when the
transfer is complete (the size the server announced, no error), so ingest never reads half a file.
The ledger row follows the rename: a crash between the two fetches the file again next time, and the
same content is then recognised (here by sha256 across every source, and by ingest's duplicate check).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from flows.config.inbox import name_matches
from flows.config.pull import TABLE_PATTERNS
from flows.config.settings import Settings
from flows.pull import ledger

ZIP_MEMBERS = tuple(p for p in TABLE_PATTERNS if p != "*.zip")


class IncompleteTransfer(OSError):
    """Fewer (or more) bytes arrived than the server announced: nothing is written."""


@dataclass(frozen=True)
class Item:
    """One remote thing to land: its identity, the version that tells a change, and where it came from."""

    remote_id: str
    name: str                      # the file name to write (from the attachment, the link, the path)
    provenance: str
    version: str | None = None     # None: the content hash is the version
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class Landed:
    """What became of the items of one source in one run."""

    pulled: list[str] = field(default_factory=list)       # file names written into the inbox
    unchanged: int = 0                                    # fetched, same content as last time
    duplicates: list[str] = field(default_factory=list)   # same content as a file pulled before elsewhere
    would_pull: list[str] = field(default_factory=list)   # --dry-run: names that would be fetched


class Landing:
    """Writes one source's items into the inbox and records them in pull.ledger."""

    def __init__(self, con: duckdb.DuckDBPyConnection, settings: Settings, source_code: str,
                 clock: Callable[[], datetime]):
        self.con, self.settings, self.source_code, self.clock = con, settings, source_code, clock
        self.partial = settings.home / "pull" / "partial"
        self.landed = Landed()
        self._seen: dict[str, ledger.Seen | None] = {}

    def last_seen(self, remote_id: str) -> ledger.Seen | None:
        """The item's latest recorded version (read once a run: the fetcher asks first, then the landing)."""
        if remote_id not in self._seen:
            self._seen[remote_id] = ledger.last_seen(self.con, self.source_code, remote_id)
        return self._seen[remote_id]

    def receive(self, item: Item, chunks: Iterable[bytes], expected_size: int | None = None) -> None:
        """Write the item's bytes (a stream of chunks) if they are new; discard them otherwise."""
        self.partial.mkdir(parents=True, exist_ok=True)
        temp = self.partial / f"{uuid.uuid4().hex}.part"
        digest, size = hashlib.sha256(), 0
        try:
            with temp.open("wb") as fh:
                for chunk in chunks:
                    fh.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            if expected_size is not None and size != expected_size:
                raise IncompleteTransfer(f"{item.name}: {size} of {expected_size} bytes arrived; fetched again next run")
            self._land(item, temp, digest.hexdigest(), size)
        finally:
            temp.unlink(missing_ok=True)

    def _land(self, item: Item, temp: Path, sha: str, size: int) -> None:
        entry = dict(source_code=self.source_code, remote_id=item.remote_id, version=item.version or sha,
                     sha256=sha, size_bytes=size, provenance=item.provenance, etag=item.etag,
                     last_modified=item.last_modified)
        last = self.last_seen(item.remote_id)
        self._seen.pop(item.remote_id, None)  # recorded below: read again if asked again
        written = None  # the file name in the inbox, when this version is written there
        if last is not None and last.sha256 == sha:
            self.landed.unchanged += 1
        elif item.name.lower().endswith(".zip"):
            self._unzip(item, temp)
        elif (earlier := ledger.written_with_sha(self.con, sha)) is not None:
            self.landed.duplicates.append(f"{item.name} (same as {earlier[1]} from {earlier[0]})")
        else:
            target = free_name(self.settings.inbox, safe_name(item.name, sha))
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp, target)  # atomic on one file system: the inbox sees the whole file or nothing
            self.landed.pulled.append(target.name)
            written = target.name
        ledger.record(self.con, ledger.Entry(**entry, file_name=written), self.clock())

    def _unzip(self, item: Item, temp: Path) -> None:
        """Each table inside the zip lands as its own file (a member's identity: zip id + member name)."""
        try:
            archive = zipfile.ZipFile(temp)
        except zipfile.BadZipFile:
            raise Garbage(f"{item.name} is not a readable zip archive") from None
        with archive:
            for info in archive.infolist():
                name = zip_member_name(info)
                if info.is_dir() or not name_matches(Path(name).name, ZIP_MEMBERS):
                    continue
                member = Item(remote_id=f"{item.remote_id}!{name}", name=Path(name).name,
                              provenance=f"{item.provenance} / {name}")
                self.receive(member, [archive.read(info)])


class Garbage(ValueError):
    """A source answered with something that is not what it should be (not HTML, not a zip ...)."""


def zip_member_name(info: zipfile.ZipInfo) -> str:
    """The member's name: zips made on Chinese Windows store GBK names without the UTF-8 flag."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437")  # how zipfile decoded the unflagged bytes
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


_UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|]+')


def safe_name(name: str, sha: str) -> str:
    """A file name that stays in the inbox: no folders, no control or reserved characters."""
    clean = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip(" .")
    return clean or f"pulled_{sha[:12]}"


def free_name(folder: Path, name: str) -> Path:
    """folder/name, or 'stem (2).ext' when a file of that name waits in the inbox already."""
    target = folder / name
    n = 2
    while target.exists():
        target = folder / f"{Path(name).stem} ({n}){Path(name).suffix}"
        n += 1
    return target


def read_all(data: bytes) -> Iterable[bytes]:
    """Chunks of an in-memory payload (an email attachment)."""
    stream = io.BytesIO(data)
    return iter(lambda: stream.read(1 << 20), b"")
