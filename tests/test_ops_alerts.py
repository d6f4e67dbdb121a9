"""A failed flow run emails the operators its run name, the failing step and the error."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy

import pytest

from flows.config.delivery import DeliveryConfig, SmtpConfig
from flows.config.settings import load_settings
from flows.run.alerts import alert_operators, compose_alert, deliver_alert, operator_addresses


@pytest.fixture
def ops_home(tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.yaml").write_text(
        "alerts:\n  recipients: [Ops@Example.org, duty@example.org]\ndelivery:\n  mode: outbox\n", encoding="utf-8"
    )
    monkeypatch.setenv("BIPIN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("BIPIN_CONFIG_DIR", str(config))
    return load_settings()


def test_operators_come_from_settings(ops_home):
    assert operator_addresses(ops_home) == ["ops@example.org", "duty@example.org"]


def test_failed_flow_run_alert_lands_in_the_outbox(ops_home, prefect_harness):
    from prefect import flow, task

    @task(name="load-bad-file")
    def load_bad_file() -> None:
        raise ValueError("synthetic_bad.csv row 7 column 增速: '12..3' is not a number")

    @flow(name="ops-alert-check", on_failure=[alert_operators])
    def failing_flow() -> None:
        load_bad_file()

    state = failing_flow(return_state=True)
    assert state.is_failed()
    files = list((ops_home.outbox / "alerts").glob("*.eml"))
    assert len(files) == 1
    msg = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    body = msg.get_content()
    run_name = state.state_details.flow_run_id and _run_name(state.state_details.flow_run_id)
    assert msg["Subject"] == f"【bipin 运行失败】ops-alert-check / {run_name}"
    assert msg["To"] == "ops@example.org, duty@example.org"
    assert "Failing step: load-bad-file" in body
    assert "ValueError: synthetic_bad.csv row 7 column 增速: '12..3' is not a number" in body


def _run_name(flow_run_id) -> str:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.read_flow_run(flow_run_id).name


def test_alert_goes_over_smtp_when_configured(tmp_path):
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append((envelope.rcpt_tos, envelope.content))
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        cfg = DeliveryConfig(mode="smtp", smtp=SmtpConfig(host="127.0.0.1", port=controller.port, security="none"))
        msg = compose_alert(cfg, ["ops@example.org"], "pipeline", "brave-otter", ["rank-0"],
                            "RuntimeError: marts missing", "flows/rank/flow.py:10 in rank",
                            datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
        assert deliver_alert(msg, load_settings(home=tmp_path), cfg) is None
    finally:
        controller.stop()
    assert len(received) == 1 and received[0][0] == ["ops@example.org"]
    text = email.message_from_bytes(received[0][1], policy=policy.default).get_content()
    assert "Flow run 'brave-otter' of flow 'pipeline' failed" in text
    assert "Failing step: rank-0" in text and "Where: flows/rank/flow.py:10 in rank" in text


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
