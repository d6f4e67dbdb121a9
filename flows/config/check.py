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

VALIDATORS: list[tuple[str, Validator]] = []


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
