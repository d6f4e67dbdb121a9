"""Issue 9 (ingest side) through the entry points: one mixed inbox (good files and one bad file per case)
run by the real Prefect flow `ingest` and by `bipin ingest`; both give the outcomes the plain-function
tests assert, and every good file loads whole."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from flows.cli.app import app
from tests.ingest_world import GOOD_ROWS, query, wide_grid, write_csv
from tests.trust_world import GOOD_OBSERVATIONS, good_observations, trust_settings, write_good

SEP_TITLE = "2026年1-9月金华市各县（市、区）主要经济指标"
# file -> (status, codes of its messages in order, observations loaded)
EXPECTED = {
    "city_202609.csv": ("loaded", [], 10),
    "city_202610.csv": ("rejected", ["period_disagrees"], 0),
    "city_202610_fai.csv": ("loaded", ["indicator_missing"], 5),
    "city_206210.csv": ("rejected", ["period_in_future"], 0),
    "flash_202610.csv": ("loaded", [], 10),
    "gb_202610.csv": ("loaded", ["implausible_value"], 10),
    "good_batch.csv": ("loaded", [], 3),
    "long_old.csv": ("rejected", ["period_outside_calendar"], 0),
}


def mixed_inbox(settings) -> None:
    inbox = settings.inbox
    write_good(settings)
    write_csv(inbox / "city_202609.csv", wide_grid(title=SEP_TITLE))
    write_csv(inbox / "city_202610.csv", wide_grid(GOOD_ROWS[:3], title=SEP_TITLE))  # named 10, titled 1-9月
    # a qualified header, and no 社会消费品零售总额 block this time
    write_csv(inbox / "city_202610_fai.csv", wide_grid(
        [r[:3] for r in GOOD_ROWS], header_a=["地区", "固定资产投资（不含农户）（亿元）", ""],
        header_b=["", "本年累计", "增长(%)"]))
    write_csv(inbox / "city_206210.csv", wide_grid(title="2062年1-10月主要经济指标"))
    write_csv(inbox / "flash_202610.csv", wide_grid(title="2026年1-10月主要经济指标（快报）"))
    rows = [list(r) for r in GOOD_ROWS]
    rows[1][1] = "1e308"
    write_csv(inbox / "gb_202610.csv", wide_grid(rows), encoding="utf-8-sig")  # BOM; the source says gb18030
    write_csv(inbox / "long_old.csv", [["地区", "指标", "期别", "本年累计", "比上年同期增长(%)", "位次"],
                                       ["武义", "固定资产投资", "2023年1-10月", "95", "5.5", ""]])


def outcomes(settings) -> dict:
    files = query(settings, "select file_name, status, n_observations, file_id from raw.files")
    found = {}
    for name, status, n_obs, file_id in files:
        codes = [c for (c,) in query(settings, "select code from raw.file_messages where file_id = ? "
                                               "order by row_number nulls first, code", [file_id])]
        found[name] = (status, codes, n_obs)
    return found


def check(settings) -> None:
    assert outcomes(settings) == EXPECTED
    assert good_observations(settings) == GOOD_OBSERVATIONS
    # the flash file's values keep their flag (gb_202610.csv, loaded after it, is current for the same keys)
    assert query(settings, "select count(*) from staging.observations where is_preliminary") == [(10,)]
    assert query(settings, "select place_code, value from staging.observations_current "
                           "where quality_flag = 'implausible'") == [("wuyi", 1e308)]


@pytest.mark.e2e
def test_the_prefect_flow_on_a_mixed_inbox(prefect_harness, tmp_path):
    from flows.ingest.flow import ingest

    s = trust_settings(tmp_path)
    mixed_inbox(s)
    summary = ingest(home=str(s.home), config_dir=str(s.config_dir))
    assert (summary["n_loaded"], summary["n_rejected"]) == (5, 3)
    check(s)


def test_bipin_ingest_on_a_mixed_inbox(tmp_path, monkeypatch):
    s = trust_settings(tmp_path)
    monkeypatch.setenv("BIPIN_CONFIG_DIR", str(s.config_dir))
    monkeypatch.setenv("BIPIN_HOME", str(s.home))
    monkeypatch.delenv("BIPIN_DB", raising=False)
    monkeypatch.setenv("BIPIN_INGEST_NO_PREFECT", "1")
    mixed_inbox(s)
    out = CliRunner().invoke(app, ["ingest"])
    assert out.exit_code == 1, out.output
    assert "5 loaded, 0 duplicate, 3 rejected" in out.output
    assert "[period_disagrees]" in out.output and "[period_in_future]" in out.output
    check(s)
