"""The ingest run as plain functions: find the files, load each, summarise. The flow wraps these."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from flows.config.catalog import Catalog
from flows.config.settings import Settings
from flows.ingest.load import IngestContext, load_file
from flows.ingest.model import FileResult
from flows.warehouse.db import connect, sync_catalog

SKIP_SUFFIXES = (".errors.txt",)


class UsageError(Exception):
    """A path that does not exist or cannot be read: the operator's mistake, exit code 2."""


def discover(paths: Iterable[str | Path] | None, settings: Settings) -> list[Path]:
    """Files to ingest: the named files, every file directly in a named folder, or the inbox.

    Sorted by name within each folder, so an original (..._202506.xlsx) loads before its
    re-issue (..._202506_revised.xlsx).
    """
    targets = [Path(p) for p in paths] if paths else [settings.inbox]
    found: list[Path] = []
    for target in targets:
        if target.is_dir():
            found += sorted(p for p in target.iterdir() if p.is_file() and not p.name.startswith(".")
                            and not p.name.endswith(SKIP_SUFFIXES))
        elif target.is_file():
            found.append(target)
        elif target == settings.inbox and not paths:
            continue  # no inbox yet: nothing to do
        else:
            raise UsageError(f"{target}: no such file or folder")
    return found


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
                      "first_error": next((m.line() for m in r.messages if m.severity == "error"), "")}
                     for r in results if r.status == "rejected"],
    }
