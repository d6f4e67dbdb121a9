"""Every demo email read on a phone: rendered by headless Chromium at 375 px it must not scroll sideways,
and its HTML must stay under Gmail's clip (~102 KB; we allow 100 KB).

The warehouse is the real demo's (demo files -> ingest -> rank, the plain functions the flows call), so
the 90-county province group and the 22 mountain counties are in it; every kind goes to every demo
recipient who gets it, and the operators get the digest. Needs Debian's chromium (.ci/run installs it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from html import escape
from pathlib import Path

import pytest

from flows.brief import operators
from flows.brief import plan as p
from flows.config.catalog import load_catalog
from flows.config.settings import load_settings
from flows.demo.inbox import write_demo_inbox
from flows.ingest.pipeline import discover, ingest_paths
from flows.rank import marts
from flows.warehouse.db import connect, sync_catalog
from tests.conftest import ROOT

PHONE_WIDTH = 375
MAX_HTML_BYTES = 100 * 1024
AS_OF = None  # now: the demo files are loaded with the real clock
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Headless Chromium keeps its window at least 500 px wide, so the email is laid out in a 375 px iframe
# (a phone's viewport); once it has loaded, its document's width is written where --dump-dom shows it.
FRAME = ('<!DOCTYPE html><html><body style="margin:0"><iframe id="phone" width="{w}" height="800" '
         'style="border:0" srcdoc="{doc}" onload="document.body.setAttribute(\'data-width\', '
         'this.contentDocument.documentElement.scrollWidth)"></iframe></body></html>')


@pytest.fixture(scope="module")
def demo_emails(tmp_path_factory) -> dict[str, str]:
    """name -> HTML of every email the demo sends for one week, month and quarter."""
    home = tmp_path_factory.mktemp("phone")
    config = home / "config"
    shutil.copytree(ROOT / "config", config)
    settings = load_settings(config, home / "bipin.duckdb", home)
    catalog = load_catalog(config)
    settings.inbox.mkdir(parents=True, exist_ok=True)
    write_demo_inbox(catalog, settings.inbox, date(2026, 10, 1))
    ingest_paths(settings, catalog, discover(None, settings))
    con = connect(settings.db_path)
    try:
        sync_catalog(con, catalog)
        marts.build(con, full=True)
    finally:
        con.close()
    emails = {}
    for kind in ("weekly", "monthly", "quarterly"):
        plan = p.make_plan(settings, kind, as_of=AS_OF)
        assert not plan.problems, plan.problems
        for r in plan.recipients:
            out = p.render_for(settings, plan, r)
            assert out.outgoing is not None, out.detail
            emails[f"{kind}-{r.email}"] = out.outgoing.html
    plan = p.make_plan(settings, "digest", as_of=AS_OF)
    for out in operators.digests_for(settings, plan, []):  # the day's digest: every section it has
        emails[f"digest-{out.email}"] = out.html
    return emails


def page_width(html: str, folder: Path) -> int:
    """The document's width in px as Chromium lays it out in a 375 px wide viewport."""
    page = folder / "phone.html"
    page.write_text(FRAME.format(w=PHONE_WIDTH, doc=escape(html, quote=True)), encoding="utf-8")
    profile = folder / "profile"
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
         "--hide-scrollbars", f"--window-size={PHONE_WIDTH},800", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True)
    found = re.search(r'data-width="(\d+)"', done.stdout)
    assert found, f"no width in Chromium's DOM: {done.stdout[:300]} {done.stderr[-300:]}"
    return int(found.group(1))


def test_every_kind_and_recipient_is_rendered(demo_emails):
    kinds = {name.split("-")[0] for name in demo_emails}
    assert kinds == {"weekly", "monthly", "quarterly", "digest"}
    assert len(demo_emails) >= 9


def test_no_email_scrolls_sideways_at_phone_width(demo_emails, tmp_path):
    widths = {name: page_width(html, tmp_path) for name, html in demo_emails.items()}
    too_wide = {name: w for name, w in widths.items() if w > PHONE_WIDTH}
    assert not too_wide, f"wider than {PHONE_WIDTH}px: {too_wide}"


def test_the_probe_sees_a_wide_page(tmp_path):
    """The measurement itself: a 700 px table makes the document 700 px wide."""
    assert page_width('<html><body><table width="700"><tr><td>x</td></tr></table></body></html>', tmp_path) >= 700


def test_every_email_stays_under_the_clip(demo_emails):
    sizes = {name: len(html.encode("utf-8")) for name, html in demo_emails.items()}
    too_big = {name: n for name, n in sizes.items() if n > MAX_HTML_BYTES}
    assert not too_big, f"over {MAX_HTML_BYTES} bytes: {too_big}"


def test_the_leader_block_comes_first_and_names_both_benchmarks(demo_emails):
    """What a leader needs survives the diet: the answer first, the benchmark lines, no file detail."""
    for kind in ("weekly", "monthly"):
        html = demo_emails[f"{kind}-leader@wuyi.example.gov.cn"]
        lead = html.index("一、要点")
        assert lead < html.index("二、")
        assert "学义乌（全市）" in html and "超天台（山区26县）" in html
        assert html.index("学义乌") < html.index("二、")
        assert "项数值" not in html and "synthetic_" not in html and "来源：" not in html
        assert "山区26县（现22县）" in html


def test_no_heading_is_followed_by_a_second_colon(demo_emails):
    """学习标杆：义乌：... read as a stutter: a colon never comes a few characters after another."""
    for name, html in demo_emails.items():
        assert not re.search(r"：[^：<>\n]{0,10}：", html), name


def test_section_numbers_run_without_gaps(demo_emails):
    numerals = "一二三四五六七八九十"
    for name, html in demo_emails.items():
        found = re.findall(r"<h2[^>]*>([一二三四五六七八九十]+)、", html)
        assert found == list(numerals[:len(found)]), (name, found)
