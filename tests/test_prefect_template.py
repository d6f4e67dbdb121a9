"""The migrated Prefect database made at install: copied into a new home only, never over a database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flows.run.prefect_server import process, template


def _sqlite_with(path: Path, table: str) -> Path:
    with sqlite3.connect(path) as con:
        con.execute(f"create table {table} (x int)")
    con.close()
    return path


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as con:
        found = {name for (name,) in con.execute("select name from sqlite_master where type = 'table'")}
    con.close()
    return found


def test_a_new_home_gets_a_copy_and_an_existing_database_is_never_replaced(tmp_path):
    made = _sqlite_with(tmp_path / "template.db", "from_template")
    home = tmp_path / "home" / "prefect"
    assert template.seed(home, made) is True
    assert _tables(home / "prefect.db") == {"from_template"}
    assert not list(home.glob(".*.part"))  # no half copy left behind

    (home / "prefect.db").unlink()
    _sqlite_with(home / "prefect.db", "runs_of_the_office")
    assert template.seed(home, made) is False
    assert _tables(home / "prefect.db") == {"runs_of_the_office"}


def test_no_template_means_prefect_migrates_as_before(tmp_path):
    home = tmp_path / "prefect"
    assert template.seed(home, tmp_path / "missing.db") is False
    assert not (home / "prefect.db").exists()


def test_only_the_default_database_location_is_seeded(tmp_path):
    env = process.server_env(tmp_path)
    assert template.uses_default_database(env, tmp_path)
    env["PREFECT_API_DATABASE_CONNECTION_URL"] = "postgresql+asyncpg://prefect@127.0.0.1/prefect"
    assert not template.uses_default_database(env, tmp_path)


def test_the_template_is_a_migrated_prefect_database(tmp_path):
    path = template.template_path()
    if not path.is_file():  # the install step makes it; a bare `pip install -e .` does not
        path = template.make(tmp_path / "prefect-template.db")
    tables = _tables(path)
    assert {"alembic_version", "flow_run", "task_run", "artifact"} <= tables
    with sqlite3.connect(path) as con:
        (revision,), = con.execute("select version_num from alembic_version").fetchall()
    con.close()
    assert revision
    with sqlite3.connect(path) as con:  # Prefect's block types are in: a server from a copy skips registering them
        (n_block_types,), = con.execute("select count(*) from block_type").fetchall()
    con.close()
    assert n_block_types > 0
    assert not Path(f"{path}-wal").exists()  # one self-contained file, safe to copy
