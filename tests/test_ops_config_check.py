"""`bipin catalog check` judges every config file, one line per problem with file, key and a hint."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from flows.cli.app import app
from flows.config.catalog import CatalogError, load_catalog
from flows.config.names import NameProblem, group_code
from flows.config.recipients import RecipientError, load_recipients
from tests.conftest import ROOT

WUYI_RECIPIENT = """
recipients:
  - name: 武义县领导
    email: leader@wuyi.example.gov.cn
    place: {place}
    groups: [{groups}]
    kinds: [{kinds}]
"""


@pytest.fixture
def config(tmp_path):
    folder = tmp_path / "config"
    shutil.copytree(ROOT / "config", folder)
    return folder


def _check(folder) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, ["--config", str(folder), "catalog", "check"])
    return result.exit_code, [line for line in result.output.splitlines() if line.strip()]


def _recipient(folder, place="武义", groups="city_jinhua", kinds="weekly") -> None:
    (folder / "recipients.yaml").write_text(WUYI_RECIPIENT.format(place=place, groups=groups, kinds=kinds),
                                            encoding="utf-8")


def test_unknown_place_in_a_recipient_is_named_with_a_suggestion(config):
    _recipient(config, place="武义线")
    code, lines = _check(config)
    assert code == 2
    assert lines[0].startswith(f"error: recipients: {config / 'recipients.yaml'}: recipients[0]")
    assert "place '武义线' is not a known place code or name in places.yaml; did you mean '武义'" in lines[0]
    assert lines[-1] == "config has 1 problem(s); nothing was changed"


def test_misspelt_briefing_kind_suggests_the_right_one(config):
    _recipient(config, kinds="weekley")
    code, lines = _check(config)
    assert code == 2
    assert "briefing 'weekley' is not one of weekly, monthly, quarterly, digest" in lines[0]
    assert "did you mean 'weekly'" in lines[0]


def test_delivery_mode_typo_is_one_line_not_a_traceback(config):
    (config / "delivery.yaml").write_text("delivery:\n  mode: outbx\n", encoding="utf-8")
    code, lines = _check(config)
    assert code == 2 and len(lines) == 2
    assert lines[0].startswith(f"error: delivery: {config / 'delivery.yaml'}: delivery.mode:")
    assert "did you mean 'outbox'" in lines[0]


def test_schedule_key_typo_suggests_the_job(config):
    text = (config / "settings.yaml").read_text(encoding="utf-8").replace("  weekly:", "  weeky:")
    (config / "settings.yaml").write_text(text, encoding="utf-8")
    code, lines = _check(config)
    assert code == 2
    assert "schedules.weeky: Extra inputs are not permitted; did you mean 'weekly'" in lines[0]


def test_every_problem_is_listed_not_only_the_first_file(config):
    _recipient(config, kinds="weekley")
    (config / "delivery.yaml").write_text("delivery:\n  mode: outbx\n", encoding="utf-8")
    code, lines = _check(config)
    assert code == 2
    assert [line.split(":")[1].strip() for line in lines[:-1]] == ["recipients", "delivery"]


def test_city_label_resolves_against_the_recipients_own_place(config):
    _recipient(config, groups="全市, 山区26县")
    catalog = load_catalog(config)
    [wuyi] = load_recipients(config, catalog)
    assert wuyi.groups == ("city_jinhua", "mountain26")
    with pytest.raises(NameProblem, match="ambiguous"):
        group_code(catalog, "全市")  # with no place, 全市 is every city's group
    lishui_county = next(p.code for p in catalog.places if p.parent == "lishui")
    assert group_code(catalog, "全市", lishui_county) == "city_lishui"


def test_a_label_the_place_has_no_group_for_is_an_error(config):
    _recipient(config, place="jinhua", groups="全市")  # the city itself is in no city's county group
    with pytest.raises(RecipientError, match="group label '全市' names no group jinhua belongs to"):
        load_recipients(config, load_catalog(config))


def test_benchmarks_take_names_or_codes_and_suggest(config):
    (config / "benchmarks.yaml").write_text(
        "benchmarks:\n  - {focus: 武义, learn_from: 义乌市, learn_from_group: 全市, overtake: tiantai,"
        " overtake_group: 山区26县}\n", encoding="utf-8")
    [b] = load_catalog(config).benchmarks
    assert (b.focus, b.learn_from, b.learn_from_group, b.overtake, b.overtake_group) == \
        ("wuyi", "yiwu", "city_jinhua", "tiantai", "mountain26")
    (config / "benchmarks.yaml").write_text("benchmarks:\n  - {focus: wuyi, learn_from: yiwuu}\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="learn_from: place 'yiwuu' is not a known place code or name.*did you mean 'yiwu'"):
        load_catalog(config)


def test_check_lists_every_validator_when_all_is_well(config):
    code, lines = _check(config)
    assert code == 0
    assert lines[-1] == "catalog OK; checked catalog, settings, recipients, delivery, targets, channels, units, pull"


def test_brief_with_a_bad_delivery_mode_stops_in_one_line_before_prefect(config, tmp_path):
    (config / "delivery.yaml").write_text("delivery:\n  mode: outbx\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--config", str(config), "--home", str(tmp_path / "home"),
                                      "brief", "weekly", "--dry-run"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "delivery.mode" in lines[0] and "did you mean 'outbox'" in lines[0]


def test_a_csv_list_row_is_named_by_file_and_row(config):
    (config / "office.csv").write_text("姓名,邮箱,关注地区,比较组,简报\n张三,zs@wuyi.example.gov.cn,武义,全市,每周\n"
                                       "李四,ls@wuyi.example.gov.cn,武义,全市,weekley\n", encoding="utf-8")
    text = (config / "recipients.yaml").read_text(encoding="utf-8").replace("csv_files: []", "csv_files: [office.csv]")
    (config / "recipients.yaml").write_text(text, encoding="utf-8")
    code, lines = _check(config)
    assert code == 2
    assert f"{config / 'office.csv'}: row 3 (email=ls@wuyi.example.gov.cn)" in lines[0]
    assert "did you mean 'weekly'" in lines[0]


def test_targets_are_checked_with_the_rest(config):
    text = (config / "targets.yaml").read_text(encoding="utf-8")
    (config / "targets.yaml").write_text(text.replace("place: wuyi", "place: wuyii", 1), encoding="utf-8")
    code, lines = _check(config)
    assert code == 2
    assert any(line.startswith("error: targets:") and "wuyii" in line for line in lines)
