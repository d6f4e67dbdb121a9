"""`inbox:` in config/settings.yaml: which inbox files ingest leaves alone for now.

Offices copy files into the inbox over network shares and browsers download into it: a file still
being written must not be read (it would be quarantined as broken, and the finished copy would follow
it). Names that are temporary or lock files are never read; a file whose modification time is newer
than `settle_seconds` waits for the next run. The section is a field of SettingsFile (settings_file.py),
validated with the rest of the one Config. BIPIN_INBOX_SETTLE_SECONDS overrides settle_seconds for rigs
that write the inbox themselves just before ingesting it (the test suite, scripted demos).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

SETTLE_ENV = "BIPIN_INBOX_SETTLE_SECONDS"
# Excel's lock files (~$name.xlsx), browsers' downloads in progress, editors' temporary and hidden files
IN_TRANSIT = ("~$*", "*.part", "*.crdownload", "*.tmp", ".*")


class InboxSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    settle_seconds: float = Field(default=30, ge=0, le=86400)
    ignore: tuple[str, ...] = IN_TRANSIT  # file-name globs (case ignored) never read from the inbox


def effective(inbox: InboxSettings) -> InboxSettings:
    """The section with BIPIN_INBOX_SETTLE_SECONDS applied when it is set (a bad value is ignored: 0 <= s)."""
    override = os.environ.get(SETTLE_ENV)
    try:
        seconds = max(0.0, float(override)) if override is not None else None
    except ValueError:
        seconds = None
    return inbox if seconds is None else inbox.model_copy(update={"settle_seconds": seconds})


def name_matches(name: str, globs: Iterable[str]) -> bool:
    """Whether a file name matches any of the globs, case ignored: every file-name glob in config/ is read so
    (the inbox's ignore, sources.yaml's pattern, pull.yaml's attachments), as Windows offices name files."""
    folded = name.casefold()
    return any(fnmatch.fnmatchcase(folded, g.casefold()) for g in globs)
