"""Serve every deployment with its schedule from one process: `python -m flows.serve` (what `make serve` runs).

The same deployments are declared in prefect.yaml for work pools (`prefect deploy --all`); both take
their cron strings and timezone from config/settings.yaml `schedules:` (flows/schedules.py), and
`prefect_yaml_mismatches` lists any place where prefect.yaml has drifted (a test keeps it empty).
"""

from __future__ import annotations

import importlib
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from flows.schedules import Schedules, load_schedules
from flows.settings import PROJECT_ROOT, load_settings, prepare_prefect_env

PREFECT_YAML = PROJECT_ROOT / "prefect.yaml"


@dataclass(frozen=True)
class DeploymentSpec:
    name: str
    module: str                  # flows.deployed
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
    DeploymentSpec("ingest", "flows.pipeline", "pipeline", "ingest", {"kinds": []},
                   "Hourly: load new files from the inbox; re-rank when anything new or revised arrived."),
    DeploymentSpec("weekly", "flows.deployed", "brief", "weekly", {"kind": "weekly"},
                   "每周调度: each recipient's county, Monday morning."),
    DeploymentSpec("monthly", "flows.deployed", "brief", "monthly", {"kind": "monthly"},
                   "每月通报: full ranking tables after the bureau's release."),
    DeploymentSpec("quarterly", "flows.deployed", "brief", "quarterly", {"kind": "quarterly"},
                   "每季晒拼: composite scoreboard after each quarter's release."),
    DeploymentSpec("digest", "flows.deployed", "brief", "digest", {"kind": "digest"},
                   "Operators' digest: files, rejects, warnings, overdue data, sends."),
    DeploymentSpec("all", "flows.pipeline", "pipeline", None, {"force": True},
                   "Manual: ingest, rank and every briefing kind once (what `bipin run` does)."),
)


def build_deployments(config_dir: str | Path | None = None) -> list:
    """RunnerDeployments for prefect.serve, schedules from config."""
    from prefect.schedules import Cron

    schedules = load_schedules(config_dir or load_settings().config_dir)
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
    declared = {d["name"]: d for d in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("deployments", [])}
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
    problems += [f"{name}: in {path.name} but not in flows/serve.py" for name in declared]
    return problems


def wait_for_server(api_url: str, timeout_s: float = 90.0) -> None:
    """Block until the Prefect API answers its health check (a server started a moment ago)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"bipin: no Prefect server answered at {api_url} within {timeout_s:.0f} s "
                             "(see var/prefect/server.log, or unset PREFECT_API_URL)")
        time.sleep(0.5)


def main() -> None:
    settings = load_settings()
    prepare_prefect_env(settings)
    from prefect import serve
    from prefect.settings import get_current_settings

    for problem in prefect_yaml_mismatches(load_schedules(settings.config_dir)):
        print(f"warning: prefect.yaml out of step with config: {problem}")
    url = get_current_settings().api.url
    if url:
        wait_for_server(url)
        print(f"bipin: Prefect UI at {url.removesuffix('/api')}")
    print(f"bipin: serving {len(DEPLOYMENTS)} deployments against {url or 'a temporary local server'}")
    serve(*build_deployments(settings.config_dir))


if __name__ == "__main__":
    main()
