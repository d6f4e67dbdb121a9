"""The own-work clock (flows/core/worktime.py) and how `bipin run` / bench_run combine it with Prefect's task runs."""

from __future__ import annotations

import threading
import time

import pytest

from flows.core import worktime
from flows.run.status import combine_own_work


def test_union_counts_overlapping_intervals_once():
    # 0-2 and 1-3 overlap (3 s together), 5-6 is apart, 5.5-5.7 lies inside it
    assert worktime.union_seconds([(1.0, 3.0), (0.0, 2.0), (5.0, 6.0), (5.5, 5.7)]) == pytest.approx(4.0)
    assert worktime.union_seconds([]) == 0.0


def test_own_work_records_per_stage_only_after_the_mark():
    with worktime.own_work("test-before"):
        time.sleep(0.01)
    mark = worktime.mark()
    with worktime.own_work("test-a"):
        time.sleep(0.05)
    with pytest.raises(ValueError), worktime.own_work("test-b"):  # a failing block still spent its time
        time.sleep(0.02)
        raise ValueError("boom")
    seen = worktime.seconds_since(mark)
    assert "test-before" not in seen
    assert 0.05 <= seen["test-a"] < 0.5
    assert 0.02 <= seen["test-b"] < 0.5


def test_parallel_threads_count_as_wall_time_not_their_sum():
    mark = worktime.mark()

    def work():
        with worktime.own_work("test-parallel"):
            time.sleep(0.1)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 0.1 <= worktime.seconds_since(mark)["test-parallel"] < 0.3  # four overlapping 0.1 s sleeps, not 0.4


def test_measured_stages_win_and_the_others_fall_back_to_task_runs():
    figures = combine_own_work(measured={"ingest": 2.0, "brief": 1.0, "pipeline": 0.02},
                               task_runs={"ingest": 2.5, "brief": 1.4, "rank": 0.6, "pipeline": 0.05})
    assert figures["own"] == {"ingest": 2.0, "brief": 1.0, "rank": 0.6, "pipeline": 0.02,
                              "total": pytest.approx(3.62)}
    assert figures["task_runs"]["total"] == pytest.approx(4.55)
    assert figures["measured"]["total"] == pytest.approx(3.02)
