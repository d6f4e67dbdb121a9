"""End to end with real parts: demo files in a temporary inbox -> `pipeline` -> a real SMTP server on 127.0.0.1.

Checks what arrived against the marts and the send ledger, that a rerun sends nothing new, that a
revised file re-ranks and shows in the next briefing, and that two runs started together neither
fail nor send anything twice.
"""

from __future__ import annotations

import email
import re
import shutil
import socket
import threading
from collections import Counter
from datetime import date
from email import policy
from pathlib import Path

import duckdb
import pytest
import yaml

from flows.config.catalog import load_catalog
from flows.config.settings import DEFAULT_CONFIG_DIR

pytestmark = pytest.mark.e2e

LEADER, NEIGHBOUR, OPERATOR = "leader@wuyi.example.org", "leader@tiantai.example.org", "ops@example.org"
RECIPIENTS = {"recipients": [
    {"name": "武义县领导", "email": LEADER, "place": "wuyi", "groups": ["city_jinhua", "mountain26"],
     "kinds": ["weekly", "monthly", "quarterly"]},
    {"name": "天台县领导", "email": NEIGHBOUR, "place": "tiantai", "groups": ["mountain26"], "kinds": ["weekly"]},
    {"name": "值班", "email": OPERATOR, "kinds": ["digest"]},
]}
TITLES = {"weekly": "【每周调度】", "monthly": "【每月一通报】", "quarterly": "【每季一晒拼】"}


def _kind(msg: email.message.EmailMessage) -> str | None:
    return next((k for k, title in TITLES.items() if msg["Subject"].startswith(title)), None)


class Mailbox:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 keeping every message it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self._lock = threading.Lock()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for rcpt, m in self.messages if address in rcpt]


def _text(msg: email.message.EmailMessage) -> str:
    return msg.get_body(("plain",)).get_content()


@pytest.fixture(scope="module")
def demo_inbox(tmp_path_factory) -> tuple[Path, object]:
    """The demo files, written once for this module (the revised file kept apart)."""
    from flows.demo.inbox import last_complete_month, write_demo_inbox

    folder = tmp_path_factory.mktemp("demo")
    summary, _ = write_demo_inbox(load_catalog(DEFAULT_CONFIG_DIR), folder / "inbox", last_complete_month(date.today()))
    revised = next((folder / "inbox").glob("*_revised.*"))
    (folder / "later").mkdir()
    shutil.move(revised, folder / "later" / revised.name)
    return folder, summary


@pytest.fixture
def mailbox():
    box = Mailbox()
    box.controller.start()
    yield box
    box.controller.stop()


@pytest.fixture
def site(tmp_path, monkeypatch, demo_inbox, mailbox):
    """A throwaway bipin home: shipped catalog, our recipients, SMTP to the mailbox, the demo inbox."""
    from flows.config.settings import load_settings

    config = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, config)
    (config / "recipients.yaml").write_text(yaml.safe_dump(RECIPIENTS, allow_unicode=True), encoding="utf-8")
    (config / "delivery.yaml").write_text(yaml.safe_dump({"delivery": {
        "mode": "smtp", "from_address": "bipin@example.org", "retries": 0,
        "smtp": {"host": "127.0.0.1", "port": mailbox.port, "security": "none", "user": None},
    }}), encoding="utf-8")
    home = tmp_path / "home"
    shutil.copytree(demo_inbox[0] / "inbox", home / "inbox")
    monkeypatch.setenv("BIPIN_HOME", str(home))
    monkeypatch.setenv("BIPIN_CONFIG_DIR", str(config))
    monkeypatch.delenv("BIPIN_DB", raising=False)
    return load_settings()


