"""What this ingest run has loaded, kept in Python: the warehouse checks of the files after it read it here.

The three checks that need the warehouse (rules ytd_decreased and place_missing, the revision count)
cost ~11 ms of SQL a file, mostly DuckDB planning and operator start-up, not data. When the warehouse
held nothing of a file's periods (source) before the run, every version those checks can see was
loaded by this run, so the answers follow from what the run committed, and the Python forms in
rules.py give them without a query. Otherwise the SQL runs as before. The two forms must agree;
tests/test_ingest_memory.py loads an inbox both ways and compares the ledger, messages and staging.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import duckdb

from flows.ingest.normalise import Obs
from flows.warehouse.db import load_sql

# Past this many remembered observations the run goes back to SQL for the rest (memory stays bounded).
MAX_KEYS = 2_000_000


class RunMemory:
    def __init__(self, con: duckdb.DuckDBPyConnection):
        # the warehouse before this run's first file (the run holds the only connection that writes it)
        self.stored_periods = {row[0] for row in con.execute(
            "select distinct period from staging.observations").fetchall()}
        self.stored_sources = {row[0] for row in con.execute(
            "select distinct source_code from raw.files where status = 'loaded'").fetchall()}
        # (place, indicator, period) -> (value, growth_pct, published_rank) of the version loaded last
        self.current: dict[tuple[str, str, date], tuple] = {}
        # source -> (file name, places other than totals) of its file loaded last in this run
        self.last_file: dict[str, tuple[str, frozenset[str]]] = {}
        # source -> (file name, indicators) of its file loaded last, before or during this run: one query
        # at the start, so rule indicator_missing never needs one per file
        self.last_indicators: dict[str, tuple[str, frozenset[str]]] = {
            source: (name, frozenset(codes))
            for source, name, codes in con.execute(load_sql("staging/last_file_indicators")).fetchall()}
        self.enabled = True

    def knows_periods(self, periods: Iterable[date]) -> bool:
        """Every version of these periods' observations was loaded by this run (and remembered)."""
        return self.enabled and self.stored_periods.isdisjoint(periods)

    def knows_source(self, source_code: str) -> bool:
        """Every loaded file of this source was loaded by this run (and remembered)."""
        return self.enabled and source_code not in self.stored_sources

    def remember(self, source_code: str, file_name: str, rows: list[Obs]) -> None:
        """A file just committed as loaded: its rows are now the current version of their keys."""
        self.last_indicators[source_code] = (file_name, frozenset(r.indicator_code for r in rows))
        if not self.enabled:
            return
        if len(self.current) + len(rows) > MAX_KEYS:
            self.enabled = False
            self.current.clear()
            self.last_file.clear()
            return
        self.current.update(((r.place_code, r.indicator_code, r.period), (r.value, r.growth_pct, r.published_rank))
                            for r in rows)
        self.last_file[source_code] = (file_name, frozenset(r.place_code for r in rows if not r.is_total))
