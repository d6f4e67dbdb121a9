"""Own-work clock: how long bipin's own code ran, apart from Prefect's start-up and bookkeeping.

A task's run in Prefect's API spans more than its function: the engine's state changes, result
handling and logging happen inside the task's Running interval, which adds up over many tasks.
So the tasks and the flows' bodies wrap the plain functions they call in
`own_work(stage)`, which records (stage, start, end) on this process's perf_counter clock;
`seconds_since(mark)` sums them per stage as the union of the intervals (tasks that run in
parallel threads count once, as wall time). Only in-process runs are seen: tasks on Dask workers
record in the workers' processes, and ops.own_work_seconds falls back to the API's intervals there.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_spans: list[tuple[str, float, float]] = []
_lock = threading.Lock()
MAX_SPANS = 100_000  # a long-lived server process must not grow without bound


def mark() -> float:
    """A point on the clock; pass it to seconds_since to see what ran after it."""
    return time.perf_counter()


@contextmanager
def own_work(stage: str) -> Iterator[None]:
    """Count the block as `stage`'s own work (exceptions included: the time was spent either way)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        end = time.perf_counter()
        with _lock:
            if len(_spans) >= MAX_SPANS:
                del _spans[: MAX_SPANS // 2]
            _spans.append((stage, start, end))


def seconds_since(since: float) -> dict[str, float]:
    """Own work per stage (union of its intervals) for the blocks that started at or after `since`."""
    with _lock:
        recent = [s for s in _spans if s[1] >= since]
    by_stage: dict[str, list[tuple[float, float]]] = {}
    for stage, start, end in recent:
        by_stage.setdefault(stage, []).append((start, end))
    return {stage: union_seconds(spans) for stage, spans in by_stage.items()}


def union_seconds(spans: list[tuple[float, float]]) -> float:
    """Length of the union of intervals: overlapping ones (parallel threads) count once."""
    total, reached = 0.0, float("-inf")
    for start, stop in sorted(spans):
        if stop > reached:
            total += stop - max(start, reached)
            reached = stop
    return total
