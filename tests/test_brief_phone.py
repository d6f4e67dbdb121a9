"""Every demo email read on a phone: rendered by headless Chromium at 375 px it must not scroll sideways,
no element in it may scroll sideways inside itself, it must be short enough to read to its end (a weekly
<= 4,000 px, a monthly or quarterly <= 6,000 px), its ranking tables must read in rank order, and its
HTML must stay under Gmail's clip (~102 KB; we allow 100 KB).

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
MAX_HEIGHT = {"weekly": 4000, "monthly": 6000, "quarterly": 6000, "digest": 6000}
AS_OF = None  # now: the demo files are loaded with the real clock
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Headless Chromium keeps its window at least 500 px wide, so the email is laid out in a 375 px iframe
# (a phone's viewport); once it has loaded, its document's width is written where --dump-dom shows it.
# Besides the width: the height, and every element whose content is wider than its box while its
# overflow lets it scroll (an inner sideways scroller hides the newest columns on a phone).
FRAME = ('<!DOCTYPE html><html><body style="margin:0"><iframe id="phone" width="{w}" height="800" '
         'style="border:0" srcdoc="{doc}" onload="var d = this.contentDocument, inner = [];'
         'd.querySelectorAll(\'*\').forEach(function (e) {{ if (e.scrollWidth > e.clientWidth + 1 &amp;&amp; '
         '[\'auto\', \'scroll\'].indexOf(getComputedStyle(e).overflowX) &gt;= 0) inner.push(e.tagName); }});'
         'document.body.setAttribute(\'data-width\', d.documentElement.scrollWidth);'
         'document.body.setAttribute(\'data-height\', d.documentElement.scrollHeight);'
         'document.body.setAttribute(\'data-inner\', inner.join(\' \'))"></iframe></body></html>')


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


def measure(html: str, folder: Path) -> dict:
    """The document's width and height in px as Chromium lays it out in a 375 px wide viewport, and the
    elements that scroll sideways inside themselves."""
    page = folder / "phone.html"
    page.write_text(FRAME.format(w=PHONE_WIDTH, doc=escape(html, quote=True)), encoding="utf-8")
    profile = folder / "profile"
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
         "--hide-scrollbars", f"--window-size={PHONE_WIDTH},800", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True)
    found = re.search(r'data-width="(\d+)" data-height="(\d+)" data-inner="([^"]*)"', done.stdout)
    assert found, f"no measure in Chromium's DOM: {done.stdout[:300]} {done.stderr[-300:]}"
    return {"width": int(found.group(1)), "height": int(found.group(2)), "inner": found.group(3).split()}


def page_width(html: str, folder: Path) -> int:
    return measure(html, folder)["width"]


@pytest.fixture(scope="module")
def measured(demo_emails, tmp_path_factory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("measure")
    return {name: measure(html, folder) for name, html in demo_emails.items()}


def test_every_kind_and_recipient_is_rendered(demo_emails):
    kinds = {name.split("-")[0] for name in demo_emails}
    assert kinds == {"weekly", "monthly", "quarterly", "digest"}
    assert len(demo_emails) >= 9


def test_no_email_scrolls_sideways_at_phone_width(measured):
    too_wide = {name: m["width"] for name, m in measured.items() if m["width"] > PHONE_WIDTH}
    assert not too_wide, f"wider than {PHONE_WIDTH}px: {too_wide}"


def test_nothing_scrolls_sideways_inside_an_email(measured):
    """The heat map used to scroll inside its box with the newest months off-screen."""
    inner = {name: m["inner"] for name, m in measured.items() if m["inner"]}
    assert not inner, f"elements scrolling sideways inside: {inner}"


def test_every_email_reads_to_its_end_in_a_few_phone_screens(measured):
    too_tall = {name: m["height"] for name, m in measured.items() if m["height"] > MAX_HEIGHT[name.split("-")[0]]}
    assert not too_tall, f"too tall at {PHONE_WIDTH}px: {too_tall} (limits {MAX_HEIGHT})"


def test_the_probe_sees_an_inner_scroller_and_a_tall_page(tmp_path):
    m = measure('<html><body><div style="width:300px;overflow-x:auto"><table width="700"><tr><td>x</td></tr>'
                '</table></div><div style="height:5000px"></div></body></html>', tmp_path)
    assert m["inner"] == ["DIV"] and m["height"] >= 5000


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


RANK = re.compile(r"^(并列)?第(\d+)位$")


def ranking_tables(html: str) -> dict[str, list[list[str]]]:
    """Title -> rows (cells as text) of every ranking table in an email: 第一方阵, 综合得分与排名, 前三指标数."""
    out = {}
    for title, body in re.findall(r"<h3[^>]*>([^<]*)</h3>\s*<div[^>]*>\s*<table[^>]*>(.*?)</table>", html, re.S):
        if title.startswith(("第一方阵", "综合得分与排名", "前三指标数")):
            out[title] = [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
                          for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)[1:]]
    return out


def test_ranking_tables_read_in_rank_order(demo_emails):
    """第一方阵 and 综合得分与排名 by composite rank; 前三指标数 by the count (then first places), most first;
    places tied on those in official (division-code) order; in every email that has them."""
    division = {p.short_name: p.division_code for p in load_catalog(ROOT / "config").places}
    seen = 0
    for name, html in demo_emails.items():
        for title, rows in ranking_tables(html).items():
            seen += 1
            if title.startswith("前三指标数"):
                rows = rows[:10] if "本地" in title else rows  # a cut table ends with the focus place
                keys = [(-int(r[1]), -int(r[3])) for r in rows]
            else:
                keys = [(int(RANK.match(r[1]).group(2)),) for r in rows]
            ordered = [(*k, division[r[0]]) for k, r in zip(keys, rows, strict=True)]
            assert ordered == sorted(ordered), (name, title, rows)
    assert seen >= 10


def test_the_quarterly_gives_the_province_rank_whatever_the_subscription(demo_emails):
    """武义's leader subscribes to 全市 and 山区26县 only; the seed's headline ranks it in 全省 first."""
    html = demo_emails["quarterly-leader@wuyi.example.gov.cn"]
    assert re.search(r"地区生产总值(增长|下降)\d+\.\d%，增速全省(并列)?第\d+位、全市(并列)?第\d+位、山区26县(并列)?第\d+位", html)


def test_the_chart_is_drawn_for_the_width_it_is_shown_at(demo_emails):
    """Its <img> is as wide as the figure was drawn, so 9 pt text is 12.5 CSS px on the phone (>= 12)."""
    from flows.brief.render import charts

    html = demo_emails["weekly-leader@wuyi.example.gov.cn"]
    assert f'width="{charts.DISPLAY_WIDTH}"' in html and charts.DISPLAY_WIDTH <= PHONE_WIDTH - 28
    assert charts.FIG_WIDTH_IN * 100 == charts.DISPLAY_WIDTH


def test_every_chart_text_is_at_least_12_css_px_and_the_newest_point_is_labelled():
    from matplotlib.text import Text

    from flows.brief.content.trends import Chart, ChartSeries
    from flows.brief.render import charts

    chart = Chart("主要指标增速位次走势（全市）", ("25.11", "25.12", "26.10"),
                  (ChartSeries("a", "规上服务业营业收入", (5, 3, 2)), ChartSeries("b", "固定资产投资", (1, None, 4))), 9)
    fig = charts.trend_figure(chart)
    texts = [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]
    assert texts and min(t.get_fontsize() for t in texts) * charts.CSS_PX_PER_PT >= 12
    assert {t.get_text() for t in texts} >= {"规上服务业营业收入", "固定资产投资", "第2", "第4", "25.11", "26.10"}
    assert fig.get_figwidth() * 100 == charts.DISPLAY_WIDTH
