"""`bipin catalog check`: every config file validated, every problem listed with file, key and a hint.

Each validator reads one part of config/ with the loader the job itself uses (so the check and the
run cannot disagree) and returns its problems, one line each; a file that is absent and optional
gives none. Adding a config file to the check is one entry in VALIDATORS.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flows.config.catalog import Catalog, CatalogError, load_catalog

# a validator: (config folder, the catalog or None when it did not load) -> problems
Validator = Callable[[Path, Catalog | None], list[str]]


def check_catalog(config_dir: Path, catalog: Catalog | None) -> list[str]:
    """places, groups, indicators, sources, benchmarks (names or codes)."""
    try:
        load_catalog(config_dir)
    except CatalogError as exc:
        return [line.strip() for line in str(exc).removeprefix("invalid catalog:").splitlines() if line.strip()]
    return []


def check_recipients(config_dir: Path, catalog: Catalog | None) -> list[str]:
    """recipients.yaml and the CSV lists it names: places, group labels, briefing kinds, addresses."""
    from flows.config.recipients import RecipientError, load_recipients

    if catalog is None:
        return []  # judged against the catalog; its own problems are listed already
    return _problems(lambda: load_recipients(config_dir, catalog), RecipientError)


def check_delivery(config_dir: Path, catalog: Catalog | None) -> list[str]:
    """delivery.yaml (or `delivery:` in settings.yaml): mode, SMTP, limits."""
    from flows.config.delivery import DeliveryConfigError, load_delivery_config

    return _problems(lambda: load_delivery_config(config_dir), DeliveryConfigError)


def check_schedules(config_dir: Path, catalog: Catalog | None) -> list[str]:
    """`schedules:` in settings.yaml: timezone and one cron string per job."""
    from flows.config.schedules import ScheduleError, load_schedules

    return _problems(lambda: load_schedules(config_dir), ScheduleError)


def check_inbox(config_dir: Path, catalog: Catalog | None) -> list[str]:
    """`inbox:` in settings.yaml: settle_seconds and the name globs left alone."""
    from flows.config.inbox import load_inbox
    from flows.config.settings import SettingsError

    return _problems(lambda: load_inbox(config_dir), SettingsError)


def check_targets(config_dir: Path, catalog: Catalog | None) -> list[str]:
    """targets.yaml when it exists: year, place, indicator, growth or level with its unit."""
    from flows.config.targets import validate_targets

    if catalog is None:
        return []  # judged against the catalog; its own problems are listed already
    return validate_targets(config_dir, catalog)


def _problems(load: Callable[[], object], error: type[Exception]) -> list[str]:
    """A loader's complaint as the problem list (its message already names file, key and fix)."""
    try:
        load()
    except error as exc:
        return [str(exc)]
    return []


VALIDATORS: list[tuple[str, Validator]] = [
    ("catalog", check_catalog),
    ("recipients", check_recipients),
    ("delivery", check_delivery),
    ("schedules", check_schedules),
    ("targets", check_targets),
    ("inbox", check_inbox),
]


def check_config(config_dir: Path) -> dict[str, list[str]]:
    """Problems per part of the config (empty lists: that part is fine)."""
    try:
        catalog: Catalog | None = load_catalog(config_dir)
    except CatalogError:
        catalog = None
    return {name: validate(Path(config_dir), catalog) for name, validate in VALIDATORS}
