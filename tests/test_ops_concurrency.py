"""Two writing commands at once: the second waits for the warehouse before it reads the inbox, and says so."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from flows.config.settings import PROJECT_ROOT
from flows.warehouse.locks import warehouse_lock
from tests.ingest_world import GOOD_ROWS, query, settings_for, wide_grid, write_csv


def _ingest(settings, tmp_path, name: str, **env) -> tuple[subprocess.Popen, object]:
    err = (tmp_path / f"{name}.err").open("w+", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "--config", str(settings.config_dir), "--home", str(settings.home),
         "ingest", "--no-prefect"],
        cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=err,
        env={**os.environ, "COLUMNS": "300", "BIPIN_HOME": str(settings.home), **env})
    return proc, err


def _wait_for_text(err, text: str, proc: subprocess.Popen) -> str:
    for _ in range(600):
        err.seek(0)
        content = err.read()
        if text in content:
            return content
        if proc.poll() is not None:
            raise AssertionError(f"ingest ended early ({proc.returncode}): {content}")
        time.sleep(0.05)
    raise AssertionError(f"never printed {text!r}")


def _inbox(settings, n: int) -> None:
    for month in range(2, n + 2):  # January is published with February (1-2月)
        rows = [list(r) for r in GOOD_ROWS]
        rows[1][2] = str(5 + month)  # each month a different 武义 growth, so no file is a duplicate
        write_csv(settings.inbox / f"city_2026{month:02d}.csv", wide_grid(rows, title=f"2026年1-{month}月金华市各县"))


def test_two_ingests_at_once_queue_and_load_each_file_once(tmp_path):
    s = settings_for(tmp_path)
    _inbox(s, 4)
    with warehouse_lock(s.db_path):  # a run already holds the warehouse when both start
        first, first_err = _ingest(s, tmp_path, "first")
        second, second_err = _ingest(s, tmp_path, "second")
        for proc, err in ((first, first_err), (second, second_err)):
            said = _wait_for_text(err, "waiting for the warehouse", proc)
            assert f"in use by process {os.getpid()}" in said
    assert first.wait(120) == 0 and second.wait(120) == 0
    for err in (first_err, second_err):
        err.seek(0)
        assert "Traceback" not in err.read()
    # one of them loaded the four files, the other found the inbox empty: nothing twice, nothing lost
    assert query(s, "select status, count(*) from raw.files group by all") == [("loaded", 4)]
    assert list(s.inbox.iterdir()) == []


def test_a_holder_that_keeps_the_warehouse_is_named_in_one_line(tmp_path):
    s = settings_for(tmp_path)
    _inbox(s, 1)
    with warehouse_lock(s.db_path):
        proc, err = _ingest(s, tmp_path, "late", BIPIN_LOCK_TIMEOUT="1")
        assert proc.wait(120) == 2
    err.seek(0)
    lines = [line for line in err.read().splitlines() if line.strip()]
    assert lines[-1].startswith(f"error: {s.db_path}: still locked after 1 s by process {os.getpid()}")
    assert "Traceback" not in "\n".join(lines)
    assert [p.name for p in s.inbox.iterdir()] == ["city_202602.csv"]  # untouched: it never read the inbox


def test_ingest_says_ranks_wait_for_bipin_rank(tmp_path):
    from typer.testing import CliRunner

    from flows.cli.app import app

    s = settings_for(tmp_path)
    _inbox(s, 1)
    args = ["--config", str(s.config_dir), "--home", str(s.home), "ingest", "--no-prefect"]
    loaded = CliRunner().invoke(app, args)
    assert loaded.exit_code == 0, loaded.output
    assert "ranks are not updated yet: run `bipin rank`" in " ".join(loaded.output.split())
    empty = CliRunner().invoke(app, args)  # nothing new: nothing to rank
    assert empty.exit_code == 0 and "bipin rank" not in empty.output


def test_run_summary_suggests_a_command_that_exists(tmp_path):
    import re
    import shlex

    from flows.cli.common import console
    from flows.cli.ops_cmd import _print_summary
    from flows.rank import marts
    from flows.warehouse.db import connect

    s = settings_for(tmp_path)
    _inbox(s, 1)
    from tests.ingest_world import ingest

    ingest(s)
    con = connect(s.db_path)
    marts.build(con, full=True)
    con.close()
    with console.capture() as captured:
        _print_summary(s, [], [], {}, timings=False)
    text = captured.get()
    assert "duckdb " + str(s.db_path) not in text  # the duckdb shell is not installed with bipin
    assert "bipin show PLACE" in text
    command = shlex.split(re.search(r"or (\S+ -c \".*\")\)", text).group(1))
    shown = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "group_code" in shown.stdout
