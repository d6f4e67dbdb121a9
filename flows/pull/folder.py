"""Folder sources: the files a glob finds under any fsspec URL (a local or network folder, sftp://, s3://, smb://).

A file is identified by its URL and versioned by size and modification time; one that changed within
`settle_s` may still be being written and waits for the next run; one whose size changes during the
transfer is not landed (store.IncompleteTransfer).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePosixPath

import fsspec

from flows.config.pull import FolderSource
from flows.pull.store import Item, Landing


def open_folder(source: FolderSource):
    """(file system, root path) for the URL, logged in with the user and the password from the environment."""
    options = dict(source.options)
    if source.user:
        options["username"] = source.user
    password = source.password()
    if password:
        options["password"] = password
    if source.url.startswith("sftp://"):
        options.setdefault("timeout", source.timeout_s)
    return fsspec.core.url_to_fs(source.url, **options)


def pull_folder(source: FolderSource, landing: Landing, known: dict[str, str], now: datetime,
                dry_run: bool = False) -> int:
    """Land every new or changed file matching the glob; return how many wait because they are still settling."""
    fs, root = open_folder(source)
    found = fs.glob(f"{root.rstrip('/')}/{source.glob}", detail=True)
    settling = 0
    for path, info in sorted(found.items()):
        if info.get("type") != "file" or PurePosixPath(path).name.startswith("."):
            continue
        size, mtime = int(info.get("size") or 0), _mtime(fs, path, info)
        remote_id = fs.unstrip_protocol(path)
        version = f"{size}:{mtime:.6f}"
        if known.get(remote_id) == version:
            continue
        if now.timestamp() - mtime < source.settle_s:
            settling += 1
            continue
        if dry_run:
            landing.landed.would_pull.append(remote_id)
            continue
        item = Item(remote_id=remote_id, name=PurePosixPath(path).name, provenance=remote_id, version=version)
        with fs.open(path, "rb") as fh:
            landing.receive(item, iter(lambda fh=fh: fh.read(1 << 20), b""), expected_size=size)
    return settling


def _mtime(fs, path: str, info: dict) -> float:
    """Modification time in seconds since the epoch, whatever type the backend reports."""
    value = info.get("mtime", info.get("LastModified", info.get("last_modified")))
    if value is None:
        value = fs.modified(path)
    if isinstance(value, datetime):
        return value.timestamp()
    return float(value)
