"""`task_runner:` of config/settings.yaml: which task runner fans out the briefing tasks.

The model only; flows/run/runners.py builds the runner from it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class RunnerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    kind: Literal["thread", "dask"] = "thread"
    max_workers: int = Field(default=4, ge=1)               # thread pool size
    dask_address: str | None = None                         # tcp://scheduler:8786 of a running cluster
    dask_cluster: dict[str, Any] = Field(default_factory=dict)  # LocalCluster(**dask_cluster) otherwise
