"""Which task runner fans out the briefing tasks: the `task_runner:` section of config/settings.yaml.

thread (default): Prefect's ThreadPoolTaskRunner, enough for a city's few hundred briefings.
dask: prefect-dask's DaskTaskRunner, against an existing cluster (`dask_address`) or a
LocalCluster started for the run (`dask_cluster`: its keyword arguments), for offices that send
thousands. run_brief applies it: `brief.with_options(task_runner=...)` with the run's own Config.
"""

from __future__ import annotations

from flows.config.runner import RunnerConfig
from flows.config.settings import Settings


class RunnerConfigError(Exception):
    """A task runner that cannot be built; the message says what to install or fix."""


def build_task_runner(cfg: RunnerConfig):
    """A fresh task runner instance (runners are single-use, so build one per flow run)."""
    if cfg.kind == "thread":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=cfg.max_workers)
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError:
        raise RunnerConfigError(
            "task_runner.kind is dask but prefect-dask is not installed: pip install 'bipin[dask]'"
        ) from None
    if cfg.dask_address:
        return DaskTaskRunner(address=cfg.dask_address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={"n_workers": 2, "threads_per_worker": 2, **cfg.dask_cluster},
    )


def run_brief(settings: Settings, **params):
    """Run the brief flow on the task runner Config.task_runner names: the one place it is applied
    (the CLI, the pipeline and the deployed `brief` all come here, with the run's own config)."""
    from flows.brief.flow import brief

    runner = build_task_runner(settings.config.task_runner)
    return brief.with_options(task_runner=runner)(home=str(settings.home), config_dir=str(settings.config_dir),
                                                  db_path=str(settings.db_path), **params)
