"""Prefect flow-run heartbeats: kept where something can act on them, dropped where they only cost time.

A flow run sends a heartbeat event every 180 s from a thread of its own, so that an automation can
mark the run Crashed when its process dies unseen (docs.prefect.io, "detect zombie flows"). The engine
joins that thread when the run ends, and the thread sleeps in one-second steps: every flow run waits
for that step at its end (bench/RESULTS.md).
- A stage's subflow runs inside the pipeline's process, whose own run already sends heartbeats.
- A run started by a bipin command is attended: the command waits for it and its exit code says how it
  ended. Runs the served deployments start on a schedule (`make serve`) keep Prefect's heartbeats.
An operator who sets PREFECT_FLOWS_HEARTBEAT_FREQUENCY keeps heartbeats everywhere.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager, nullcontext


def without_heartbeat() -> AbstractContextManager:
    """Flow runs started inside the block send no heartbeats (import only after Prefect's settings are fixed)."""
    if os.environ.get("PREFECT_FLOWS_HEARTBEAT_FREQUENCY"):
        return nullcontext()
    from prefect.settings import get_current_settings, temporary_settings

    if get_current_settings().flows.heartbeat_frequency is None:  # a command's runs: off already
        return nullcontext()

    return temporary_settings(updates={"flows.heartbeat_frequency": None})
