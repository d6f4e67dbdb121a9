"""config/targets.yaml: loading, names resolved to codes, and mistakes reported with file, entry and key."""

from __future__ import annotations

import shutil

import pytest

from flows.config.catalog import load_catalog
from flows.config.recipients import load_recipients
from flows.config.targets import TargetsError, load_targets, validate_targets
from flows.demo import story
from tests.conftest import ROOT


@pytest.fixture
def config(tmp_path):
    folder = tmp_path / "config"
    shutil.copytree(ROOT / "config", folder)
    return folder


def write(folder, body: str):
    (folder / "targets.yaml").write_text(body, encoding="utf-8")
    return load_catalog(folder)


def test_names_resolve_to_codes_and_the_file_flag_marks_synthetic(config):
    catalog = write(config, """
synthetic: true
targets:
  - {year: 2026, place: 武义县, source: 政府工作报告, indicators: {固投: {growth: 10}, budget_revenue: {level: 30, unit: 亿元}}}
  - {year: 2026, place: yiwu, synthetic: false, indicators: {industrial_loss_share: {level: 12, unit: "%"}}}
""")
    rows = {(t.place_code, t.indicator_code): t for t in load_targets(config, catalog)}
    assert set(rows) == {("wuyi", "fixed_asset_investment"), ("wuyi", "budget_revenue"), ("yiwu", "industrial_loss_share")}
    fai = rows[("wuyi", "fixed_asset_investment")]
    assert (fai.basis, fai.target, fai.unit, fai.source_note, fai.is_synthetic) == ("growth", 10.0, "%", "政府工作报告", True)
    assert (rows[("wuyi", "budget_revenue")].basis, rows[("wuyi", "budget_revenue")].unit) == ("level", "亿元")
    assert rows[("yiwu", "industrial_loss_share")].is_synthetic is False


def test_every_mistake_is_named_with_file_entry_and_key(config):
    catalog = write(config, """
targets:
  - year: 2026
    place: 武义新城
    indicators: {gdp: {growth: 5}}
  - year: 2026
    place: wuyi
    indicators:
      no_such_thing: {growth: 5}
      industrial_loss_share: {growth: -1}
      budget_revenue: {level: 300000, unit: 万元}
      gdp: {growth: 5}
  - year: 2026
    place: 武义
    indicators: {GDP: {growth: 6}}
""")
    problems = validate_targets(config, catalog)
    path = str(config / "targets.yaml")
    assert all(p.startswith(path) for p in problems)
    text = "\n".join(problems)
    assert "targets[0] (year=2026, place=武义新城).place: place '武义新城' is not a known place code or name" in text
    assert "targets[1] (year=2026, place=wuyi).indicators.no_such_thing: not an indicator" in text
    assert "indicators.industrial_loss_share: industrial_loss_share (规上工业企业亏损面) is a rate published " \
           "without growth: give a level target in %" in text
    assert "indicators.budget_revenue: level target unit '万元' is not the indicator's unit '亿元'" in text
    assert "targets[2] (year=2026, place=武义).indicators.GDP: gdp already has a 2026 target for wuyi (targets[1])" in text
    assert len(problems) == 5
    with pytest.raises(TargetsError, match="invalid targets"):
        load_targets(config, catalog)


def test_shape_mistakes_name_the_key(config):
    catalog = write(config, """
targets:
  - {year: 2026, place: wuyi, indicators: {gdp: {growth: 5, level: 100, unit: 亿元}}}
  - {year: 2026, place: wuyi, indicators: {retail_sales: {level: 100}}}
  - {year: 2026, place: wuyi, indicators: {exports: {growth: 五}}}
""")
    problems = validate_targets(config, catalog)
    assert any("targets[0] (year=2026, place=wuyi).indicators.gdp: give exactly one of growth" in p for p in problems)
    assert any("targets[1] (year=2026, place=wuyi).indicators.retail_sales: a level target needs its unit" in p
               for p in problems)
    assert any("targets[2] (year=2026, place=wuyi).indicators.exports.growth" in p for p in problems)


def test_a_missing_file_means_no_targets_and_bad_yaml_is_reported(config):
    catalog = load_catalog(config)
    (config / "targets.yaml").unlink()
    assert load_targets(config, catalog) == () and validate_targets(config, catalog) == []
    write(config, "targets: [\n")
    assert "not valid YAML" in validate_targets(config, catalog)[0]


def test_shipped_targets_are_synthetic_cover_every_demo_focus_place_and_carry_the_demo_story():
    catalog = load_catalog(ROOT / "config")
    targets = load_targets(ROOT / "config", catalog)
    assert targets and all(t.is_synthetic for t in targets)
    focus = {r.place for r in load_recipients(ROOT / "config", catalog) if r.place}
    assert focus and focus <= {t.place_code for t in targets}
    slip = [t for t in targets if t.place_code == story.FOCUS and t.indicator_code == story.TARGET_SLIP_INDICATOR]
    assert slip and all((t.basis, t.target) == ("growth", story.TARGET_SLIP_GROWTH) for t in slip)


def test_demo_data_falls_behind_the_target_from_mid_year():
    from datetime import date

    from flows.demo.generate import generate

    obs = generate(load_catalog(ROOT / "config"), date(2026, 10, 1)).observations
    series = obs[(obs["place_code"] == story.FOCUS) & (obs["indicator_code"] == story.TARGET_SLIP_INDICATOR)]
    months = {(p.year, p.month): g for p, g in zip(series["period"], series["growth_pct"], strict=True)}
    assert all(g > story.TARGET_SLIP_GROWTH for (y, m), g in months.items() if m < story.TARGET_SLIP_FROM_MONTH)
    assert all(g < story.TARGET_SLIP_GROWTH for (y, m), g in months.items() if m >= story.TARGET_SLIP_FROM_MONTH)
    assert (2026, 5) in months and (2026, 6) in months


def test_sync_catalog_mirrors_targets_and_leaves_them_when_given_none(config):
    from flows.warehouse.db import connect, sync_catalog

    catalog = write(config, """
synthetic: true
targets:
  - {year: 2026, place: wuyi, source: 政府工作报告, indicators: {gdp: {growth: 6}, budget_revenue: {level: 30, unit: 亿元}}}
""")
    con = connect(":memory:")
    sync_catalog(con, catalog, load_targets(config, catalog))
    rows = "select year, place_code, indicator_code, basis, target, unit, source_note, is_synthetic from ref.targets order by all"
    mirrored = [(2026, "wuyi", "budget_revenue", "level", 30.0, "亿元", "政府工作报告", True),
                (2026, "wuyi", "gdp", "growth", 6.0, "%", "政府工作报告", True)]
    assert con.execute(rows).fetchall() == mirrored
    sync_catalog(con, catalog)  # a stage that does not read targets
    assert con.execute(rows).fetchall() == mirrored
    sync_catalog(con, catalog, ())  # targets.yaml emptied
    assert con.execute(rows).fetchall() == []
