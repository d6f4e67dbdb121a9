"""The operators' digest: problems first, in Chinese, with names; one a day; none for a clean run."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
from brief_world import AS_OF, world_settings
from test_brief_coverage import make_partial

from flows.brief import operators
from flows.brief import plan as p
from flows.brief.content import digest
from flows.brief.content import digest_wording as dw
from flows.brief.delivery.outcome import SendResult

NAMES = dw.Names({"wuyi": "武义", "fai": "固定资产投资"})


def sql(settings, statement, params=()):
    con = duckdb.connect(str(settings.db_path))
    try:
        return con.execute(statement, params).fetchall()
    finally:
        con.close()


def text_of(out) -> str:
    return out.message.get_body(("plain",)).get_content()


def test_rejected_files_carry_chinese_reasons_and_unknown_codes_keep_their_message():
    files = [dict(file_id=1, file_name="bad.csv", status="rejected")]
    messages = [dict(file_id=1, severity="error", code="unknown_place", sheet=None, row_number=r, column_name="A",
                     message="place 武义新区 is not in places.yaml") for r in (7, 9, 11, 12)]
    messages.append(dict(file_id=1, severity="error", code="period_contradiction", sheet="Sheet1", row_number=None,
                         column_name=None, message="title says 2026-10 but wuyi fai says 2026-09"))
    (line,) = digest.rejected_lines(files, messages, NAMES)
    assert line == ("bad.csv：有地区名称不在地名表中（在 config/places.yaml 中加为别名）（第7行A列、第9行A列、第11行A列等4处）；"
                    "title says 2026-10 but 武义 固定资产投资 says 2026-09（表Sheet1）")


def test_problems_come_first_in_a_fixed_order_and_others_categories_after():
    files = [dict(file_id=1, file_name="bad.csv", status="rejected", source_code=None, n_observations=0, n_revised=0),
             dict(file_id=2, file_name="ok.xlsx", status="loaded", source_code="s", n_observations=50, n_revised=2)]
    results = [SendResult("a@x.org", "甲", "sent"), SendResult("b@x.org", "乙", "uncertain", "connection lost")]
    ctx = digest.digest_context(
        "运维摘要", AS_OF - timedelta(days=1), AS_OF, files, [], results,
        [digest.Problem("implausible", "可疑数值", ("武义 出口总额增速 900%",)),
         digest.problem("stale", ["2026年1-9月（月度累计数据）应于2026-10-25前到达，尚未收到"]),
         digest.problem("partial", ["山区26县2026年1-10月数据尚未发布齐（已到2/5），未到：浦江、磐安、遂昌"])],
        NAMES, {"s": "金华市统计局"})
    assert [x.category for x in ctx.problems] == ["rejected", "partial", "stale", "failed_sends", "implausible"]
    assert ctx.problems[3].lines == ("乙 <b@x.org>：状态不明（未确认是否送达，不会自动重发），connection lost",)
    assert ctx.sources == ("未识别来源：拒收1个", "金华市统计局：入库1个文件（50项数值，修订2项）")
    from flows.brief.render.html import render

    text = render("digest", ctx, "【运维摘要】").text
    heads = ["拒收的文件", "数据不全的比拼组", "数据过期或未到", "未送达或未确认的简报", "可疑数值", "简报发送情况",
             "收到的文件（按来源）", "警告"]
    assert [text.index(h) for h in heads] == sorted(text.index(h) for h in heads)


def test_daily_digest_names_places_and_groups_not_codes(tmp_path):
    settings = world_settings(tmp_path)
    sql(settings, "update raw.files set loaded_at = '2026-11-22 14:00' where file_id = 21")  # within the day
    sql(settings, "insert into raw.file_messages values (21, 'warning', 'growth_out_of_range', 'Sheet1', 9, 'C', "
                  "'wuyi / fai / 2026-09: growth 99.0% is outside -50..80')")
    make_partial(settings, "mountain26", ("wuyi", "jingning"))
    plan = p.make_plan(settings, "digest", as_of=AS_OF)
    (out,) = operators.digests_for(settings, plan, [])
    text = text_of(out)
    assert out.subject == "【运维摘要】2026-11-23" and out.period_key == "2026-11-23"
    assert "synthetic_zhejiang_wide_202610_bad.csv：有地区名称不在地名表中" in text
    assert "unknown_place" not in text
    assert "增速超出合理范围（请核对原表）：1条，如 synthetic_jinhua_wide_202609_revised.xlsx 表Sheet1第9行C列：武义 / 固定资产投资" in text
    assert "【需处理】数据不全的比拼组\n  - 山区26县2026年1-10月数据尚未发布齐（已到2/5），未到：浦江、磐安、遂昌" in text
    assert text.index("拒收的文件") < text.index("数据不全的比拼组") < text.index("收到的文件（按来源）")


def test_one_digest_a_day_across_two_runs(tmp_path):
    settings = world_settings(tmp_path)
    first = p.make_plan(settings, "digest", as_of=AS_OF)
    sent = p.deliver(settings, operators.digests_for(settings, first, []), False, False)
    assert [r.status for r in sent] == ["sent"]
    later = p.make_plan(settings, "digest", as_of=AS_OF + timedelta(hours=3))
    assert operators.digests_for(settings, later, []) == []  # the day's digest is out; nothing went wrong
    assert sql(settings, "select kind, period_key, status from delivery.send_ledger") == [("digest", "2026-11-23", "sent")]
    assert len(list((settings.outbox / "digest").rglob("*.eml"))) == 1
    tomorrow = p.make_plan(settings, "digest", as_of=AS_OF + timedelta(days=1))
    assert [o.period_key for o in operators.digests_for(settings, tomorrow, [])] == ["2026-11-24"]


def test_a_clean_run_sends_no_digest_and_a_failure_is_told_once(tmp_path):
    settings = world_settings(tmp_path)
    plan = p.make_plan(settings, "weekly", as_of=AS_OF)
    results = p.deliver(settings, [p.render_for(settings, plan, r).outgoing for r in plan.recipients], False, False)
    assert {r.status for r in results} == {"sent"}
    assert operators.digests_for(settings, plan, results) == []
    failed = [*results, SendResult("x@example.org", "某局", "failed_permanent", "550 5.1.1 Mailbox unavailable")]
    (out,) = operators.digests_for(settings, plan, failed)
    assert out.period_key.startswith("2026-11-23-problems-")
    assert "某局 <x@example.org>：发送失败（永久），550 5.1.1 Mailbox unavailable" in text_of(out)
    assert [r.status for r in p.deliver(settings, [out], False, False)] == ["sent"]
    # the same failure met again that day (a rerun, another kind): the same key, not mailed twice
    again = p.make_plan(settings, "monthly", as_of=datetime(2026, 11, 23, 9, 0))
    (repeat,) = operators.digests_for(settings, again, failed)
    assert repeat.period_key == out.period_key
    assert [r.status for r in p.deliver(settings, [repeat], False, False)] == ["skipped"]


def test_a_recipient_whose_place_has_no_ranks_is_a_problem_of_its_own(tmp_path):
    from flows.config.recipients import Recipient

    settings = world_settings(tmp_path)
    plan = p.make_plan(settings, "weekly", as_of=AS_OF)
    # a place outside its group is refused by `catalog check` (tests/test_config_one.py); should one get
    # through, the render guard still names it
    city = Recipient(name="金华市领导", email="city@example.gov.cn", place="jinhua", groups=("city_jinhua",))
    outcome = p.render_for(settings, plan, city)
    blank = SendResult(outcome.email, outcome.name, outcome.status, outcome.detail)
    assert blank.detail.startswith("not sent: 金华市 has no ranked indicator")  # logs and Prefect: English
    (out,) = operators.digests_for(settings, plan, [blank])
    assert "金华市领导 <city@example.gov.cn>：未发送，金华市2026年1-10月没有参加排位的指标\n" in text_of(out)
    assert "not sent" not in text_of(out)


def test_held_back_groups_sharing_a_label_are_named_in_full():
    def held(label, name, missing):
        return dict(period=datetime(2026, 11, 1).date(), group_label=label, group_name=name, n_reported=8,
                    n_members=9, n_complete=1, missing_names=[missing])
    lines = digest.partial_lines([held("全市", "杭州市各县（市、区）", "余杭"), held("全市", "衢州市各县（市、区）", "龙游"),
                                  held("山区26县", "山区海岛县", "龙游")])
    # two cities' 全市 would read as one group to the operators; a label only one group has stays short
    assert lines == ("杭州市各县（市、区）2026年1-11月部分指标数据尚未发布齐（最多已到8/9），未到：余杭",
                     "衢州市各县（市、区）2026年1-11月部分指标数据尚未发布齐（最多已到8/9），未到：龙游",
                     "山区26县2026年1-11月部分指标数据尚未发布齐（最多已到8/9），未到：龙游")
