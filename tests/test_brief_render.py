"""Rendering and message building: golden files per kind, escaping, the XLSX, headers, Message-ID.

Golden files live in tests/golden/; BIPIN_UPDATE_GOLDEN=1 rewrites them (review the diff).
"""

from __future__ import annotations

import io
import os
import re
from email import message_from_bytes, policy
from pathlib import Path

import openpyxl
import pytest
from brief_world import AS_OF, world_settings

from flows.brief import operators
from flows.brief import plan as p
from flows.brief.render import xlsx

GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.fixture
def world(tmp_path):
    return world_settings(tmp_path)


def leader_email(settings, kind):
    plan = p.make_plan(settings, kind, places=["wuyi"], as_of=AS_OF)
    (outcome,) = [p.render_for(settings, plan, r) for r in plan.recipients]
    assert outcome.status == "ready", outcome.detail
    return outcome.outgoing


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("BIPIN_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; BIPIN_UPDATE_GOLDEN=1 to accept"


@pytest.mark.parametrize("kind", ["weekly", "monthly", "quarterly"])
def test_golden_briefings(world, kind):
    out = leader_email(world, kind)
    check_golden(f"{kind}.txt", out.message.get_body(("plain",)).get_content())
    check_golden(f"{kind}.html", out.html)


def test_golden_digest(world):
    plan = p.make_plan(world, "digest", as_of=AS_OF)
    (out,) = operators.digests_for(world, plan, [])
    check_golden("digest.txt", out.message.get_body(("plain",)).get_content())
    check_golden("digest.html", out.html)
    text = out.message.get_body(("plain",)).get_content()
    assert "synthetic_zhejiang_wide_202610_bad.csv：有地区名称不在地名表中（在 config/places.yaml 中加为别名）（第7行A列）" in text


def test_weekly_says_what_the_marts_say(world):
    text = leader_email(world, "weekly").message.get_body(("plain",)).get_content()
    lead = text[text.index("一、要点"):text.index("二、")]
    assert "1-10月5项指标中3项居全市前三，与上月持平" in lead
    assert "1-10月5项指标中4项居山区26县（现5县）前三，比上月增加1项" in lead  # the fixture's group has 5
    assert "新进前三（全市）：出口总额（第2位）" in lead
    assert "学义乌（全市）：5项指标中武义领先3项、落后2项" in lead and "超永康（全市）" in lead
    assert "【全市3项】第2位：固定资产投资增速、出口总额；并列第3位：一般公共预算收入增速" in text
    assert "跌出前三（全市）：规上工业增加值增速（第4位，此前连续9个月）" in lead
    # the benchmark keeps what a leader acts on: the largest gaps, the nearest to overtake
    assert "社会消费品零售总额增速：5.5%，义乌8.9%，低3.4个百分点（第5位对第3位）" in text
    assert "社会消费品零售总额增速：5.5%，永康7.2%，低1.7个百分点（第5位对第4位）" in text
    assert "本期出口总额超过永康" in lead
    assert "数据截至2026年1-10月，2026-11-20 09:30更新；本周修订2026年1-9月数据" in text
    # file and source detail is the operators' digest's, not the leader's
    assert "项数值" not in text and "来源" not in text and "synthetic_" not in text


def test_message_structure_and_headers(world):
    out = leader_email(world, "weekly")
    msg = message_from_bytes(out.message.as_bytes(), policy=policy.default)
    assert msg["Subject"] == "【每周调度】武义县 2026年1-10月 第48周"
    assert msg["Message-ID"] == out.message_id and msg["Message-ID"].endswith("@example.gov.cn>")
    assert msg.get_content_type() == "multipart/mixed"
    alternative = msg.get_payload()[0]
    assert alternative.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in alternative.iter_parts()] == ["text/plain", "multipart/related"]
    html = msg.get_body(("html",)).get_content()
    (image,) = [x for x in msg.walk() if x.get_content_type() == "image/png"]
    assert f'src="cid:{image["Content-ID"].strip().strip("<>")}"' in html
    assert image.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == "武义县2026年1-10月比拼数据.xlsx"
    assert b"filename*0*=utf-8''%E6%AD%A6%E4%B9%89%E5%8E%BF" in out.message.as_bytes()  # RFC 2231


