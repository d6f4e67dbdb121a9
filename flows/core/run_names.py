"""Flow runs named for what they did ("ingest 2026-12-05 3 files, 1 rejected"), not Prefect's random names.

A run gets a provisional name when it starts (`flow_run_name=start_name("ingest")`) and its final name
when it knows its outcome (`rename_run`). The list of runs in Prefect's UI then says at a glance which
run loaded what and which one rejected files or failed a send, without opening it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

log = logging.getLogger(__name__)


def start_name(flow: str) -> Callable[[], str]:
    """A flow_run_name for @flow: the flow and the day it runs, e.g. "ingest 2026-12-05"."""
    return lambda: f"{flow} {datetime.now():%Y-%m-%d}"


def files_name(day: str, n_files: int, n_rejected: int) -> str:
    """ingest's final name: "ingest 2026-12-05 3 files, 1 rejected"."""
    return (f"ingest {day} {n_files} file{'s' if n_files != 1 else ''}"
            + (f", {n_rejected} rejected" if n_rejected else ""))


def rename_run(name: str) -> None:
    """Give the current flow run its final name; a server that does not answer only costs the name."""
    try:
        from prefect.client.orchestration import get_client
        from prefect.runtime import flow_run

        if not flow_run.id:
            return
        with get_client(sync_client=True) as client:
            client.update_flow_run(flow_run.id, name=name[:200])
    except Exception as exc:  # the name is a courtesy to the reader of the UI, never a reason to fail a run
        log.debug("could not rename the flow run to %r: %s", name, exc)
