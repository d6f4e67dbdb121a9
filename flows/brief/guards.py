"""The blank-briefing guard: reasons not to send anything at all.

Nothing goes out when the marts are missing or empty, or when the newest loaded data is older than
the configured limit. (A focus place with no ranked indicator is refused per recipient in collect.py.)
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flows.brief.content.queries import WarehouseState


def run_problems(state: WarehouseState, as_of: datetime, max_age_days: int) -> list[str]:
    """Why this run must not send briefings; empty when it may."""
    if state.marts_missing:
        return [f"the rank marts are not built ({', '.join(state.marts_missing)} missing): run `bipin rank` first"]
    if state.n_rankings == 0:
        return ["the rank marts are empty: nothing has been ranked yet; load files and run `bipin rank`"]
    if state.newest_loaded_at is None:
        return [f"no data file was loaded by {as_of:%Y-%m-%d %H:%M}"]
    age = as_of - state.newest_loaded_at
    if age > timedelta(days=max_age_days):
        return [f"the newest data was loaded {state.newest_loaded_at:%Y-%m-%d %H:%M}, {age.days} days before "
                f"{as_of:%Y-%m-%d}; the limit is {max_age_days} days (delivery.max_data_age_days): check ingest"]
    return []


def catalog_problems(catalog_is_stale: bool) -> list[str]:
    """Ranks are computed from the catalog as it is now, the stored top three and streaks from the
    catalog the marts were built with: after a catalog change they disagree until rank runs."""
    if catalog_is_stale:
        return ["the catalog (places, groups, indicators or memberships) changed since the marts were built: "
                "run `bipin rank` first"]
    return []


def as_of_problems(marts_watermark: datetime | None, as_of: datetime) -> list[str]:
    """Rendering as of a past moment needs marts built as of that moment, or it mixes in later data."""
    if marts_watermark is not None and marts_watermark > as_of:
        return [f"the marts include data loaded {marts_watermark:%Y-%m-%d %H:%M}, after --as-of {as_of:%Y-%m-%d %H:%M}: "
                f"run `bipin rank --as-of {as_of:%Y-%m-%dT%H:%M}` first (and `bipin rank` afterwards)"]
    return []
