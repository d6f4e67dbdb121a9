"""The brief flow: guards against blank briefings, dry runs, the ledger across reruns, the CLI.

Two end-to-end tests run the real Prefect flow; the rest call the plain functions it calls.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest
from brief_smtp import PASSWORD, Mailbox, delivery_yaml, make_cert, start
from brief_world import AS_OF, world_settings
from typer.testing import CliRunner

from flows.brief import operators
from flows.brief import plan as p
from flows.brief.flow import brief
from flows.cli.app import app
from flows.warehouse.db import load_sql

EXTRA = "  - {name: 金华市领导, email: city@example.gov.cn, place: jinhua, groups: [city_jinhua], kinds: [weekly]}\n"


def sql(settings, statement):
    con = duckdb.connect(str(settings.db_path))
    try:
        return con.execute(statement).fetchall()
    finally:
        con.close()


def test_empty_marts_block_the_run(tmp_path):
    settings = world_settings(tmp_path)
    sql(settings, "delete from marts.rankings; delete from marts.periods")
    plan = p.make_plan(settings, "weekly", as_of=AS_OF)
    assert plan.problems == ("the rank marts are empty: nothing has been ranked yet; load files and run `bipin rank`",)


def test_stale_data_blocks_the_run(tmp_path):
    settings = world_settings(tmp_path)
    plan = p.make_plan(settings, "weekly", as_of=datetime(2027, 3, 1))
    assert "the newest data was loaded 2026-11-21 14:00, 99 days before 2027-03-01; the limit is 62 days" in plan.problems[0]


def test_missing_marts_block_the_run(tmp_path):
    settings = world_settings(tmp_path)
    sql(settings, "drop table marts.streaks")
    assert "marts.streaks missing" in p.make_plan(settings, "weekly", as_of=AS_OF).problems[0]


def test_place_without_ranked_indicator_is_not_briefed(tmp_path):
    from flows.config.model import ConfigError, load_config
    from flows.config.recipients import Recipient

    settings = world_settings(tmp_path)
    plan = p.make_plan(settings, "weekly", as_of=AS_OF)
    recipients = settings.config_dir / "recipients.yaml"
    recipients.write_text(recipients.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    with pytest.raises(ConfigError, match="jinhua is not a member of city_jinhua"):  # catalog check says so first
        load_config(settings.config_dir)
    city = Recipient(name="金华市领导", email="city@example.gov.cn", place="jinhua", groups=("city_jinhua",))
    outcome = p.render_for(settings, plan, city)  # should it get through: the render guard still holds
    assert (outcome.status, outcome.outgoing) == ("blocked", None)
    assert outcome.detail == "not sent: 金华市 has no ranked indicator in 2026年1-10月 (groups city_jinhua)"


def test_dry_run_touches_nothing(tmp_path):
    settings = world_settings(tmp_path)
    plan = p.make_plan(settings, "weekly", dry_run=True, as_of=AS_OF)
    items = [p.render_for(settings, plan, r).outgoing for r in plan.recipients]
    results = p.deliver(settings, items, resend=False, dry_run=True)
    assert [r.status for r in results] == ["dry_run", "dry_run"]
    assert sql(settings, "select count(*) from delivery.send_ledger") == [(0,)]
    assert not settings.outbox.exists()


def test_unknown_period_and_place_are_clear_errors(tmp_path):
    settings = world_settings(tmp_path)
    assert p.make_plan(settings, "monthly", period="2026-11", as_of=AS_OF).problems == (
        "no ranked data for period 2026-11 in the marts",)
    with pytest.raises(p.PlanError, match="--place 杭州: not a known place"):
        p.make_plan(settings, "weekly", places=["杭州"], as_of=AS_OF)
    with pytest.raises(p.PlanError, match="ISO week"):
        p.make_plan(settings, "weekly", week="W60", as_of=AS_OF)


def test_as_of_renders_what_was_known_then(tmp_path):
    settings = world_settings(tmp_path)
    plan = p.make_plan(settings, "weekly", places=["wuyi"], as_of=datetime(2026, 11, 20, 12, 0))
    text = p.render_for(settings, plan, plan.recipients[0]).outgoing.message.get_body(("plain",)).get_content()
    assert "2026-11-20 09:30更新" in text and "修订" not in text  # the revision came on the 21st
    assert "生成时间 2026-11-20 12:00" in text


def test_preview_command_writes_html(tmp_path):
    settings = world_settings(tmp_path)
    result = CliRunner().invoke(app, ["--config", str(settings.config_dir), "--db", str(settings.db_path),
                                      "--home", str(settings.home), "preview", "武义", "--kind", "monthly",
                                      "--as-of", "2026-11-23T08:00"])
    assert result.exit_code == 0, result.output
    path = settings.outbox / "preview" / "wuyi-monthly.html"
    assert result.output.strip() == str(path)
    assert "【每月一通报】武义县 2026年1-10月" in path.read_text(encoding="utf-8")


@pytest.mark.e2e
def test_flow_fails_naming_the_refused_recipient_and_rerun_sends_nothing_twice(tmp_path, prefect_harness,
                                                                                  monkeypatch):
    monkeypatch.setenv("BIPIN_TEST_SMTP_PASSWORD", PASSWORD)
    cert = make_cert(tmp_path)
    box = Mailbox(reject=("fgj@yiwu.example.gov.cn",))
    controller = start(box, *cert)
    try:
        settings = world_settings(tmp_path, delivery_yaml(controller.port, cert[0]))
        where = dict(home=str(settings.home), config_dir=str(settings.config_dir), db_path=str(settings.db_path))
        state = brief(kind="weekly", as_of=AS_OF, return_state=True, **where)
        assert state.is_failed()
        assert "fgj@yiwu.example.gov.cn (failed_permanent: 550 5.1.1 Mailbox unavailable)" in state.message
        assert "leader@wuyi.example.gov.cn" not in state.message
        delivered = sorted(m["To"].addresses[0].addr_spec for m in box.messages)
        assert delivered == ["leader@wuyi.example.gov.cn", "ops@example.org"]  # the digest says who failed
        digest_mail = next(m for m in box.messages if m["To"].addresses[0].addr_spec == "ops@example.org")
        assert "发送失败（永久），550 5.1.1" in digest_mail.get_body(("plain",)).get_content()
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            (artifact,) = [a for a in client.read_artifacts() if a.key == "brief-weekly-2026-w48"][:1]
        assert "【每周调度】武义县 2026年1-10月 第48周" in artifact.data
        box.reject.clear()
        again = brief(kind="weekly", as_of=AS_OF, return_state=True, **where)
        assert again.is_completed(), again.message
        assert {r.email: r.status for r in again.result()}["leader@wuyi.example.gov.cn"] == "skipped"
        delivered = [m["To"].addresses[0].addr_spec for m in box.messages]
        assert delivered.count("leader@wuyi.example.gov.cn") == 1 and delivered.count("fgj@yiwu.example.gov.cn") == 1
    finally:
        controller.stop()


@pytest.mark.e2e
def test_flow_refuses_blank_briefings_and_tells_the_operators(tmp_path, prefect_harness):
    settings = world_settings(tmp_path)
    sql(settings, "delete from marts.rankings; delete from marts.periods")
    state = brief(kind="weekly", as_of=AS_OF, home=str(settings.home), config_dir=str(settings.config_dir),
                  db_path=str(settings.db_path), return_state=True)
    assert state.is_failed() and "the rank marts are empty" in state.message
    assert not (settings.outbox / "weekly").exists()
    (digest_file,) = (settings.outbox / "digest").rglob("*.eml")
    digest_html = digest_file.with_suffix(".html").read_text(encoding="utf-8")
    assert "排名结果表为空，尚未计算任何排名" in digest_html and "the rank marts are empty" not in digest_html


def test_as_of_needs_marts_built_as_of_then(tmp_path):
    settings = world_settings(tmp_path)
    sql(settings, "create table if not exists meta.rank_state (as_of timestamp, watermark timestamp, "
                  "catalog_fingerprint varchar, built_at timestamp, mode varchar, n_slices integer)")
    # built with the catalog the world has (a different one is refused: test_rank_incremental.py)
    sql(settings, "insert into meta.rank_state select null, '2026-11-21 14:00', fingerprint, now(), 'full', 1 "
                  f"from ({load_sql('marts/build/catalog_fingerprint')})")
    assert p.make_plan(settings, "weekly", as_of=AS_OF).problems == ()
    (problem,) = p.make_plan(settings, "weekly", as_of=datetime(2026, 11, 20, 12, 0)).problems
    assert "run `bipin brief KIND --as-of 2026-11-20T12:00` from the command line" in problem


def test_a_briefing_of_today_refuses_marts_left_at_a_past_moment(tmp_path):
    settings = world_settings(tmp_path)
    sql(settings, "create table if not exists meta.rank_state (as_of timestamp, watermark timestamp, "
                  "catalog_fingerprint varchar, built_at timestamp, mode varchar, n_slices integer)")
    sql(settings, "delete from meta.rank_state")
    sql(settings, "insert into meta.rank_state select '2026-11-20 12:00', '2026-11-20 11:00', fingerprint, now(), "
                  f"'full', 1 from ({load_sql('marts/build/catalog_fingerprint')})")
    problems = p.make_plan(settings, "weekly").problems
    assert any("the marts show the data known at 2026-11-20 12:00" in x and "run `bipin rank` first" in x
               for x in problems), problems


def test_digest_kind_reports_the_week_from_the_ledger(tmp_path):
    settings = world_settings(tmp_path)
    weekly = p.make_plan(settings, "weekly", as_of=AS_OF)
    p.deliver(settings, [p.render_for(settings, weekly, r).outgoing for r in weekly.recipients], False, False)
    sql(settings, "update delivery.send_ledger set last_attempt_at = '2026-11-23 07:00'")  # sent that morning
    sql(settings, "update delivery.send_ledger set status = 'failed_transient', last_error = '421 busy' "
                  "where recipient = 'fgj@yiwu.example.gov.cn'")
    plan = p.make_plan(settings, "digest", as_of=AS_OF)
    (out,) = operators.digests_for(settings, plan, [])
    text = out.message.get_body(("plain",)).get_content()
    assert out.subject == "【运维摘要】2026-11-23"
    assert "已发送：1份" in text and "拒收1个" in text
    assert "fgj@yiwu.example.gov.cn <fgj@yiwu.example.gov.cn>：发送失败（临时，下次运行会重试），421 busy" in text


@pytest.mark.e2e
def test_password_from_a_prefect_secret_block(prefect_harness, monkeypatch):
    from prefect.blocks.system import Secret

    from flows.config.delivery import SmtpConfig, smtp_password

    Secret(value="from-the-block").save("bipin-test-smtp", overwrite=True)
    monkeypatch.delenv("BIPIN_SMTP_PASSWORD", raising=False)
    assert smtp_password(SmtpConfig(password_block="bipin-test-smtp")) == "from-the-block"
    monkeypatch.setenv("BIPIN_SMTP_PASSWORD", "from-env")
    assert smtp_password(SmtpConfig(password_block="bipin-test-smtp")) == "from-env"  # the variable wins


@pytest.mark.parametrize("args, message", [
    (["brief", "daily"], "unknown briefing kind 'daily'"),
    (["brief", "weekly", "--week", "60"], "--week '60': expected an ISO week like 2026-W47"),
    (["brief", "weekly", "--place", "杭州"], "--place 杭州: not a known place code or name"),
    (["brief", "monthly", "--as-of", "yesterday"], "--as-of 'yesterday': expected a date or time"),
])
def test_brief_command_usage_errors_stop_before_prefect(tmp_path, args, message):
    settings = world_settings(tmp_path)
    result = CliRunner().invoke(app, ["--config", str(settings.config_dir), "--db", str(settings.db_path),
                                      "--home", str(settings.home), *args])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_failure_message_states_a_plan_problem_once_and_names_the_blocked():
    from flows.brief.delivery.outcome import SendResult
    from flows.brief.flow import failure_message

    failed = [SendResult("a@x.org", "A", "blocked", "marts missing"),
              SendResult("b@x.org", "B", "blocked", "marts missing"),
              SendResult("c@x.org", "C", "failed_permanent", "550 no such user")]
    message = failure_message("weekly", ["marts missing"], failed)
    assert message == ("weekly briefing: marts missing; c@x.org (failed_permanent: 550 no such user); "
                       "nothing sent to a@x.org, b@x.org")
    # blocked for a reason of its own (not a plan problem): the CLI line says why, not only "nothing sent"
    own = [SendResult("d@x.org", "D", "blocked", "not sent: 金华市 has no ranked indicator in 2026年1-10月")]
    assert failure_message("weekly", [], own) == (
        "weekly briefing: d@x.org (blocked: not sent: 金华市 has no ranked indicator in 2026年1-10月)")
