"""Load one file: read, clean, check, then write it in one DuckDB transaction (all of it or nothing).

The order matters: everything that can reject a file runs before the transaction opens, and
the ledger row, the observations and the messages are committed together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from flows.config.catalog import Catalog
from flows.config.settings import Settings
from flows.ingest import ledger, plausibility, rank_groups, rules
from flows.ingest.formats import read_tables
from flows.ingest.model import FileResult, Message, error
from flows.ingest.normalise import clean
from flows.ingest.periods_in_files import release_problems
from flows.ingest.readers import ReadError
from flows.ingest.resolve import IndicatorResolver, PlaceResolver
from flows.ingest.sources import SourceOptions, match_source, source_options
from flows.ingest.store import commit_duplicate as _duplicate
from flows.ingest.store import commit_loaded as _commit
from flows.ingest.store import commit_rejected as _reject
from flows.ingest.tables import choose_sheets, file_sheet, read_layout
from flows.warehouse.db import load_sql


@dataclass
class IngestContext:
    """What every file needs, built once per run."""

    settings: Settings
    catalog: Catalog
    sources: list[SourceOptions] = field(default_factory=list)
    # False when replaying the archive (`bipin rebuild`): the files are the archived copies already
    keep_copies: bool = True
    # times stamp() hands out before reading the clock: a rebuild replays each file's original times
    replay: list[datetime] = field(default_factory=list)
    _places: dict = field(default_factory=dict)
    _last_stamp: datetime | None = None

    def __post_init__(self):
        self.sources = self.sources or source_options(self.catalog)
        self.indicators = IndicatorResolver(self.catalog)
        self.group_members = rank_groups.GroupMembers(self.catalog)
        # not fields: Prefect walks a task parameter's fields, and these hold ~10,000 entries and more
        self._ytd_previous: dict[tuple[str, date], date] | None = None
        self._last_indicators: dict[str, tuple[str, frozenset[str]]] | None = None
        self._history: plausibility.LevelHistory | None = None
        self.short_names = {p.code: p.short_name for p in self.catalog.places}

    def last_indicators(self, con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, frozenset[str]]]:
        """source -> (file name, indicators) of its file loaded last, for rule indicator_missing: read once
        per run, then kept up to date as the run loads files."""
        if self._last_indicators is None:
            self._last_indicators = {
                source: (name, frozenset(codes))
                for source, name, codes in con.execute(load_sql("staging/last_file_indicators")).fetchall()}
        return self._last_indicators

    def level_history(self, con: duckdb.DuckDBPyConnection) -> plausibility.LevelHistory:
        """Each place's largest plausible level per indicator, read once per run (plausibility.py)."""
        if self._history is None:
            self._history = plausibility.LevelHistory(con)
        return self._history

    def ytd_previous(self, con: duckdb.DuckDBPyConnection) -> dict[tuple[str, date], date]:
        """(indicator, period) -> the period before it in its year, for year-to-date indicators; read from
        `ref` once per run (the catalog is mirrored before the first file), for rule ytd_decreased."""
        if self._ytd_previous is None:
            self._ytd_previous = {(code, period): previous for code, period, previous
                                  in con.execute(load_sql("staging/ytd_previous_periods")).fetchall()}
        return self._ytd_previous

    def places(self, src: SourceOptions) -> PlaceResolver:
        if src.total_names not in self._places:
            self._places[src.total_names] = PlaceResolver(self.catalog, src.total_names)
        return self._places[src.total_names]

    def stamp(self) -> datetime:
        """Wall-clock time in the configured zone, strictly increasing so as-of reads can tell files apart."""
        if self.replay:
            self._last_stamp = self.replay.pop(0)
            return self._last_stamp
        now = self.settings.local_now()
        if self._last_stamp is not None and now <= self._last_stamp:
            now = self._last_stamp + timedelta(microseconds=1)
        self._last_stamp = now
        return now


