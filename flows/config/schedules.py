"""When each job runs: the `schedules:` section of config/settings.yaml (Config.schedules), and which
briefings are due.

This is the single source of the schedule values. flows/run/serve.py builds its deployments from it;
prefect.yaml repeats the same cron strings (Prefect cannot read them from here) and
tests/test_ops_deployments.py fails when the two disagree.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError
from pydantic import BaseModel, ConfigDict, field_validator

from flows.config.names import DEFAULT_TIMEZONE, TimeZoneName

BRIEF_KINDS = ("weekly", "monthly", "quarterly", "digest")


class Schedules(BaseModel):
    """Cron strings in the local time of `timezone`. Every default is stated here."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    timezone: TimeZoneName = DEFAULT_TIMEZONE  # settings.yaml's top-level `timezone` when left out
    ingest: str = "0 * * * *"               # hourly: pick up new files, re-rank if anything changed
    pull: str = "45 8-18 * * 1-5"           # work hours, before each hourly ingest: fetch the bureaus' tables
    weekly: str = "0 8 * * 1"               # Monday 08:00: 每周调度
    monthly: str = "0 9 20 * *"             # the 20th, after the bureau's mid-month release: 每月通报
    quarterly: str = "0 9 25 1,4,7,10 *"    # the 25th of the month after each quarter: 每季晒拼
    digest: str = "30 7 * * *"              # daily 07:30: the operators' digest

    @field_validator("ingest", "pull", "weekly", "monthly", "quarterly", "digest")
    @classmethod
    def _cron(cls, v: str) -> str:
        try:
            next(CronSim(v, datetime(2026, 1, 1)))
        except CronSimError as exc:
            raise ValueError(f"{v!r} is not a cron string (minute hour day month weekday): {exc}") from None
        return v

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def cron(self, job: str) -> str:
        return getattr(self, job)

    def next_run(self, job: str, now: datetime) -> datetime:
        return next(CronSim(self.cron(job), now.astimezone(self.zone)))

    def last_run(self, job: str, now: datetime) -> datetime:
        """The latest scheduled time at or before `now`."""
        return next(CronSim(self.cron(job), now.astimezone(self.zone) + timedelta(seconds=1), reverse=True))


def _window_start(kind: str, day: date) -> date:
    """The span within which one briefing of a kind is owed: a day, an ISO week, a month, a quarter."""
    if kind == "weekly":
        return day - timedelta(days=day.weekday())
    if kind == "monthly":
        return day.replace(day=1)
    if kind == "quarterly":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day


def due_kinds(schedules: Schedules, now: datetime) -> list[str]:
    """Briefing kinds owed at `now`: their latest scheduled time falls in the current day/week/month/quarter.

    So a weekly dispatch is due from Monday 08:00 to Sunday night (a Tuesday run catches up if
    Monday's failed); the send ledger makes sure each is sent once per window and recipient.
    """
    local_now = now.astimezone(schedules.zone)
    today = local_now.date()
    return [
        kind for kind in BRIEF_KINDS
        if schedules.last_run(kind, local_now).date() >= _window_start(kind, today)
    ]
