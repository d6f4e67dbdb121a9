"""`bipin pull`: one line per source, a failing source does not stop the others; provenance reaches `bipin explain`;
config/pull.yaml problems in `bipin catalog check`; bytes land whole or not at all."""

from __future__ import annotations

import os
import time

import pytest
from pull_servers import HOST, free_port
from pull_world import csv_bytes, inbox, ledger_rows, world
from typer.testing import CliRunner

from flows.cli.app import app
from flows.config.pull import PullConfigError, load_pull
from flows.config.settings import DEFAULT_CONFIG_DIR
from flows.pull.store import Item, Landing
from flows.warehouse.db import connect


def invoke(settings, *args):
    result = CliRunner().invoke(app, ["--config", str(settings.config_dir), "--home", str(settings.home), *args],
                                env={"COLUMNS": "200"})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def _share(tmp_path):
    share = tmp_path / "nas"
    share.mkdir()
    path = share / "金华市2026年10月.csv"
    path.write_bytes(csv_bytes())
    os.utime(path, (time.time() - 600,) * 2)
    return share


def test_a_source_that_is_down_is_said_in_one_line_and_the_others_still_pull(tmp_path):
    share = _share(tmp_path)
    down = {"code": "city_mail", "kind": "mailbox", "host": HOST, "port": free_port(), "user": "x",
            "retries": 1, "backoff_s": 0.01}
    settings = world(tmp_path, [down, {"code": "nas", "kind": "folder", "url": str(share), "glob": "*.csv"}])
    code, out = invoke(settings, "pull", "--no-prefect")
    assert code == 1
    lines = [line for line in out.splitlines() if line.startswith("pull ")]
    assert len(lines) == 2
    assert lines[0].startswith("pull city_mail: failing since ") and f"cannot reach {HOST}:" in lines[0]
    assert "check the host, the port and the network" in lines[0]
    assert lines[1] == "pull nas: 1 new file(s): 金华市2026年10月.csv"
    assert inbox(settings) == {"金华市2026年10月.csv"}
    code, out = invoke(settings, "status")
    assert code == 0 and "pull sources (pull.source_status)" in out
    row = next(line for line in out.splitlines() if "city_mail" in line)
    assert "cannot reach" in row and "│ 1 " in row  # one run failed so far
    assert next(line for line in out.splitlines() if "│ nas" in line).rstrip(" │").endswith("ok")
    assert "45 8-18 * * 1-5" in out  # the pull schedule among the jobs


def test_pulled_files_carry_their_origin_into_explain(tmp_path):
    share = _share(tmp_path)
    settings = world(tmp_path, [{"code": "nas", "kind": "folder", "url": str(share), "glob": "*.csv"}])
    assert invoke(settings, "pull", "--no-prefect", "--dry-run")[1].startswith(
        f"pull nas: would fetch 1: {share}/金华市2026年10月.csv")
    assert inbox(settings) == set()
    code, out = invoke(settings, "pull", "--no-prefect", "--source", "nas")
    assert code == 0 and "next: `bipin ingest`" in out
    assert invoke(settings, "ingest", "--no-prefect")[0] == 0
    assert invoke(settings, "rank", "--no-prefect")[0] == 0
    code, out = invoke(settings, "explain", "武义", "fai")
    assert code == 0, out
    assert f"金华市2026年10月.csv was pulled from {share}/金华市2026年10月.csv" in out


def test_no_source_configured_pulls_nothing_and_an_unknown_one_is_a_usage_error(tmp_path):
    settings = world(tmp_path, [])
    code, out = invoke(settings, "pull", "--no-prefect")
    assert code == 0 and "no pull source configured" in out
    settings = world(tmp_path, [{"code": "jinhua_web", "kind": "web", "url": "http://127.0.0.1:9/"}])
    code, out = invoke(settings, "pull", "--no-prefect", "--source", "jinhua_wbe")
    assert code == 2 and "no pull source 'jinhua_wbe'" in out and "did you mean 'jinhua_web'" in out


def test_the_shipped_config_pulls_nothing():
    assert load_pull(DEFAULT_CONFIG_DIR).chosen() == []


@pytest.mark.parametrize(("source", "expected"), [
    ({"code": "m", "kind": "mailbox", "host": "h", "user": "u", "after": "move"},
     "sources[0] (code m): Value error, after: move needs move_to"),
    ({"code": "m", "kind": "mailbox", "host": "h", "user": "u", "foldr": "INBOX"},
     "sources[0] (code m).foldr: Extra inputs are not permitted; did you mean 'folder'?"),
    ({"code": "w", "kind": "web", "url": "http://x/", "link_pattern": "(unclosed"},
     "sources[0] (code w).link_pattern: Value error, '(unclosed' is not a regular expression"),
    ({"code": "w", "kind": "web", "url": "http://x/", "charset": "gbkk"},
     "sources[0] (code w).charset: Value error, unknown charset 'gbkk'"),
    ({"code": "f", "kind": "folder", "url": "s3://b/p", "options": {"secret": "abc"}},
     "sources[0] (code f).options: Value error, ['secret'] look like secrets"),
    ({"code": "f", "kind": "folder", "url": "sftpp://host/share"},
     "sources[0] (code f).url: Value error, sftpp:// is not a file system fsspec knows"),
    ({"code": "f", "kind": "ftp", "url": "ftp://x"},
     "sources[0] (code f): Input tag 'ftp' found using 'kind' does not match any of the expected tags"),
])
def test_catalog_check_names_file_key_and_fix(tmp_path, source, expected):
    settings = world(tmp_path, [source])
    with pytest.raises(PullConfigError) as caught:
        load_pull(settings.config_dir)
    assert str(caught.value).startswith(f"{settings.config_dir / 'pull.yaml'}: ")
    assert expected in str(caught.value)
    code, out = invoke(settings, "catalog", "check")
    assert code == 2 and expected in out.replace("\n", "")


def test_a_transfer_that_breaks_off_leaves_nothing_in_the_inbox(tmp_path):
    settings = world(tmp_path, [])

    def broken():
        yield b"first half of the table"
        raise ConnectionResetError("peer went away")

    con = connect(settings.db_path)
    try:
        landing = Landing(con, settings, "nas", settings.local_now)
        with pytest.raises(ConnectionResetError):
            landing.receive(Item("nas/a.csv", "a.csv", "nas/a.csv"), broken())
        assert inbox(settings) == set() and list((settings.home / "pull" / "partial").iterdir()) == []
    finally:
        con.close()
    assert ledger_rows(settings) == []


def test_a_rebuilt_warehouse_keeps_the_provenance_and_the_pull_ledger(tmp_path):
    from ingest_world import ingest

    from flows.config.catalog import load_catalog
    from flows.run.rebuild import rebuild

    share = _share(tmp_path)
    settings = world(tmp_path, [{"code": "nas", "kind": "folder", "url": str(share), "glob": "*.csv"}])
    assert invoke(settings, "pull", "--no-prefect")[0] == 0
    assert [r.status for r in ingest(settings)] == ["loaded"]
    target = tmp_path / "rebuilt.duckdb"
    rebuild(settings, load_catalog(settings.config_dir), target)
    sql = "select file_name, provenance from raw.files"
    assert ledger_rows(settings.with_overrides(db_path=target), sql) == ledger_rows(settings, sql) == [
        ("金华市2026年10月.csv", f"{share}/金华市2026年10月.csv")]
    assert len(ledger_rows(settings.with_overrides(db_path=target))) == 1
