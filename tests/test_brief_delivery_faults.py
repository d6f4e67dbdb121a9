"""Delivery when things go wrong mid-conversation: a lost reply, odd credentials, a server that echoes the
password. A real aiosmtpd server on 127.0.0.1 plays each fault."""

from __future__ import annotations

import logging

import duckdb
import pytest
from brief_smtp import USER, Mailbox, delivery_yaml, make_cert, send, start
from brief_smtp import weekly_items as items
from brief_world import world_settings
from typer.testing import CliRunner

from flows.brief.delivery import ledger, smtp_client
from flows.cli.app import app
from flows.warehouse.db import connect

SECRET = "Sëcret-密码-42"  # non-ASCII on purpose: smtplib alone raised UnicodeEncodeError on it
LEADER, FGJ = "leader@wuyi.example.gov.cn", "fgj@yiwu.example.gov.cn"


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    return make_cert(tmp_path_factory.mktemp("tls"))


@pytest.fixture(autouse=True)
def password(monkeypatch):
    monkeypatch.setenv("BIPIN_TEST_SMTP_PASSWORD", SECRET)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # the test server's own chatter, not bipin's


def world(tmp_path, cert, box):
    controller = start(box, *cert)
    return world_settings(tmp_path, delivery_yaml(controller.port, cert[0])), controller


def ledger_table(settings) -> list[tuple]:
    con = duckdb.connect(str(settings.db_path), read_only=True)
    try:
        return con.execute("select * from delivery.send_ledger order by recipient").fetchall()
    finally:
        con.close()


def status_of(settings) -> dict[str, str]:
    return {row[2]: row[4] for row in ledger_table(settings)}


def test_lost_reply_after_the_whole_message_is_uncertain_and_never_resent(tmp_path, cert):
    box = Mailbox(drop_after_data=1, password=SECRET)  # keeps the first mail, drops the line before its 250
    settings, controller = world(tmp_path, cert, box)
    try:
        outgoing = items(settings)
        first = send(settings, outgoing)
        second = send(settings, outgoing)
        third = send(settings, outgoing)
        assert [m["Message-ID"] for m in box.messages].count(outgoing[0].message_id) == 1
        forced = send(settings, outgoing[:1], resend=True)
    finally:
        controller.stop()
    assert [r.status for r in first] == ["uncertain", "sent"]  # no retry of the first; the batch goes on
    assert "may have arrived" in first[0].detail and "--resend" in first[0].detail
    assert [r.status for r in second] == [r.status for r in third] == ["uncertain", "skipped"]
    assert "connection dropped before it confirmed" in second[0].detail
    assert status_of(settings)[LEADER] == "sent" and forced[0].status == "sent"
    assert [m["Message-ID"] for m in box.messages].count(outgoing[0].message_id) == 2  # only --resend did it


def test_non_ascii_password_logs_in_as_utf8(tmp_path, cert):
    box = Mailbox(password=SECRET)
    settings, controller = world(tmp_path, cert, box)
    try:
        results = send(settings, items(settings))
    finally:
        controller.stop()
    assert [r.status for r in results] == ["sent", "sent"] and box.auth_ok == 1


def test_refused_credentials_fail_the_batch_up_front_and_leave_no_row_sending(tmp_path, cert, monkeypatch):
    box = Mailbox(password="another-one")
    settings, controller = world(tmp_path, cert, box)
    try:
        results = send(settings, items(settings))
    finally:
        controller.stop()
    assert [r.status for r in results] == ["failed_permanent", "failed_permanent"]
    assert all(r.detail.startswith("not attempted: connecting: 535") for r in results)
    assert box.messages == [] and set(status_of(settings).values()) == {"failed_permanent"}


def test_missing_password_is_one_clear_line_before_anything(tmp_path, cert, monkeypatch):
    monkeypatch.delenv("BIPIN_TEST_SMTP_PASSWORD")
    box = Mailbox()
    settings, controller = world(tmp_path, cert, box)
    try:
        results = send(settings, items(settings))
    finally:
        controller.stop()
    assert {r.detail for r in results} == {
        f"not attempted: credentials: delivery.smtp.user is '{USER}' but no password was found "
        "(set environment variable BIPIN_TEST_SMTP_PASSWORD)"}
    assert box.auth_ok == 0 and "sending" not in status_of(settings).values()


