"""Units answerable for indicators (各单位、各条线): config/units.yaml checked, a unit's weekly opening with
its own indicators, the leader's roll-call of units behind (晾晒比拼), the unit's XLSX sheet, `bipin show --unit`."""

from __future__ import annotations

import io
import shutil
from datetime import date, datetime

import openpyxl
import pytest
from brief_world import AS_OF, world_settings
from rank_world import Loader
from test_rank_cli import GROUPS, PLACES, invoke
from test_targets_history import MORE_INDICATORS

from flows.brief import plan as p
from flows.brief.content.units import rollcall
from flows.config.catalog import load_catalog
from flows.config.check import check_config
from flows.config.recipients import load_recipients
from flows.config.units import load_units, validate_units
from flows.warehouse.db import connect, sync_catalog
from tests.conftest import ROOT

UNITS = """synthetic: true
places:
  - place: 武义
    units:
      - {name: 经信局, leads: [industry], supports: [exports]}
      - {name: 发改局, leads: [fai]}
      - {name: 商务局, full_name: 武义县商务局, leads: [retail, 出口总额]}
      - {name: 财政局, leads: [revenue]}
"""
UNIT_RECIPIENT = """  - name: 武义县商务局
    email: swj@wuyi.example.gov.cn
    place: 武义
    unit: 商务局
    groups: [city_jinhua, mountain26]
    kinds: [weekly, monthly]
"""


@pytest.fixture
def shipped(tmp_path):
    folder = tmp_path / "config"
    shutil.copytree(ROOT / "config", folder)
    return folder


def test_units_resolve_names_and_the_shipped_file_gives_every_indicator_a_lead(shipped):
    units = load_units(shipped, load_catalog(shipped))
    wuyi = {u.name: u for u in units if u.place_code == "wuyi"}
    assert wuyi["商务局"].role("retail_sales") == "lead" and wuyi["经信局"].role("exports") == "support"
    catalog = load_catalog(shipped)
    assert {i.code for i in catalog.indicators} == {c for u in wuyi.values() for c in u.leads}


def test_check_names_ranked_indicators_without_a_lead_and_a_second_lead(shipped):
    (shipped / "units.yaml").write_text("""places:
  - place: wuyi
    units:
      - {name: 经信局, leads: [industrial_value_added, 固定资产投资]}
      - {name: 发改局, leads: [fixed_asset_investment, fixed_asset_investmnt]}
""", encoding="utf-8")
    problems = validate_units(shipped, load_catalog(shipped))
    path = shipped / "units.yaml"
    assert f"{path}: places[0] (place=wuyi).units[1] (name=发改局).leads: 'fixed_asset_investmnt' is not an " \
           "indicator in indicators.yaml (use its code or name); did you mean 'fixed_asset_investment'" in problems[0]
    assert any("units[1] (name=发改局).leads: fixed_asset_investment (固定资产投资) already has the lead unit 经信局"
               in p for p in problems)
    orphans = next(p for p in problems if "no lead unit" in p)
    assert orphans.startswith(f"{path}: places[0] (place=wuyi).units: no lead unit for 35 ranked indicator(s): "
                              "industrial_output (规上工业总产值), ")
    assert "industrial_value_added (" not in orphans and "retail_sales (社会消费品零售总额)" in orphans


def test_check_refuses_a_recipient_unit_the_place_does_not_have(shipped):
    text = (shipped / "recipients.yaml").read_text(encoding="utf-8").replace("unit: 商务局", "unit: 商务厅")
    (shipped / "recipients.yaml").write_text(text, encoding="utf-8")
    (problem,) = check_config(shipped)["units"]
    assert "recipients.yaml: recipients[2] (email=swj@wuyi.example.gov.cn): unit '商务厅' is not a unit of wuyi " \
           "in units.yaml; did you mean '商务局'?" in problem


def test_an_office_csv_names_units_in_gbk_and_an_unknown_one_is_refused_by_row(shipped):
    csv = "姓名,邮箱,关注地区,单位,简报\n经信局,jxj@wuyi.example.gov.cn,武义,经信局,每周\n统计局,tjj@wuyi.example.gov.cn,武义,统计所,每周\n"
    (shipped / "offices.csv").write_bytes(csv.encode("gbk"))
    text = (shipped / "recipients.yaml").read_text(encoding="utf-8").replace("csv_files: []", "csv_files: [offices.csv]")
    (shipped / "recipients.yaml").write_text(text, encoding="utf-8")
    people = {r.email: r for r in load_recipients(shipped, load_catalog(shipped))}
    assert (people["jxj@wuyi.example.gov.cn"].place, people["jxj@wuyi.example.gov.cn"].unit) == ("wuyi", "经信局")
    (problem,) = check_config(shipped)["units"]
    assert f"{shipped / 'offices.csv'}: row 3 (email=tjj@wuyi.example.gov.cn): unit '统计所' is not a unit of wuyi" \
        in problem and "did you mean '统计局'?" in problem


