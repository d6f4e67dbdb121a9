"""What travels beside the text: the XLSX attachment (read back with openpyxl) and the trend chart (its text)."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
from brief_world import AS_OF, world_settings
from matplotlib import font_manager
from matplotlib.text import Text
from pylopdf_fonts_zh_cn import sans_path

from flows.brief import plan as p
from flows.brief.content import collect
from flows.brief.content.trends import Chart, ChartSeries
from flows.brief.render.charts import trend_figure
from flows.config.catalog import load_catalog
from flows.warehouse.db import connect

GROUP_SHEETS = ["金华市各县（市、区）", "山区26县"]


def leader_email(settings, kind):
    plan = p.make_plan(settings, kind, places=["wuyi"], as_of=AS_OF)
    (outcome,) = [p.render_for(settings, plan, r) for r in plan.recipients]
    assert outcome.status == "ready", outcome.detail
    return outcome.outgoing


def workbook(out):
    (attachment,) = list(out.message.iter_attachments())
    return attachment, openpyxl.load_workbook(io.BytesIO(attachment.get_content()))


def test_xlsx_has_period_ytd_value_formats_and_filter(tmp_path):
    settings = world_settings(tmp_path)
    con = connect(settings.db_path)
    # the 本年累计 of Wuyi's fixed-asset investment, as ingest would have stored it
    con.execute("insert into staging.observations (file_id, place_code, indicator_code, period, value, growth_pct, "
                "loaded_at) values (1, 'wuyi', 'fai', date '2026-10-01', 123.456, 99.9, timestamp '2026-11-20 09:00')")
    growth, rank = con.execute("select metric, rank from marts.rankings where group_code = 'city_jinhua' and "
                               "period = '2026-10-01' and place_code = 'wuyi' and indicator_code = 'fai'").fetchone()
    con.close()
    _, wb = workbook(leader_email(settings, "monthly"))
    ws = wb[GROUP_SHEETS[0]]
    header = [c.value for c in ws[1]]
    assert header[:7] == ["期别", "指标", "地区", "本年累计/期末", "单位", "比上年同期增长(%)", "位次"]
    (row,) = [r for r in ws.iter_rows(min_row=2) if r[1].value == "固定资产投资" and r[2].value == "武义"]
    assert row[0].value == "2026年1-10月"
    # the ranked growth is the marts' number (not the 99.9 of the raw row); the value sits beside it
    assert (row[3].value, row[4].value, row[5].value, row[6].value) == (123.456, "亿元", growth, rank)
    assert (row[3].number_format, row[5].number_format, row[6].number_format) == ("#,##0.00", "0.0", "0")
    assert ws.auto_filter.ref == f"A1:K{ws.max_row}"
    scores = wb["综合得分"]
    assert [c.value for c in scores[1]][:4] == ["期别", "比拼组", "地区", "综合得分（百分制）"]
    assert all(r[3].number_format == "#,##0.00" for r in scores.iter_rows(min_row=2)) and scores.max_row > 2


def test_xlsx_sheet_names_and_filename_are_the_same_for_every_kind(tmp_path):
    settings = world_settings(tmp_path)
    names = {}
    for kind in ("weekly", "monthly", "quarterly"):
        out = leader_email(settings, kind)
        attachment, wb = workbook(out)
        names[kind] = wb.sheetnames
        raw = attachment.as_bytes().decode("ascii")
        # RFC 2231 for the Chinese name, and a plain ASCII name= for clients that cannot read it
        assert re.search(r"filename\*(0\*)?=utf-8''%E6%AD%A6%E4%B9%89%E5%8E%BF", raw)
        assert attachment.get_param("name") == f"bipin-{kind}-{out.period_key}-wuyi.xlsx"
        assert attachment.get_filename().startswith("武义县")
    assert names["weekly"] == names["monthly"] == names["quarterly"] == [*GROUP_SHEETS, "综合得分", "对标赶超"]


def test_the_full_benchmark_comparison_is_in_the_xlsx(tmp_path):
    """The email keeps a few rows per benchmark; the attachment has every indicator beside each one."""
    settings = world_settings(tmp_path)
    out = leader_email(settings, "weekly")
    _, wb = workbook(out)
    ws = wb["对标赶超"]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]
    assert head[:5] == ["期别", "对标", "对标地区", "比拼组", "指标"]
    per_benchmark = {(r["对标"], r["对标地区"]) for r in rows}
    assert len(per_benchmark) >= 2 and all(isinstance(r["本地"], float) for r in rows if r["本地"] is not None)
    shown = re.findall(r'<table class="data bench".*?</table>', out.html, re.S)
    assert len(shown) == len(per_benchmark) == 2
    # every one of the world's 5 indicators per benchmark in the sheet, at most 3 rows in the email
    assert all(sum(1 for r in rows if (r["对标"], r["对标地区"]) == key) == 5 for key in per_benchmark)
    assert all(1 <= table.count("<tr") - 1 <= 3 for table in shown)


def chart_texts(fig) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]


def test_chart_speaks_chinese_in_the_bundled_font():
    names = ["规上工业增加值增速", "固定资产投资增速", "工业投资增速", "社会消费品零售总额增速",
             "货物进出口总额增速", "一般公共预算收入增速", "规上服务业营业收入增速", "出口总额增速"]
    series = tuple(ChartSeries(f"code_{i}", name, (5, 4, None, 3, 2 + i % 3)) for i, name in enumerate(names))
    chart = Chart("主要指标位次走势（全市）", ("26.06", "26.07", "26.08", "26.09", "26.10"), series, 8)
    fig = trend_figure(chart)
    texts = chart_texts(fig)
    words = " ".join(t.get_text() for t in texts)
    assert all(name in words for name in names)
    assert "code_" not in words and "rank" not in words
    bundled = str(sans_path())
    assert {str(font_manager.findfont(t.get_fontproperties())) for t in texts} == {bundled}
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == len(names)  # one small panel each, no shared legend
    assert all(ax.get_ylim()[0] > ax.get_ylim()[1] for ax in panels)  # rank 1 at the top
    assert any(t.get_text() == "第4" for t in texts)  # the latest rank written beside the line


def test_weekly_chart_names_indicators_not_codes(tmp_path):
    settings = world_settings(tmp_path)
    plan = p.make_plan(settings, "weekly", places=["wuyi"], as_of=AS_OF)
    (r,) = plan.recipients
    con = connect(settings.db_path)
    try:
        b = collect.weekly_briefing(con, load_catalog(settings.config_dir), r, date(2026, 10, 1), "2026年1-10月",
                                    AS_OF)
    finally:
        con.close()
    words = " ".join(t.get_text() for t in chart_texts(trend_figure(b.context.chart)))
    assert "固定资产投资" in words and "fai" not in words
