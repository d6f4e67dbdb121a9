"""The ledger: duplicates are no-ops, revisions keep history, as-of reads, one bad file among good ones."""

from __future__ import annotations

import shutil
import time

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli.app import app
from tests.ingest_world import GOOD_ROWS, ingest, query, settings_for, wide_grid, write_csv

SEP_TITLE = "2026年1-9月金华市各县（市、区）主要经济指标"


def test_same_file_twice_is_a_duplicate_and_a_no_op(tmp_path):
    s = settings_for(tmp_path)
    original = write_csv(tmp_path / "city_202610.csv", wide_grid())
    shutil.copy(original, s.inbox.mkdir(parents=True) or s.inbox / original.name)
    [first] = ingest(s, s.inbox / original.name)
    assert first.status == "loaded"
    archived = s.home / "archive"
    assert [p.name for p in archived.rglob("*.csv")] == ["city_202610.csv"]
    assert list(s.inbox.iterdir()) == []  # the hourly run will not read it again
    # the same bytes again, under the same name, through the inbox
    shutil.copy(original, s.inbox / original.name)
    [second] = ingest(s, s.inbox / original.name)
    assert second.status == "duplicate" and second.n_observations == 0
    assert query(s, "select count(*) from staging.observations") == [(10,)]
    assert query(s, "select status, duplicate_of from raw.files order by file_id") == \
        [("loaded", None), ("duplicate", first.file_id)]
    assert len(list(archived.rglob("*city_202610.csv"))) == 2  # nothing is lost, nothing overwritten
    # the inbox is empty, so a third run finds nothing
    assert ingest(s) == []


def test_revision_becomes_current_and_as_of_reads_the_past(tmp_path):
    s = settings_for(tmp_path)
    first_file = write_csv(s.inbox / "city_202610.csv", wide_grid())
    [first] = ingest(s, first_file)
    between = query(s, "select max(loaded_at) from raw.files")[0][0]
    time.sleep(0.01)
    revised_rows = [list(r) for r in GOOD_ROWS]
    revised_rows[1][2] = "9.5"  # 武义 固定资产投资 growth 8.2 -> 9.5
    revised_rows[1][3] = "1"
    revised_rows[2][3] = "2"
    second_file = write_csv(s.inbox / "city_202610_revised.csv", wide_grid(revised_rows))
    [second] = ingest(s, second_file)
    assert second.status == "loaded"
    assert second.n_revised == 2  # 武义 (growth and rank) and 义乌 (rank) changed; 8 others repeat
    assert query(s, "select count(*) from staging.observations") == [(20,)]  # the earlier versions stay
    current = "select growth_pct, published_rank, file_id from staging.observations_current " \
              "where place_code = 'wuyi' and indicator_code = 'fai'"
    assert query(s, current) == [(9.5, 1, second.file_id)]
    con = duckdb.connect(str(s.db_path), read_only=True)
    try:
        con.execute("set variable as_of = ?", [between])
        assert con.execute(current).fetchall() == [(8.2, 2, first.file_id)]
        con.execute("reset variable as_of")
        assert con.execute(current).fetchall() == [(9.5, 1, second.file_id)]
    finally:
        con.close()
    assert query(s, "select n_revised from raw.files order by file_id") == [(0,), (2,)]


