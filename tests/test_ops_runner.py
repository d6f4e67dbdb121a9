"""The task runner comes from config; the Dask runner really runs tasks on Dask workers."""

from __future__ import annotations

import pytest

from flows.config.runner import RunnerConfig
from flows.run.runners import RunnerConfigError, build_task_runner
from tests.conftest import settings_file


def task_runner_for(folder, text: str):
    parsed, problems = settings_file(folder, text)
    assert problems == []
    return build_task_runner(parsed.task_runner)


def test_thread_pool_is_the_default(tmp_path):
    from prefect.task_runners import ThreadPoolTaskRunner

    runner = task_runner_for(tmp_path, "timezone: Asia/Shanghai\n")
    assert isinstance(runner, ThreadPoolTaskRunner)
    assert runner._max_workers == 4


def test_dask_with_an_address_connects_to_that_cluster(tmp_path):
    from prefect_dask import DaskTaskRunner

    runner = task_runner_for(tmp_path, "task_runner:\n  kind: dask\n  dask_address: tcp://127.0.0.1:8786\n")
    assert isinstance(runner, DaskTaskRunner)
    assert runner.address == "tcp://127.0.0.1:8786"


def test_dask_local_cluster_spec_is_passed_through():
    runner = build_task_runner(RunnerConfig(kind="dask", dask_cluster={"n_workers": 3, "processes": False}))
    assert runner.cluster_kwargs == {"n_workers": 3, "threads_per_worker": 2, "processes": False}


def test_unknown_runner_names_the_file_and_key(tmp_path):
    parsed, [problem] = settings_file(tmp_path, "task_runner:\n  kind: ray\n")
    assert parsed is None
    assert problem.startswith(f"{tmp_path / 'settings.yaml'}: task_runner.kind: Input should be 'thread' or 'dask'")


def test_missing_prefect_dask_says_what_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name == "prefect_dask":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    with pytest.raises(RunnerConfigError, match=r"pip install 'bipin\[dask\]'"):
        build_task_runner(RunnerConfig(kind="dask"))


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


def test_the_deployed_brief_reads_nothing_at_import_and_uses_its_runs_config(tmp_path, monkeypatch):
    """The runner comes from the config of the run (its config_dir), never from whatever was there at import."""
    import os
    import shutil
    import subprocess
    import sys

    from tests.conftest import ROOT

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "settings.yaml").write_text("task_runner:\n  kind: ray\n", encoding="utf-8")
    imported = subprocess.run([sys.executable, "-c", "import flows.run.deployments"], cwd=ROOT, capture_output=True,
                              text=True, env={**os.environ, "BIPIN_CONFIG_DIR": str(broken)})
    assert imported.returncode == 0, imported.stderr

    import flows.brief.flow as stage
    from flows.run import deployments

    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    text = (config / "settings.yaml").read_text(encoding="utf-8").replace("max_workers: 4", "max_workers: 7")
    (config / "settings.yaml").write_text(text, encoding="utf-8")
    calls = []

    class StageBrief:
        def with_options(self, task_runner):
            return lambda **params: calls.append((task_runner, params)) or ["done"]

    monkeypatch.setattr(stage, "brief", StageBrief())
    assert deployments.brief.fn(kind="weekly", dry_run=True, config_dir=str(config), home=str(tmp_path / "home"),
                                db_path=str(tmp_path / "w.duckdb")) == ["done"]
    [(runner, params)] = calls
    assert runner._max_workers == 7
    assert params["config_dir"] == str(config) and params["db_path"] == str(tmp_path / "w.duckdb")
