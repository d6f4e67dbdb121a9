"""Which task runner fans out the briefing tasks: the `task_runner:` section of config/settings.yaml.

thread (default): Prefect's ThreadPoolTaskRunner, enough for a city's few hundred briefings.
dask: prefect-dask's DaskTaskRunner, against an existing cluster (`dask_address`) or a
LocalCluster started for the run (`dask_cluster`: its keyword arguments), for offices that send
thousands. The brief flow applies it with `brief.with_options(task_runner=task_runner_for(...))`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from flows.config.settings import Settings, settings_section


class RunnerConfigError(Exception):
    """A task_runner section that cannot be used; the message names the file and key."""


class RunnerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["thread", "dask"] = "thread"
    max_workers: int = Field(default=4, ge=1)               # thread pool size
    dask_address: str | None = None                         # tcp://scheduler:8786 of a running cluster
    dask_cluster: dict[str, Any] = Field(default_factory=dict)  # LocalCluster(**dask_cluster) otherwise


def load_runner_config(config_dir: str | Path) -> RunnerConfig:
    return settings_section(config_dir, "task_runner", RunnerConfig, RunnerConfigError)


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


def task_runner_for(config_dir: str | Path):
    """The runner config/settings.yaml asks for; what the brief flow should run its tasks on."""
    return build_task_runner(load_runner_config(config_dir))


def run_brief(settings: Settings, **params) -> list:
    """Run the brief flow on the task runner config/settings.yaml names (`task_runner:`, flows/run/runners.py)."""
    from flows.brief.flow import brief

    runner = task_runner_for(settings.config_dir)
    return brief.with_options(task_runner=runner)(home=str(settings.home), config_dir=str(settings.config_dir),
                                                  db=str(settings.db_path), **params)
