"""The blank-briefing guard: reasons not to send anything at all.

Nothing goes out when the marts are missing or empty, when the newest loaded data is older than
the configured limit, or when the newest complete period is older than the release calendar says it
should be (a stale period is no news, however recently it was loaded). (A focus place with no ranked
indicator is refused per recipient in collect.py.)
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


# the frequency each leaders' briefing reports on (the digest is for operators: it goes out regardless,
# and a blocked briefing's run digest carries the reason)
KIND_FREQUENCIES = {"weekly": ("monthly",), "monthly": ("monthly",), "quarterly": ("quarterly",)}


def stale_period_problems(rows: list[dict], kind: str) -> list[str]:
    """Why the newest complete period is stale: rows of sql/brief/stale_periods.sql (per calendar: its
    newest complete period and the newest one its release lag says is out by now)."""
    problems = []
    for r in rows:
        if r["frequency"] not in KIND_FREQUENCIES.get(kind, ()) or r["due_period"] is None:
            continue
        if r["newest_period"] < r["due_period"]:
            problems.append(
                f"stale data: the newest complete {r['frequency']} period is {r['newest_label']}, but "
                f"{r['due_label']} was due by {r['due_date']:%Y-%m-%d} ({r['lag_days']} days after its end, "
                f"settings release_lag_days.{r['frequency']}): load the newer releases (the digest names the "
                "members still missing) before briefing leaders")
    return list(dict.fromkeys(problems))  # monthly and monthly_jf calendars may say the same
