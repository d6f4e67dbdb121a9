"""One Config read once: `catalog check` lists every problem at once, commands refuse in one line,
and a place name is the same name in any width in every file and option that takes one."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from flows.cli.app import app
from flows.config.model import ConfigError, load_config
from tests.conftest import ROOT

BROKEN_RECIPIENTS = """
recipients:
  - name: 武义县领导
    email: leader@wuyi.example.gov.cn
    email: other@wuyi.example.gov.cn
    place: 武义
  - name: 兰溪市统计局
    email: tjj@lanxi.example.gov.cn
    place: 兰溪
    groups: [全市, 山区26县]
  - name: 值班
    email: ops@example
    kinds: [digest]
"""

BROKEN_TARGETS = """
targets:
  - year: 2026
    place: wuyi
    indicators:
      retail_sales: {growth: .nan}
      fixed_asset_investment: {growth: .inf}
      industrial_investment: {growth: -120}
"""


@pytest.fixture
def config(tmp_path):
    folder = tmp_path / "config"
    shutil.copytree(ROOT / "config", folder)
    return folder


def _break(config) -> None:
    (config / "recipients.yaml").write_text(BROKEN_RECIPIENTS, encoding="utf-8")
    (config / "targets.yaml").write_text(BROKEN_TARGETS, encoding="utf-8")
    text = (config / "settings.yaml").read_text(encoding="utf-8").replace("timezone: Asia/Shanghai\n",
                                                                            "timezone: Asia/Shangai\n", 1)
    (config / "settings.yaml").write_text(text + "alerts:\n  recipients: [duty-at-example.org]\nschedule: {}\n",
                                          encoding="utf-8")


def _invoke(config, *args: str, home=None) -> tuple[int, list[str]]:
    extra = ["--home", str(home)] if home else []
    result = CliRunner().invoke(app, ["--config", str(config), *extra, *args])
    return result.exit_code, [line for line in result.output.splitlines() if line.strip()]


def test_check_lists_every_problem_of_every_file_at_once(config):
    _break(config)
    code, lines = _invoke(config, "catalog", "check")
    assert code == 2
    recipients, targets, settings = (str(config / f) for f in ("recipients.yaml", "targets.yaml", "settings.yaml"))
    expected = [
        f"error: settings: {settings}: timezone: unknown time zone 'Asia/Shangai' (expected an IANA name such as "
        "Asia/Shanghai); did you mean 'Asia/Shanghai'",
        f"error: settings: {settings}: alerts.recipients: 'duty-at-example.org' is not an email address",
        f"error: settings: {settings}: schedule: Extra inputs are not permitted; did you mean 'schedules'?",
        f"error: recipients: {recipients}: line 5: key 'email' appears twice in one mapping (first on line 4)",
        f"error: recipients: {recipients}: recipients[1] (email=tjj@lanxi.example.gov.cn): groups: lanxi is not a "
        "member of mountain26 (山区26县)",
        f"error: recipients: {recipients}: recipients[2] (email=ops@example): email: 'ops@example' "
        "is not an email address",
        f"error: targets: {targets}: targets[0] (year=2026, place=wuyi).indicators.retail_sales.growth: "
        "Input should be a finite number",
        f"error: targets: {targets}: targets[0] (year=2026, place=wuyi).indicators.fixed_asset_investment.growth: "
        "Input should be a finite number",
        f"error: targets: {targets}: targets[0] (year=2026, place=wuyi).indicators.industrial_investment: "
        "growth -120.0% would mean nothing at all",
    ]
    for want in expected:
        assert any(line.startswith(want) for line in lines), want
    assert lines[-1] == f"config has {len(expected)} problem(s); nothing was changed"


@pytest.mark.parametrize("command", [["brief", "weekly", "--dry-run"], ["ingest"], ["show", "wuyi"], ["rank"], ["status"]])
def test_commands_refuse_a_config_that_fails_check_in_one_line(config, tmp_path, command):
    (config / "targets.yaml").write_text(BROKEN_TARGETS, encoding="utf-8")
    code, lines = _invoke(config, *command, home=tmp_path / "home")
    assert code == 2
    assert len(lines) == 1 and "Traceback" not in lines[0]
    assert lines[0].startswith(f"error: {config / 'targets.yaml'}: targets[0] (year=2026, place=wuyi)"
                               ".indicators.retail_sales.growth: Input should be a finite number")
    assert lines[0].endswith("(and 2 more problem(s)); run `bipin catalog check` to see every problem")


def test_config_is_read_once_and_immutable(config, monkeypatch):
    from pydantic import ValidationError

    import flows.config.model as model
    from flows.config.settings import load_settings

    reads = []
    real = model.read_yaml
    monkeypatch.setattr(model, "read_yaml", lambda path: reads.append(path.name) or real(path))
    settings = load_settings(config_dir=config)
    assert settings.config is settings.config and settings.timezone == "Asia/Shanghai"
    assert sorted(reads) == sorted(p.name for p in config.glob("*.yaml"))  # each file once
    with pytest.raises(ValidationError, match="frozen"):
        settings.config.delivery.mode = "smtp"
    assert settings.config.operator_addresses() == ["ops@example.org"]


def test_load_config_raises_every_problem_with_one_line_for_commands(config):
    _break(config)
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert len(caught.value.problems) == 9
    assert "\n" not in caught.value.one_line()


# -- one name normaliser ------------------------------------------------------------------------------
WIDE_SPELLINGS = ["武义　县", "武义县（金华）"]  # a full-width space; full-width parentheses


@pytest.mark.parametrize("written", WIDE_SPELLINGS)
def test_a_full_width_name_works_in_a_bureau_file_targets_recipients_and_place(tmp_path, written):
    from ingest_world import GOOD_ROWS, query, settings_for, wide_grid, write_csv

    from flows.brief.plan import check_request
    from flows.cli.ops_cmd import _place_code
    from flows.ingest.pipeline import discover, ingest_paths

    places = ("places:\n  - {code: zj, name: 浙江省, short_name: 浙江, level: province}\n"
              "  - {code: jh, name: 金华市, short_name: 金华, parent: zj, level: city}\n"
              "  - {code: wuyi, name: 武义县, short_name: 武义, parent: jh, level: county, aliases: ['武义县(金华)']}\n"
              "  - {code: yiwu, name: 义乌市, short_name: 义乌, parent: jh, level: county}\n"
              "  - {code: dongyang, name: 东阳市, short_name: 东阳, parent: jh, level: county}\n"
              "  - {code: jindong, name: 金东区, short_name: 金东, parent: jh, level: county, aliases: [金义新区]}\n")
    settings = settings_for(
        tmp_path, **{"places.yaml": places,
                     "targets.yaml": f"targets:\n  - {{year: 2026, place: '{written}', indicators: {{固投: {{growth: 9}}}}}}\n",
                     "recipients.yaml": f"recipients:\n  - {{name: 领导, email: a@wuyi.example.gov.cn, place: '{written}',"
                                        " groups: [全市]}\n"})
    config = settings.config
    assert [(t.place_code, t.indicator_code) for t in config.targets] == [("wuyi", "fai")]
    assert [(r.place, r.groups) for r in config.recipients] == [("wuyi", ("jinhua",))]
    assert check_request(settings, "weekly", places=[written])[2] == ["wuyi"]
    assert _place_code(config.catalog, written) == "wuyi"
    rows = [[written if row[0] == "武义县" else row[0], *row[1:]] for row in GOOD_ROWS]
    write_csv(settings.inbox / "city_202610.csv", wide_grid(rows), encoding="gb18030")
    ingest_paths(settings, config.catalog, discover(None, settings))
    assert query(settings, "select indicator_code, growth_pct from staging.observations where place_code = 'wuyi' order by 1") == \
        [("fai", 8.2), ("retail", 3.3)]


def test_one_normal_form_for_every_name(shipped_catalog):
    from flows.config.names import group_code, indicator_code, normalise_name, place_code

    assert normalise_name(" 武义\u3000县 ") == normalise_name("武 义 县") == "武义县"
    assert normalise_name("（金华）ＡＢ１") == "(金华)AB1"
    assert place_code(shipped_catalog, "ｗｕｙｉ") == "wuyi"  # a code in full-width letters
    assert group_code(shipped_catalog, "山区２６县", "wuyi") == "mountain26"
    assert indicator_code(shipped_catalog, "固定资产　投资") == "fixed_asset_investment"


def test_an_unknown_time_zone_stops_ingest_in_one_line_not_a_traceback(config, tmp_path):
    text = (config / "settings.yaml").read_text(encoding="utf-8").replace("Asia/Shanghai", "Asia/Shangai")
    (config / "settings.yaml").write_text(text, encoding="utf-8")
    code, lines = _invoke(config, "ingest", home=tmp_path / "home")
    assert code == 2 and len(lines) == 1
    assert lines[0].startswith(f"error: {config / 'settings.yaml'}: timezone: unknown time zone 'Asia/Shangai'")
    assert "did you mean 'Asia/Shanghai'" in lines[0] and "(and 1 more problem(s))" in lines[0]  # schedules too


def test_the_pipeline_reads_as_of_with_the_one_parser(bipin_home):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from flows.run.pipeline import run_moment

    shanghai = ZoneInfo("Asia/Shanghai")
    assert run_moment("2026-11-29T05:43:20-08:00", bipin_home) == datetime(2026, 11, 29, 21, 43, 20, tzinfo=shanghai)
    assert run_moment("2026-11-23 08:00", bipin_home) == datetime(2026, 11, 23, 8, 0, tzinfo=shanghai)
    with pytest.raises(ValueError, match="cannot read the time 'next monday'"):
        run_moment("next monday", bipin_home)