def test_an_exception_mid_send_never_leaves_a_row_sending(tmp_path, cert, monkeypatch):
    box = Mailbox(password=SECRET)
    settings, controller = world(tmp_path, cert, box)
    real = smtp_client.SMTP.send_message

    def flaky(self, msg, from_addr=None, to_addrs=None, **kw):
        if to_addrs == [LEADER]:
            raise KeyboardInterrupt  # an operator's Ctrl-C halfway through the batch
        return real(self, msg, from_addr, to_addrs, **kw)

    monkeypatch.setattr(smtp_client.SMTP, "send_message", flaky)
    try:
        outgoing = items(settings)
        with pytest.raises(KeyboardInterrupt):
            send(settings, outgoing)
        assert status_of(settings) == {LEADER: "failed_transient"}  # not `sending`: the rerun may send it
        monkeypatch.setattr(smtp_client.SMTP, "send_message", real)
        assert [r.status for r in send(settings, outgoing)] == ["sent", "sent"]
    finally:
        controller.stop()
    with connect(settings.db_path) as con:
        assert ledger.lookup(con, "weekly", "2026-W48", LEADER).attempts == 2


def test_password_echoed_by_the_server_is_stored_printed_logged_and_returned_nowhere(
        tmp_path, cert, prefect_harness, monkeypatch):
    box = Mailbox(password="what-the-server-wants", echo_password=True)
    settings, controller = world(tmp_path, cert, box)
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            self.format(record)
            seen.append(record)

    keep = Keep(logging.DEBUG)
    for name in ("", "prefect", "bipin"):
        logging.getLogger(name).addHandler(keep)
    try:
        returned = send(settings, items(settings))
        result = CliRunner().invoke(app, ["--config", str(settings.config_dir), "--db", str(settings.db_path),
                                          "--home", str(settings.home), "brief", "weekly", "--as-of", "2026-11-23T08:00"])
    finally:
        controller.stop()
        for name in ("", "prefect", "bipin"):
            logging.getLogger(name).removeHandler(keep)
    # the server did echo it, and bipin heard the 535
    assert result.exit_code == 1 and "535 5.7.8 Authentication failed for bipin with password ***" in result.output
    assert returned[0].detail.startswith("not attempted: connecting: 535")
    assert "535" in ledger_table(settings)[0][9]
    places = {
        "ledger": repr(ledger_table(settings)),
        "cli": result.output + (result.stderr or ""),
        "logs": "\n".join(r.getMessage() + (r.exc_text or "") for r in seen),
        "returned": repr(returned),
    }
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        runs = [r for r in client.read_flow_runs() if r.name and r.flow_id]
        places["states"] = repr([(r.state.message, r.state.name) for r in runs if r.state])
        places["artifacts"] = repr([a.data for a in client.read_artifacts()])
        places["prefect logs"] = repr([x.message for x in client.read_logs()])
    assert "with password ***" in places["states"] and "with password ***" in places["artifacts"]
    leaked = [where for where, text in places.items()
              if SECRET in text or SECRET.encode("utf-8").hex() in text or repr(SECRET.encode())[2:-1] in text]
    assert leaked == []


def test_a_logged_traceback_quoting_the_password_is_redacted():
    import sys

    from flows.brief.delivery.redact import RedactSecrets

    f = RedactSecrets()
    f.add(SECRET, user=USER)
    try:
        raise RuntimeError(f"535 5.7.8 bad password {SECRET} ({SECRET.encode()!r})")
    except RuntimeError:
        record = logging.LogRecord("bipin", logging.ERROR, __file__, 1, "sending failed", (), sys.exc_info())
    f.filter(record)
    shown = logging.Formatter().format(record)
    assert "RuntimeError: 535 5.7.8 bad password *** (b'***')" in shown and SECRET not in shown
