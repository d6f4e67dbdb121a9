"""Serve every deployment with its schedule from one process: `python -m flows.run.serve` (what `make serve` runs).

The same deployments are declared in prefect.yaml for work pools (`prefect deploy --all`); both take
their cron strings and timezone from config/settings.yaml `schedules:` (flows/config/schedules.py), and
`prefect_yaml_mismatches` lists any place where prefect.yaml has drifted (a test keeps it empty).
"""

from __future__ import annotations

import importlib
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flows.config.schedules import Schedules
from flows.config.settings import PROJECT_ROOT, Settings, load_settings, prepare_prefect_env
from flows.config.yamlfile import read_yaml_text

PREFECT_YAML = PROJECT_ROOT / "prefect.yaml"
DEFAULT_PORT = 4200


@dataclass(frozen=True)
class DeploymentSpec:
    name: str
    module: str                  # flows.run.deployments
    flow_attr: str               # brief
    schedule: str | None         # key of the `schedules:` section; None = manual runs only
    parameters: dict = field(default_factory=dict)
    description: str = ""

    @property
    def entrypoint(self) -> str:
        return f"{self.module.replace('.', '/')}.py:{self.flow_attr}"

    def load_flow(self):
        return getattr(importlib.import_module(self.module), self.flow_attr)


DEPLOYMENTS: tuple[DeploymentSpec, ...] = (
    DeploymentSpec("ingest", "flows.run.pipeline", "pipeline", "ingest", {"kinds": []},
                   "Hourly: load new files from the inbox; re-rank when anything new or revised arrived."),
    DeploymentSpec("pull", "flows.run.deployments", "pull", "pull", {},
                   "Work hours: fetch new tables from the bureaus' mailboxes, web pages and folders into the inbox."),
    DeploymentSpec("weekly", "flows.run.deployments", "brief", "weekly", {"kind": "weekly"},
                   "每周调度: each recipient's county, Monday morning."),
    DeploymentSpec("monthly", "flows.run.deployments", "brief", "monthly", {"kind": "monthly"},
                   "每月通报: full ranking tables after the bureau's release."),
    DeploymentSpec("quarterly", "flows.run.deployments", "brief", "quarterly", {"kind": "quarterly"},
                   "每季晒拼: composite scoreboard after each quarter's release."),
    DeploymentSpec("digest", "flows.run.deployments", "brief", "digest", {"kind": "digest"},
                   "Operators' digest: files, rejects, warnings, overdue data, sends."),
    DeploymentSpec("all", "flows.run.pipeline", "pipeline", None, {"force": True},
                   "Manual: ingest, rank and every briefing kind once (what `bipin run` does)."),
)


def build_deployments(config_dir: str | Path | None = None) -> list:
    """RunnerDeployments for prefect.serve, schedules from config."""
    from prefect.schedules import Cron

    schedules = load_settings(config_dir).config.schedules
    out = []
    for spec in DEPLOYMENTS:
        crons = [Cron(schedules.cron(spec.schedule), timezone=schedules.timezone)] if spec.schedule else None
        deployment = spec.load_flow().to_deployment(
            name=spec.name, schedules=crons, parameters=spec.parameters,
            description=spec.description, tags=["bipin"],
        )
        deployment.entrypoint = spec.entrypoint  # relative to the project root, as in prefect.yaml
        out.append(deployment)
    return out


def prefect_yaml_mismatches(schedules: Schedules, path: Path = PREFECT_YAML) -> list[str]:
    """Where prefect.yaml disagrees with DEPLOYMENTS and the configured schedules (empty = in step)."""
    declared = {d["name"]: d for d in (read_yaml_text(path.read_text(encoding="utf-8")) or {}).get("deployments", [])}
    problems = []
    for spec in DEPLOYMENTS:
        d = declared.pop(spec.name, None)
        if d is None:
            problems.append(f"{spec.name}: missing from {path.name}")
            continue
        if d.get("entrypoint") != spec.entrypoint:
            problems.append(f"{spec.name}: entrypoint {d.get('entrypoint')!r}, expected {spec.entrypoint!r}")
        if (d.get("parameters") or {}) != spec.parameters:
            problems.append(f"{spec.name}: parameters {d.get('parameters')!r}, expected {spec.parameters!r}")
        want = [{"cron": schedules.cron(spec.schedule), "timezone": schedules.timezone}] if spec.schedule else []
        got = [{k: s.get(k) for k in ("cron", "timezone")} for s in d.get("schedules") or []]
        if got != want:
            problems.append(f"{spec.name}: schedules {got}, config/settings.yaml says {want}")
    problems += [f"{name}: in {path.name} but not in flows/run/serve.py" for name in declared]
    return problems


