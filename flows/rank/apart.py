"""`bipin rank --as-of <past>`: the marts as they were then, in a copy of the warehouse kept apart.

The live warehouse always shows everything loaded: the scheduled briefings read it, and a past
moment left in it would send last month's ranking as this week's. So a past-moment build goes to
<db>.as-of-<moment>.duckdb beside it (a copy taken under the warehouse lock, then built as of the
moment), where `bipin --db <that file> show 武义` reads it. A briefing of a past moment
(`bipin brief --as-of`) rewinds the live marts for its own run and brings them back afterwards.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb

from flows.config.catalog import Catalog
from flows.config.settings import Settings
from flows.rank import marts, report
from flows.warehouse.db import connect, open_warehouse


def build_summary(settings: Settings, catalog: Catalog, as_of: datetime | None, full: bool) -> dict:
    """Build the marts (live, or as of a past moment apart) and return the run's summary."""
    if as_of is not None:
        with warehouse_as_of(settings, catalog, as_of) as (con, path):
            built = marts.build(con, as_of=as_of, full=full, timezone=settings.timezone)
            return {**report.summarise(con, built), "apart": str(path)}
    with open_warehouse(settings, catalog) as con:
        built = marts.build(con, full=full, timezone=settings.timezone)
        return {**report.summarise(con, built), "apart": None}


def apart_path(db_path: Path, as_of: datetime) -> Path:
    return db_path.with_name(f"{db_path.stem}.as-of-{as_of:%Y%m%dT%H%M%S}{db_path.suffix or '.duckdb'}")


@contextmanager
def warehouse_as_of(settings: Settings, catalog: Catalog, as_of: datetime) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    """A connection to a copy of the warehouse (replaced if it exists) for building the marts as of `as_of`."""
    target = apart_path(Path(settings.db_path), as_of)
    with open_warehouse(settings, catalog) as live:
        live.execute("checkpoint")  # everything in the file itself, not in its write-ahead log
        for stale in (target, target.with_name(target.name + ".wal")):
            stale.unlink(missing_ok=True)
        shutil.copyfile(settings.db_path, target)
    con = connect(target)
    try:
        yield con, target
    finally:
        con.close()
