"""`bipin ingest [PATH ...]`: load indicator files into the warehouse through the Prefect flow `ingest`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from flows.cli.common import EXIT_OK, EXIT_REJECTED, console, err_console, fail, state
from flows.config.catalog import CatalogError

NO_PREFECT_ENV = "BIPIN_INGEST_NO_PREFECT"
STATUS_STYLE = {"loaded": "green", "duplicate": "dim", "rejected": "bold red"}


def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders (a folder = all its files). Default: the inbox.")] = None,
    no_prefect: Annotated[bool, typer.Option(
        "--no-prefect", envvar=NO_PREFECT_ENV,
        help="Run the flow's plain functions without starting Prefect (same steps, no run record).")] = False,
) -> None:
    """Load monthly indicator files (XLSX, Excel 97-2003 .xls, web pages, text PDFs, CSV in UTF-8 / BOM / GBK, or
    Parquet; the content tells which) as config/sources.yaml describes.

    Loaded inbox files move to <home>/archive/YYYY/MM/; rejected files go to <home>/quarantine/ with
    <name>.errors.txt. Exit code 0 = all loaded (or already loaded), 1 = some file rejected, 2 = usage error.

    Example: bipin ingest var/inbox/synthetic_jinhua_wide_202610.xlsx
    """
    from flows.ingest import pipeline
    from flows.ingest.sources import source_options
    from flows.ingest.store import StorageError

    app_state = state(ctx)
    settings, catalog = app_state.settings, app_state.catalog()
    try:
        source_options(catalog)
    except CatalogError as exc:
        fail(str(exc))
    if not no_prefect:
        app_state.prefect_ready()
    # the lock before the inbox is listed: a second ingest waits, then sees what the first left
    with app_state.warehouse():
        waiting: list[Path] = []
        try:
            files = pipeline.discover([str(p) for p in paths] if paths else None, settings, waiting)
        except pipeline.UsageError as exc:
            fail(str(exc))
        for path in waiting:
            console.print(pipeline.waiting_line(path), highlight=False)
        if not files:
            console.print(f"nothing to ingest in {', '.join(map(str, paths or [settings.inbox]))}")
            raise typer.Exit(EXIT_OK)
        with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      TextColumn("{task.description}", markup=False), console=err_console,
                      transient=True) as progress:
            bar = progress.add_task("", total=len(files))

            def advance(result) -> None:
                progress.update(bar, advance=1, description=f"{result.file_name}: {result.status}")

            try:
                if no_prefect:
                    summary = pipeline.summarise(pipeline.ingest_paths(settings, catalog, files, on_file=advance))
                else:
                    summary = _run_flow(app_state, files, advance)
            except StorageError as exc:
                fail(str(exc))
    _print_summary(summary)
    if summary["n_loaded"]:
        console.print("ranks are not updated yet: run `bipin rank` (`bipin run` and the hourly pipeline do it "
                      "by themselves) / 排名尚未更新：请运行 `bipin rank`")
    raise typer.Exit(EXIT_REJECTED if summary["n_rejected"] else EXIT_OK)


def _run_flow(app_state, files: list[Path], advance) -> dict:
    from flows.ingest.store import StorageError

    settings = app_state.settings  # ingest() made Prefect ready before taking the lock
    settings.prefect_home.mkdir(parents=True, exist_ok=True)  # Prefect cannot create a nested home itself
    from flows.ingest import flow as ingest_flow

    ingest_flow.listeners.append(advance)
    try:
        state = ingest_flow.ingest([str(f) for f in files], str(settings.config_dir), str(settings.db_path),
                                   str(settings.home), return_state=True)
    finally:
        ingest_flow.listeners.remove(advance)
    if state.is_failed():
        raise StorageError(state.message or "the ingest run failed; see its log")
    return state.result()


def _print_summary(summary: dict) -> None:
    table = Table(title=f"ingest: {summary['n_loaded']} loaded, {summary['n_duplicate']} duplicate, "
                        f"{summary['n_rejected']} rejected")
    table.add_column("file", overflow="fold", ratio=3)
    for name in ("status", "periods", "obs", "revised", "warn", "err"):
        table.add_column(name, justify="left" if name in ("status", "periods") else "right", no_wrap=True)
    for row in summary["files"]:
        style = STATUS_STYLE.get(row["status"], "")
        table.add_row(row["file"], Text(row["status"], style=style), _short(row["periods"]),
                      str(row["observations"]), str(row["revised"]), str(row["warnings"]), str(row["errors"]))
    console.print(table)
    for item in summary["rejected"]:
        more = item.get("n_errors", 1) - 1
        err_console.print(Text.assemble(("rejected 拒收 ", "bold red"),
                                        f"{item['file']} -> {item['stored_path']}\n  {item.get('first_error_zh', '')}"
                                        f"\n  {item['first_error']}"
                                        + (f"\n  另有{more}个问题 ({more} more), see / 详见 {item['stored_path']}.errors.txt"
                                           if more > 0 else "")),
                          highlight=False)
    if summary["n_warnings"]:
        console.print(f"{summary['n_warnings']} warning(s) kept in raw.file_messages / "
                      f"{summary['n_warnings']}条提示已记录（bipin status 可查看）")


def _short(periods: str) -> str:
    parts = periods.split(", ")
    return periods if len(parts) <= 2 else f"{parts[0]}..{parts[-1]}"


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
