"""Prefect flow `pull`: fetch every configured source's new tables into the inbox, one task per source.

Thin: each task calls flows.pull.run.pull_source, which the tests exercise without Prefect. A source
that cannot be pulled is logged in one line and the run ends "Completed with faults" (the other sources
still ran; ingest and the briefings still run in the pipeline). Import only after settings.prepare_prefect_env.
"""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed

from flows.config.pull import PullConfig, load_pull
from flows.config.settings import Settings, load_settings
from flows.pull.run import SourceResult, pull_source
from flows.warehouse.db import open_warehouse

FAULT_STATE = "Completed with faults"


@task(name="pull-source", cache_policy=NO_CACHE)
def pull_source_task(settings: Settings, config: PullConfig, code: str, dry_run: bool) -> SourceResult:
    """Pull one source; its fault (if any) is logged in one line, never raised."""
    source = config.chosen(code)[0]
    with open_warehouse(settings) as con:
        result = pull_source(con, settings, config, source, dry_run=dry_run)
    logger = get_run_logger()
    (logger.warning if not result.ok else logger.info)(result.line())
    for line in result.warnings:
        logger.warning(f"pull {code}: {line}")
    return result


def summary(results: list[SourceResult]) -> dict:
    return {
        "n_pulled": sum(len(r.pulled) for r in results),
        "failing": [r.code for r in results if not r.ok],
        "lines": [r.line() for r in results],
        "warnings": [f"pull {r.code}: {w}" for r in results for w in r.warnings],
        "sources": [{"source": r.code, "kind": r.kind, "pulled": len(r.pulled), "unchanged": r.unchanged,
                     "duplicates": len(r.duplicates), "outcome": "ok" if r.ok else r.line(), "seconds": r.seconds}
                    for r in results],
    }


@flow(name="pull", log_prints=True)
def pull(source: str | None = None, dry_run: bool = False, config_dir: str | None = None, db_path: str | None = None,
         home: str | None = None) -> dict:
    """Fetch new or changed tables from the configured mailboxes, web pages and folders into the inbox."""
    settings = load_settings(config_dir, db_path, home)
    config = load_pull(settings.config_dir)
    results = [pull_source_task(settings, config, s.code, dry_run) for s in config.chosen(source)]
    out = summary(results)
    create_table_artifact(key="pull-summary", table=out["sources"] or [{"source": "(none configured)"}],
                          description=f"bipin pull: {out['n_pulled']} new file(s)")
    if out["failing"]:
        return Completed(name=FAULT_STATE, message="; ".join(r.line() for r in results if not r.ok), data=out)
    return out
