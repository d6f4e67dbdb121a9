"""`bipin catalog check`: the one Config validated, every problem listed with file, key and a hint.

It reads config/ exactly as the job does (flows/config/model.py: read_config), so a folder that
passes here loads in every command and flow; problems come grouped by part (model.PARTS: catalog,
settings, recipients, channels, delivery, targets, units, pull). A new section attaches to Config
(model.py's docstring says how) and is checked here with no change to this module.
"""

from __future__ import annotations

from pathlib import Path

from flows.config.model import Config, read_config


def checked_config(config_dir: Path) -> tuple[Config | None, dict[str, list[str]]]:
    """(the Config or None, problems per part: empty lists where that part is fine)."""
    return read_config(config_dir)


def check_config(config_dir: Path) -> dict[str, list[str]]:
    """Problems per part of the config (empty lists: that part is fine)."""
    return read_config(config_dir)[1]
