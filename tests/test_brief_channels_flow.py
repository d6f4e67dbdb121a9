"""Work-group robots in real Prefect runs of the brief flow: one email recipient (SMTP on 127.0.0.1) and one
DingTalk robot (chat_robots.py) get the weekly once each, a rerun sends nothing, a lost reply stays uncertain,
and the guards hold the post back like the email."""

from __future__ import annotations

from datetime import datetime

import pytest
from brief_world import AS_OF, world_settings
from chat_robots import SECRET, SEND, TOKEN, Robots, channel_yaml, ledger_row


@pytest.fixture(autouse=True)
def robot_env(monkeypatch):
    monkeypatch.setenv("BIPIN_TEST_ROBOT_TOKEN", TOKEN)
    monkeypatch.setenv("BIPIN_TEST_ROBOT_SECRET", SECRET)


def _email_and_robot_world(tmp_path, robots, controller, cert, extra=""):
    from brief_smtp import delivery_yaml

    settings = world_settings(tmp_path, delivery_yaml(controller.port, cert) + "  chat:\n    timeout_s: 5\n")
    (settings.config_dir / "recipients.yaml").write_text(
        "recipients:\n  - {name: 武义县领导, email: leader@wuyi.example.gov.cn, place: 武义, kinds: [weekly]}\n"
        "channels:\n" + channel_yaml(robots, extra=extra), encoding="utf-8")
    return settings, dict(home=str(settings.home), config_dir=str(settings.config_dir), db=str(settings.db_path))


@pytest.mark.e2e
def test_weekly_run_sends_the_email_and_the_post_once_and_a_rerun_nothing(tmp_path, prefect_harness, monkeypatch):
    from brief_smtp import PASSWORD, Mailbox, make_cert, start
    from prefect.blocks.system import Secret
    from prefect.client.orchestration import get_client

    from flows.brief.flow import brief

    monkeypatch.setenv("BIPIN_TEST_SMTP_PASSWORD", PASSWORD)
    monkeypatch.delenv("BIPIN_TEST_ROBOT_TOKEN")  # the token from a Prefect Secret block instead
    Secret(value=TOKEN).save("bipin-test-robot-token", overwrite=True)
    cert = make_cert(tmp_path)
    box = Mailbox()
    controller = start(box, *cert)
    try:
        with Robots() as robots:
            settings, where = _email_and_robot_world(tmp_path, robots, controller, cert[0],
                                                     ", token_block: bipin-test-robot-token")
            first = brief(kind="weekly", as_of=AS_OF, return_state=True, **where)
            assert first.is_completed(), first.message
            with get_client(sync_client=True) as client:
                artifact = next(a for a in client.read_artifacts() if a.key == "brief-weekly-2026-w48")
            again = brief(kind="weekly", as_of=AS_OF, return_state=True, **where)
            assert again.is_completed(), again.message
    finally:
        controller.stop()
    assert {r.email: r.status for r in first.result()} == {"leader@wuyi.example.gov.cn": "sent",
                                                            "dingtalk:wuyi-leaders": "sent"}
    assert {r.email: r.status for r in again.result()} == {"leader@wuyi.example.gov.cn": "skipped",
                                                            "dingtalk:wuyi-leaders": "skipped"}
    assert [m["To"].addresses[0].addr_spec for m in box.messages] == ["leader@wuyi.example.gov.cn"]
    assert len(robots.requests) == 1 and robots.posts[0][1]["at"] == {"atMobiles": [], "isAtAll": False}
    assert ledger_row(settings).status == "sent" and ledger_row(settings, "leader@wuyi.example.gov.cn").status == "sent"
    assert '"msgtype": "markdown"' in artifact.data and "1-10月5项指标中3项居全市前三" in artifact.data
    assert TOKEN not in artifact.data and SECRET not in artifact.data


@pytest.mark.e2e
def test_weekly_run_whose_post_reply_was_lost_leaves_it_uncertain(tmp_path, prefect_harness, monkeypatch):
    from brief_smtp import PASSWORD, Mailbox, make_cert, start

    from flows.brief.flow import brief

    monkeypatch.setenv("BIPIN_TEST_SMTP_PASSWORD", PASSWORD)
    cert = make_cert(tmp_path)
    box = Mailbox()
    controller = start(box, *cert)
    try:
        with Robots() as robots:
            robots.script = ["drop"]
            settings, where = _email_and_robot_world(tmp_path, robots, controller, cert[0])
            first = brief(kind="weekly", as_of=AS_OF, return_state=True, **where)
            again = brief(kind="weekly", as_of=AS_OF, return_state=True, **where)
    finally:
        controller.stop()
    assert first.is_failed() and "dingtalk:wuyi-leaders (uncertain: connection lost after the whole post" in first.message
    assert again.is_failed() and "dingtalk:wuyi-leaders (uncertain:" in again.message
    assert len(robots.requests) == 1  # never posted a second time by itself
    assert len(box.messages) == 1     # the email went, once
    assert ledger_row(settings).status == "uncertain"
    assert TOKEN not in first.message and SECRET not in first.message


@pytest.mark.e2e
def test_stale_data_holds_back_the_post(tmp_path, prefect_harness):
    from flows.brief.flow import brief

    with Robots() as robots:
        settings = world_settings(tmp_path, SEND)
        (settings.config_dir / "recipients.yaml").write_text("recipients: []\nchannels:\n" + channel_yaml(robots),
                                                             encoding="utf-8")
        state = brief(kind="weekly", as_of=datetime(2027, 3, 1), return_state=True, home=str(settings.home),
                      config_dir=str(settings.config_dir), db=str(settings.db_path))
    assert state.is_failed() and "the newest data was loaded 2026-11-21 14:00, 99 days before" in state.message
    assert "nothing sent to dingtalk:wuyi-leaders" in state.message
    assert robots.requests == []
