"""The ingest run as plain functions: find the files, load each, summarise. The flow wraps these."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from flows.config.catalog import Catalog
from flows.config.inbox import effective, name_matches
from flows.config.settings import Settings
from flows.ingest.load import IngestContext, load_file
from flows.ingest.model import FileResult
from flows.warehouse.db import connect, sync_catalog

SKIP_SUFFIXES = (".errors.txt",)


class UsageError(Exception):
    """A path that does not exist or cannot be read: the operator's mistake, exit code 2."""


def discover(paths: Iterable[str | Path] | None, settings: Settings,
             waiting: list[Path] | None = None) -> list[Path]:
    """Files to ingest: the named files, every file directly in a named folder, or the inbox.

    Sorted by name within each folder, so an original (..._202506.xlsx) loads before its
    re-issue (..._202506_revised.xlsx). In a folder, files in transit are left alone (config/inbox.py):
    temporary and lock names are skipped, and a file modified within settle_seconds is added to
    `waiting` instead (it loads on a later run, once its copy has finished).
    """
    targets = [Path(p) for p in paths] if paths else [settings.inbox]
    inbox = effective(settings.config.settings.inbox)
    found: list[Path] = []
    now = time.time()
    for target in targets:
        if target.is_dir():
            try:
                names = sorted(p for p in target.iterdir() if not p.name.endswith(SKIP_SUFFIXES)
                               and not name_matches(p.name, inbox.ignore) and p.is_file())
            except OSError as exc:
                raise UsageError(f"{target}: cannot read the folder ({exc.strerror}); give the user running bipin "
                                 f"read and write access to it (chmod u+rwx {target})") from None
            for p in names:
                if now - p.stat().st_mtime < inbox.settle_seconds:
                    if waiting is not None:
                        waiting.append(p)
                    continue
                found.append(p)
        elif target.is_file():
            found.append(target)
        elif target == settings.inbox and not paths and not os.path.lexists(target):
            continue  # no inbox yet: nothing to do
        elif target == settings.inbox and not paths:
            raise UsageError(f"{target}: cannot read the inbox (not a folder, or a link that leads nowhere); make it "
                             "a folder the user running bipin can read and write")
        else:
            raise UsageError(f"{target}: no such file or folder")
    return found


def waiting_line(path: Path) -> str:
    """What the log says of a file left for the next run because it is still being written."""
    return (f"{path.name}: modified {max(0, time.time() - path.stat().st_mtime):.0f} s ago, maybe still being "
            "copied; it loads on the next run")


def prepare(settings: Settings, catalog: Catalog) -> None:
    """Bring the schema up to date and mirror the catalog into `ref` (the rules read it)."""
    con = connect(settings.db_path)
    try:
        sync_catalog(con, catalog)
    finally:
        con.close()


def ingest_paths(settings: Settings, catalog: Catalog, files: list[Path],
                 on_file: Callable[[FileResult], None] | None = None) -> list[FileResult]:
    """Load the files one by one on one connection; one bad file never stops the others."""
    ctx = IngestContext(settings, catalog)
    con = connect(settings.db_path)
    results = []
    try:
        sync_catalog(con, catalog)  # what prepare does, on this connection (not a second open)
        con.execute("set threads = 1")  # many tiny statements: one thread avoids scheduling overhead
        for path in files:
            result = load_file(con, path, ctx)
            results.append(result)
            if on_file:
                on_file(result)
    finally:
        con.close()
    return results


def summarise(results: list[FileResult]) -> dict:
    """Counts by status plus one row per file (what the CLI table and the Prefect artifact show)."""
    counts = {s: sum(r.status == s for r in results) for s in ("loaded", "duplicate", "rejected")}
    return {
        "n_files": len(results),
        **{f"n_{k}": v for k, v in counts.items()},
        "n_observations": sum(r.n_observations for r in results),
        "n_revised": sum(r.n_revised for r in results),
        "n_warnings": sum(r.n_warnings for r in results),
        "files": [r.as_row() for r in results],
        "rejected": [{"file": r.file_name, "stored_path": r.stored_path,
                      "first_error": next((m.line() for m in r.messages if m.severity == "error"), ""),
                      "first_error_zh": next((m.line_zh() for m in r.messages if m.severity == "error"), ""),
                      "n_errors": r.n_errors}
                     for r in results if r.status == "rejected"],
    }
