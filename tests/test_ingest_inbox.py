"""Issue 19, items 6 and 7: files in transit are left alone; a file's rows are committed only with its
archived copy; an unwritable archive, an unreadable inbox and a full disk each end in one line naming the
path and what to do, nothing half-done, and the rerun recovers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli.app import app
from flows.ingest.pipeline import UsageError, discover
from flows.ingest.store import StorageError
from tests.ingest_world import CATALOG, TITLE, ingest, query, settings_for, wide_grid, write_csv

ROOT = Path(__file__).resolve().parents[1]
SEP = wide_grid(title=TITLE.replace("1-10月", "1-9月"))


def settled(path: Path, seconds_ago: float = 120) -> Path:
    then = time.time() - seconds_ago
    os.utime(path, (then, then))
    return path


def nothing_loaded(s) -> bool:
    return query(s, "select count(*) from staging.observations") == [(0,)] and \
        query(s, "select count(*) from raw.files") == [(0,)]


def test_temporary_and_lock_names_are_left_alone(tmp_path):
    s = settings_for(tmp_path)
    names = ["~$city_202610.xlsx", "city_202610.xlsx.part", "city_202610.xlsx.crdownload", "city_202610.tmp",
             ".city_202610.csv", "~$CITY_202609.XLSX", "city_202608.CSV.PART"]
    for name in names:
        (s.inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (s.inbox / name).write_bytes(b"PK\x03\x04 half a file")
    good = write_csv(s.inbox / "city_202609.csv", SEP)
    results = ingest(s)
    assert [(r.file_name, r.status) for r in results] == [(good.name, "loaded")]
    assert sorted(p.name for p in s.inbox.iterdir()) == sorted(names)  # untouched, none quarantined
    assert not s.quarantine.exists() or list(s.quarantine.iterdir()) == []


@pytest.fixture
def settle_30(tmp_path, monkeypatch):
    monkeypatch.delenv("BIPIN_INBOX_SETTLE_SECONDS", raising=False)
    return settings_for(tmp_path, **{"settings.yaml": CATALOG["settings.yaml"] + "inbox:\n  settle_seconds: 30\n"})


def test_a_file_still_being_copied_waits_and_loads_once_complete(settle_30):
    s = settle_30
    whole = write_csv(s.home / "elsewhere" / "city_202609.csv", SEP).read_bytes()
    copying = s.inbox / "city_202609.csv"
    copying.parent.mkdir(parents=True, exist_ok=True)
    copying.write_bytes(whole[: len(whole) // 2])  # the copy is half-way: modified just now
    waiting: list[Path] = []
    assert discover(None, s, waiting) == [] and waiting == [copying]
    assert ingest(s) == [] and copying.exists() and nothing_loaded(s)
    copying.write_bytes(whole)  # the copy finishes; half a minute later the next run sees it settled
    settled(copying, 31)
    [result] = ingest(s)
    assert result.status == "loaded" and result.n_observations == 10
    assert not copying.exists() and query(s, "select status from raw.files") == [("loaded",)]


def test_the_inbox_section_is_validated_by_catalog_check(tmp_path):
    from flows.config.check import check_config

    s = settings_for(tmp_path, **{"settings.yaml": CATALOG["settings.yaml"] + "inbox:\n  settle_secs: 30\n"})
    [problem] = check_config(s.config_dir)["settings"]
    assert "inbox.settle_secs" in problem and "settle_seconds" in problem


def test_an_unwritable_archive_stops_with_one_line_and_the_rerun_recovers(tmp_path):
    s = settings_for(tmp_path)
    path = write_csv(s.inbox / "city_202609.csv", SEP)
    (s.home / "archive").write_text("not a folder", encoding="utf-8")  # as a read-only share behaves for root too
    with pytest.raises(StorageError) as caught:
        ingest(s)
    line = str(caught.value)
    assert "\n" not in line and line.startswith(f"{s.home / 'archive'}") and "cannot write the archive" in line
    assert "run ingest again" in line
    assert path.exists() and nothing_loaded(s)  # nothing half-done: no rows, no ledger row, file in place
    (s.home / "archive").unlink()
    [result] = ingest(s)
    assert result.status == "loaded" and Path(result.stored_path).is_file() and not path.exists()
    assert (s.home / "archive" / "manifest.jsonl").read_text(encoding="utf-8").count("\n") == 1


def test_an_unreadable_inbox_ends_in_one_line(tmp_path):
    s = settings_for(tmp_path)
    s.home.mkdir(parents=True, exist_ok=True)
    os.symlink(s.inbox, s.inbox)  # a link to itself: no folder can be listed there
    with pytest.raises(UsageError) as caught:
        discover(None, s)
    assert str(caught.value).startswith(f"{s.inbox}: cannot read the inbox") and "\n" not in str(caught.value)


def test_the_cli_prints_the_one_line_and_exits_2(tmp_path, monkeypatch):
    s = settings_for(tmp_path)
    monkeypatch.setenv("BIPIN_CONFIG_DIR", str(s.config_dir))
    monkeypatch.setenv("BIPIN_HOME", str(s.home))
    monkeypatch.delenv("BIPIN_DB", raising=False)
    monkeypatch.setenv("BIPIN_INGEST_NO_PREFECT", "1")
    write_csv(s.inbox / "city_202609.csv", SEP)
    (s.home / "archive").write_text("not a folder", encoding="utf-8")
    out = CliRunner().invoke(app, ["ingest"])
    assert out.exit_code == 2 and "cannot write the archive" in out.output and "Traceback" not in out.output


FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
from flows.cli.app import main
sys.argv = ["bipin", "ingest"]
main()
"""


