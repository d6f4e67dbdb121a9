"""One typed settings object: every path and default stated in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flows.config.names import DEFAULT_TIMEZONE  # noqa: F401 (callers import it from here)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
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
    # the one Config of config_dir, read on first use and then carried along (flows/config/model.py)
    _loaded: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def config(self):
        """Every file of config/, read and validated once for this Settings; raises ConfigError."""
        if "config" not in self._loaded:
            from flows.config.model import load_config

            self._loaded["config"] = load_config(self.config_dir)
        return self._loaded["config"]

    @property
    def timezone(self) -> str:
        """The zone every stored and compared time is local to (settings.yaml `timezone`)."""
        return self.config.timezone

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
        return local_now(self.timezone)

    def to_local(self, moment: str | datetime | None) -> datetime | None:
        """A time given to the CLI, a flow or a deployment, as the warehouse stores times (see to_local)."""
        return to_local(moment, self.timezone)

    def with_overrides(self, **changes) -> Settings:
        """The same config, other paths (a new config_dir reads its own)."""
        changed = replace(self, _loaded={}, **{k: v for k, v in changes.items() if v is not None})
        if changes.get("config_dir") is None and "config" in self._loaded:
            changed._loaded["config"] = self._loaded["config"]
        return changed


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


def local_now(timezone: str = DEFAULT_TIMEZONE) -> datetime:
    """Now as a naive local time of `timezone`."""
    return datetime.now(ZoneInfo(timezone)).replace(tzinfo=None)


def to_local(moment: str | datetime | None, timezone: str) -> datetime | None:
    """Naive local time of `timezone`: the one form every stored and compared time takes.

    Called once, where a time enters (CLI options, flow and deployment parameters): an ISO text or a
    datetime with a UTC offset is converted into the zone (2026-11-29T05:43:20-08:00 ->
    2026-11-29 21:43:20 in Asia/Shanghai); a naive one is taken as already local. Raises ValueError
    naming the text when it is no ISO date or time.
    """
    if moment is None or isinstance(moment, datetime):
        parsed = moment
    else:
        text = str(moment).strip()
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"cannot read the time {text!r}: expected e.g. 2026-03-01, '2026-03-01 08:00' "
                             "or 2026-11-29T05:43:20-08:00") from None
    if parsed is None or parsed.tzinfo is None:
        return parsed
    return parsed.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


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
