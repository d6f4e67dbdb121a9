"""The Prefect UI of bipin's background server works at the address bipin prints: its /ui-settings
names the server's own API, and the runs page in Chromium lists the run just made, by a name that
says what it did and with its rejections visible in the list. A real server on 127.0.0.1."""

from __future__ import annotations

import html
import json
import re
import subprocess
import urllib.request

import pytest

from tests.ingest_world import GOOD_ROWS, settings_for, wide_grid, write_csv
from tests.test_ops_prefect_server import _bipin, _env, _record


def _dom_text(url: str, budget_ms: int = 30000) -> str:
    """The page's text after its scripts ran for `budget_ms` of virtual time (headless Debian chromium)."""
    out = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          f"--virtual-time-budget={budget_ms}", "--dump-dom", url],
                         capture_output=True, text=True, timeout=180).stdout
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", out)).split())


@pytest.mark.e2e
def test_the_ui_at_the_printed_address_shows_the_run_just_made(tmp_path):
    settings = settings_for(tmp_path)
    write_csv(settings.inbox / "city_a_202610.csv", wide_grid())
    bad = [list(r) for r in GOOD_ROWS]
    bad[2][1] = "待核"
    write_csv(settings.inbox / "city_b_202610.csv", wide_grid(bad))
    env = _env(tmp_path)
    try:
        ingested = _bipin(env, "ingest")
        assert ingested.returncode == 1, ingested.stderr
        record = _record(tmp_path)
        ui = record["api_url"].removesuffix("/api")
        status = " ".join(_bipin(env, "server", "status").stdout.split())
        assert f"UI {ui}" in status and f"runs {ui}/v2/runs" in status
        with urllib.request.urlopen(f"{ui}/ui-settings", timeout=30) as response:
            assert json.loads(response.read())["api_url"] == record["api_url"]  # not 127.0.0.1:4200

        assert "Can't connect" not in _dom_text(f"{ui}/")
        runs = _dom_text(f"{ui}/v2/runs")
        # the flow / the run's name, which says what it did, and its state in the list itself
        assert re.search(r"ingest / ingest \d{4}-\d{2}-\d{2} 2 files, 1 rejected", runs), runs[-800:]
        assert "Completed with rejections" in runs
    finally:
        _bipin(env, "server", "stop")
