"""The stage flows as the deployments run them: the failure alert attached, briefings on the configured runner.

prefect.yaml and flows/run/serve.py point their entrypoints here (flows/run/deployments.py:brief keeps the
flow name `brief`, so `prefect deployment run 'brief/weekly'` works), leaving the stage modules
free of operations concerns. Nothing is read at import: the deployed `brief` reads the config of its
own run (its `config_dir` parameter, else BIPIN_CONFIG_DIR) and runs the stage's brief as a subflow
on the task runner that config names (flows/run/runners.py: run_brief).
"""

from __future__ import annotations

from datetime import datetime

from prefect import flow

from flows.brief.delivery.outcome import SendResult
from flows.config.settings import load_settings
from flows.ingest.flow import ingest as _ingest
from flows.pull.flow import pull as _pull
from flows.rank.flow import rank as _rank
from flows.run.alerts import alert_operators
from flows.run.pipeline import pipeline
from flows.run.runners import run_brief


def _with_alert(stage_flow):
    hooks = [h for h in (stage_flow.on_failure_hooks or []) if h is not alert_operators]
    return stage_flow.with_options(on_failure=[*hooks, alert_operators])


ingest = _with_alert(_ingest)
pull = _with_alert(_pull)
rank = _with_alert(_rank)


@flow(name="brief", on_failure=[alert_operators])
def brief(kind: str, period: str | None = None, week: str | None = None, places: list[str] | None = None,
          recipients: list[str] | None = None, dry_run: bool = False, resend: bool = False,
          as_of: datetime | str | None = None, home: str | None = None, config_dir: str | None = None,
          db_path: str | None = None) -> list[SendResult]:
    """Render and deliver one kind of briefing, on the task runner this run's config names."""
    settings = load_settings(config_dir, db_path, home)
    return run_brief(settings, kind=kind, period=period, week=week, places=places, recipients=recipients,
                     dry_run=dry_run, resend=resend, as_of=as_of)


__all__ = ["brief", "ingest", "pipeline", "pull", "rank"]
