"""One typed settings object: every path and default stated in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = PROJECT_ROOT / "sql"
TEMPLATES_DIR = PROJECT_ROOT / "templates"
DEFAULT_CONFIG_DIR = PROJECT_ROOT / "config"


@dataclass(frozen=True)
class Settings:
    """Where bipin reads config and keeps its state.

    `home` holds everything the job writes (database, inbox, quarantine, outbox,
    Prefect's own home) so a demo or a test can live in one throwaway folder.
    """

    home: Path
    config_dir: Path
    db_path: Path
    timezone: str = "Asia/Shanghai"
    extra: dict = field(default_factory=dict)

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def outbox(self) -> Path:
        return self.home / "outbox"

    @property
    def prefect_home(self) -> Path:
        return self.home / "prefect"

    def with_overrides(self, **changes) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def load_settings(
    config_dir: str | Path | None = None,
    db_path: str | Path | None = None,
    home: str | Path | None = None,
) -> Settings:
    """Arguments win over environment (BIPIN_CONFIG_DIR, BIPIN_DB, BIPIN_HOME), which win over defaults."""
    home_path = Path(home or os.environ.get("BIPIN_HOME") or PROJECT_ROOT / "var").resolve()
    cfg = Path(config_dir or os.environ.get("BIPIN_CONFIG_DIR") or DEFAULT_CONFIG_DIR).resolve()
    db = Path(db_path or os.environ.get("BIPIN_DB") or home_path / "bipin.duckdb").resolve()
    return Settings(home=home_path, config_dir=cfg, db_path=db)


def prepare_prefect_env(settings: Settings) -> None:
    """Keep Prefect local, quiet and offline unless the operator pointed it elsewhere.

    Must run before `prefect` is imported: Prefect reads these at import time.
    """
    os.environ.setdefault("PREFECT_HOME", str(settings.prefect_home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_UI_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
