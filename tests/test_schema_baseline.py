"""The warehouse schema: a new warehouse gets the baseline (sql/schema/<area>.sql); one made by the
release before it (migrations 001-032 replayed in order, as that release did) is upgraded by
sql/schema/upgrades/ to exactly the same tables, columns, types, defaults, keys and sequences."""

from __future__ import annotations

from datetime import datetime

import duckdb

from flows.warehouse.db import UPGRADES_DIR, connect, migrate

# what the release before the baseline applied (its sql/schema/NNN_*.sql, now sql/schema/upgrades/)
RELEASE_UPGRADES = sorted(p for p in UPGRADES_DIR.glob("*.sql") if p.name < "033")


def shape(con: duckdb.DuckDBPyConnection) -> dict:
    """Everything information_schema and DuckDB's catalog say about the schema, comparable as a whole."""
    return {
        "tables": con.execute("select table_schema, table_name, table_type from information_schema.tables "
                              "order by all").fetchall(),
        "columns": con.execute("select table_schema, table_name, ordinal_position, column_name, data_type, "
                               "is_nullable, column_default from information_schema.columns order by all").fetchall(),
        "constraints": con.execute("select schema_name, table_name, constraint_type, constraint_column_names "
                                   "from duckdb_constraints() order by all").fetchall(),
        "sequences": con.execute("select schema_name, sequence_name from duckdb_sequences() order by all").fetchall(),
        "schemas": con.execute("select schema_name from information_schema.schemata where catalog_name = "
                               "current_database() order by all").fetchall(),
        "upgrades": con.execute("select name from meta.migrations order by name").fetchall(),
    }


def release_warehouse(path) -> None:
    """A warehouse as the release before the baseline made it: the migrations ledger and meta.ref_sync
    created in Python, the numbered migrations run in order, and some data in it."""
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists meta")
    con.execute("create table if not exists meta.migrations (name varchar primary key, "
                "applied_at timestamp default now())")
    for upgrade in RELEASE_UPGRADES:
        con.execute(upgrade.read_text(encoding="utf-8"))
        con.execute("insert into meta.migrations (name) values (?)", [upgrade.name])
    con.execute("create table if not exists meta.ref_sync (fingerprint varchar not null)")
    con.execute("insert into meta.rank_state values (null, ?, 'abc', ?, 'full', 3)",
                [datetime(2026, 11, 2, 9), datetime(2026, 11, 2, 10)])
    con.execute("insert into raw.files (file_id, file_name, original_path, sha256, size_bytes, status, received_at) "
                "values (1, 'a.csv', '/inbox/a.csv', 'abc', 10, 'loaded', ?)", [datetime(2026, 11, 2, 9)])
    con.execute("insert into staging.observations (file_id, place_code, indicator_code, period, value, loaded_at, "
                "is_preliminary) values (1, 'wuyi', 'gdp', date '2026-10-01', 12.5, ?, true)",
                [datetime(2026, 11, 2, 9)])
    con.close()


def test_a_release_warehouse_upgrades_to_exactly_the_baseline(tmp_path):
    release_warehouse(tmp_path / "old.duckdb")
    old = connect(tmp_path / "old.duckdb")
    new = connect(tmp_path / "new.duckdb")
    try:
        assert shape(old) == shape(new)
        # the upgrade kept the data, and the view shows the columns added after it was first made
        assert old.execute("select place_code, value, is_preliminary, quality_flag from "
                           "staging.observations_current").fetchall() == [("wuyi", 12.5, True, None)]
        assert old.execute("select count(*) from raw.files").fetchone() == (1,)
        # marts built by the release lack is_tied: the next run must rank before it briefs (upgrade 034)
        assert old.execute("select count(*) from meta.rank_state").fetchone() == (0,)
    finally:
        old.close()
        new.close()


def test_a_new_warehouse_records_every_upgrade_and_a_second_migrate_applies_nothing(tmp_path):
    con = connect(tmp_path / "new.duckdb")
    try:
        upgrades = sorted(p.name for p in UPGRADES_DIR.glob("*.sql"))
        assert [r[0] for r in con.execute("select name from meta.migrations order by name").fetchall()] == upgrades
        assert migrate(con) == []
        assert {"ref", "raw", "staging", "pull", "mart_store", "marts", "delivery", "meta"} <= {
            r[0] for r in con.execute("select schema_name from information_schema.schemata").fetchall()}
    finally:
        con.close()


def test_an_upgrade_added_later_reaches_both_kinds_of_warehouse(tmp_path, monkeypatch):
    release_warehouse(tmp_path / "old.duckdb")
    new = connect(tmp_path / "new.duckdb")
    new.close()
    extra = tmp_path / "upgrades"
    extra.mkdir()
    for path in UPGRADES_DIR.glob("*.sql"):
        (extra / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (extra / "999_note.sql").write_text("alter table raw.files add column if not exists note varchar;",
                                        encoding="utf-8")
    monkeypatch.setattr("flows.warehouse.db.UPGRADES_DIR", extra)
    for name in ("old.duckdb", "new.duckdb"):
        con = connect(tmp_path / name)
        try:
            assert "note" in {r[0] for r in con.execute("describe raw.files").fetchall()}
        finally:
            con.close()
