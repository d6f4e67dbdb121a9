"""`--as-of` reproduces a briefing from what was known then, in one command, and leaves the marts current."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from flows.cli.app import app
from flows.config.settings import DEFAULT_CONFIG_DIR, load_settings


def test_preview_as_of_shows_what_was_known_then(tmp_path, monkeypatch, shipped_catalog):
    from flows.demo.inbox import write_demo_inbox
    from flows.ingest.pipeline import discover, ingest_paths
    from flows.rank import marts
    from flows.warehouse.db import open_warehouse

    # 2024 demo data briefed in 2026 is stale by the release calendar (docs/RULES.md 13) and would be
    # refused; this test is about --as-of, so its copy of the config allows ten years' lag
    config = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, config)
    shipped = (config / "settings.yaml").read_text(encoding="utf-8")
    assert "  monthly: 45\n  quarterly: 60\n" in shipped
    (config / "settings.yaml").write_text(shipped.replace("  monthly: 45\n  quarterly: 60\n",
                                                          "  monthly: 3650\n  quarterly: 3650\n"), encoding="utf-8")
    settings = load_settings(home=tmp_path / "home", config_dir=config)
    monkeypatch.setenv("BIPIN_HOME", str(settings.home))
    monkeypatch.setenv("BIPIN_CONFIG_DIR", str(config))
    write_demo_inbox(shipped_catalog, settings.inbox, date(2024, 8, 1))
    revised = next(settings.inbox.glob("*_revised.*"))
    later = tmp_path / revised.name
    shutil.move(revised, later)

    def rank_now():
        with open_warehouse(settings, shipped_catalog) as con:
            marts.build(con)

    def preview(*extra: str) -> str:
        result = CliRunner().invoke(app, ["preview", "wuyi", *extra])
        assert result.exit_code == 0, result.output
        return Path(result.stdout.strip()).read_text(encoding="utf-8")

    ingest_paths(settings, shipped_catalog, discover(None, settings))
    rank_now()
    then = settings.local_now().isoformat()
    sent_then = preview("--as-of", then)

    # a revised table arrives and the marts move on: today's briefing says so
    ingest_paths(settings, shipped_catalog, [later])
    rank_now()
    assert "修订" in preview("--as-of", settings.local_now().isoformat())
    assert "修订" not in sent_then

    # the briefing of `then` renders again exactly, and the marts are current again afterwards
    assert preview("--as-of", then) == sent_then
    with open_warehouse(settings) as con:
        assert marts.read_state(con).as_of is None


def test_a_briefing_started_now_knows_every_file_loaded_before_it():
    """The default as-of is now to the second, rounded up: a file stamped earlier in the same
    second (ingest keeps microseconds) is not left out, and marts ranked just before do not look
    newer than the briefing."""
    import time

    from flows.brief.plan import parse_as_of
    from flows.config.settings import load_settings

    settings = load_settings()
    for _ in range(20):
        loaded_at = settings.local_now()  # what ingest stamps on a file
        as_of = parse_as_of(None, settings.timezone)
        assert as_of >= loaded_at and as_of.microsecond == 0
        time.sleep(0.013)
