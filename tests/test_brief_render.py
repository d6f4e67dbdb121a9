"""Rendering and message building: golden files per kind, escaping, the XLSX, headers, Message-ID.

Golden files live in tests/golden/; BIPIN_UPDATE_GOLDEN=1 rewrites them (review the diff).
"""

from __future__ import annotations

import io
import os
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
