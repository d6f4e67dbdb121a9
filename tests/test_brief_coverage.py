"""Briefings and partial or stale data (docs/RULES.md 11-13): the newest complete period per recipient's
groups, a one-line note when a newer one is partial, the digest naming who has not reported, （快报数）,
and no briefing at all when the newest complete period is older than the release calendar allows."""

from __future__ import annotations

import duckdb
from brief_world import AS_OF, NEWEST, PERIODS, world_settings

from flows.brief import operators
from flows.brief import plan as p
from flows.brief.content import wording as w


def sql(settings, statement: str, params: list | None = None):
    con = duckdb.connect(str(settings.db_path))
    try:
        con.execute(statement, params or [])
    finally:
        con.close()


def make_partial(settings, group: str, keep: tuple[str, ...]) -> None:
    """What rank leaves for a group whose newest period arrived for `keep` only: their rows, unpublished."""
    where = "group_code = ? and period = ?"
    sql(settings, f"delete from marts.rankings where {where} and not list_contains(?, place_code)",
        [group, NEWEST, list(keep)])
    sql(settings, f"update marts.rankings set is_complete = false where {where}", [group, NEWEST])
    sql(settings, f"update marts.periods set is_complete = false, n_reported = ?, pub_idx = null where {where}",
        [len(keep), group, NEWEST])
    for view in ("top3_counts", "scorecards", "benchmark_gaps"):
        sql(settings, f"delete from marts.{view} where {where}", [group, NEWEST])


def text_of(outgoing) -> str:
    return outgoing.message.get_body(("plain",)).get_content()


def briefing(settings, kind: str, email: str):
    plan = p.make_plan(settings, kind, recipients=[email], as_of=AS_OF)
    assert plan.problems == ()
    outcome = p.render_for(settings, plan, plan.recipients[0])
    assert outcome.status == "ready", outcome.detail
    return outcome.outgoing


def test_wording_of_coverage_and_preliminary_numbers():
    assert w.coverage_note("全省", "1-11月", 9, 90) == "全省1-11月数据尚未发布齐（已到9/90）"
    assert w.coverage_note("全省", "1-11月", 85, 90, n_complete=30) == "全省1-11月部分指标数据尚未发布齐（最多已到85/90）"
    assert w.preliminary_mark(True) == "（快报数）"
    assert w.preliminary_mark(True, in_brackets=True) == "，快报数"
    assert w.preliminary_mark(False) == ""


def test_a_partial_group_is_left_out_with_one_line(tmp_path):
    settings = world_settings(tmp_path)
    make_partial(settings, "mountain26", ("wuyi", "jingning"))
    weekly = briefing(settings, "weekly", "leader@wuyi.example.gov.cn")
    text = text_of(weekly)
    assert weekly.subject.startswith("【每周调度】武义县 2026年1-10月")
    assert "提示：山区26县1-10月数据尚未发布齐（已到2/5）" in text
    assert "山区26县1-10月数据尚未发布齐（已到2/5）" in weekly.html
    assert "居全市前三" in text and "居山区26县前三" not in text  # no claim from two of five counties
    monthly = briefing(settings, "monthly", "leader@wuyi.example.gov.cn")
    assert "提示：山区26县1-10月数据尚未发布齐（已到2/5）" in text_of(monthly)
    assert "山区26县（现5县）排位" not in text_of(monthly) and "、全市排位" in text_of(monthly)


def test_a_recipient_whose_groups_are_partial_gets_their_newest_complete_period(tmp_path):
    settings = world_settings(tmp_path)
    make_partial(settings, "city_jinhua", ("wuyi", "yiwu"))  # the mountain group's 1-10月 is complete
    weekly = briefing(settings, "weekly", "fgj@yiwu.example.gov.cn")  # 义乌 is ranked in the city only
    assert weekly.subject.startswith("【每周调度】义乌市 2026年1-9月")
    assert PERIODS[-2].month == 9
    assert "提示：全市1-10月数据尚未发布齐（已到2/5）" in text_of(weekly)


