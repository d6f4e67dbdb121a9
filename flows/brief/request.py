"""What an operator asks the brief for, read once at the edge: --as-of in the configured zone, --week."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flows.config.settings import DEFAULT_TIMEZONE, to_local
from flows.config.settings import local_now as settings_local_now


class PlanError(Exception):
    """A request that cannot be planned (unknown kind, period, place, recipient)."""


def local_now(timezone: str) -> datetime:
    """Now as the warehouse writes times: naive, in the catalog's time zone (raw.files.loaded_at), to
    the second and rounded up, so a file loaded earlier in this second is known by then (truncating
    left it out, and marts ranked in the same second looked newer than the briefing's as-of)."""
    now = settings_local_now(timezone)
    return now.replace(microsecond=0) + timedelta(seconds=1) if now.microsecond else now


def parse_as_of(as_of: str | datetime | None, timezone: str = DEFAULT_TIMEZONE) -> datetime:
    """--as-of as naive local time; a moment with a UTC offset is converted into the zone (to_local)."""
    if as_of is None:
        return local_now(timezone)
    try:
        return to_local(as_of, timezone)
    except ValueError:
        raise PlanError(f"--as-of {as_of!r}: expected a date or time like 2026-11-23 or 2026-11-23T08:00") from None


def parse_week(week: str | None, as_of: datetime) -> str | None:
    """2026-W47, W47 or 47 (the year of as_of) -> 2026-W47."""
    if week is None:
        return None
    m = re.fullmatch(r"(?:(\d{4})-?)?W?(\d{1,2})", str(week).strip().upper())
    if not m or not 1 <= int(m.group(2)) <= 53:
        raise PlanError(f"--week {week!r}: expected an ISO week like 2026-W47")
    return f"{int(m.group(1) or as_of.isocalendar()[0])}-W{int(m.group(2)):02d}"