def test_html_is_mail_client_safe(world):
    html = leader_email(world, "weekly").html
    assert "<script" not in html and "<link" not in html and "http://" not in html and "https://" not in html
    # layout rules inlined (clients that drop <style> keep the layout), cell rules as classes in the head
    assert re.search(r'<table class="page"[^>]*style="[^"]*max-width: 680px;table-layout: fixed', html)
    assert "<style" in html and "td.top {" in html and 'class="top"' in html
    assert html.count('style="') < 120
    assert "<table" in html and "位次热力图" in html


def test_same_data_renders_the_same_bytes(world):
    a, b = leader_email(world, "weekly"), leader_email(world, "weekly")
    assert a.message.as_bytes() == b.message.as_bytes()
    assert a.message_id == b.message_id


def test_xlsx_neutralises_formulas():
    from flows.brief.content.sheets import Sheet

    data = xlsx.workbook_bytes((Sheet("a/b:c", ("名称",), (("=HYPERLINK(\"x\")",), ("+1",), ("-2",), ("@x",), (3.5,))),),
                               AS_OF)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws.title == "a_b_c"
    assert [c.value for c in ws["A"]][1:] == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@x", 3.5]
    assert all(c.data_type != "f" for c in ws["A"])


def test_script_alias_is_escaped(tmp_path):
    settings = world_settings(tmp_path)
    places = settings.config_dir / "places.yaml"
    places.write_text(places.read_text(encoding="utf-8").replace(
        "short_name: 义乌,", "short_name: \"<script>alert(1)</script>\","), encoding="utf-8")
    p.make_plan(settings, "weekly", as_of=AS_OF)  # re-syncs ref.places from the changed catalog
    out = leader_email(settings, "monthly")
    assert "<script>" not in out.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out.html


def test_newline_in_a_name_cannot_inject_headers(tmp_path):
    settings = world_settings(tmp_path)
    places = settings.config_dir / "places.yaml"
    places.write_text(places.read_text(encoding="utf-8").replace(
        "name: 武义县,", "name: \"武义县\\r\\nBcc: evil@example.org\","), encoding="utf-8")
    recipients = settings.config_dir / "recipients.yaml"
    recipients.write_text(recipients.read_text(encoding="utf-8").replace(
        "name: 武义县领导", "name: \"领导\\nX-Injected: yes\""), encoding="utf-8")
    p.make_plan(settings, "weekly", as_of=AS_OF)
    out = leader_email(settings, "weekly")
    raw = out.message.as_bytes()
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["Bcc"] is None and msg["X-Injected"] is None
    assert msg["Subject"] == "【每周调度】武义县 Bcc: evil@example.org 2026年1-10月 第48周"
    head = raw.split(b"\n\n", 1)[0]
    assert b"\nBcc:" not in head and b"\nX-Injected:" not in head
    assert sorted(msg.keys()) == sorted(["Subject", "From", "To", "Date", "Message-ID", "Auto-Submitted",
                                         "X-Bipin-Kind", "X-Bipin-Period", "MIME-Version", "Content-Type"])


def test_cached_header_policy_writes_the_same_bytes_as_the_standard_one(monkeypatch):
    """delivery/message.py keeps parsed headers between emails (speed); the bytes must not change."""
    from datetime import datetime
    from email import policy

    from flows.brief.delivery import message

    def build(name):
        return message.build_message(
            subject=f"【每周调度】{name} 2026年1-10月", from_name="统计局", from_address="tjj@example.gov.cn",
            to_name=name, to_address="leader@example.gov.cn", text="正文", html="<p>正文</p>",
            msg_id=f"<{len(name)}.{ord(name[-1])}@example.gov.cn>", date=datetime(2026, 11, 29, 8), kind="weekly",
            period_key="2026-W48", png=b"\x89PNG", cid="trend@example.gov.cn", xlsx=b"PK",
            attachment_name=f"{name}周报.xlsx", attachment_fallback="bipin-weekly.xlsx").as_bytes()

    cached = [build(n) for n in ("武义", "义乌", "武义")]
    monkeypatch.setattr(message, "POLICY", policy.default)  # builds a new header class and parse each time
    standard = [build(n) for n in ("武义", "义乌", "武义")]
    assert cached == standard and cached[0] == cached[2] and cached[0] != cached[1]
