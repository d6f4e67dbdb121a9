"""Delivery over a real SMTP server (aiosmtpd, STARTTLS + AUTH on 127.0.0.1), the outbox and the ledger."""

from __future__ import annotations

import io
import logging

import openpyxl
import pytest
from brief_smtp import (
    PASSWORD,
    Mailbox,
    delivery_yaml,
    make_cert,
    send,
    start,
    start_implicit_tls,
    weekly_items,
)
from brief_world import AS_OF, world_settings

from flows.brief.delivery import ledger
from flows.brief.delivery.redact import RedactSecrets, protect
from flows.warehouse.db import connect

MANY = "".join(f"  - {{name: 读者{i}, email: r{i}@example.gov.cn, place: 武义, kinds: [weekly]}}\n" for i in range(6))


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    return make_cert(tmp_path_factory.mktemp("tls"))


@pytest.fixture(autouse=True)
def smtp_password(monkeypatch):
    monkeypatch.setenv("BIPIN_TEST_SMTP_PASSWORD", PASSWORD)


def smtp_world(tmp_path, cert, mailbox, recipients: str | None = None, retries: int = 2):
    controller = start(mailbox, *cert)
    settings = world_settings(tmp_path, delivery_yaml(controller.port, cert[0], retries))
    if recipients:
        (settings.config_dir / "recipients.yaml").write_text("recipients:\n" + recipients, encoding="utf-8")
    return settings, controller


def ledger_rows(settings, kind="weekly", key="2026-W48"):
    con = connect(settings.db_path)
    try:
        recipients = con.execute("select recipient from delivery.send_ledger where kind = ? and period_key = ?",
                                 [kind, key]).fetchall()
        return {r: ledger.lookup(con, kind, key, r) for (r,) in recipients}
    finally:
        con.close()


def test_mail_arrives_over_starttls_with_auth_and_parses(tmp_path, cert):
    box = Mailbox()
    settings, controller = smtp_world(tmp_path, cert, box)
    try:
        results = send(settings, weekly_items(settings))
    finally:
        controller.stop()
    assert [r.status for r in results] == ["sent", "sent"]
    assert box.auth_ok == 1  # one connection, one login, for the whole batch
    msg = next(m for m in box.messages if m["To"].addresses[0].addr_spec == "leader@wuyi.example.gov.cn")
    assert msg["Subject"] == "【每周调度】武义县 2026年1-10月 第48周"
    assert msg["From"].addresses[0].display_name == "比拼简报"
    assert "【全市3项】第2位：固定资产投资增速" in msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    (png,) = [x for x in msg.walk() if x.get_content_type() == "image/png"]
    assert f"cid:{png['Content-ID'].strip().strip('<>')}" in html
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == "武义县2026年1-10月比拼数据.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))["金华市各县（市、区）"]
    fai = [r for r in sheet.iter_rows(values_only=True) if r[1] == "固定资产投资" and r[2] == "武义"]
    # 并列 and the last, 快报数, are blank: not tied, not a first estimate
    assert fai == [("2026年1-10月", "固定资产投资", "武义", None, "亿元", 10.05, 2, None, "是", 0, None)]
    rows = ledger_rows(settings)
    assert rows["leader@wuyi.example.gov.cn"].status == "sent"
    assert rows["leader@wuyi.example.gov.cn"].message_id == msg["Message-ID"]


def test_implicit_tls_with_auth(tmp_path, cert):
    box = Mailbox()
    controller = start_implicit_tls(box, *cert)
    try:
        settings = world_settings(tmp_path, delivery_yaml(controller.port, cert[0]).replace(
            "security: starttls", "security: ssl"))
        results = send(settings, weekly_items(settings))
    finally:
        controller.stop()
    assert [r.status for r in results] == ["sent", "sent"] and box.auth_ok == 1
    assert sorted(m["To"].addresses[0].addr_spec for m in box.messages) == [
        "fgj@yiwu.example.gov.cn", "leader@wuyi.example.gov.cn"]


def test_untrusted_certificate_is_refused(tmp_path, cert):
    box = Mailbox()
    controller = start(box, *cert)
    try:
        settings = world_settings(tmp_path, delivery_yaml(controller.port, cert[0]).replace(
            f"    ca_file: {cert[0]}\n", ""))
        results = send(settings, weekly_items(settings))
    finally:
        controller.stop()
    assert results[0].status == "failed_transient" and "CERTIFICATE_VERIFY_FAILED" in results[0].detail
    assert "not attempted" in results[1].detail and box.messages == []


def test_refused_first_attempts_are_retried(tmp_path, cert):
    box = Mailbox(refuse_first=2)
    settings, controller = smtp_world(tmp_path, cert, box)
    try:
        results = send(settings, weekly_items(settings))
    finally:
        controller.stop()
    assert [r.status for r in results] == ["sent", "sent"]
    assert len(box.messages) == 2 and box.refused == 2
    assert ledger_rows(settings)["leader@wuyi.example.gov.cn"].attempts == 3


