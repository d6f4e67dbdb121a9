"""The task runner comes from config; the Dask runner really runs tasks on Dask workers."""

from __future__ import annotations

import pytest

from flows.run.runners import (
    RunnerConfig,
    RunnerConfigError,
    build_task_runner,
    load_runner_config,
    task_runner_for,
)


def _settings(tmp_path, text: str):
    (tmp_path / "settings.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_thread_pool_is_the_default(tmp_path):
    from prefect.task_runners import ThreadPoolTaskRunner

    runner = task_runner_for(_settings(tmp_path, "timezone: Asia/Shanghai\n"))
    assert isinstance(runner, ThreadPoolTaskRunner)
    assert runner._max_workers == 4


def test_dask_with_an_address_connects_to_that_cluster(tmp_path):
    from prefect_dask import DaskTaskRunner

    cfg_dir = _settings(tmp_path, "task_runner:\n  kind: dask\n  dask_address: tcp://127.0.0.1:8786\n")
    runner = task_runner_for(cfg_dir)
    assert isinstance(runner, DaskTaskRunner)
    assert runner.address == "tcp://127.0.0.1:8786"


def test_dask_local_cluster_spec_is_passed_through():
    runner = build_task_runner(RunnerConfig(kind="dask", dask_cluster={"n_workers": 3, "processes": False}))
    assert runner.cluster_kwargs == {"n_workers": 3, "threads_per_worker": 2, "processes": False}


def test_unknown_runner_names_the_file_and_key(tmp_path):
    with pytest.raises(RunnerConfigError, match=r"settings.yaml: task_runner.kind"):
        load_runner_config(_settings(tmp_path, "task_runner:\n  kind: ray\n"))


def test_flow_tasks_run_on_dask_workers(prefect_harness):
    from distributed import LocalCluster
    from prefect import flow, task

    @task
    def where(i: int) -> tuple[int, str]:
        from distributed import get_worker

        return i * i, get_worker().address  # raises ValueError outside a Dask worker

    @flow
    def fan_out(n: int) -> list[tuple[int, str]]:
        return [f.result() for f in where.map(list(range(n)))]

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp://", host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster:
        worker_addresses = set(cluster.scheduler_info["workers"])
        runner = build_task_runner(RunnerConfig(kind="dask", dask_address=cluster.scheduler_address))
        results = fan_out.with_options(task_runner=runner)(4)
    assert [r[0] for r in results] == [0, 1, 4, 9]
    assert {r[1] for r in results} <= worker_addresses and worker_addresses
