"""What became of one recipient's briefing in a run: the flow's final state and the digest read it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SendResult:
    """One recipient's outcome in a run; the digest and the flow's final state read it."""

    email: str
    name: str
    status: str          # sent / skipped / dry_run / blocked / failed_transient / failed_permanent
    detail: str = ""
    subject: str = ""