def test_server_down_mid_batch_rerun_sends_only_the_rest(tmp_path, cert):
    box = Mailbox(down_after=2)
    settings, controller = smtp_world(tmp_path, cert, box, MANY)
    items = weekly_items(settings)
    first = send(settings, items)  # the server stops itself after two mails
    assert [r.status for r in first] == ["sent", "sent"] + ["failed_transient"] * 4
    assert "not attempted" in first[-1].detail  # once the server is unreachable the rest wait for the rerun
    again = Mailbox()
    controller = start(again, *cert)
    try:
        cfg = settings.config_dir / "delivery.yaml"
        cfg.write_text(delivery_yaml(controller.port, cert[0]), encoding="utf-8")
        second = send(settings, items)
        third = send(settings, items)
    finally:
        controller.stop()
    assert [r.status for r in second] == ["skipped", "skipped"] + ["sent"] * 4
    assert [r.status for r in third] == ["skipped"] * 6
    delivered = [m["To"].addresses[0].addr_spec for m in box.messages + again.messages]
    assert sorted(delivered) == sorted(i.email for i in items)  # each exactly once


def test_permanent_failure_for_one_recipient_does_not_stop_the_others(tmp_path, cert):
    box = Mailbox(reject=("r1@example.gov.cn",))
    settings, controller = smtp_world(tmp_path, cert, box, MANY)
    try:
        results = send(settings, weekly_items(settings))
    finally:
        controller.stop()
    status = {r.email: r for r in results}
    assert status["r1@example.gov.cn"].status == "failed_permanent"
    assert status["r1@example.gov.cn"].detail.startswith("550")
    assert sum(r.status == "sent" for r in results) == 5 and len(box.messages) == 5
    assert ledger_rows(settings)["r1@example.gov.cn"].attempts == 1  # 5xx is not retried


def test_resend_sends_again(tmp_path, cert):
    box = Mailbox()
    settings, controller = smtp_world(tmp_path, cert, box)
    try:
        items = weekly_items(settings)
        send(settings, items)
        send(settings, items)
        send(settings, items[:1], resend=True)
    finally:
        controller.stop()
    assert len(box.messages) == 3


def test_password_never_reaches_the_logs(tmp_path, cert, caplog, capfd, monkeypatch):
    caplog.set_level(logging.DEBUG)
    box = Mailbox(refuse_first=1)
    settings, controller = smtp_world(tmp_path, cert, box)
    try:
        send(settings, weekly_items(settings))
        monkeypatch.setenv("BIPIN_TEST_SMTP_PASSWORD", PASSWORD + "-wrong")
        failed = send(settings, weekly_items(settings), resend=True)
    finally:
        controller.stop()
    assert failed[0].status == "failed_permanent" and "535" in failed[0].detail, failed
    logging.getLogger("somebody.else").warning("connecting with %s", PASSWORD)
    out, err = capfd.readouterr()
    assert "transient failure" in caplog.text
    assert PASSWORD not in caplog.text and PASSWORD not in out + err
    assert "connecting with ***" in caplog.text


def test_redaction_filter_masks_plain_and_base64():
    f = RedactSecrets()
    f.add("hunter2", user="bob")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "auth %s then %s", ("hunter2", "AGJvYgBodW50ZXIy"), None)
    f.filter(record)
    assert record.getMessage() == "auth *** then ***"
    assert protect(None) is protect(None)


def test_outbox_writes_eml_and_html_preview(tmp_path):
    settings = world_settings(tmp_path)
    results = send(settings, weekly_items(settings))
    eml = settings.outbox / "weekly" / "2026-W48" / "leader_at_wuyi.example.gov.cn.eml"
    assert [r.status for r in results] == ["sent", "sent"] and results[0].detail == str(eml)
    assert eml.read_bytes().startswith(b"Subject: ")
    preview = eml.with_suffix(".html").read_text(encoding="utf-8")
    assert "位次热力图" in preview
    # opened from disk, the preview shows the chart: the CID reference became a data URI
    assert "data:image/png;base64," in preview and 'src="cid:' not in preview
    assert [r.status for r in send(settings, weekly_items(settings))] == ["skipped", "skipped"]


def test_interrupted_send_is_not_repeated_without_resend(tmp_path):
    settings = world_settings(tmp_path)
    items = weekly_items(settings)
    con = connect(settings.db_path)
    ledger.start_attempt(con, "weekly", "2026-W48", items[0].email, content_hash="h", message_id="<m>",
                         subject="s", data_as_of=None, now=AS_OF)
    con.close()
    results = send(settings, items)
    assert [r.status for r in results] == ["uncertain", "sent"]
    assert [r.status for r in send(settings, items, resend=True)] == ["sent", "sent"]