def test_a_full_disk_during_ingest_ends_in_one_line_and_the_rerun_recovers(tmp_path):
    s = settings_for(tmp_path)
    ingest(s)  # the warehouse exists (schema, catalog) before the disk fills
    db_size = s.db_path.stat().st_size
    padding = [["注：" + "数据来源于各县统计局。" * 20]] * (db_size // 200 + 4000)
    path = write_csv(s.inbox / "city_202609.csv", [*SEP, *padding])  # larger than the space left
    env = {**os.environ, "BIPIN_CONFIG_DIR": str(s.config_dir), "BIPIN_HOME": str(s.home),
           "BIPIN_INGEST_NO_PREFECT": "1"}
    env.pop("BIPIN_DB", None)
    limit = max(db_size, path.stat().st_size // 2)
    out = subprocess.run([sys.executable, "-c", FULL_DISK, str(limit)], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    text = out.stdout + out.stderr
    assert out.returncode == 2, text
    assert "cannot write the archive (File too large)" in " ".join(text.split()) and "Traceback" not in text
    assert path.exists() and nothing_loaded(s)
    assert not [p for p in (s.home / "archive").rglob("*") if p.is_file() and p.name != "manifest.jsonl"]
    [result] = ingest(s)  # space again: the rerun loads it
    assert result.status == "loaded" and not path.exists()


def test_a_full_disk_at_commit_takes_the_archived_copy_back(tmp_path):
    """The archive copy fits, the warehouse's write-ahead log does not: the copy and its manifest line go."""
    s = settings_for(tmp_path)
    ingest(s)
    path = write_csv(s.inbox / "city_202609.csv", SEP)
    env = {**os.environ, "BIPIN_CONFIG_DIR": str(s.config_dir), "BIPIN_HOME": str(s.home),
           "BIPIN_INGEST_NO_PREFECT": "1"}
    env.pop("BIPIN_DB", None)
    out = subprocess.run([sys.executable, "-c", FULL_DISK, str(path.stat().st_size + 1024)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    text = " ".join((out.stdout + out.stderr).split())
    assert out.returncode == 2 and f"{s.db_path}: cannot write the warehouse" in text and "Traceback" not in text
    assert path.exists() and nothing_loaded(s)
    assert [p.name for p in (s.home / "archive").rglob("*") if p.is_file()] == ["manifest.jsonl"]
    assert (s.home / "archive" / "manifest.jsonl").read_text(encoding="utf-8") == ""
    [result] = ingest(s)
    assert result.status == "loaded" and not path.exists()