def test_full_width_names_resolve_through_the_one_normaliser(shipped):
    """A place, an indicator and a recipient's unit written with full-width characters and inner spaces
    read as their plain forms; the recipient carries the unit as units.yaml writes it."""
    text = (shipped / "units.yaml").read_text(encoding="utf-8")
    (shipped / "units.yaml").write_text(text.replace("  - place: wuyi", "  - place: 武义　县", 1)
                                        .replace("leads: [real_estate_investment]", "leads: [房地产　开发投资]", 1),
                                        encoding="utf-8")
    recipients = (shipped / "recipients.yaml").read_text(encoding="utf-8").replace("unit: 商务局", "unit: 商务　局")
    (shipped / "recipients.yaml").write_text(recipients, encoding="utf-8")
    from flows.config.model import load_config

    config = load_config(shipped)
    housing = next(u for u in config.units if u.name == "住建局")
    assert (housing.place_code, housing.leads) == ("wuyi", ("real_estate_investment",))
    assert next(r for r in config.recipients if r.email == "swj@wuyi.example.gov.cn").unit == "商务局"


@pytest.fixture
def world(tmp_path):
    """The brief world (Wuyi at 1-10月 in 全市: 固投 2nd, 工业 4th, 社零 5th, 收入 tied 3rd, 出口 2nd; 社零 and
    收入 behind their targets) with four units, a 商务局 recipient and 社零 under a 市下达 floor it misses."""
    settings = world_settings(tmp_path)
    (settings.config_dir / "units.yaml").write_text(UNITS, encoding="utf-8")
    recipients = settings.config_dir / "recipients.yaml"
    recipients.write_text(recipients.read_text(encoding="utf-8").replace("recipients:\n", "recipients:\n" + UNIT_RECIPIENT),
                          encoding="utf-8")
    con = connect(settings.db_path)
    con.execute("alter table marts.target_progress add column target_kind varchar default 'own'")
    con.execute("alter table marts.target_progress add column assigned_target double")
    con.execute("alter table marts.target_progress add column assigned_on_track boolean")
    con.execute("update marts.target_progress set assigned_target = 5.0, assigned_on_track = false "
                "where indicator_code = 'retail'")
    con.close()
    return settings


def emails(settings, kind) -> dict[str, str]:
    plan = p.make_plan(settings, kind, places=["wuyi"], as_of=AS_OF)
    outcomes = [p.render_for(settings, plan, r) for r in plan.recipients]
    assert all(o.status == "ready" for o in outcomes), [o.detail for o in outcomes]
    return {o.email: o.outgoing for o in outcomes}


def text_of(out) -> str:
    return out.message.get_body(("plain",)).get_content()


def test_a_units_weekly_opens_with_its_own_indicators(world):
    out = emails(world, "weekly")["swj@wuyi.example.gov.cn"]
    assert out.subject.startswith("【每周调度】武义县商务局 2026年1-10月")
    text = text_of(out)
    block, overview = text.split("一、要点")
    assert "商务局牵头指标（2项）" in block and "2项中1项居全市前三，1项慢于序时（单位分工为合成演示）" in block
    retail = next(line for line in block.splitlines() if "社会消费品零售总额：" in line)
    assert retail.strip() == (
        "- 社会消费品零售总额：全市第5位（位次不变）、山区26县第4位（位次不变）；增长4.5%，低于自我加压目标6.0%"
        "（市下达5.0%），慢于序时；增速提高0.6个百分点可升至全市并列第4位")
    assert "出口总额：全市第2位（进3位）" in block
    assert "经信局" not in block and "固定资产投资：" not in block  # only its own indicators
    assert "各单位晾晒" not in text  # the roll-call is the leader's
    html = out.html
    assert html.index("商务局牵头指标（2项）") < html.index("要点")


def test_the_leaders_weekly_and_monthly_call_the_units_behind_most_urgent_first(world):
    for kind in ("weekly", "monthly"):
        text = text_of(emails(world, kind)["leader@wuyi.example.gov.cn"])
        lines = [line.strip() for line in text.split("各单位晾晒")[1].splitlines()[1:5]]
        assert lines == [
            "3个单位牵头指标有慢于序时或未进全市前三的（单位分工为合成演示）",  # units.yaml says synthetic: true
            "- 商务局（牵头2项）：社会消费品零售总额（全市第5位，未达市下达目标）",
            "- 财政局（牵头1项）：一般公共预算收入（慢于序时）",
            "- 经信局（牵头1项）：规上工业增加值（全市第4位）",
        ], kind
        assert "发改局" not in text.split("各单位晾晒")[1].split("二、")[0]  # 固投 2nd and ahead: nothing to air
        assert "商务局牵头指标" not in text


def test_rollcall_with_nothing_behind_says_so_in_one_line():
    units = [{"place_code": "a", "unit_name": "发改局", "unit_order": 0, "indicator_order": 0, "role": "lead",
              "indicator_code": "fai", "indicator_name": "固定资产投资"}]
    now = [{"period": AS_OF.date(), "place_code": "a", "group_code": "g", "group_label": "全市",
            "indicator_code": "fai", "rank": 1, "is_top3": True}]
    assert rollcall(units, "a", "g", now, [], AS_OF.date()) == ("各单位牵头指标均居全市前三且快于序时",)
    made_up = [{**u, "is_synthetic": True} for u in units]
    assert rollcall(made_up, "a", "g", now, [], AS_OF.date())[0].endswith("（单位分工为合成演示）")
    assert rollcall([], "a", "g", now, [], AS_OF.date()) == ()


