"""Shared test setup. Prefect gets its own throwaway home before anything imports it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_PREFECT_HOME = tempfile.mkdtemp(prefix="bipin-test-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"  # as bipin runs: what each run did reaches its logs
os.environ["DO_NOT_TRACK"] = "1"
os.environ.pop("PREFECT_API_URL", None)
# Commands in tests run on the session's test server (prefect_harness) or Prefect's temporary one,
# never leaving bipin's background server behind; tests of that server set it back themselves.
os.environ["BIPIN_PREFECT_SERVER"] = "temporary"
# Tests write inbox files and ingest them at once: nothing is in transit (tests/test_ingest_inbox.py sets
# its own settle time, config/inbox.py)
os.environ["BIPIN_INBOX_SETTLE_SECONDS"] = "0"

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test server for the whole session; only end-to-end tests ask for it."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def shipped_catalog():
    from flows.config.catalog import load_catalog

    return load_catalog(ROOT / "config")


@pytest.fixture
def bipin_home(tmp_path, monkeypatch):
    """A throwaway BIPIN_HOME with its own DuckDB file, using the shipped config."""
    from flows.config.settings import load_settings

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("BIPIN_HOME", str(home))
    monkeypatch.delenv("BIPIN_DB", raising=False)
    monkeypatch.delenv("BIPIN_CONFIG_DIR", raising=False)
    return load_settings()


def settings_file(folder: Path, text: str):
    """config/settings.yaml alone, read as the job reads it: (SettingsFile or None, problems)."""
    from flows.config.settings_file import settings_from
    from flows.config.yamlfile import read_yaml

    path = folder / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    content, problems = read_yaml(path)
    parsed, found = settings_from(path, content)
    return parsed, problems + found
