"""The stage flows as the deployments run them: the failure alert attached, briefings on the configured runner.

prefect.yaml and flows/run/serve.py point their entrypoints here (flows/run/deployments.py:brief keeps the
flow name `brief`, so `prefect deployment run 'brief/weekly'` works), leaving the stage modules
free of operations concerns. Reading the runner config is the one thing done at import.
"""

from __future__ import annotations

from flows.brief.flow import brief as _brief
from flows.config.settings import load_settings
from flows.ingest.flow import ingest as _ingest
from flows.pull.flow import pull as _pull
from flows.rank.flow import rank as _rank
from flows.run.alerts import alert_operators
from flows.run.pipeline import pipeline
from flows.run.runners import task_runner_for


def _with_alert(stage_flow):
    hooks = [h for h in (stage_flow.on_failure_hooks or []) if h is not alert_operators]
    return stage_flow.with_options(on_failure=[*hooks, alert_operators])


ingest = _with_alert(_ingest)
pull = _with_alert(_pull)
rank = _with_alert(_rank)
brief = _with_alert(_brief).with_options(task_runner=task_runner_for(load_settings().config_dir))

__all__ = ["brief", "ingest", "pipeline", "pull", "rank"]