def test_a_unit_recipients_workbook_opens_with_its_units_sheet(world):
    out = emails(world, "weekly")
    (attachment,) = list(out["swj@wuyi.example.gov.cn"].message.iter_attachments())
    wb = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))
    assert wb.sheetnames[0] == "商务局"
    rows = list(wb["商务局"].iter_rows(values_only=True))
    assert rows[0][:4] == ("期别", "指标", "职责", "比拼组")
    retail = [r for r in rows[1:] if r[1] == "社会消费品零售总额"]
    assert {r[3] for r in retail} == {"全市", "山区26县"}
    city = next(r for r in retail if r[3] == "全市")
    assert (city[2], city[7], city[10], city[11], city[12]) == ("牵头", 5, 6.0, 5.0, "慢于序时")
    (leader_attachment,) = list(out["leader@wuyi.example.gov.cn"].message.iter_attachments())
    assert "商务局" not in openpyxl.load_workbook(io.BytesIO(leader_attachment.get_content())).sheetnames


@pytest.fixture
def ranked(tmp_path):
    """甲县 ranked on 地区生产总值 and 固定资产投资 in 1-3月; 统计局 leads the first, 发改局 the second."""
    cfg = tmp_path / "config"
    cfg.mkdir()
    for name, text in (("places", PLACES), ("groups", GROUPS), ("indicators", MORE_INDICATORS)):
        (cfg / f"{name}.yaml").write_text(text, encoding="utf-8")
    (cfg / "units.yaml").write_text("""places:
  - place: 甲县
    units:
      - {name: 统计局, leads: [gdp]}
      - {name: 发改局, leads: [fai], supports: [地区生产总值]}
""", encoding="utf-8")
    db = tmp_path / "home" / "bipin.duckdb"
    con = connect(db)
    sync_catalog(con, load_catalog(cfg))
    Loader(con).load([("aa", "gdp", date(2025, 3, 1), 107.0, 7.0), ("bb", "gdp", date(2025, 3, 1), 90.0, 4.0),
                      ("aa", "fai", date(2025, 3, 1), 10.0, 2.0), ("bb", "fai", date(2025, 3, 1), 12.0, 3.0)],
                     datetime(2025, 4, 10, 9))
    con.close()
    args = ["--config", str(cfg), "--db", str(db), "--home", str(tmp_path / "home")]
    assert invoke([*args, "rank", "--no-prefect"])[0] == 0
    return args


def test_show_unit_lists_the_units_indicators(ranked):
    code, out = invoke([*ranked, "show", "--unit", "发改局"])
    assert code == 0, out
    assert "甲县发改局" in out
    rows = {line.split("│")[3].strip(): line for line in out.splitlines() if line.count("│") > 5}
    assert set(rows) == {"地区生产总值", "固定资产投资"}
    assert "配合" in rows["地区生产总值"] and "牵头" in rows["固定资产投资"] and "2/2" in rows["固定资产投资"]
    code, out = invoke([*ranked, "show", "--unit", "商务局"])
    assert code == 2 and "unit '商务局' is not in units.yaml" in out


def test_a_quarterly_indicator_in_a_monthly_weekly_shows_its_newest_quarters_rank():
    """1-10月: GDP is ranked at 前三季度 only; the unit's line gives that rank with its period, not 本期未排位."""
    from flows.brief.content.units import unit_block

    units = [{"place_code": "a", "unit_name": "发改局", "unit_order": 0, "indicator_order": i, "role": "lead",
              "indicator_code": code, "indicator_name": name}
             for i, (code, name) in enumerate((("gdp", "地区生产总值"), ("fai", "固定资产投资")))]
    row = {"place_code": "a", "group_code": "city", "group_label": "全市", "is_tied": False, "rank_change": 1}
    rankings = [
        {**row, "period": date(2026, 6, 1), "period_label": "2026年上半年", "indicator_code": "gdp", "rank": 7,
         "is_top3": False},
        {**row, "period": date(2026, 9, 1), "period_label": "2026年前三季度", "indicator_code": "gdp", "rank": 4,
         "is_top3": False},
        {**row, "period": date(2026, 10, 1), "period_label": "2026年1-10月", "indicator_code": "fai", "rank": 2,
         "is_top3": True},
    ]
    block = unit_block(units, "发改局", "a", ("city",), rankings, [], [], date(2026, 10, 1))
    assert block.lines == ("地区生产总值：全市第4位（2026年前三季度）", "固定资产投资：全市第2位（进1位）")
    assert block.summary == "2项中1项居全市前三"
    # a rank older than a quarter is not shown as if current
    stale = unit_block(units, "发改局", "a", ("city",), rankings[:1] + rankings[2:], [], [], date(2026, 10, 1))
    assert stale.lines[0] == "地区生产总值：本期未排位"
