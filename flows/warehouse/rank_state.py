"""What the warehouse says about the rank marts' build (meta.rank_state), read the same way by every stage.

rank writes meta.rank_state; brief's guards, the pipeline and `bipin rank` ask these questions
of it. They live here, below the stages, because the stages meet only in the warehouse.
"""

from __future__ import annotations

from datetime import datetime

from flows.warehouse.db import load_sql


def _has_rank_state(con) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables "
                            "where table_schema = 'meta' and table_name = 'rank_state'").fetchone()[0])


def rank_catalog_is_stale(con) -> bool:
    """Whether ref (the catalog as synced now) differs from the catalog the marts were built with: the
    views then rank with the new catalog while the stored top three and streaks still follow the old one."""
    if not _has_rank_state(con):
        return False  # never built
    row = con.execute("select catalog_fingerprint from meta.rank_state").fetchone()
    if row is None:
        return False
    return row[0] != con.execute(load_sql("marts/build/catalog_fingerprint")).fetchone()[0]


def rank_watermark(con) -> datetime | None:
    """Newest raw.files.loaded_at the marts were built from (None: never built)."""
    if not _has_rank_state(con):
        return None
    row = con.execute("select max(watermark) from meta.rank_state").fetchone()
    return row[0] if row else None


def rank_as_of(con) -> datetime | None:
    """The past moment the marts were built as of (None: everything loaded, or never built); the live
    marts are left at one only by an interrupted `--as-of` run or an older bipin (flows/rank/apart.py)."""
    if not _has_rank_state(con):
        return None
    row = con.execute("select max(as_of) from meta.rank_state").fetchone()
    return row[0] if row else None
