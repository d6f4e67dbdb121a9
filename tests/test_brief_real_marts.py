"""End to end on the real stages: demo files -> `bipin ingest` -> `bipin rank` -> the brief flow.

The briefing reads only what rank wrote (marts.*), so this checks the contract from the reader's side:
the numbers in the email and its XLSX are the marts' numbers.
"""

from __future__ import annotations

import io
from email import message_from_bytes, policy

import duckdb
import openpyxl
import pytest
from typer.testing import CliRunner

from flows.cli.app import app
from flows.config.settings import DEFAULT_CONFIG_DIR


@pytest.mark.e2e
def test_weekly_from_real_marts(tmp_path, prefect_harness):
    home = tmp_path / "home"
    runner = CliRunner()
    base = ["--home", str(home), "--config", str(DEFAULT_CONFIG_DIR)]
    assert runner.invoke(app, [*base, "demo-data", "--until", "2026-10"]).exit_code == 0
    ingested = runner.invoke(app, [*base, "ingest"])
    assert ingested.exit_code in (0, 1), ingested.output  # 1: the demo's deliberately bad file is rejected
    ranked = runner.invoke(app, [*base, "rank"])
    assert ranked.exit_code == 0, ranked.output

    sent = runner.invoke(app, [*base, "brief", "weekly", "--place", "武义"])
    assert sent.exit_code == 0, sent.output
    assert "sent       leader@wuyi.example.gov.cn" in sent.output
    (eml,) = (home / "outbox" / "weekly").rglob("leader_at_wuyi.example.gov.cn.eml")
    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert msg["Subject"].startswith("【每周调度】武义县 2026年1-10月 第")
    text = msg.get_body(("plain",)).get_content()

    con = duckdb.connect(str(home / "bipin.duckdb"), read_only=True)
    n_top3, n_ranked = con.execute(
        "select n_top3, n_ranked_indicators from marts.top3_counts "
        "where place_code = 'wuyi' and group_code = 'city_jinhua' and period = '2026-10-01'").fetchone()
    metric, rank = con.execute(
        "select metric, rank from marts.rankings where place_code = 'wuyi' and group_code = 'city_jinhua' "
        "and period = '2026-10-01' and indicator_code = 'fixed_asset_investment'").fetchone()
    (ytd,) = con.execute(
        "select value from staging.observations_current where place_code = 'wuyi' and period = '2026-10-01' "
        "and indicator_code = 'fixed_asset_investment'").fetchone()
    con.close()
    assert f"1-10月{n_ranked}项指标中{n_top3}项居全市前三" in text

    (attachment,) = list(msg.iter_attachments())
    sheet = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))["金华市各县（市、区）"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r[1] == "固定资产投资" and r[2] == "武义"]
    assert [(r[0], r[3], r[5], r[6]) for r in rows] == [("2026年1-10月", ytd, metric, rank)]
