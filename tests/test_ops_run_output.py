"""What `bipin run` prints after the pipeline: what loaded, what was sent, where to look; the seconds of
each stage only with --timings (flows/cli/ops_cmd.py)."""

from __future__ import annotations

from flows.cli import ops_cmd
from flows.config.settings import Settings

STAGES = [{"stage": "ingest", "outcome": "ok", "seconds": 4.25}, {"stage": "rank", "outcome": "ok", "seconds": 1.5}]
INGEST = {"n_files": 3, "n_loaded": 2, "n_duplicate": 0, "n_rejected": 1, "n_observations": 120, "n_revised": 4,
          "n_warnings": 2}
SENDS = [{"kind": "weekly", "status": "sent", "n_briefings": 3, "newest_period_key": "2026-W49"}]


def printed(tmp_path, capsys, timings: bool) -> str:
    settings = Settings(home=tmp_path, config_dir=tmp_path / "config", db_path=tmp_path / "bipin.duckdb")
    ops_cmd._print_summary(settings, STAGES, SENDS, {"ingest": INGEST}, timings)
    return " ".join(capsys.readouterr().out.split())  # however the console wrapped it


def test_run_says_what_loaded_what_was_sent_and_where_to_look_without_timings(tmp_path, capsys):
    out = printed(tmp_path, capsys, timings=False)
    assert "loaded 2 of 3 file(s): 120 observations (4 revised, 2 warnings); 0 duplicate(s), 1 rejected" in out
    assert "weekly" in out and "2026-W49" in out
    assert f"outbox {tmp_path / 'outbox'}" in out and "quarantine" in out
    assert "seconds" not in out and "4.25" not in out


def test_timings_add_each_stages_seconds(tmp_path, capsys):
    out = printed(tmp_path, capsys, timings=True)
    assert "seconds" in out and "4.25" in out and "1.50" in out
