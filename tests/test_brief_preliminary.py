"""（快报数）: a value the publisher released as a first estimate is marked wherever the monthly prints it,
and the XLSX says so in a column of its own (the numbers stay numbers)."""

from __future__ import annotations

import io
from datetime import date

import duckdb
import openpyxl
from brief_world import AS_OF, NEWEST, world_settings

from flows.brief import plan as p
from flows.brief.content import leader


def monthly(settings):
    plan = p.make_plan(settings, "monthly", places=["wuyi"], as_of=AS_OF)
    (outcome,) = [p.render_for(settings, plan, r) for r in plan.recipients]
    assert outcome.status == "ready", outcome.detail
    return outcome.outgoing


def test_one_preliminary_value_is_marked_in_the_monthly_text_and_xlsx_and_nothing_else(tmp_path):
    settings = world_settings(tmp_path)
    con = duckdb.connect(str(settings.db_path))
    try:
        # 武义's 社零 of 1-10月 is a first estimate: one observation, ranked in both of its groups
        con.execute("update marts.rankings set is_preliminary = (place_code = 'wuyi' and indicator_code = 'retail' "
                    "and period = ?)", [NEWEST])
    finally:
        con.close()
    out = monthly(settings)
    text = out.message.get_body(("plain",)).get_content()
    marked = [" ".join(x.split()) for x in text.splitlines() if "快报数" in x]
    assert marked == [
        "- 社会消费品零售总额增长4.5%（快报数），低于年度目标（6.0%）1.5个百分点，11-12月需增长13.7%",
        "社会消费品零售总额增速 | 5.5%（快报数） | 5 | 4",   # one row: the value, then its rank in 全市, 山区26县
        "社会消费品零售总额增速：5.5%（快报数），义乌8.9%，低3.4个百分点（第5位对第3位）",
        "社会消费品零售总额增速：5.5%（快报数），永康7.2%，低1.7个百分点（第5位对第4位）",
    ]
    # HTML: in a sentence as in the text; in a table cell on its own line under the number (narrow columns)
    assert out.html.count("快报数") == len(marked)
    assert out.html.count('5.5%<br><span class="note">快报数</span>') == 3  # the overview table, both benchmarks
    (attachment,) = list(out.message.iter_attachments())
    wb = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))
    flagged = []
    for name in ("金华市各县（市、区）", "山区26县"):
        ws = wb[name]
        head = [c.value for c in ws[1]]
        assert head[-1] == "快报数" and ws.auto_filter.ref == f"A1:K{ws.max_row}"
        rows = [dict(zip(head, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]
        flagged += [(name, r["地区"], r["指标"]) for r in rows if r["快报数"] == "是"]
        assert all(r["快报数"] in ("是", None, "") for r in rows)
        # the estimate itself stays a number beside its flag (sortable)
        assert all(isinstance(r["比上年同期增长(%)"], float) for r in rows if r["快报数"] == "是")
    assert flagged == [("金华市各县（市、区）", "武义", "社会消费品零售总额"), ("山区26县", "武义", "社会消费品零售总额")]


def test_a_preliminary_value_entering_the_top_three_says_so_in_the_leader_block():
    period = date(2026, 10, 1)
    row = dict(period=period, place_code="wuyi", group_label="全市", indicator_name="出口总额", basis="level",
               rank=2, is_tied=False, is_top3=True, prev_rank=5, indicator_order=0, is_preliminary=True)
    entered, left = leader.entered_left([row, row | {"indicator_name": "税收收入", "is_preliminary": False,
                                                     "rank": 3, "indicator_order": 1}], "wuyi", period)
    assert entered == ("（全市）：出口总额（第2位，快报数）、税收收入（第3位）",) and left == ()
