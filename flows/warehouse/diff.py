"""Compare two warehouses by content: every table and view of the original, row for row.

`bipin rebuild` uses it to show that the warehouse rebuilt from the archive is the one it replaces.
File ids are each warehouse's own numbering (a rejected file takes one too, so after one the ids of
every later file shift), so rows are compared by natural keys: wherever a relation carries a
`file_id`, the file's name and content hash stand in for it, and the paths a file was read from or
stored at (which name the id) are left out. What only records when or how something was built is
left out too (below); everything else must match, and a relation of the original missing from the
rebuilt one is a difference.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

# columns that are bookkeeping of one warehouse's history, not its content
IGNORED_COLUMNS = {
    "raw.files": ("original_path", "stored_path", "duplicate_of"),
    "meta.migrations": ("applied_at",),
    "meta.rank_state": ("built_at", "mode", "n_slices"),
}
# integer-coded storage behind the marts.* views: numbering depends on build history; the decoded
# views are compared instead
SKIPPED_SCHEMAS = ("mart_store", "information_schema", "pg_catalog")
# meta.*_sync: hashes of what the config mirror last wrote, so an unchanged file is not rewritten
# (the ref.* tables themselves are compared)
SYNC_HASHES = ("meta.", "_sync")
EXAMPLE_CHARS = 240


def relations(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """schema.name -> column names, for every table and view of the database."""
    rows = con.execute("""
        select table_schema, table_name, list(column_name order by ordinal_position)
        from information_schema.columns
        where table_catalog = current_database() and table_schema not in ('information_schema', 'pg_catalog')
        group by all order by 1, 2""").fetchall()
    return {f"{schema}.{name}": columns for schema, name, columns in rows}


def content_query(name: str, columns: list[str]) -> str:
    """The relation's rows with its file ids replaced by the file's name and sha256."""
    # identifiers come from the database's own catalog, not from user input
    skip = set(IGNORED_COLUMNS.get(name, ()))
    keep = [c for c in columns if c not in skip and c != "file_id"]
    select = ", ".join(f't."{c}"' for c in keep)
    if "file_id" not in columns:
        return f"select {select} from {name} t"
    extra = ", d.sha256 as duplicate_of_sha256" if name == "raw.files" else ""
    join = " left join raw.files d on d.file_id = t.duplicate_of" if name == "raw.files" else ""
    file_cols = "" if name == "raw.files" else "f.file_name as file_name_of_id, f.sha256 as file_sha256, "
    return (f"select {file_cols}{select}{extra} from {name} t "
            f"left join raw.files f on f.file_id = t.file_id{join}")


def differences(original: Path, rebuilt: Path) -> list[str]:
    """One line per relation that differs (with one example row); empty when they are the same."""
    old = duckdb.connect(str(original), read_only=True)
    new = duckdb.connect(str(rebuilt), read_only=True)
    scratch = duckdb.connect()
    found: list[str] = []
    try:
        old_relations, new_relations = relations(old), relations(new)
        for name, columns in old_relations.items():
            if name.split(".")[0] in SKIPPED_SCHEMAS or (name.startswith(SYNC_HASHES[0])
                                                          and name.endswith(SYNC_HASHES[1])):
                continue
            if name not in new_relations:
                found.append(f"{name}: in the original, missing from the rebuilt one")
                continue
            common = [c for c in columns if c in new_relations[name]]
            query = content_query(name, common)
            scratch.register("a", old.sql(query).to_arrow_table())
            scratch.register("b", new.sql(query).to_arrow_table())
            only_old = scratch.execute("select * from a except all select * from b").fetchall()
            only_new = scratch.execute("select * from b except all select * from a").fetchall()
            scratch.unregister("a")
            scratch.unregister("b")
            if only_old or only_new:
                example = f"e.g. {str((only_old or only_new)[0])[:EXAMPLE_CHARS]}"
                found.append(f"{name}: {len(only_old)} row(s) only in the original, {len(only_new)} only in the "
                             f"rebuilt one ({example})")
    finally:
        for con in (old, new, scratch):
            con.close()
    return found
