"""`bipin status` facts from a tiny hand-made warehouse, and `bipin run`'s one-line operator errors."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from flows.cli.app import app
from flows.run.status import ensure_demo_inbox, gather_status, has_loaded_data
from flows.warehouse.db import connect, sync_catalog

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _warehouse(settings, catalog) -> None:
    con = connect(settings.db_path)
    sync_catalog(con, catalog)
    con.execute("""insert into raw.files (file_id, file_name, original_path, sha256, size_bytes, source_code, status,
                   received_at, loaded_at, n_observations, n_revised)
                   values (1, 'a.csv', '/in/a.csv', 'x', 10, 'demo_province_wide_csv', 'loaded',
                           '2026-11-20 09:00', '2026-11-20 09:00', 2, 0),
                          (2, 'b.csv', '/in/b.csv', 'y', 10, null, 'rejected', '2026-11-21 10:00', null, 0, 0)""")
    con.execute("""insert into staging.observations (file_id, place_code, indicator_code, period, value, growth_pct, loaded_at)
                   values (1, 'wuyi', 'fixed_asset_investment', '2026-09-01', 10.0, 5.0, '2026-11-20 09:00'),
                          (1, 'wuyi', 'fixed_asset_investment', '2026-10-01', 11.0, 6.0, '2026-11-20 09:00'),
                          (1, 'wuyi', 'retail_sales', '2026-10-01', null, null, '2026-11-20 09:00')""")
    con.execute("""insert into delivery.send_ledger (kind, period_key, recipient, content_hash, status, sent_at, last_attempt_at)
                   values ('weekly', '2026-W47', 'a@x.org', 'h', 'sent', '2026-11-16 08:01', '2026-11-16 08:01'),
                          ('weekly', '2026-W47', 'b@x.org', 'h', 'sent', '2026-11-16 08:02', '2026-11-16 08:02'),
                          ('weekly', '2026-W47', 'c@x.org', 'h', 'failed_permanent', null, '2026-11-16 08:03')""")
    con.close()


def test_status_reports_files_sends_freshness_and_schedule(bipin_home, shipped_catalog):
    _warehouse(bipin_home, shipped_catalog)
    info = gather_status(bipin_home, datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI))

    assert [(f["file_name"], f["status"]) for f in info.recent_files] == [("b.csv", "rejected"), ("a.csv", "loaded")]
    assert [(s["kind"], s["status"], s["n_briefings"]) for s in info.sends] == [
        ("weekly", "failed_permanent", 1), ("weekly", "sent", 2)]
    fresh = {r["indicator_code"]: r for r in info.freshness}
    assert fresh["fixed_asset_investment"]["newest_period"] == date(2026, 10, 1)
    assert fresh["fixed_asset_investment"]["newest_period_label"] == "2026年1-10月"
    assert fresh["fixed_asset_investment"]["n_periods"] == 2
    assert fresh["retail_sales"]["newest_period"] is None  # a missing value is not data
    assert len(info.freshness) == len(shipped_catalog.indicators)
    jobs = {j["job"]: j for j in info.schedule}
    assert jobs["weekly"]["next"] == datetime(2026, 11, 30, 8, 0, tzinfo=SHANGHAI)
    assert jobs["weekly"]["last"] == datetime(2026, 11, 23, 8, 0, tzinfo=SHANGHAI)
    assert jobs["monthly"]["due_now"] and not jobs["ingest"]["due_now"]


def test_no_demo_files_once_data_is_loaded(bipin_home, shipped_catalog):
    _warehouse(bipin_home, shipped_catalog)
    assert has_loaded_data(bipin_home)
    assert ensure_demo_inbox(bipin_home, shipped_catalog, date(2026, 11, 26)) is None
    assert not bipin_home.inbox.exists()


def test_status_on_a_fresh_home_says_there_is_no_database(bipin_home):
    result = CliRunner().invoke(app, ["status"])
    assert result.exit_code == 0
    assert f"no database yet at {bipin_home.db_path}" in " ".join(result.output.split())


def test_run_rejects_an_unknown_place_in_one_line(bipin_home):
    result = CliRunner().invoke(app, ["run", "--place", "武义新城"])
    assert result.exit_code == 2
    assert "--place: place '武义新城' is not a known place code or name in places.yaml; did you mean" in result.output
    assert "Traceback" not in result.output


def test_run_rejects_a_bad_as_of(bipin_home):
    result = CliRunner().invoke(app, ["run", "--as-of", "next monday"])
    assert result.exit_code == 2
    assert "--as-of: cannot read the time 'next monday': expected e.g. 2026-03-01" in " ".join(result.output.split())


def test_weekly_is_not_due_right_after_it_was_sent(bipin_home, shipped_catalog):
    _warehouse(bipin_home, shipped_catalog)
    now = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)  # Monday, an hour after the weekly's 08:00 slot
    assert {j["job"]: j["due_now"] for j in gather_status(bipin_home, now).schedule}["weekly"]  # W47's only
    con = connect(bipin_home.db_path)
    con.execute("""insert into delivery.send_ledger (kind, period_key, recipient, content_hash, status, sent_at, last_attempt_at)
                   values ('weekly', '2026-W48', 'a@x.org', 'h', 'sent', '2026-11-23 08:01', '2026-11-23 08:01')""")
    con.close()
    weekly = {j["job"]: j for j in gather_status(bipin_home, now).schedule}["weekly"]
    assert not weekly["due_now"] and weekly["last_sent"] == datetime(2026, 11, 23, 8, 1)
    output = " ".join(CliRunner().invoke(app, ["status"]).output.split())
    assert "11-23 08:01" in output


def test_run_exits_1_for_a_rejected_file_but_not_for_the_demos_planted_one(bipin_home, capsys):
    import typer

    from flows.cli.ops_cmd import _exit_on_rejections

    planted = "synthetic_zhejiang_wide_202610_bad.csv"
    result = {"ingest": {"rejected": [{"file": planted, "stored_path": "", "first_error": "x"}]}}
    _exit_on_rejections(bipin_home, result, planted)  # returns: nothing to act on
    assert "deliberately bad file" in capsys.readouterr().out

    result["ingest"]["rejected"].append({"file": "金华_2026年1-10月.xlsx", "stored_path": "", "first_error": "y"})
    with pytest.raises(typer.Exit) as stopped:
        _exit_on_rejections(bipin_home, result, planted)
    assert stopped.value.exit_code == 1
    assert "1 file(s) rejected: 金华_2026年1-10月.xlsx" in " ".join(capsys.readouterr().err.split())

    with pytest.raises(typer.Exit) as stopped:  # a real inbox (no demo written this run): every rejection counts
        _exit_on_rejections(bipin_home, {"ingest": {"rejected": [{"file": planted}]}}, None)
    assert stopped.value.exit_code == 1
