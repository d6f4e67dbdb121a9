"""Deployments: prefect.yaml and flows/run/serve.py agree with config, entrypoints import, parameters validate."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from flows.config.model import load_config
from flows.config.schedules import Schedules, due_kinds
from flows.config.settings import DEFAULT_CONFIG_DIR, PROJECT_ROOT
from flows.run.serve import DEPLOYMENTS, PREFECT_YAML, prefect_yaml_mismatches
from tests.conftest import settings_file

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXPECTED = {  # name -> (flow name, cron, parameters)
    "ingest": ("pipeline", "0 * * * *", {"kinds": []}),
    "pull": ("pull", "45 8-18 * * 1-5", {}),
    "weekly": ("brief", "0 8 * * 1", {"kind": "weekly"}),
    "monthly": ("brief", "0 9 20 * *", {"kind": "monthly"}),
    "quarterly": ("brief", "0 9 25 1,4,7,10 *", {"kind": "quarterly"}),
    "digest": ("brief", "30 7 * * *", {"kind": "digest"}),
    "all": ("pipeline", None, {"force": True}),
}
MANUAL = {  # what an operator passes with `prefect deployment run NAME -p ...`
    "pipeline": {"kinds": ["weekly"], "places": ["wuyi"], "period": "2026-10", "recipients": ["a@example.org"],
                 "dry_run": True, "resend": True, "as_of": "2026-11-23T08:00:00", "force": False},
    "brief": {"kind": "weekly", "places": ["wuyi"], "period": "2026-10", "recipients": ["a@example.org"],
              "dry_run": True, "resend": True, "as_of": "2026-11-23T08:00:00"},
    "pull": {"source": "jinhua_mail", "dry_run": True},
}


def _declared() -> dict[str, dict]:
    return {d["name"]: d for d in yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))["deployments"]}


def test_shipped_schedules_and_timezone():
    s = load_config(DEFAULT_CONFIG_DIR).schedules
    assert s.timezone == "Asia/Shanghai"
    assert {name: s.cron(name) for name in ("ingest", "pull", "weekly", "monthly", "quarterly", "digest")} == {
        name: cron for name, (_, cron, _) in EXPECTED.items() if cron
    }


def test_prefect_yaml_agrees_with_config_and_serve():
    assert prefect_yaml_mismatches(load_config(DEFAULT_CONFIG_DIR).schedules) == []
    declared = _declared()
    assert set(declared) == set(EXPECTED) == {d.name for d in DEPLOYMENTS}
    for name, (_, cron, params) in EXPECTED.items():
        d = declared[name]
        assert d["parameters"] == params
        assert d["schedules"] == ([{"cron": cron, "timezone": "Asia/Shanghai"}] if cron else [])


def test_a_changed_schedule_is_reported_as_drift(tmp_path):
    parsed, _ = settings_file(tmp_path, "schedules:\n  weekly: '0 9 * * 1'\n  timezone: Asia/Urumqi\n")
    problems = prefect_yaml_mismatches(parsed.schedules)
    assert any(p.startswith("weekly: schedules") and "0 9 * * 1" in p for p in problems)
    assert len(problems) == 6  # every scheduled deployment now disagrees on the timezone


def test_bad_cron_or_timezone_names_file_and_key(tmp_path):
    _, [problem] = settings_file(tmp_path, "schedules:\n  monthly: 'every 20th'\n")
    assert re.search(r"settings.yaml: schedules.monthly: .*not a cron string", problem)
    _, [problem] = settings_file(tmp_path, "schedules:\n  timezone: Asia/Shangai\n")
    assert re.search(r"schedules.timezone: unknown time zone 'Asia/Shangai'.*did you mean 'Asia/Shanghai'", problem)


def test_entrypoints_import_and_parameters_validate():
    from prefect.exceptions import ParameterTypeError
    from prefect.flows import load_flow_from_entrypoint
    from prefect.utilities.callables import parameter_schema

    for name, d in _declared().items():
        flow_name, _, params = EXPECTED[name]
        flow = load_flow_from_entrypoint(str(PROJECT_ROOT / d["entrypoint"]))
        assert flow.name == flow_name, name
        properties = parameter_schema(flow).properties
        assert set(params) | set(MANUAL[flow_name]) <= set(properties), name
        flow.validate_parameters({**params})
        flow.validate_parameters({**params, **MANUAL[flow_name]})
        with pytest.raises(ParameterTypeError):
            flow.validate_parameters({**params, "dry_run": "perhaps"})


def test_alerts_are_attached_to_every_deployed_flow():
    from flows.run.alerts import alert_operators

    for spec in DEPLOYMENTS:
        assert alert_operators in spec.load_flow().on_failure_hooks, spec.name


def test_serve_builds_the_same_deployments():
    deployments = {d.name: d for d in __import__("flows.run.serve", fromlist=["x"]).build_deployments(DEFAULT_CONFIG_DIR)}
    assert set(deployments) == set(EXPECTED)
    for name, (flow_name, cron, params) in EXPECTED.items():
        d = deployments[name]
        assert d.flow_name == flow_name
        assert d.entrypoint == _declared()[name]["entrypoint"]
        assert d.parameters == params
        if cron:
            assert [(s.schedule.cron, s.schedule.timezone) for s in d.schedules] == [(cron, "Asia/Shanghai")]
        else:
            assert not d.schedules


@pytest.mark.parametrize(
    ("moment", "due"),
    [
        (datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI), ["weekly", "monthly", "quarterly", "digest"]),
        (datetime(2026, 11, 16, 7, 0, tzinfo=SHANGHAI), ["quarterly"]),  # before Monday 08:00 and the 07:30 digest
        (datetime(2026, 11, 16, 0, 30, tzinfo=UTC), ["weekly", "quarterly", "digest"]),  # 08:30 in Shanghai
        (datetime(2026, 11, 19, 10, 0, tzinfo=SHANGHAI), ["weekly", "quarterly", "digest"]),  # a Thursday catches up
        (datetime(2026, 7, 10, 12, 0, tzinfo=SHANGHAI), ["weekly", "digest"]),  # before the 20th and Q2's 25 July
    ],
)
def test_due_kinds_follow_the_schedules(moment, due):
    assert due_kinds(Schedules(), moment) == due
