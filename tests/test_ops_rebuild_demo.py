"""`bipin rebuild` on the demo: no difference although a rejected file shifted the file numbering; an
archived file that was changed or deleted stops `--replace`, naming the file, with the live warehouse untouched."""

from __future__ import annotations

import hashlib
import shutil

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli.app import app
from tests.demo_home import build_demo_home


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    return build_demo_home(tmp_path_factory.mktemp("demo") / "home")


@pytest.fixture
def demo_warehouse(demo_home, bipin_home):
    """A copy of the demo home for one test (the commands use it through BIPIN_HOME)."""
    shutil.rmtree(bipin_home.home)
    shutil.copytree(demo_home, bipin_home.home)
    return bipin_home


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_rebuild_of_the_demo_prints_no_difference_and_replaces(demo_warehouse):
    s = demo_warehouse
    first = CliRunner().invoke(app, ["rebuild"])
    assert first.exit_code == 0, first.output
    assert "no difference" in first.stdout and "differs" not in first.output
    assert s.db_path.with_name("bipin.rebuilt.duckdb").exists()
    # the scratch copy of the first rebuild is made anew, then swapped in
    result = CliRunner().invoke(app, ["rebuild", "--replace"])
    assert result.exit_code == 0, result.output
    assert "no difference" in result.stdout and "differs" not in result.output
    assert "1 rejected file(s) recorded" in result.stdout
    con = duckdb.connect(str(s.db_path), read_only=True)
    try:  # the targets, the ledger and the rejected file's record came back with the data
        assert con.execute("select count(*) from marts.target_progress").fetchone()[0] > 0
        assert con.execute("select recipient from delivery.send_ledger").fetchall() == [("a@x.org",)]
        assert con.execute("select count(*) from raw.file_messages m join raw.files f using (file_id) "
                           "where f.status = 'rejected'").fetchone()[0] >= 2
    finally:
        con.close()


def test_a_changed_archived_file_stops_replace_naming_it(demo_warehouse):
    s = demo_warehouse
    archived = sorted((s.home / "archive").rglob("*.csv"))[0]
    archived.write_bytes(archived.read_bytes().replace(b"1", b"2", 1))
    before = _sha(s.db_path)
    result = CliRunner().invoke(app, ["rebuild", "--replace"])
    assert result.exit_code == 1
    assert f"{archived}: changed since it was loaded" in result.stderr
    assert "not replaced" in result.stderr and "untouched" in result.stderr
    assert _sha(s.db_path) == before
    assert not list(s.db_path.parent.glob("*.replaced-*"))


def test_a_deleted_archived_file_stops_replace_naming_it(demo_warehouse):
    s = demo_warehouse
    archived = sorted((s.home / "archive").rglob("*.xlsx"))[-1]
    archived.unlink()
    before = _sha(s.db_path)
    result = CliRunner().invoke(app, ["rebuild", "--replace"])
    assert result.exit_code == 1
    assert f"{archived}: missing" in result.stderr and "not replaced" in result.stderr
    assert _sha(s.db_path) == before
    # without --replace the rebuild is still made for inspection, and says it is incomplete
    result = CliRunner().invoke(app, ["rebuild"])
    assert result.exit_code == 1 and f"{archived}: missing" in result.stderr
    assert "differs: staging.observations" in result.stderr
