"""A failed flow run emails the operators its run name, the failing step and the error."""

from __future__ import annotations

import email
import shutil
from datetime import UTC, datetime
from email import policy

import pytest

from flows.config.delivery import DeliveryConfig, SmtpConfig
from flows.config.settings import load_settings
from flows.run.alerts import alert_operators, compose_alert, deliver_alert, operator_addresses
from tests.conftest import ROOT


@pytest.fixture
def ops_home(tmp_path, monkeypatch):
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    (config / "delivery.yaml").unlink()  # settings.yaml's `delivery:` then applies
    with open(config / "settings.yaml", "a", encoding="utf-8") as f:
        f.write("alerts:\n  recipients: [Ops@Example.org, duty@example.org]\ndelivery:\n  mode: outbox\n")
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


def _smtp_home(tmp_path, monkeypatch, port: int, cert) -> object:
    """The shipped config, alerts over SMTP (STARTTLS, AUTH) to a server of the test's own."""
    from brief_smtp import USER

    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    (config / "delivery.yaml").write_text(
        f"delivery:\n  mode: smtp\n  retries: 0\n  smtp:\n    host: 127.0.0.1\n    port: {port}\n"
        f"    security: starttls\n    user: {USER}\n    password_env: BIPIN_TEST_SMTP_PASSWORD\n"
        f"    ca_file: {cert}\n    timeout_s: 5\n", encoding="utf-8")
    with open(config / "settings.yaml", "a", encoding="utf-8") as f:
        f.write("alerts:\n  recipients: [ops@example.org]\n")
    monkeypatch.setenv("BIPIN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("BIPIN_CONFIG_DIR", str(config))
    return load_settings()


def _failing_run():
    from prefect import flow

    @flow(name="ops-alert-smtp", on_failure=[alert_operators])
    def failing() -> None:
        raise RuntimeError("marts missing")

    return failing(return_state=True)


@pytest.mark.parametrize("server_password", ["密码2026", "另一个密码"])
def test_alert_over_smtp_with_a_utf8_password_or_kept_and_said(server_password, tmp_path, monkeypatch,
                                                                prefect_harness, caplog):
    """密码2026 logs in (UTF-8 AUTH of the briefings' client); a refused login keeps the alert and says so."""
    from brief_smtp import Mailbox, make_cert, start

    from flows.run.alerts import NOT_SENT, unsent_alerts

    cert, key = make_cert(tmp_path)
    mailbox = Mailbox(password=server_password)
    controller = start(mailbox, cert, key)
    monkeypatch.setenv("BIPIN_TEST_SMTP_PASSWORD", "密码2026")
    settings = _smtp_home(tmp_path, monkeypatch, controller.port, cert)
    try:
        with caplog.at_level("ERROR", logger="bipin.alerts"):
            assert _failing_run().is_failed()
    finally:
        controller.stop()
    if server_password == "密码2026":
        [msg] = mailbox.messages
        assert msg["Subject"].startswith("【bipin 运行失败】ops-alert-smtp / ")
        assert "RuntimeError: marts missing" in msg.get_content()
        assert unsent_alerts(settings) == []
        return
    assert mailbox.messages == []
    [(path, reason)] = unsent_alerts(settings)
    assert path.parent == settings.outbox / "alerts" and reason.startswith("connecting: 535")
    kept = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert kept[NOT_SENT] == reason and "RuntimeError: marts missing" in kept.get_content()
    said = [r.getMessage() for r in caplog.records if r.name == "bipin.alerts"]
    assert any("NOT sent to the operators: connecting: 535" in line and str(path) in line for line in said)
    assert not any("密码2026" in line for line in said)


def test_status_says_an_alert_that_was_not_sent(bipin_home):
    from typer.testing import CliRunner

    from flows.cli.app import app
    from flows.run.alerts import NOT_SENT, _keep

    msg = compose_alert(DeliveryConfig(), ["ops@example.org"], "pipeline", "brave-otter", [], "RuntimeError: x",
                        None, datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    msg[NOT_SENT] = "connecting: 535 5.7.8 Authentication failed"
    kept = _keep(msg, bipin_home, "unsent")
    result = CliRunner().invoke(app, ["status"])
    assert result.exit_code == 0
    said = " ".join(result.output.split())
    assert f"failure alert NOT sent: connecting: 535 5.7.8 Authentication failed; kept in {kept}" in said