def test_the_digest_names_who_has_not_reported(tmp_path):
    settings = world_settings(tmp_path)
    make_partial(settings, "mountain26", ("wuyi", "jingning"))
    plan = p.make_plan(settings, "digest", as_of=AS_OF)
    (digest,) = operators.digests_for(settings, plan, [])
    assert "山区26县2026年1-10月数据尚未发布齐（已到2/5），未到：浦江、磐安、遂昌" in text_of(digest)


def test_preliminary_numbers_are_marked(tmp_path):
    settings = world_settings(tmp_path)
    sql(settings, "update marts.rankings set is_preliminary = true where place_code = 'wuyi' and indicator_code in "
                  "('fai', 'retail') and group_code = 'city_jinhua' and period = ?", [NEWEST])
    text = text_of(briefing(settings, "weekly", "leader@wuyi.example.gov.cn"))
    (line,) = [x for x in text.splitlines() if "【全市" in x]
    assert "第2位：固定资产投资增速（快报数）、出口总额" in line
    # and the value itself wherever it is printed: beside each benchmark it is compared with (the weekly
    # shows the rows behind: 社零 is the largest gap to 义乌 and the nearest to overtake 永康)
    assert [x.strip() for x in text.splitlines() if "快报数" in x and "【全市" not in x] == [
        "- 社会消费品零售总额增长4.5%（快报数），低于年度目标（6.0%）1.5个百分点，11-12月需增长13.7%",
        "社会消费品零售总额增速：5.5%（快报数），义乌8.9%，低3.4个百分点（第5位对第3位）",
        "社会消费品零售总额增速：5.5%（快报数），永康7.2%，低1.7个百分点（第5位对第4位）"]


def test_a_stale_period_stops_leaders_briefings_and_tells_operators(tmp_path):
    settings = world_settings(tmp_path)
    # data up to 1-6月, loaded recently: on 2026-11-23, 1-9月 (due 2026-11-14) should be out
    sql(settings, "delete from marts.periods where period > '2026-06-01'")
    sql(settings, "delete from marts.rankings where period > '2026-06-01'")
    plan = p.make_plan(settings, "weekly", as_of=AS_OF)
    assert plan.problems == (
        "stale data: the newest complete monthly period is 2026年1-6月, but 2026年1-9月 was due by 2026-11-14 "
        "(45 days after its end, settings release_lag_days.monthly): load the newer releases (the digest names "
        "the members still missing) before briefing leaders",)
    (digest,) = operators.digests_for(settings, plan, [])
    assert ("数据滞后：月度数据最新完整期为2026年1-6月，2026年1-9月应于2026-11-14前发布（期末后45天，"
            "settings 的 release_lag_days.monthly）：请导入新发布的数据") in text_of(digest)
    assert "stale data" not in text_of(digest)
    # a longer lag in settings.yaml makes the same data current; naming a period asks for it on purpose
    with open(settings.config_dir / "settings.yaml", "a", encoding="utf-8") as f:
        f.write("release_lag_days: {monthly: 150}\n")
    settings = settings.with_overrides(config_dir=settings.config_dir)  # config is read once per Settings
    assert p.make_plan(settings, "weekly", as_of=AS_OF).problems == ()


def test_a_bad_release_lag_names_the_file_and_key(tmp_path):
    from tests.conftest import settings_file

    _, problems = settings_file(tmp_path, "release_lag_days: {monthly: -5}\n")
    assert problems == [f"{tmp_path / 'settings.yaml'}: release_lag_days.monthly: "
                        "Input should be greater than or equal to 0"]
    parsed, _ = settings_file(tmp_path, "timezone: Asia/Shanghai\n")
    assert parsed.release_lag_days.model_dump() == {"monthly": 45, "quarterly": 60}
