"""`bipin catalog check`: the one Config validated, every problem listed with file, key and a hint.

It reads config/ exactly as the job does (flows/config/model.py: read_config), so a folder that
passes here loads in every command and flow; problems come grouped by part (catalog, settings,
recipients, delivery, targets).
"""

from __future__ import annotations

from pathlib import Path

from flows.config.model import read_config


def check_config(config_dir: Path) -> dict[str, list[str]]:
    """Problems per part of the config (empty lists: that part is fine)."""
    return read_config(config_dir)[1]
