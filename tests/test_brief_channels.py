"""Work-group robots (DingTalk, WeCom, Feishu) against fake platforms on 127.0.0.1 (chat_robots.py) that
check the signature and timestamp window as each documents and answer with its JSON."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, replace
from types import SimpleNamespace

import pytest
from brief_world import AS_OF, world_settings
from chat_robots import SECRET, SEND, TOKEN, Robots, channel_yaml, ledger_row

from flows.brief import plan as p
from flows.brief.content.chat import chat_text
from flows.brief.content.leader import LeaderBlock
from flows.brief.delivery import webhook
from flows.brief.delivery.post import deliver_posts
from flows.brief.render.chat import LIMITS, body, fitted, size
from flows.config.channels import Channel
from flows.config.check import check_config
from flows.config.delivery import load_delivery_config
from flows.warehouse.db import connect


@pytest.fixture(autouse=True)
def robot_env(monkeypatch):
    monkeypatch.setenv("BIPIN_TEST_ROBOT_TOKEN", TOKEN)
    monkeypatch.setenv("BIPIN_TEST_ROBOT_SECRET", SECRET)


def robot_world(tmp_path, robots, kind="dingtalk", extra="", delivery=SEND):
    settings = world_settings(tmp_path, delivery)
    recipients = settings.config_dir / "recipients.yaml"
    recipients.write_text(recipients.read_text(encoding="utf-8") + "channels:\n" + channel_yaml(robots, kind, extra=extra),
                          encoding="utf-8")
    return settings


def rendered(settings, kind="weekly"):
    plan = p.make_plan(settings, kind, as_of=AS_OF)
    return [p.render_for(settings, plan, c).outgoing for c in plan.channels]


def post(settings, items, resend=False, sleeps=None):
    con = connect(settings.db_path)
    try:
        return deliver_posts(items, load_delivery_config(settings.config_dir), con, settings.outbox, resend=resend,
                             sleep=(sleeps if sleeps is not None else []).append)
    finally:
        con.close()


@pytest.mark.parametrize("kind", ["dingtalk", "wecom", "feishu"])
def test_each_platform_takes_the_signed_post_once(tmp_path, kind):
    with Robots() as robots:
        settings = robot_world(tmp_path, robots, kind)
        items = rendered(settings)
        first = post(settings, items)
        again = post(settings, items)
    assert [r.status for r in first] == ["sent"] and [r.status for r in again] == ["skipped"]
    assert [k for k, _ in robots.posts] == [kind]  # the rerun posted nothing
    body = robots.posts[0][1]
    text = json.dumps(body, ensure_ascii=False)
    assert "【每周调度】武义县 2026年1-10月 第48周" in text
    assert "1-10月5项指标中3项居全市前三，与上月持平" in text
    assert "完整简报已通过邮件发送（附件：武义县2026年1-10月比拼数据.xlsx）" in text
    assert ledger_row(settings, f"{kind}:wuyi-leaders").status == "sent"


def test_the_post_says_what_the_email_says(tmp_path):
    with Robots() as robots:
        settings = robot_world(tmp_path, robots)
    plan = p.make_plan(settings, "monthly", as_of=AS_OF)
    email = p.render_for(settings, plan, plan.recipients[0]).outgoing.message.get_body(("plain",)).get_content()
    markdown = p.render_for(settings, plan, plan.channels[0]).outgoing.body["markdown"]["text"]
    for line in ("1-10月5项指标中4项居山区26县（现5县）前三，比上月增加1项", "新进前三（全市）：出口总额（第2位）",
                 "跌出前三（全市）：规上工业增加值增速（第4位）", "3项目标指标中1项快于序时进度，2项慢于序时进度",
                 "超永康（全市）：5项指标中武义领先3项、落后1项"):
        assert line in email and line in markdown
    assert "争进位" in markdown and "通报数据.xlsx" in markdown


@pytest.mark.parametrize("kind, code", [("dingtalk", "310000"), ("feishu", "19021")])
def test_a_wrong_secret_fails_with_the_platforms_code_and_is_not_retried(tmp_path, monkeypatch, kind, code):
    monkeypatch.setenv("BIPIN_TEST_ROBOT_SECRET", "SECnot-the-robots-secret")
    with Robots() as robots:
        settings = robot_world(tmp_path, robots, kind)
        (result,) = post(settings, rendered(settings))
    assert result.status == "failed_permanent"
    assert f"{kind} errcode {code}: sign" in result.detail and "secret_env" in result.detail
    assert len(robots.requests) == 1 and robots.posts == []


@pytest.mark.parametrize("kind", ["dingtalk", "feishu"])
def test_a_clock_two_hours_off_is_outside_the_window(tmp_path, kind):
    with Robots() as robots:
        settings = robot_world(tmp_path, robots, kind)
        (item,) = rendered(settings)
        with webhook.httpx.Client(timeout=5) as client:
            with pytest.raises(webhook.PostFailure) as failed:
                webhook.post_once(client, item.channel, TOKEN, SECRET, item.body, webhook.Attempt(),
                                  clock=lambda: time.time() - 7200)
            webhook.post_once(client, item.channel, TOKEN, SECRET, item.body, webhook.Attempt(),
                              clock=lambda: time.time() - 600)  # ten minutes off: inside the hour
    assert failed.value.permanent and not failed.value.rate_limited
    assert len(robots.posts) == 1


@pytest.mark.parametrize("kind, code", [("dingtalk", "130101"), ("wecom", "45009"), ("feishu", "11232")])
def test_a_rate_limit_is_retried_after_the_platforms_wait(tmp_path, kind, code):
    with Robots() as robots:
        robots.script = ["rate", "rate"]
        settings = robot_world(tmp_path, robots, kind)
        sleeps = []
        (result,) = post(settings, rendered(settings), sleeps=sleeps)
    assert result.status == "sent"
    assert sleeps == [120.0, 240.0]  # delivery.chat.rate_limit_wait_s, doubling
    assert len(robots.requests) == 3 and len(robots.posts) == 1
    assert ledger_row(settings, f"{kind}:wuyi-leaders").attempts == 3


def test_a_gateway_error_is_retried_with_the_backoff(tmp_path):
    with Robots() as robots:
        robots.script = ["500"]
        settings = robot_world(tmp_path, robots)
        sleeps = []
        (result,) = post(settings, rendered(settings), sleeps=sleeps)
    assert result.status == "sent" and sleeps == [0.01] and len(robots.posts) == 1


def test_a_lost_reply_is_uncertain_and_never_posted_again_without_resend(tmp_path):
    with Robots() as robots:
        robots.script = ["drop"]
        settings = robot_world(tmp_path, robots)
        items = rendered(settings)
        (lost,) = post(settings, items)
        (held,) = post(settings, items)
        assert len(robots.requests) == 1
        (resent,) = post(settings, items, resend=True)
    assert lost.status == "uncertain" and "check the group chat" in lost.detail
    assert held.status == "uncertain" and "--resend" in held.detail
    assert resent.status == "sent" and len(robots.requests) == 2
    assert ledger_row(settings).status == "sent"


@pytest.mark.parametrize("kind, refusal", [("dingtalk", "errcode 310000: keywords not in content"),
                                           ("feishu", "errcode 19024: Key Words Not Found")])
def test_a_missing_keyword_is_told_apart(tmp_path, kind, refusal):
    with Robots(keyword="调度会") as robots:
        settings = robot_world(tmp_path, robots, kind)
        (refused,) = post(settings, rendered(settings))
    with Robots(keyword="比拼") as robots:  # the keyword docs/OPERATIONS.md tells offices to set
        settings = robot_world(tmp_path / "again", robots, kind)
        (accepted,) = post(settings, rendered(settings))
    assert refused.status == "failed_permanent" and f"{kind} {refusal}" in refused.detail
    assert accepted.status == "sent"


def test_secrets_stay_out_of_ledger_results_and_logs(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("BIPIN_TEST_ROBOT_TOKEN", "wrong-key-8d1e7f")  # the platform echoes the key it got
    with Robots() as robots:
        settings = robot_world(tmp_path, robots, "wecom")
        with caplog.at_level(logging.DEBUG):
            (result,) = post(settings, rendered(settings))
    assert result.status == "failed_permanent" and "wecom errcode 93000" in result.detail
    assert "key=***" in result.detail
    con = connect(settings.db_path)
    try:
        stored = json.dumps(con.execute("select * from delivery.send_ledger").fetchall(), default=str)
    finally:
        con.close()
    for secret in ("wrong-key-8d1e7f", TOKEN, SECRET):
        assert secret not in stored and secret not in result.detail and secret not in caplog.text


def test_dry_run_shows_the_exact_body_and_touches_nothing(tmp_path):
    with Robots() as robots:
        settings = robot_world(tmp_path, robots, "feishu")
        plan = p.make_plan(settings, "weekly", dry_run=True, as_of=AS_OF)
        items = [p.render_for(settings, plan, c).outgoing for c in plan.channels]
        (result,) = p.deliver(settings, items, resend=False, dry_run=True)
        assert robots.requests == []
    assert result.status == "dry_run" and result.detail.startswith("would post {")
    shown = json.loads(result.detail.removeprefix("would post "))
    assert shown == {"timestamp": "<set when posting>", "sign": "<set when posting>", **items[0].body}
    assert TOKEN not in result.detail and SECRET not in result.detail
    assert ledger_row(settings, "feishu:wuyi-leaders") is None


def test_outbox_mode_writes_the_body_beside_the_emails(tmp_path):
    with Robots() as robots:
        settings = robot_world(tmp_path, robots, delivery=None)
        (result,) = post(settings, rendered(settings))
        assert robots.requests == []
    path = settings.outbox / "weekly" / "2026-W48" / "dingtalk_wuyi-leaders.json"
    assert result.status == "sent" and result.detail == str(path)
    assert json.loads(path.read_text(encoding="utf-8"))["msgtype"] == "markdown"


def test_a_long_post_is_cut_to_wecoms_4096_bytes_and_says_so(tmp_path):
    with Robots() as robots:
        settings = robot_world(tmp_path, robots, "wecom")
        plan = p.make_plan(settings, "weekly", as_of=AS_OF)
        con = connect(settings.db_path, read_only=True)
        try:
            common = p.build_briefing(con, p.load_catalog(settings.config_dir), plan, plan.channels[0],
                                      load_delivery_config(settings.config_dir))
        finally:
            con.close()
        leader = common.context.leader
        long = replace(leader, entered=leader.entered * 60, left=leader.left * 60)
        text = chat_text("weekly", common.subject, replace(common.context, leader=long), common.attachment_name)
        cut, payload = fitted(text, plan.channels[0])
    assert size(payload, "wecom") <= LIMITS["wecom"] < size(body(text, plan.channels[0]), "wecom")
    content = payload["markdown"]["content"]
    assert f"另有{cut.left_out}条未列出，详见邮件" in content and cut.left_out > 0
    assert all(line in content for line in leader.counts)  # the headline is never cut


def test_catalog_check_names_each_channel_problem(tmp_path):
    with Robots() as robots:
        settings = robot_world(tmp_path, robots)
    recipients = settings.config_dir / "recipients.yaml"
    head = recipients.read_text(encoding="utf-8").split("channels:")[0]
    cases = {
        "kind: dingtalkk": "kind 'dingtalkk' is not one of dingtalk, wecom, feishu (钉钉/浙政钉, 企业微信, 飞书); "
                           "did you mean 'dingtalk'?",
        "kind: dingtalk, webhook: 'https://oapi.dingtalk.com/robot/send?access_token=abc'":
            "webhook carries its token",
        "kind: wecom, secret_env: X": "WeCom robots do not sign",
        "kind: dingtalk, kinds: [quarterly]": "kinds: 'quarterly': a robot posts the leader block",
        "kind: feishu, at_mobiles: ['13800000000']": "at_mobiles: only DingTalk robots @ by mobile",
    }
    for fields, expected in cases.items():
        recipients.write_text(head + f"channels:\n  - {{code: g, name: 群, place: 武义, token_env: T, {fields}}}\n",
                              encoding="utf-8")
        (problem,) = check_config(settings.config_dir)["channels"]
        assert "recipients.yaml: channels[0] (name=群)" in problem and expected in problem, problem
    recipients.write_text(head + "channels:\n  - {code: g, name: 群, kind: dingtalk, place: 武义}\n", encoding="utf-8")
    assert "token_env (or token_block) is required" in check_config(settings.config_dir)["channels"][0]
    recipients.write_text(head + "channels:\n  - {code: g, name: 群, kind: 浙政钉, place: 武义, token_env: T, "
                          "webhook: 'https://oapi.zjding.example.gov.cn/robot/send'}\n", encoding="utf-8")
    assert check_config(settings.config_dir)["channels"] == []


def test_a_blank_briefing_is_not_posted(tmp_path):
    with Robots() as robots:
        settings = robot_world(tmp_path, robots)
        recipients = settings.config_dir / "recipients.yaml"
        recipients.write_text(recipients.read_text(encoding="utf-8").replace(
            "place: 武义, kinds: [weekly, monthly]", "place: jinhua, groups: [city_jinhua], kinds: [weekly]"),
            encoding="utf-8")
        plan = p.make_plan(settings, "weekly", as_of=AS_OF)
        outcome = p.render_for(settings, plan, plan.channels[0])
    assert (outcome.status, outcome.outgoing) == ("blocked", None)
    assert outcome.detail == "not sent: 金华市 has no ranked indicator in 2026年1-10月 (groups city_jinhua)"


def test_recipient_option_picks_a_robot_by_its_address(tmp_path):
    with Robots() as robots:
        settings = robot_world(tmp_path, robots)
    plan = p.make_plan(settings, "weekly", recipients=["dingtalk:wuyi-leaders"], as_of=AS_OF)
    assert plan.recipients == () and [c.email for c in plan.channels] == ["dingtalk:wuyi-leaders"]
    assert p.make_plan(settings, "weekly", places=["yiwu"], as_of=AS_OF).channels == ()


@dataclass(frozen=True)
class _WithUnits(LeaderBlock):
    """The leader block as another change might grow it: one more tuple of lines."""

    units: tuple[str, ...] = ()


def test_a_new_part_of_the_leader_block_flows_into_the_post_and_markdown_signs_stay_text():
    leader = _WithUnits(("1-10月5项指标中3项居全市前三，与上月持平",), ("（全市）：出口*总额（第2位）",), (),
                        ("学义乌（全市）：5项指标中武义领先3项",), units=("牵头单位：县发改局（固定资产投资）慢于序时",))
    context = SimpleNamespace(leader=leader, targets_lines=(), coverage_notes=("全省1-10月数据尚未发布齐（已到9/90）",),
                              data_as_of="数据截至2026年1-10月")
    text = chat_text("weekly", "【每周调度】武义县 2026年1-10月 第48周", context, "武义县2026年1-10月比拼数据.xlsx")
    channel = Channel(code="g", name="群", kind="dingtalk", place="wuyi", token_env="T", at_mobiles=("13800000000",))
    markdown = body(text, channel)["markdown"]["text"]
    assert "- 牵头单位：县发改局（固定资产投资）慢于序时" in markdown
    assert "- 新进前三（全市）：出口＊总额（第2位）" in markdown and "出口*总额" not in markdown
    assert "> 全省1-10月数据尚未发布齐（已到9/90）" in markdown
    assert markdown.rstrip().endswith("@13800000000")


def test_https_host_with_its_own_ca_needs_ca_file(tmp_path):
    from brief_smtp import make_cert

    (tmp_path / "tls").mkdir()
    cert = make_cert(tmp_path / "tls")
    with Robots(tls=cert) as robots:
        trusted = robot_world(tmp_path / "trusted", robots, delivery=SEND + f"    ca_file: {cert[0]}\n")
        (ok,) = post(trusted, rendered(trusted))
        untrusted = robot_world(tmp_path / "untrusted", robots)
        sleeps = []
        (refused,) = post(untrusted, rendered(untrusted), sleeps=sleeps)
    assert ok.status == "sent" and len(robots.posts) == 1
    assert refused.status == "failed_permanent" and "set delivery.chat.ca_file" in refused.detail and sleeps == []


def test_a_dingtalk_sign_with_plus_and_slash_survives_the_query_string(tmp_path):
    now = int(time.time())
    ts = next(t for t in range(now * 1000, now * 1000 + 100_000)
              if "+" in webhook.dingtalk_sign(SECRET, t) and "/" in webhook.dingtalk_sign(SECRET, t)
              and int(t / 1000 * 1000) == t)  # the clock's seconds give back this very millisecond
    with Robots() as robots:
        settings = robot_world(tmp_path, robots)
        (item,) = rendered(settings)
        with webhook.httpx.Client(timeout=5) as client:
            webhook.post_once(client, item.channel, TOKEN, SECRET, item.body, webhook.Attempt(), clock=lambda: ts / 1000)
    assert len(robots.posts) == 1


def test_a_missing_token_fails_before_anything_is_posted_and_says_where_to_set_it(tmp_path, monkeypatch):
    monkeypatch.delenv("BIPIN_TEST_ROBOT_TOKEN")
    with Robots() as robots:
        settings = robot_world(tmp_path, robots)
        (result,) = post(settings, rendered(settings))
        assert robots.requests == []
    assert result.status == "failed_permanent"
    assert result.detail == ("not attempted: no webhook token for dingtalk:wuyi-leaders "
                             "(set environment variable BIPIN_TEST_ROBOT_TOKEN)")
    assert ledger_row(settings).status == "failed_permanent" and ledger_row(settings).attempts == 0
