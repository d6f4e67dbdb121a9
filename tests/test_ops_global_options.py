"""--home, --config and --db reach every stage of `bipin run`: demo files, ingest, rank, briefings,
the ledger and the summary all use them, and nothing lands in the default places."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
import yaml
from typer.testing import CliRunner

from flows.cli.app import app
from flows.config.settings import DEFAULT_CONFIG_DIR, PROJECT_ROOT

pytestmark = pytest.mark.e2e

ONLY_HERE = "only-here@example.org"


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under a folder with its size and modification time (empty when it does not exist)."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def test_run_keeps_to_the_home_config_and_db_it_was_given(prefect_harness, tmp_path, monkeypatch):
    for var in ("BIPIN_HOME", "BIPIN_CONFIG_DIR", "BIPIN_DB"):
        monkeypatch.delenv(var, raising=False)
    config = tmp_path / "my-config"
    shutil.copytree(DEFAULT_CONFIG_DIR, config)
    (config / "recipients.yaml").write_text(yaml.safe_dump({"recipients": [
        {"name": "只在这里", "email": ONLY_HERE, "place": "wuyi", "kinds": ["weekly"]}]}, allow_unicode=True),
        encoding="utf-8")
    home, db = tmp_path / "my-home", tmp_path / "elsewhere" / "my.duckdb"
    db.parent.mkdir()
    defaults = {"var": PROJECT_ROOT / "var", "config": DEFAULT_CONFIG_DIR}
    before = {name: _snapshot(folder) for name, folder in defaults.items()}

    result = CliRunner().invoke(app, ["--home", str(home), "--config", str(config), "--db", str(db),
                                      "run", "--kind", "weekly"], env={"COLUMNS": "200"})

    assert result.exit_code == 0, result.output
    assert {name: _snapshot(folder) for name, folder in defaults.items()} == before
    # demo files were written to, and archived under, the given home; the given database holds them
    assert list((home / "archive").rglob("synthetic_*"))
    assert not (home / "bipin.duckdb").exists()
    con = duckdb.connect(str(db), read_only=True)
    try:
        (n_loaded,) = con.execute("select count(*) from raw.files where status = 'loaded'").fetchone()
        recipients = {r for (r,) in con.execute("select recipient from delivery.send_ledger").fetchall()}
    finally:
        con.close()
    assert n_loaded > 0
    assert recipients == {ONLY_HERE}  # the given config's recipients, not the shipped ones
    sent = [p.name for p in (home / "outbox").rglob("*.eml")]
    assert sent and all("only-here" in name for name in sent), sent
    summary = " ".join(result.output.split())
    # the demo's planted bad file was rejected, which is what it is for: exit 0, and said so
    assert "the demo's deliberately bad file, as intended" in summary
    assert f"outbox {home / 'outbox'} ({len(sent)} .eml files" in summary
