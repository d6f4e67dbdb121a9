"""Guard problems are said twice: English in the plan, logs and the flow's failure, Chinese in the digest."""

from __future__ import annotations

import re

import duckdb
from brief_world import AS_OF, world_settings

from flows.brief import operators
from flows.brief import plan as p
from flows.brief.bilingual import zh
from flows.brief.delivery.outcome import SendResult
from flows.brief.flow import failure_message

HAN = re.compile(r"[\u4e00-\u9fff]")


def sql(settings, statement: str) -> None:
    con = duckdb.connect(str(settings.db_path))
    try:
        con.execute(statement)
    finally:
        con.close()


def digest_of(settings, plan: p.Plan) -> tuple[str, str]:
    (out,) = operators.digests_for(settings, plan, [])
    return out.message.get_body(("plain",)).get_content(), out.html


def failure_of(plan: p.Plan) -> str:
    blocked = [SendResult(r.email, r.name, "blocked", "; ".join(plan.problems)) for r in plan.recipients]
    return failure_message(plan.kind, list(plan.problems), blocked)


def test_a_stale_warehouse_is_told_in_chinese_to_operators_and_in_english_to_the_logs(tmp_path):
    settings = world_settings(tmp_path)
    sql(settings, "delete from marts.periods where period > '2026-06-01'; "
                  "delete from marts.rankings where period > '2026-06-01'")
    plan = p.make_plan(settings, "monthly", as_of=AS_OF)
    text, html = digest_of(settings, plan)
    line = ("数据滞后：月度数据最新完整期为2026年1-6月，2026年1-9月应于2026-11-14前发布（期末后45天，"
            "settings 的 release_lag_days.monthly）：请导入新发布的数据")
    assert f"  - {line}\n  - 因此没有发送简报" in text
    assert line in html
    for english in ("stale data", "was due by", "load the newer releases", "before briefing leaders"):
        assert english not in text and english not in html
    failure = failure_of(plan)
    assert failure.startswith("monthly briefing: stale data: the newest complete monthly period is 2026年1-6月, "
                              "but 2026年1-9月 was due by 2026-11-14")
    assert "数据滞后" not in failure and "请导入" not in failure


def test_missing_marts_are_told_in_chinese_with_the_command_kept(tmp_path):
    settings = world_settings(tmp_path)
    sql(settings, "drop table marts.streaks")
    plan = p.make_plan(settings, "weekly", as_of=AS_OF)
    text, _ = digest_of(settings, plan)
    assert "  - 排名结果表尚未生成（缺少 marts.streaks）：请先运行 `bipin rank`\n" in text
    assert "rank marts" not in text and "missing" not in text and "first" not in text
    failure = failure_of(plan)
    assert failure.startswith("weekly briefing: the rank marts are not built (marts.streaks missing): "
                              "run `bipin rank` first; nothing sent to ")
    assert not HAN.search(failure.split("nothing sent to")[0])


def test_every_guard_has_a_chinese_line(tmp_path):
    settings = world_settings(tmp_path)
    asked = p.make_plan(settings, "monthly", period="2026-11", as_of=AS_OF).problems
    assert asked == ("no ranked data for period 2026-11 in the marts",)
    assert zh(asked[0]) == "排名结果中没有2026-11期的数据：请检查该期数据是否已导入并运行 `bipin rank`"
    sql(settings, "delete from marts.rankings; delete from marts.periods")
    (empty,) = p.make_plan(settings, "weekly", as_of=AS_OF).problems
    assert zh(empty) == "排名结果表为空，尚未计算任何排名：请导入数据文件并运行 `bipin rank`"
    assert not HAN.search(empty)
