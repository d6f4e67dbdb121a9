"""`bipin rebuild`: build the warehouse again from the archive, compare it with the original, optionally swap it in."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from flows.cli.common import EXIT_OK, EXIT_REJECTED, console, err_console, fail, state


def rebuild(
    ctx: typer.Context,
    to: Annotated[Path | None, typer.Option("--to", help="Where to build it (default: <db>.rebuilt.duckdb beside the database, made anew each time).")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Then put it in place of the database (the old file is kept as <db>.replaced-<time>).")] = False,
) -> None:
    """Reload every archived file, in its original order and with its original times, into a new warehouse.

    Every archived file is first checked against the sha256 the manifest recorded: a file gone or
    changed is named, and --replace then stops before building (the live warehouse is untouched).
    Revisions and --as-of answers come out as they were. The new warehouse is compared with the
    original by content (every table and view, files by name and hash, not by their numbering) when
    the original still opens; --replace swaps it in unless they differ. The send ledger and the
    rejected files' records are copied from the original when it can be read.
    Exit code 0 = rebuilt (and the same), 1 = it differs, an archived file is gone or changed, or a
    file no longer loads; 2 = usage or environment.

    Example: bipin rebuild --replace
    """
    from flows.run.rebuild import RebuildError, default_target
    from flows.run.rebuild import rebuild as replay
    from flows.warehouse.diff import differences

    app_state = state(ctx)
    settings, catalog = app_state.settings, app_state.catalog()
    target = (to or default_target(settings.db_path)).resolve()
    if to is None:  # bipin's own scratch copy from an earlier rebuild: made again (a --to file is never overwritten)
        for old in (target, target.with_name(target.name + ".wal")):
            old.unlink(missing_ok=True)
    with app_state.warehouse():
        started = time.perf_counter()
        try:
            result = replay(settings, catalog, target, stop_if_damaged=replace)
        except RebuildError as exc:
            fail(str(exc))
        replayed = time.perf_counter() - started
        for line in result.damaged:
            err_console.print(f"archive: {line}", highlight=False, soft_wrap=True)
        if result.damaged and replace:
            err_console.print(f"not replaced: {len(result.damaged)} archived file(s) gone or changed (above); "
                              f"{settings.db_path} is untouched. Restore them from the backup of the archive and "
                              "run `bipin rebuild --replace` again / 归档文件缺失或被改动，未替换数据库",
                              highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_REJECTED)
        for line in result.warnings + result.changed:
            err_console.print(f"warning: {line}", highlight=False, soft_wrap=True)
        console.print(f"rebuilt {target}: {result.n_files} archived file(s) replayed, {result.n_loaded} loaded, "
                      f"{result.n_observations} observations; marts built in full ({replayed:.1f} s)", highlight=False)
        if result.send_ledger_rows is None:
            err_console.print(f"warning: the send ledger could not be read from {settings.db_path}; the rebuilt "
                              "warehouse has none, so briefings already sent may go out again (use --dry-run first)",
                              highlight=False, soft_wrap=True)
        else:
            console.print(f"send ledger: {result.send_ledger_rows} row(s) copied from the original"
                          + (f"; {result.rejected_rows} rejected file(s) recorded" if result.rejected_rows else ""))
        diff: list[str] | None = None
        if settings.db_path.exists():
            started = time.perf_counter()
            try:
                diff = differences(settings.db_path, target)
            except Exception as exc:  # a damaged original is the usual reason to rebuild
                err_console.print(f"the original {settings.db_path} cannot be compared ({str(exc).splitlines()[0]})",
                                  highlight=False, soft_wrap=True)
        if diff:
            for line in diff:
                err_console.print(f"differs: {line}", highlight=False, soft_wrap=True)
        elif diff is not None:
            console.print(f"no difference: same as {settings.db_path}, every table and view compared by content "
                          f"(compared in {time.perf_counter() - started:.1f} s)")
        if replace and not diff and not result.changed and not result.damaged:
            _swap(settings.db_path, target)
        elif replace:
            err_console.print(f"not replaced: the rebuilt warehouse differs; it stays at {target}",
                              highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_REJECTED if diff or result.changed or result.damaged else EXIT_OK)


def _swap(db_path: Path, rebuilt: Path) -> None:
    kept = None
    if db_path.exists():
        kept = db_path.with_name(f"{db_path.name}.replaced-{datetime.now():%Y%m%d%H%M%S}")
        db_path.rename(kept)
    wal = db_path.with_name(db_path.name + ".wal")
    if wal.exists():  # the old file's write-ahead log belongs to it, not to the rebuilt file
        wal.rename(kept.with_name(kept.name + ".wal") if kept else wal.with_name(wal.name + ".orphan"))
    rebuilt.rename(db_path)
    console.print(f"{db_path} is now the rebuilt warehouse" + (f"; the old one is {kept}" if kept else ""))


def register(app: typer.Typer) -> None:
    app.command("rebuild")(rebuild)
