"""`bipin rebuild`: the archive alone gives back the same warehouse, revisions and as-of reads included."""

from __future__ import annotations

import duckdb
from typer.testing import CliRunner

from flows.cli.app import app
from flows.config.catalog import load_catalog
from flows.rank import marts
from flows.run.rebuild import rebuild
from flows.warehouse.db import connect
from flows.warehouse.diff import differences
from tests.ingest_world import GOOD_ROWS, ingest, query, settings_for, wide_grid, write_csv

CURRENT = ("select place_code, growth_pct, loaded_at from staging.observations_current "
           "where indicator_code = 'fai' order by place_code")


def _history(tmp_path):
    """An original, a revision named outside the inbox, a duplicate, a rejected file; then the marts."""
    s = settings_for(tmp_path)
    ingest(s, write_csv(s.inbox / "city_202610.csv", wide_grid()))
    between = query(s, "select max(loaded_at) from raw.files")[0][0]
    revised = [list(r) for r in GOOD_ROWS]
    revised[1][2] = "9.5"  # 武义 固定资产投资 growth 8.2 -> 9.5
    ingest(s, write_csv(tmp_path / "elsewhere" / "city_202610_revised.csv", wide_grid(revised)))
    ingest(s, write_csv(s.inbox / "city_202610_again.csv", wide_grid()))  # the original's bytes again
    bad = [list(r) for r in GOOD_ROWS]
    bad[2][1] = "待核"
    ingest(s, write_csv(s.inbox / "city_202609.csv", wide_grid(bad)))
    con = connect(s.db_path)
    try:
        marts.build(con, full=True)
    finally:
        con.close()
    return s, between


def _as_of(db, moment) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("set variable as_of = ?", [moment])
        return con.execute(CURRENT).fetchall()
    finally:
        con.close()


def test_rebuild_from_the_archive_gives_the_same_warehouse(tmp_path):
    s, between = _history(tmp_path)
    con = duckdb.connect(str(s.db_path))
    con.execute("insert into delivery.send_ledger (kind, period_key, recipient, content_hash, status, sent_at) "
                "values ('weekly', '2026-W47', 'a@x.org', 'h', 'sent', '2026-11-16 08:01')")
    con.close()
    target = tmp_path / "rebuilt.duckdb"
    result = rebuild(s, load_catalog(s.config_dir), target)
    assert result.n_files == 3 and result.n_loaded == 2 and result.changed == [] and result.warnings == []
    # what was sent is not in the archive: carried over, so the rebuilt warehouse mails nothing twice
    assert result.send_ledger_rows == 1
    assert query(s.with_overrides(db_path=target), "select kind, period_key, recipient from delivery.send_ledger") == \
        [("weekly", "2026-W47", "a@x.org")]
    assert differences(s.db_path, target) == []
    # the same loaded_at times, so the past reads the same: 武义 8.2 before the revision, 9.5 after
    assert _as_of(target, between) == _as_of(s.db_path, between)
    assert ("wuyi", 8.2, between) in _as_of(target, between)
    assert [r[:2] for r in query(s.with_overrides(db_path=target), CURRENT) if r[0] == "wuyi"] == [("wuyi", 9.5)]
    rebuilt_files = query(s.with_overrides(db_path=target), "select file_name, status, n_revised from raw.files order by file_id")
    # the rejected file is not replayed (it is in quarantine): its record and messages are carried over
    assert rebuilt_files == [("city_202610.csv", "loaded", 0), ("city_202610_revised.csv", "loaded", 1),
                             ("city_202610_again.csv", "duplicate", 0), ("city_202609.csv", "rejected", 0)]
    assert result.rejected_rows == 1


def test_comparison_sees_a_missing_row(tmp_path):
    s, _ = _history(tmp_path)
    target = tmp_path / "rebuilt.duckdb"
    rebuild(s, load_catalog(s.config_dir), target)
    con = duckdb.connect(str(target))
    con.execute("delete from staging.observations where place_code = 'dongyang' and indicator_code = 'retail'")
    con.close()
    found = differences(s.db_path, target)
    assert any(line.startswith("staging.observations: 2 row(s) only in the original, 0 only in the rebuilt one (e.g. ")
               and "'dongyang', 'retail'" in line for line in found), found
    assert any(line.startswith("marts.rankings:") for line in found)


def test_damaged_warehouse_is_one_line_and_rebuild_replace_recovers_it(tmp_path):
    s, _ = _history(tmp_path)
    before = query(s, "select count(*) from staging.observations")[0][0]
    s.db_path.write_bytes(b"this is not a database " * 400)
    args = ["--config", str(s.config_dir), "--home", str(s.home)]
    broken = CliRunner().invoke(app, [*args, "show", "武义"])
    assert broken.exit_code == 2
    assert broken.output.count("\n") == 1 and "Traceback" not in broken.output
    assert str(s.db_path) in broken.output and "not a valid DuckDB database file" in broken.output
    assert "bipin rebuild --replace" in broken.output
    fixed = CliRunner().invoke(app, [*args, "rebuild", "--replace"])
    assert fixed.exit_code == 0, fixed.output
    assert "cannot be compared" in fixed.output and "send ledger could not be read" in fixed.output
    assert query(s, "select count(*) from staging.observations")[0][0] == before
    assert list(s.home.glob("bipin.duckdb.replaced-*"))[0].read_bytes().startswith(b"this is not")


def test_rebuild_refuses_to_overwrite_and_needs_an_archive(tmp_path):
    s = settings_for(tmp_path)
    args = ["--config", str(s.config_dir), "--home", str(s.home)]
    empty = CliRunner().invoke(app, [*args, "rebuild"])
    assert empty.exit_code == 2 and "no archived files" in empty.output
    s, _ = _history(tmp_path / "second")
    taken = tmp_path / "taken.duckdb"
    taken.write_bytes(b"")
    refused = CliRunner().invoke(app, ["--config", str(s.config_dir), "--home", str(s.home), "rebuild", "--to", str(taken)])
    assert refused.exit_code == 2 and "already exists" in refused.output
