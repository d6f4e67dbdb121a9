"""The real Prefect flows: `pull` alone, and the pipeline pulling before ingest while one source is down."""

from __future__ import annotations

import os
import time

import duckdb
import pytest
from pull_servers import HOST, free_port
from pull_world import csv_bytes, world

from flows.brief.content import digest
from flows.brief.content.queries import fetch


@pytest.fixture
def two_sources(tmp_path):
    share = tmp_path / "nas"
    share.mkdir()
    (share / "金华市2026年10月.csv").write_bytes(csv_bytes())
    os.utime(share / "金华市2026年10月.csv", (time.time() - 600,) * 2)
    down = {"code": "city_mail", "kind": "mailbox", "host": HOST, "port": free_port(), "user": "x",
            "retries": 1, "backoff_s": 0.01}
    return world(tmp_path, [down, {"code": "nas", "kind": "folder", "url": str(share), "glob": "*.csv"}])


@pytest.mark.e2e
def test_pipeline_pulls_then_ingests_while_a_source_is_down(prefect_harness, two_sources):
    from flows.run.pipeline import pipeline

    settings = two_sources
    state = pipeline(kinds=[], home=str(settings.home), config_dir=str(settings.config_dir), return_state=True)
    assert state.is_completed(), state.message
    stages = {r["stage"]: r["outcome"] for r in state.result()["stages"]}
    assert stages["pull"].startswith("completed with faults: pull city_mail: failing since")
    assert stages["ingest"] == "ok" and stages["rank"] == "ok"
    con = duckdb.connect(str(settings.db_path), read_only=True)
    try:
        assert con.execute("select file_name, status, provenance from raw.files").fetchall() == [
            ("金华市2026年10月.csv", "loaded", str(settings.home.parent / "nas" / "金华市2026年10月.csv"))]
        [line] = digest.pull_lines(fetch(con, "pull_failing"))
    finally:
        con.close()
    # the operators' digest says it in Chinese: which source, since when, what to do
    assert line.startswith("city_mail：自") and "起无法拉取（连续1次），无法连接服务器，请核对地址、端口和网络" in line

    again = pipeline(kinds=[], home=str(settings.home), config_dir=str(settings.config_dir), return_state=True)
    stages = {r["stage"]: r["outcome"] for r in again.result()["stages"]}
    assert "2 run(s) in a row" in stages["pull"] and stages["rank"].startswith("skipped")

    # the pull flow alone (the `pull` deployment, `bipin pull`): one source, its state says the fault
    from flows.pull.flow import pull

    alone = pull(source="city_mail", home=str(settings.home), config_dir=str(settings.config_dir), return_state=True)
    assert alone.name == "Completed with faults" and "3 run(s) in a row" in alone.message
    out = alone.result()
    assert out["failing"] == ["city_mail"] and out["n_pulled"] == 0 and len(out["lines"]) == 1


@pytest.mark.e2e
def test_a_mailbox_password_can_come_from_a_prefect_secret_block(prefect_harness, tmp_path):
    from prefect.blocks.system import Secret

    from flows.config.pull import MailboxSource

    Secret(value="from-the-block").save("bipin-test-pull-password", overwrite=True)
    source = MailboxSource(code="m", kind="mailbox", host=HOST, user="u", password_env="BIPIN_TEST_UNSET_VARIABLE",
                           password_block="bipin-test-pull-password")
    assert source.password() == "from-the-block"
