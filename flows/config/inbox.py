"""`inbox:` in config/settings.yaml: which inbox files ingest leaves alone for now.

Offices copy files into the inbox over network shares and browsers download into it: a file still
being written must not be read (it would be quarantined as broken, and the finished copy would follow
it). Names that are temporary or lock files are never read; a file whose modification time is newer
than `settle_seconds` waits for the next run. BIPIN_INBOX_SETTLE_SECONDS overrides the setting for
rigs that write the inbox themselves just before ingesting it (the test suite, scripted demos).
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from flows.config.settings import SettingsError, settings_section

SETTLE_ENV = "BIPIN_INBOX_SETTLE_SECONDS"
# Excel's lock files (~$name.xlsx), browsers' downloads in progress, editors' temporary and hidden files
IN_TRANSIT = ("~$*", "*.part", "*.crdownload", "*.tmp", ".*")


class InboxSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    settle_seconds: float = Field(default=30, ge=0, le=86400)
    ignore: tuple[str, ...] = IN_TRANSIT  # file-name globs (case ignored) never read from the inbox


def load_inbox(config_dir: str | Path) -> InboxSettings:
    """The section, defaults when absent; SettingsError naming the file and key when it is wrong."""
    found = settings_section(config_dir, "inbox", InboxSettings, SettingsError)
    override = os.environ.get(SETTLE_ENV)
    if override is None:
        return found
    try:
        return found.model_copy(update={"settle_seconds": max(0.0, float(override))})
    except ValueError:
        raise SettingsError(f"{SETTLE_ENV}={override!r} is not a number of seconds") from None
