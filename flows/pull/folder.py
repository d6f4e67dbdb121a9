"""Folder sources: the files a glob finds under any fsspec URL (a local or network folder, sftp://, s3://, smb://).

A file is identified by its URL and versioned by size and modification time; one that changed within
`settle_s` may still be being written and waits for the next run; one whose size changes during the
transfer is not landed (store.IncompleteTransfer).
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime
from pathlib import PurePosixPath

import fsspec

from flows.config.pull import FolderSource
from flows.pull.store import Item, Landing


def open_folder(source: FolderSource):
    """(file system, root path) for the URL, logged in with the user and the password from the environment."""
    options = {**source.options, "skip_instance_cache": True}  # a fresh connection each run, closed after it
    if source.user:
        options["username"] = source.user
    password = source.password()
    if password:
        options["password"] = password
    if source.url.startswith("sftp://"):
        options.setdefault("timeout", source.timeout_s)
    return fsspec.core.url_to_fs(source.url, **options)


def pull_folder(source: FolderSource, landing: Landing, known: dict[str, str], now: float,
                dry_run: bool = False) -> int:
    """Land every new or changed file matching the glob; return how many wait because they are still settling.
    `now`: seconds since the epoch, as the file times are."""
    fs, root = open_folder(source)
    try:
        return _pull(fs, root, source, landing, known, now, dry_run)
    finally:
        for part in ("ftp", "client"):  # paramiko's SFTP session and SSH connection (fsspec's sftp backend)
            with suppress(Exception):
                getattr(fs, part).close()


def _pull(fs, root: str, source: FolderSource, landing: Landing, known: dict[str, str], now: float,
          dry_run: bool) -> int:
    found = fs.glob(f"{root.rstrip('/')}/{source.glob}", detail=True)
    settling = 0
    for path, info in sorted(found.items()):
        if info.get("type") != "file" or PurePosixPath(path).name.startswith("."):
            continue
        size, mtime = int(info.get("size") or 0), _mtime(fs, path, info)
        remote_id = remote_url(source.url, root, path)
        version = f"{size}:{mtime:.6f}"
        if known.get(remote_id) == version:
            continue
        if now - mtime < source.settle_s:
            settling += 1
            continue
        if dry_run:
            landing.landed.would_pull.append(remote_id)
            continue
        item = Item(remote_id=remote_id, name=PurePosixPath(path).name, provenance=remote_id, version=version)
        with fs.open(path, "rb") as fh:
            landing.receive(item, iter(lambda fh=fh: fh.read(1 << 20), b""), expected_size=size)
    return settling


def remote_url(url: str, root: str, path: str) -> str:
    """The file's address as the operator wrote the folder's (host and port kept: sftp://host:22/share/x.xlsx)."""
    base = root.rstrip("/")
    relative = path[len(base) + 1:] if path.startswith(base + "/") else PurePosixPath(path).name
    return f"{url.rstrip('/')}/{relative}"


def _mtime(fs, path: str, info: dict) -> float:
    """Modification time in seconds since the epoch, whatever type the backend reports."""
    value = info.get("mtime", info.get("LastModified", info.get("last_modified")))
    if value is None:
        value = fs.modified(path)
    if isinstance(value, datetime):
        return value.timestamp()
    return float(value)
