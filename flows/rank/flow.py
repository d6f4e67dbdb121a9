"""Prefect flow `rank`: rebuild the marts (incrementally unless asked), publish top-three tables, summarise.

Thin by design: each task calls plain functions of flows.rank.marts / report, which the tests
exercise without Prefect. Import this module only after settings.prepare_prefect_env.
"""

from __future__ import annotations

from datetime import date, datetime

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.config.catalog import Catalog
from flows.config.settings import Settings, load_settings
from flows.core.periods import Period
from flows.core.run_names import rename_run, start_name
from flows.core.worktime import own_work
from flows.rank import apart


@task(name="build-marts", cache_policy=NO_CACHE)
def build_marts_task(settings: Settings, catalog: Catalog, as_of: datetime | None, full: bool) -> dict:
    """Mirror the catalog, rebuild what changed (or everything), return the run's summary.

    As of a past moment: in a copy kept apart (flows/rank/apart.py); the live warehouse is not touched."""
    with own_work("rank"):
        return apart.build_summary(settings, catalog, as_of, full)


@task(name="publish-top3", cache_policy=NO_CACHE)
def publish_top3_task(summary: dict) -> int:
    """One table artifact with every group's top-three counts in its newest period (one API call, not one
    per group), and one for rank disagreements when there are any."""
    rows = [{"group": group_code, **row, "period": _label(row["period"])}
            for group_code, group_rows in summary["top3"].items() for row in group_rows]
    create_table_artifact(
        key="rank-top3",
        table=rows or [{"group": "(no complete period yet)"}],
        description=f"# Top-three counts, newest complete period of each of {len(summary['top3'])} group(s)",
    )
    if summary["n_disagreements"]:
        create_table_artifact(
            key="rank-disagreements",
            table=[{**row, "period": _label(row["period"])} for row in summary["disagreements"]],
            description=f"# {summary['n_disagreements']} published rank(s) differ from the computed ones",
        )
    return len(summary["top3"])


def _label(period: str | None) -> str:
    """2026-10-01 -> 2026年1-10月, as the bureaus print it (artifacts are read by operators)."""
    if not period:
        return ""
    day = date.fromisoformat(str(period)[:10])
    return Period(day.year, day.month).label()


@flow(name="rank", log_prints=True, flow_run_name=start_name("rank"))
def rank(as_of: datetime | str | None = None, full: bool = False, config_dir: str | None = None,
         db_path: str | None = None, home: str | None = None) -> dict:
    """Rebuild the rank marts as of `as_of` (None = now; an ISO time, local to settings.timezone unless
    it has a UTC offset); `full` rebuilds everything. Returns the summary."""
    with own_work("rank"):
        settings = load_settings(config_dir, db_path, home)
        catalog = settings.config.catalog  # every config file, read once
        moment = settings.to_local(as_of)  # the edge: from here on, naive local time only
    # quote(): Prefect would walk every field of the catalog and the summary looking for futures
    summary = build_marts_task(settings, quote(catalog), moment, full)
    publish_top3_task(quote(summary))
    rename_run(f"rank {settings.local_now():%Y-%m-%d} {summary['mode']}, {summary['n_slices']} slice(s)"
               + (f", as of {summary['as_of']}" if summary["as_of"] else ""))
    print(f"rank: {summary['mode']}, {summary['n_slices']} slice(s), {summary['n_rankings']} rankings, "
          f"{summary['n_disagreements']} rank disagreement(s) in {summary['seconds']} s")
    for row in summary["partial"][:10]:
        print(f"rank: {row['group']} {row['period']}: {row['indicators']} indicator(s) partial "
              f"({row['reported']} members reported), not published until complete")
    return summary
