"""`bipin catalog check`: the one Config validated, every problem listed with file, key and a hint.

It reads config/ exactly as the job does (flows/config/model.py: read_config), so a folder that
passes here loads in every command and flow; problems come grouped by part (catalog, settings,
recipients, delivery, targets). A section attached to Config is checked by read_config; VALIDATORS
is for a self-contained section not attached yet (its own module and loader): one entry each.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flows.config.catalog import Catalog
from flows.config.model import Config, read_config

# a validator: (config folder, the catalog or None when it did not load) -> problems
Validator = Callable[[Path, Catalog | None], list[str]]



def check_channels(config_dir: Path, catalog: Catalog | None) -> list[str]:
    """`channels:` in recipients.yaml: robot kind, place, groups, kinds, token and secret names, webhook."""
    from flows.config.channels import ChannelError, load_channels

    if catalog is None:
        return []  # judged against the catalog; its own problems are listed already
    return _problems(lambda: load_channels(config_dir, catalog), ChannelError)


def check_units(config_dir: Path, catalog: Catalog | None) -> list[str]:
    """units.yaml when it exists: places, indicators, one lead each, every ranked indicator led; recipients'
    and robots' units among their place's."""
    from flows.config.channels import ChannelError, load_channels
    from flows.config.recipients import RecipientError, load_recipients
    from flows.config.units import read_units, recipient_unit_problems

    if catalog is None:
        return []  # judged against the catalog; its own problems are listed already
    units, problems = read_units(config_dir, catalog)
    try:
        recipients = load_recipients(config_dir, catalog)
    except RecipientError:
        return problems  # listed under recipients
    try:
        robots = load_channels(config_dir, catalog)
    except ChannelError:
        robots = ()  # listed under channels
    return problems + recipient_unit_problems([*recipients, *robots], tuple(units))


def check_pull(config_dir: Path, catalog: Catalog | None) -> list[str]:
    """pull.yaml when it exists: each source's kind, address, filters, and no secret written in it."""
    from flows.config.pull import PullConfigError, load_pull

    return _problems(lambda: load_pull(config_dir), PullConfigError)


def _problems(load: Callable[[], object], error: type[Exception]) -> list[str]:
    """A loader's complaint as the problem list (its message already names file, key and fix)."""
    try:
        load()
    except error as exc:
        return [str(exc)]
    return []


VALIDATORS: list[tuple[str, Validator]] = [
    ("channels", check_channels),
    ("units", check_units),
    ("pull", check_pull),
]


def checked_config(config_dir: Path) -> tuple[Config | None, dict[str, list[str]]]:
    """(the Config or None, problems per part: empty lists where that part is fine)."""
    config, problems = read_config(config_dir)
    catalog = config.catalog if config is not None else None
    for name, validate in VALIDATORS:
        problems[name] = problems.get(name, []) + validate(Path(config_dir), catalog)
    return (config if not any(problems.values()) else None), problems


def check_config(config_dir: Path) -> dict[str, list[str]]:
    """Problems per part of the config (empty lists: that part is fine)."""
    return checked_config(config_dir)[1]
