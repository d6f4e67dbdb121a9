import shutil

import pytest

from flows.config.settings import load_settings, prepare_prefect_env
from tests.conftest import ROOT


@pytest.fixture
def config(tmp_path):
    """A copy of the shipped config: its settings.yaml is what the tests rewrite."""
    shutil.copytree(ROOT / "config", tmp_path / "config")
    return tmp_path / "config"


def test_settings_precedence_arguments_over_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("BIPIN_HOME", str(tmp_path / "from-env"))
    monkeypatch.setenv("BIPIN_DB", str(tmp_path / "env.duckdb"))
    s = load_settings(home=tmp_path / "from-arg")
    assert s.home == tmp_path / "from-arg"
    assert s.db_path == tmp_path / "env.duckdb"
    assert s.inbox == tmp_path / "from-arg" / "inbox"
    monkeypatch.delenv("BIPIN_DB")
    assert load_settings().db_path == tmp_path / "from-env" / "bipin.duckdb"


def test_prefect_home_is_created_with_its_parents(tmp_path, monkeypatch):
    # Prefect makes its home without parents; on a new BIPIN_HOME its local server would not start
    monkeypatch.delenv("PREFECT_HOME", raising=False)
    settings = load_settings(home=tmp_path / "new" / "home")
    prepare_prefect_env(settings)
    assert (tmp_path / "new" / "home" / "prefect").is_dir()


def test_timezone_comes_from_the_configs_settings_yaml(config, tmp_path):
    (config / "settings.yaml").write_text("timezone: America/Los_Angeles\n", encoding="utf-8")
    assert load_settings(config_dir=config, home=tmp_path).timezone == "America/Los_Angeles"
    (config / "settings.yaml").write_text("calendar_years: [2000, 2030]\n", encoding="utf-8")
    assert load_settings(config_dir=config, home=tmp_path).timezone == "Asia/Shanghai"


def test_local_now_is_naive_local_time_of_the_zone(config, tmp_path):
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    (config / "settings.yaml").write_text("timezone: Asia/Shanghai\n", encoding="utf-8")
    now = load_settings(config_dir=config, home=tmp_path).local_now()
    expected = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    assert now.tzinfo is None and abs(now - expected) < timedelta(seconds=5)
