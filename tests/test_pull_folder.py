"""Pull from a folder by fsspec URL: a real SFTP server (asyncssh) on 127.0.0.1, and a local folder."""

from __future__ import annotations

import os
import time

import pytest
from ingest_world import ingest, query
from pull_servers import HOST, SftpServer
from pull_world import PASSWORD_ENV, csv_bytes, inbox, ledger_rows, pull_once, revised_rows, world, xlsx_bytes


@pytest.fixture
def share(tmp_path):
    root = tmp_path / "share"
    (root / "monthly").mkdir(parents=True)
    with SftpServer(root) as server:
        yield server


def _settle(path, seconds_ago: float = 600) -> None:
    """Give a file an mtime in the past: written completely a while ago."""
    then = time.time() - seconds_ago
    os.utime(path, (then, then))


def _source(server: SftpServer, **extra) -> dict:
    return {"code": "city_share", "kind": "folder", "url": f"sftp://{HOST}:{server.port}/monthly",
            "user": server.user, "password_env": PASSWORD_ENV, "glob": "*.csv", "settle_s": 60, "retries": 1,
            "backoff_s": 0.1, **extra}


def test_sftp_first_pull_new_files_second_nothing_changed_file_again_as_revision(share, tmp_path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, share.password)
    monthly = share.root / "monthly"
    (monthly / "金华市2026年10月.csv").write_bytes(csv_bytes())
    (monthly / "说明.txt").write_text("not matched by the glob")
    for p in monthly.iterdir():
        _settle(p)
    settings = world(tmp_path, [_source(share)])
    [first] = pull_once(settings)
    assert first.ok and first.pulled == ["金华市2026年10月.csv"]
    assert (settings.inbox / "金华市2026年10月.csv").read_bytes() == csv_bytes()
    assert ledger_rows(settings)[0][2] == f"sftp://{HOST}:{share.port}/monthly/金华市2026年10月.csv"
    assert [r.status for r in ingest(settings)] == ["loaded"]

    assert pull_once(settings)[0].pulled == []

    (monthly / "金华市2026年10月.csv").write_bytes(csv_bytes(revised_rows("8.5")))
    _settle(monthly / "金华市2026年10月.csv", 300)
    assert pull_once(settings)[0].pulled == ["金华市2026年10月.csv"]
    [revised] = ingest(settings)
    assert revised.status == "loaded" and revised.n_revised == 1
    assert query(settings, "select growth_pct from staging.observations where place_code = 'wuyi' and "
                           "indicator_code = 'fai' order by loaded_at") == [(8.2,), (8.5,)]
    assert query(settings, "select provenance from raw.files where status = 'loaded' order by file_id")[1][0] \
        == f"sftp://{HOST}:{share.port}/monthly/金华市2026年10月.csv"


def test_a_file_still_being_written_waits_for_the_next_run(share, tmp_path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, share.password)
    growing = share.root / "monthly" / "金华市2026年10月.csv"
    growing.write_bytes(csv_bytes()[:40])  # a copy onto the share under way: changed a moment ago
    settings = world(tmp_path, [_source(share)])
    [result] = pull_once(settings)
    assert result.ok and result.pulled == [] and result.settling == 1 and inbox(settings) == set()
    assert "1 still being written" in result.line()
    growing.write_bytes(csv_bytes())
    _settle(growing)
    assert pull_once(settings)[0].pulled == ["金华市2026年10月.csv"]
    assert (settings.inbox / "金华市2026年10月.csv").read_bytes() == csv_bytes()


def test_a_wrong_password_is_said_without_it(share, tmp_path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "not-the-sftp-password")
    settings = world(tmp_path, [_source(share)])
    [result] = pull_once(settings)
    assert result.fault.startswith(f"login refused by sftp://{HOST}:{share.port}/monthly")
    assert f"${PASSWORD_ENV}" in result.fault and "not-the-sftp-password" not in result.fault


def test_the_same_table_in_a_local_folder_and_on_sftp_is_written_once(share, tmp_path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, share.password)
    data = xlsx_bytes()
    (share.root / "monthly" / "金华市2026年10月.xlsx").write_bytes(data)
    local = tmp_path / "nas"
    local.mkdir()
    (local / "全市主要指标2026年10月.xlsx").write_bytes(data)
    for p in [share.root / "monthly" / "金华市2026年10月.xlsx", local / "全市主要指标2026年10月.xlsx"]:
        _settle(p)
    settings = world(tmp_path, [_source(share, glob="*.xlsx"),
                                {"code": "nas", "kind": "folder", "url": str(local), "glob": "*.xlsx"}])
    sftp, nas = pull_once(settings)
    assert sftp.pulled == ["金华市2026年10月.xlsx"]
    assert nas.pulled == [] and nas.duplicates == ["全市主要指标2026年10月.xlsx (same as 金华市2026年10月.xlsx from city_share)"]
    assert inbox(settings) == {"金华市2026年10月.xlsx"}
