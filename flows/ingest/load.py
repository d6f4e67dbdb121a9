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
from flows.ingest import ledger, manifest, plausibility, rules
from flows.ingest.formats import read_tables
from flows.ingest.model import FileResult, Message, error
from flows.ingest.normalise import clean
from flows.ingest.periods_in_files import release_problems
from flows.ingest.readers import ReadError
from flows.ingest.resolve import IndicatorResolver, PlaceResolver
from flows.ingest.sources import SourceOptions, match_source, source_options
from flows.ingest.tables import file_sheet, read_layout
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
    sha, size = ledger.sha256_of(path), path.stat().st_size
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
    messages += rules.rank_disagreements(rows, ctx.catalog, sheet)
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


def _commit(con, path, ctx, result, sha, size, received_at) -> FileResult:
    loaded_at = ctx.stamp()
    move = ledger.in_inbox(path, ctx.settings)
    con.execute("begin transaction")
    try:
        result.file_id = ledger.next_file_id(con)
        result.n_revised = con.execute(load_sql("staging/count_revisions")).fetchall()[0][0]
        # every loaded file is kept in the archive (files named elsewhere as a copy): the warehouse
        # must never be the only copy of the data
        target = ledger.archive_path(path, ctx.settings, received_at, result.file_id) if ctx.keep_copies else None
        result.stored_path = str(target) if target else str(path)
        ledger.record_file(con, result, path, sha, size, received_at, loaded_at)
        con.execute(load_sql("staging/insert_observations"), {"file_id": result.file_id, "loaded_at": loaded_at})
        con.execute("commit")
    except Exception as exc:  # a database failure rejects the file; nothing of it stays
        con.execute("rollback")
        result.file_id, result.stored_path, result.n_revised = None, None, 0
        return _reject(con, path, ctx, result, sha, size, received_at,
                       [error("load_failed", f"the database refused the file ({type(exc).__name__}: {exc})")])
    if target is not None:
        ledger.put_away(path, target, move=move)
        manifest.record(ctx.settings.home, target, path.name, sha, "loaded", received_at, loaded_at)
    return result


def _duplicate(con, path, ctx, result, sha, size, received_at, earlier) -> FileResult:
    result.status = "duplicate"
    result.messages = []
    move = ledger.in_inbox(path, ctx.settings)
    con.execute("begin transaction")
    try:
        result.file_id = ledger.next_file_id(con)
        target = ledger.archive_path(path, ctx.settings, received_at, result.file_id) if move else None
        result.stored_path = str(target) if target else None
        ledger.record_file(con, result, path, sha, size, received_at, None, duplicate_of=earlier[0])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    if target is not None:
        ledger.put_away(path, target, move=True)
        manifest.record(ctx.settings.home, target, path.name, sha, "duplicate", received_at, None)
    return result


def _reject(con, path, ctx, result, sha, size, received_at, messages) -> FileResult:
    result.status = "rejected"
    result.messages = messages
    result.n_observations = 0
    result.periods = []
    con.execute("begin transaction")
    try:
        result.file_id = ledger.next_file_id(con)
        target = ledger.quarantine_path(path, ctx.settings, result.file_id)
        result.stored_path = str(target)
        ledger.record_file(con, result, path, sha, size, received_at, None)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    ledger.put_away(path, target, move=ledger.in_inbox(path, ctx.settings))
    ledger.write_errors_file(target, result, messages)
    return result
