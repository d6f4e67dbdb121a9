"""config/settings.yaml as one model: the zone, the calendar, release lags and the operations sections.

Every key of the file is a field here (a typo is a problem with "did you mean"); each section's
model lives in its own module (schedules.py, runner.py, alerts.py, delivery.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from flows.config.alerts import AlertsConfig
from flows.config.delivery import DeliveryConfig
from flows.config.inbox import InboxSettings
from flows.config.names import DEFAULT_TIMEZONE, TimeZoneName, model_problems
from flows.config.runner import RunnerConfig
from flows.config.schedules import Schedules
from flows.config.yamlfile import UNREADABLE


class ReleaseLags(BaseModel):
    """Per frequency, the greatest number of days between a period's last day and its release: data
    older than the newest period these say is out is stale (flows/brief/guards.py)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    monthly: int = Field(default=45, ge=0, le=3660)
    quarterly: int = Field(default=60, ge=0, le=3660)


def _default_years() -> tuple[int, int]:
    return 2000, date.today().year + 1


class SettingsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    timezone: TimeZoneName = DEFAULT_TIMEZONE           # every stored and compared time is local time of this zone
    calendar_years: tuple[int, int] = Field(default_factory=_default_years)  # ref.calendar, inclusive
    release_lag_days: ReleaseLags = ReleaseLags()
    schedules: Schedules = Schedules()
    task_runner: RunnerConfig = RunnerConfig()
    alerts: AlertsConfig = AlertsConfig()
    delivery: DeliveryConfig | None = None     # used when there is no delivery.yaml
    inbox: InboxSettings = InboxSettings()     # files in transit left alone (inbox.py)

    @model_validator(mode="before")
    @classmethod
    def _zone_for_schedules(cls, data):
        """The schedules' own `timezone` defaults to the file's."""
        if isinstance(data, dict) and data.get("timezone") and isinstance(data.get("schedules") or {}, dict):
            schedules = dict(data.get("schedules") or {})
            schedules.setdefault("timezone", data["timezone"])
            data = {**data, "schedules": schedules}
        return data

    @field_validator("calendar_years")
    @classmethod
    def _years(cls, v: tuple[int, int]) -> tuple[int, int]:
        if not 1900 <= v[0] <= v[1] <= 2200:
            raise ValueError(f"{list(v)} must be [first, last] years with first <= last, e.g. [2000, 2030]")
        return v


def settings_from(path: Path, content: Any) -> tuple[SettingsFile | None, list[str]]:
    """(settings.yaml's content as SettingsFile, problems); None content (no file): every default."""
    if content is UNREADABLE:
        return None, []  # read_yaml said why
    if content is not None and not isinstance(content, dict):
        return None, [f"{path}: expected a mapping of settings (timezone, schedules, ...)"]
    try:
        return SettingsFile.model_validate(content or {}), []
    except ValidationError as exc:
        return None, model_problems(exc, path, SettingsFile)
