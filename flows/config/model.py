"""The one configuration: every file of config/ read once into one validated, immutable value.

`load_config(config_dir)` reads each file once with the one YAML loader (flows/config/yamlfile.py),
validates every section and either returns a Config or raises ConfigError listing every problem
(each line: file, key, what is expected, did you mean). `read_config` returns the problems instead:
`bipin catalog check` shows exactly what the job would refuse.

A new config section attaches in three steps: its pydantic model and a `<name>_from(path, content, ...)
-> (value, problems)` function in its own module; a field on Config; one line in `read_config` that
calls it (PARTS names the part for `catalog check`). A section of settings.yaml is a field of
SettingsFile (settings_file.py) instead, plus a property here if callers read it often.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from flows.config.alerts import AlertsConfig
from flows.config.catalog import CATALOG_FILES, Catalog, CatalogError, catalog_from
from flows.config.delivery import DeliveryConfig, delivery_from
from flows.config.recipients import Recipient, recipients_from
from flows.config.runner import RunnerConfig
from flows.config.schedules import Schedules
from flows.config.settings_file import ReleaseLags, SettingsFile, settings_from
from flows.config.targets import Target, targets_from
from flows.config.yamlfile import read_yaml

FILES = (*CATALOG_FILES, "settings", "recipients", "delivery", "targets")
PARTS = ("catalog", "settings", "recipients", "delivery", "targets")  # how `catalog check` groups problems


class ConfigError(CatalogError):
    """Config that cannot be used; one line per problem, each naming file and key."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))

    def one_line(self) -> str:
        """What a command prints when it refuses to start."""
        more = len(self.problems) - 1
        return self.problems[0] + (f" (and {more} more problem(s))" if more else "") + \
            "; run `bipin catalog check` to see every problem"


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    config_dir: Path
    catalog: Catalog
    settings: SettingsFile
    recipients: tuple[Recipient, ...] = ()
    delivery: DeliveryConfig = DeliveryConfig()
    targets: tuple[Target, ...] = ()

    @property
    def timezone(self) -> str:
        return self.settings.timezone

    @property
    def schedules(self) -> Schedules:
        return self.settings.schedules

    @property
    def task_runner(self) -> RunnerConfig:
        return self.settings.task_runner

    @property
    def alerts(self) -> AlertsConfig:
        return self.settings.alerts

    @property
    def release_lag_days(self) -> ReleaseLags:
        return self.settings.release_lag_days

    def operator_addresses(self) -> list[str]:
        """Who is told when a run fails: `alerts.recipients`, else every recipient of the digest."""
        if self.alerts.recipients:
            return list(self.alerts.recipients)
        return sorted({r.email for r in self.recipients if "digest" in r.kinds})


def load_config(config_dir: str | Path) -> Config:
    """Every file of config/, read and validated once; raise ConfigError listing every problem."""
    config, problems = read_config(config_dir)
    if config is None:
        raise ConfigError([line for part in PARTS for line in problems[part]])
    return config


def read_config(config_dir: str | Path) -> tuple[Config | None, dict[str, list[str]]]:
    """(the Config, or None when anything is wrong; problems per part, every one of them)."""
    config_dir = Path(config_dir)
    problems: dict[str, list[str]] = {part: [] for part in PARTS}
    if not config_dir.is_dir():
        problems["catalog"].append(f"config folder {config_dir} does not exist (set --config or BIPIN_CONFIG_DIR)")
        return None, problems
    contents: dict[Path, Any] = {}
    for name in FILES:
        path = config_dir / f"{name}.yaml"
        if path.exists():
            contents[path], found = read_yaml(path)
            problems[_part(name)] += found
    catalog, found = catalog_from(config_dir, contents)
    problems["catalog"] += found
    settings_path = config_dir / "settings.yaml"
    settings, found = settings_from(settings_path, contents.get(settings_path))
    problems["settings"] += found
    delivery_path = config_dir / "delivery.yaml"
    delivery, found = delivery_from(delivery_path, contents.get(delivery_path))
    problems["delivery"] += found
    recipients: list[Recipient] = []
    targets: list[Target] = []
    if catalog is not None:  # judged against the catalog; its own problems are listed already
        recipients, found = recipients_from(config_dir, contents.get(config_dir / "recipients.yaml"), catalog)
        problems["recipients"] += found
        targets_path = config_dir / "targets.yaml"
        targets, found = targets_from(targets_path, contents.get(targets_path), catalog)
        problems["targets"] += found
    if catalog is None or settings is None or any(problems.values()):
        return None, problems
    chosen = delivery or settings.delivery or DeliveryConfig()
    return Config(config_dir=config_dir.resolve(), catalog=catalog, settings=settings, recipients=tuple(recipients),
                  delivery=chosen, targets=tuple(targets)), problems


def _part(file_name: str) -> str:
    return "catalog" if file_name in CATALOG_FILES else file_name