def load_file(con: duckdb.DuckDBPyConnection, path: Path, ctx: IngestContext) -> FileResult:
    """Ingest one file; returns what became of it. Never raises for a bad file: it is rejected instead."""
    path = Path(path)
    received_at = ctx.stamp()
    try:
        sha, size = ledger.sha256_of(path), path.stat().st_size
    except OSError as exc:  # nothing to copy to the quarantine either: the file stays where it is
        return FileResult(file_name=path.name, status="rejected", messages=[error(
            "unreadable_file", f"cannot read {path} ({exc.strerror}); check the file's permissions or copy it again")])
    src = match_source(path, ctx.sources)
    result = FileResult(file_name=path.name, status="loaded", source_code=src.code if src else None)
    earlier = ledger.loaded_with_sha(con, sha)
    if earlier is not None:
        return _duplicate(con, path, ctx, result, sha, size, received_at, earlier)
    if src is None:
        patterns = ", ".join(f"{s.code}: {s.pattern if isinstance(s.pattern, str) else ' '.join(s.pattern)}"
                             for s in ctx.sources) or "none configured"
        return _reject(con, path, ctx, result, sha, size, received_at, [error(
            "unknown_source", f"no source in sources.yaml matches the file name (patterns: {patterns}); "
            "rename the file or add a source")])
    try:
        grids, notes, medium = read_tables(path, src)  # formats.py: the content tells the format
    except ReadError as exc:
        return _reject(con, path, ctx, result, sha, size, received_at, [error(exc.code, exc.text)])
    except Exception as exc:  # a reader's own failure (or MemoryError) is this file's problem, not the run's
        return _reject(con, path, ctx, result, sha, size, received_at, [error(
            "unreadable_file", f"the file cannot be read ({type(exc).__name__}: {exc}); open it in the program that "
            "made it and save it again")])
    if medium is None:  # a workbook: hidden sheets and several tables (tables.choose_sheets)
        grids, said = choose_sheets(grids, src, ctx.indicators)
        notes = [*notes, *said]
        if not grids:
            return _reject(con, path, ctx, result, sha, size, received_at, notes)
    sheet = file_sheet(grids)  # None for tables on several pages: each record then knows its own (tables.py)
    places = ctx.places(src)
    if medium is None and not any(str(c).strip() for g in grids for row in g.rows for c in row if c is not None):
        return _reject(con, path, ctx, result, sha, size, received_at,
                       [*notes, error("empty_file", "the file has no data (no non-blank cell)", sheet=sheet)])
    layout = read_layout(grids, medium, src, path.name, ctx.indicators, places.is_total)
    result.n_rows = layout.n_rows
    messages = [*notes, *layout.messages]
    if not _errors(messages):  # a period no release can carry, checked on the few distinct periods in hand
        messages += release_problems(layout.periods, ctx.catalog.calendar_years, received_at, sheet)
    if not _errors(messages) and layout.n_rows == 0:
        messages.append(error("empty_file", "the table has a header but no data rows", sheet=sheet))
    if _errors(messages):
        return _reject(con, path, ctx, result, sha, size, received_at, messages)
    cleaned = clean(layout, src, ctx.catalog, places, sheet)
    messages += cleaned.messages
    if _errors(messages):
        return _reject(con, path, ctx, result, sha, size, received_at, messages)
    result.periods = sorted({r.period for r in cleaned.rows})
    checked = plausibility.check(cleaned.rows, ctx.catalog, ctx.level_history(con), ctx.short_names, sheet,
                                 one_period=len(result.periods) == 1)
    messages += checked.messages
    if _errors(messages):
        return _reject(con, path, ctx, result, sha, size, received_at, messages)
    rows = cleaned.rows = checked.rows
    result.n_totals = cleaned.n_totals
    result.n_observations = len(rows)
    messages += rules.growth_out_of_range(rows, src.growth_limit_pct, sheet)
    group, said = rank_groups.published_group(rows, src.rank_group, ctx.group_members, sheet)
    messages += said
    if group is not None:
        rows = cleaned.rows = [r._replace(rank_group_code=group) if r.published_rank is not None else r for r in rows]
    messages += rules.rank_disagreements(rows, ctx.catalog, sheet, group, ctx.group_members)
    previous = ctx.ytd_previous(con)
    previous_periods = [previous.get((r.indicator_code, r.period)) for r in rows]
    incoming = cleaned.table().append_column("ytd_previous_period", pa.array(previous_periods, pa.date32()))
    last_indicators = ctx.last_indicators(con)
    messages += rules.missing_indicators(rows, last_indicators.get(src.code), ctx.catalog, sheet)
    con.register("incoming_observations", incoming)
    try:
        messages += rules.ytd_decreases(con, sheet)
        messages += rules.missing_places(con, src.code, sheet)
        result.messages = messages
        loaded = _commit(con, path, ctx, result, sha, size, received_at)
        if loaded.status == "loaded":
            last_indicators[src.code] = (path.name, frozenset(r.indicator_code for r in rows))
            ctx.level_history(con).remember(rows)
        return loaded
    finally:
        con.unregister("incoming_observations")


def _errors(messages: list[Message]) -> bool:
    return any(m.severity == "error" for m in messages)