def test_one_bad_file_among_good_ones(tmp_path):
    s = settings_for(tmp_path)
    good_sep = write_csv(s.inbox / "city_202609.csv", wide_grid(title=SEP_TITLE))
    bad = write_csv(s.inbox / "city_202610.csv", wide_grid([*GOOD_ROWS[:2], ["永康", "1", "2", "", "3", "约5"]]))
    good_long = write_csv(s.inbox / "long_q3.csv", [["地区", "指标", "期别", "本年累计", "比上年同期增长(%)"],
                                                    ["武义", "地区生产总值", "2026年前三季度", "250.5", "6.1"]])
    results = ingest(s, s.inbox)
    assert [(r.file_name, r.status) for r in results] == [
        ("city_202609.csv", "loaded"), ("city_202610.csv", "rejected"), ("long_q3.csv", "loaded")]
    assert sorted(p.name for p in s.quarantine.iterdir()) == ["city_202610.csv", "city_202610.csv.errors.txt"]
    errors = (s.quarantine / "city_202610.csv.errors.txt").read_text(encoding="utf-8")
    assert "row 6: unknown place '永康'" in errors
    assert "row 6, column F (社会消费品零售总额(亿元) 增长(%)): '约5' is not a number" in errors
    assert not bad.exists() and not good_sep.exists() and not good_long.exists()
    assert query(s, "select file_id, count(*) from staging.observations group by all order by 1") == \
        [(results[0].file_id, 10), (results[2].file_id, 1)]
    assert query(s, "select f.file_name, m.severity, m.code, m.row_number, m.column_name from raw.file_messages m "
                    "join raw.files f using (file_id) order by m.row_number, m.code") == [
        ("city_202610.csv", "error", "not_numeric", 6, "F (社会消费品零售总额(亿元) 增长(%))"),
        ("city_202610.csv", "error", "unknown_place", 6, None)]


def test_a_failing_transaction_leaves_nothing_behind(tmp_path, monkeypatch):
    from flows.ingest import store

    s = settings_for(tmp_path)
    path = write_csv(s.inbox / "city_202610.csv", wide_grid())

    def broken(name):  # the insert statement fails half-way through the transaction
        return "select * from no_such_table" if name == "staging/insert_observations" else real(name)

    real = store.load_sql
    monkeypatch.setattr(store, "load_sql", broken)
    [result] = ingest(s, path)
    assert result.status == "rejected" and result.messages[0].code == "load_failed"
    assert query(s, "select count(*) from staging.observations") == [(0,)]
    assert query(s, "select status from raw.files") == [("rejected",)]
    # the archived copy and its manifest line went with the transaction: the file is in quarantine only
    assert [p.name for p in (s.home / "archive").rglob("*") if p.is_file()] == ["manifest.jsonl"]
    assert (s.home / "archive" / "manifest.jsonl").read_text(encoding="utf-8") == ""
    assert sorted(p.name for p in s.quarantine.iterdir()) == ["city_202610.csv", "city_202610.csv.errors.txt"]


@pytest.fixture
def cli(tmp_path, monkeypatch):
    s = settings_for(tmp_path)
    monkeypatch.setenv("BIPIN_CONFIG_DIR", str(s.config_dir))
    monkeypatch.setenv("BIPIN_HOME", str(s.home))
    monkeypatch.delenv("BIPIN_DB", raising=False)
    monkeypatch.setenv("BIPIN_INGEST_NO_PREFECT", "1")
    return s


def test_cli_exit_codes_and_summary(cli):
    s = cli
    runner = CliRunner()
    write_csv(s.inbox / "city_202609.csv", wide_grid(title=SEP_TITLE))
    out = runner.invoke(app, ["ingest"])
    assert out.exit_code == 0, out.output
    assert "1 loaded, 0 duplicate, 0 rejected" in out.output
    write_csv(s.inbox / "city_202610.csv", wide_grid([["武义新城", "1", "2", "", "3", "4"]]))
    out = runner.invoke(app, ["ingest", str(s.inbox)])
    assert out.exit_code == 1
    assert "0 loaded, 0 duplicate, 1 rejected" in out.output
    assert "unknown place '武义新城'" in out.output
    out = runner.invoke(app, ["ingest", str(s.home / "nowhere.csv")])
    assert out.exit_code == 2 and "no such file or folder" in out.output
    (s.config_dir / "sources.yaml").write_text("sources:\n  - {code: x, pattern: '*', layout: long}\n", encoding="utf-8")
    out = runner.invoke(app, ["ingest"])
    assert out.exit_code == 2 and "a long layout needs 'columns'" in out.output
