"""Compare two warehouses: the staging rows, the ledger of loaded files and every mart, row for row.

`bipin rebuild` uses it to show that the warehouse rebuilt from the archive is the one it replaces.
File ids are the warehouse's own numbering (a rejected file takes one too), so rows are compared
without them, with the file's name and content hash standing in for the id in staging.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

# What must match. Staging carries the file by name and hash instead of its id; raw.files only for
# files whose data is in the archive (rejected ones are in quarantine and never replayed).
RELATIONS = {
    "staging.observations": (
        "select f.file_name, f.sha256, o.* exclude (file_id) from staging.observations o "
        "join raw.files f using (file_id)"),
    "raw.files": (
        "select * exclude (file_id, original_path, stored_path, duplicate_of) from raw.files "
        "where status in ('loaded', 'duplicate')"),
}
MART_SCHEMA = "marts"


def _mart_queries(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    names = [row[0] for row in con.execute(
        "select table_name from information_schema.tables where table_schema = ? order by 1",
        [MART_SCHEMA]).fetchall()]
    # identifiers come from the database's own catalog, not from user input
    return {f"{MART_SCHEMA}.{name}": f"select * from {MART_SCHEMA}.{name}" for name in names}


def differences(original: Path, rebuilt: Path) -> list[str]:
    """One line per relation that differs (rows only in one of them); empty when they are the same."""
    old = duckdb.connect(str(original), read_only=True)
    new = duckdb.connect(str(rebuilt), read_only=True)
    scratch = duckdb.connect()
    found: list[str] = []
    try:
        queries = {**RELATIONS, **_mart_queries(old)}
        missing = sorted(set(_mart_queries(new)) ^ set(_mart_queries(old)))
        found += [f"{name}: exists in only one of them" for name in missing]
        for name, query in queries.items():
            if name in missing:
                continue
            scratch.register("a", old.sql(query).to_arrow_table())
            scratch.register("b", new.sql(query).to_arrow_table())
            only_old = scratch.execute("select count(*) from (select * from a except all select * from b)").fetchall()[0][0]
            only_new = scratch.execute("select count(*) from (select * from b except all select * from a)").fetchall()[0][0]
            if only_old or only_new:
                found.append(f"{name}: {only_old} row(s) only in the original, {only_new} only in the rebuilt one")
            scratch.unregister("a")
            scratch.unregister("b")
    finally:
        for con in (old, new, scratch):
            con.close()
    return found
