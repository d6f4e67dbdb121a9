"""One typed settings object: every path and default stated in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

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

    def local_now(self) -> datetime:
        """Now as a naive local time of the configured zone, as the warehouse stores times."""
        return datetime.now(ZoneInfo(self.timezone)).replace(tzinfo=None)

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
    return Settings(home=home_path, config_dir=cfg, db_path=db, timezone=configured_timezone(cfg))


def configured_timezone(config_dir: Path) -> str:
    """The top-level `timezone` of config/settings.yaml (default Asia/Shanghai).

    Every stage stamps and compares local times in this one zone (naive timestamps in DuckDB).
    """
    import yaml

    path = Path(config_dir) / "settings.yaml"
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    except yaml.YAMLError:
        content = None  # the catalog check reports the broken file with its line
    zone = content.get("timezone") if isinstance(content, dict) else None
    return str(zone) if zone else "Asia/Shanghai"


def prepare_prefect_env(settings: Settings) -> None:
    """Keep Prefect local, quiet and offline unless the operator pointed it elsewhere.

    Must run before `prefect` is imported: Prefect reads these at import time.
    """
    os.environ.setdefault("PREFECT_HOME", str(settings.prefect_home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # INFO: what each run did (files rejected and why, who was sent what) reaches its logs in the UI;
    # the `bipin.*` loggers of the plain functions too. The CLI keeps its console quiet (commands/common.py).
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "bipin")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_UI_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # Prefect creates its home without parents: on a new BIPIN_HOME its local server would not start
    Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)


def settings_section(config_dir: str | Path, key: str, model, error: type[Exception]):
    """The `key:` section of config/settings.yaml validated by a pydantic model (defaults when absent).

    Problems raise `error` naming the file and the key, never a traceback. The file's top-level
    `timezone` fills in a section's own `timezone` field when the section leaves it out.
    """
    import yaml
    from pydantic import ValidationError

    path = Path(config_dir) / "settings.yaml"
    content: dict = {}
    if path.exists():
        try:
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise error(f"{path}: not valid YAML: {exc}") from None
    section = dict(content.get(key) or {})
    if "timezone" in model.model_fields and "timezone" not in section and content.get("timezone"):
        section["timezone"] = content["timezone"]
    try:
        return model.model_validate(section)
    except ValidationError as exc:
        where = "; ".join(f"{key}.{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise error(f"{path}: {where}") from None