def _query(settings, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(settings.db_path), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def _logs_of_run_and_subflows(flow_run_id) -> list[str]:
    """Every log line of a flow run and its subflows, as the Prefect UI shows them."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterParentFlowRunId,
        LogFilter,
        LogFilterFlowRunId,
    )
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()
    with get_client(sync_client=True) as client:
        children = client.read_flow_runs(flow_run_filter=FlowRunFilter(
            parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[flow_run_id])))
        ids = [flow_run_id, *(c.id for c in children)]
        return [log.message for log in client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=ids)))]


def _sent_in_ledger(settings) -> Counter:
    return Counter(r for (r,) in _query(settings, "select recipient from delivery.send_ledger where status = 'sent'"))


def test_pipeline_delivers_exactly_the_briefings_owed(prefect_harness, site, mailbox, demo_inbox):
    from flows.run.pipeline import pipeline

    first = pipeline(force=True, return_state=True)
    assert first.is_completed(), first.message
    # the demo's deliberately bad file: the run says so in its state, and its stages' logs say who got what
    bad_name = demo_inbox[1].bad_file.name
    assert first.name == "Completed with rejections" and bad_name in first.message
    logs = _logs_of_run_and_subflows(first.state_details.flow_run_id)
    assert any(f"rejected {bad_name}" in line for line in logs)
    assert any(line.startswith("weekly ") and f"to 武义县领导 <{LEADER}>: sent" in line for line in logs), logs

    # exactly the briefings owed, each once
    assert sorted(_kind(m) for m in mailbox.to(LEADER)) == ["monthly", "quarterly", "weekly"]
    assert [_kind(m) for m in mailbox.to(NEIGHBOUR)] == ["weekly"]
    assert mailbox.to(OPERATOR), "the operators' digest did not arrive"
    # four kinds ran and nothing went wrong: the day's digest only, not one per kind
    (day,) = [m["X-Bipin-Period"] for m in mailbox.to(OPERATOR)]
    assert len(day) == len("2026-11-29") and "problems" not in day
    assert all(m["Subject"].startswith("【运维摘要】") for m in mailbox.to(OPERATOR))
    ids = [m["Message-ID"] for _, m in mailbox.messages]
    assert len(ids) == len(set(ids))
    arrived = Counter(r for rcpt, _ in mailbox.messages for r in rcpt)
    assert arrived == _sent_in_ledger(site)

    # the numbers are the marts' numbers
    weekly = _text(next(m for m in mailbox.to(LEADER) if _kind(m) == "weekly"))
    (n_ranked, n_top3), = _query(site, """
        select n_ranked_indicators, n_top3 from marts.top3_counts
        where place_code = 'wuyi' and group_code = 'city_jinhua'
        qualify period = max(period) over ()""")
    assert f"{n_ranked}项指标中{n_top3}项居全市前三" in weekly
    (n_months,), = _query(site, """
        select n_months from marts.streaks
        where place_code = 'wuyi' and indicator_code = 'fixed_asset_investment' and group_code = 'city_jinhua'
          and kind = 'top3' and is_current""")
    # 连续最久 of 全市; a streak as old as the data held is said as 至少 (issue 18)
    assert n_months >= 24 and re.search(f"固定资产投资增速(至少)?连续{n_months}个月", weekly)

    # a rerun sends nothing new and does not re-rank
    before = len(mailbox.messages)
    second = pipeline(force=True, return_state=True)
    assert second.is_completed(), second.message
    assert [(r, m["Subject"]) for r, m in mailbox.messages[before:]] == []
    assert next(r for r in second.result()["stages"] if r["stage"] == "rank")["outcome"].startswith("skipped")

    # a revised file re-ranks, and the next briefing shows the revision
    folder, summary = demo_inbox
    revised = next((folder / "later").glob("*_revised.*"))
    shutil.copy(revised, site.inbox / revised.name)
    third = pipeline(kinds=["weekly"], places=["wuyi"], resend=True, return_state=True)
    assert third.is_completed(), third.message
    assert next(r for r in third.result()["stages"] if r["stage"] == "rank")["outcome"] == "ok"
    new = [m for rcpt, m in mailbox.messages[before:] if LEADER in rcpt]
    assert len(new) == 1 and _kind(new[0]) == "weekly"
    label = f"{summary.revised_period.year}年1-{summary.revised_period.month}月"
    assert f"修订{label}数据" in _text(new[0])
    place, indicator, _old, new_growth = next(c for c in summary.revised_cells if c[0] == "wuyi")
    (metric,), = _query(site, """
        select metric from marts.rankings
        where place_code = ? and indicator_code = ? and group_code = 'city_jinhua' and period = ?""",
        [place, indicator, summary.revised_period])
    assert metric == pytest.approx(new_growth)


def test_two_pipelines_started_together_both_finish_without_sending_twice(prefect_harness, site, mailbox):
    from flows.run.pipeline import pipeline

    states = {}

    def run(name: str) -> None:
        states[name] = pipeline(force=True, return_state=True)

    threads = [threading.Thread(target=run, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    assert set(states) == {"a", "b"}
    assert all(s.is_completed() for s in states.values()), [s.message for s in states.values()]

    # each file loaded once, each observation once
    assert _query(site, """
        select sha256, count(*) from raw.files where status = 'loaded' group by all having count(*) > 1""") == []
    assert _query(site, """
        select file_id, place_code, indicator_code, period, count(*) from staging.observations
        group by all having count(*) > 1""") == []
    # ranked once per place, group, indicator and period
    assert _query(site, """
        select period, indicator_code, group_code, place_code, count(*) from marts.rankings
        group by all having count(*) > 1""") == []
    # nothing sent twice: one message per ledger row, no subject twice to the same person
    arrived = Counter((r, m["Subject"]) for rcpt, m in mailbox.messages for r in rcpt
                      if _kind(m))
    assert arrived and max(arrived.values()) == 1
    assert Counter(r for rcpt, _ in mailbox.messages for r in rcpt) == _sent_in_ledger(site)