def wait_for_server(api_url: str, timeout_s: float = 90.0) -> None:
    """Block until the Prefect API answers its health check (a server started a moment ago)."""
    from flows.run.prefect_server.record import is_healthy

    deadline = time.monotonic() + timeout_s
    while not is_healthy(api_url):
        if time.monotonic() > deadline:
            raise SystemExit(f"bipin: no Prefect server answered at {api_url} within {timeout_s:.0f} s "
                             "(unset PREFECT_API_URL to let bipin start its own)")
        time.sleep(0.5)


@contextmanager
def server_for_serving(port: int) -> Iterator[str]:
    """The API to serve against: PREFECT_API_URL's, the one recorded under PREFECT_HOME (a background
    server), or a server this process starts on 127.0.0.1:`port` and stops on the way out."""
    from flows.run.prefect_server import connect, process
    from flows.run.prefect_server.record import LOG_NAME, ServerRecord, port_free, remove_record, write_record

    chosen = connect.configured_elsewhere()
    if chosen is not None and chosen.api_url:
        wait_for_server(chosen.api_url, connect.start_timeout())
        yield chosen.api_url
        return
    home = connect.prefect_home()
    record = connect.running(home)
    if record is not None:
        print(f"bipin: using the {record.owner} Prefect server already running (pid {record.pid})")
        _wait(home, record)
        yield record.api_url
        return
    if not port_free(port, process.HOST):
        raise SystemExit(f"bipin: port {port} on {process.HOST} is taken; choose another: PREFECT_PORT=4300 make serve")
    log = home / LOG_NAME
    print(f"bipin: starting Prefect server on {process.HOST}:{port} (database {home}/prefect.db, log {log})")
    server = process.launch(home, port, log)
    record = ServerRecord(pid=os.getpid(), port=port, api_url=f"http://{process.HOST}:{port}/api",
                          started_at=datetime.now().astimezone().isoformat(timespec="seconds"), log=str(log), owner="make serve")
    write_record(home, record)
    try:
        _wait(home, record)
        yield record.api_url
    finally:
        print("bipin: stopping the Prefect server")
        process.stop(server)
        remove_record(home, os.getpid())


def _wait(home: Path, record) -> None:
    from flows.run.prefect_server.connect import ServerStartError, wait_ready

    try:
        wait_ready(home, record)
    except ServerStartError as exc:
        raise SystemExit(f"bipin: {exc}") from None


def _stop_on(*signums: int) -> None:
    """SIGTERM/SIGHUP end `make serve` like Ctrl-C does, so the server it started is stopped too
    (SIGINT too: a shell may start it with SIGINT ignored, and one Ctrl-C must stop it)."""
    def interrupt(signum, _frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)

    for signum in signums:
        signal.signal(signum, interrupt)


def main(settings: Settings | None = None) -> None:
    """`make serve` / `bipin serve`: one process serves every deployment and owns the server it started.

    Ctrl-C or SIGTERM stops the deployments, then the server (Prefect's runner takes over SIGTERM
    while it serves and returns from serve() on it)."""
    settings = settings or load_settings()
    # served runs load their settings from the environment: hand them this command's --home/--config/--db
    os.environ.update({"BIPIN_HOME": str(settings.home), "BIPIN_CONFIG_DIR": str(settings.config_dir),
                       "BIPIN_DB": str(settings.db_path)})
    prepare_prefect_env(settings)
    _stop_on(signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    try:
        with server_for_serving(int(os.environ.get("PREFECT_PORT", DEFAULT_PORT))) as url:
            os.environ["PREFECT_API_URL"] = url  # before Prefect is imported: it reads settings once
            from prefect import serve

            for problem in prefect_yaml_mismatches(settings.config.schedules):
                print(f"warning: prefect.yaml out of step with config: {problem}")
            print(f"bipin: Prefect UI at {url.removesuffix('/api')}")
            print(f"bipin: serving {len(DEPLOYMENTS)} deployments against {url} (Ctrl-C stops)")
            serve(*build_deployments(settings.config_dir))
    except KeyboardInterrupt:
        pass
    print("bipin: stopped")


if __name__ == "__main__":
    main()
