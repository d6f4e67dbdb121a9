"""Flow runs are named for what they did, so Prefect's run list tells a clean run from one that
rejected files or failed a send without opening it (the UI itself: tests/test_ops_prefect_ui.py)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from flows.brief.flow import run_name
from flows.brief.plan import Plan
from flows.core.run_names import files_name


def test_ingest_names_its_files_and_rejections():
    assert files_name("2026-12-05", 3, 0) == "ingest 2026-12-05 3 files"
    assert files_name("2026-12-05", 1, 1) == "ingest 2026-12-05 1 file, 1 rejected"


def test_brief_names_its_outcome_and_a_failed_send():
    plan = Plan("weekly", datetime(2026, 12, 7, 8), date(2026, 11, 1), "2026年1-11月", "2026-W50", (), (), ())
    assert run_name(plan, Counter({"sent": 2, "failed_transient": 1})) == \
        "brief weekly 2026-W50 2026年1-11月: 1 failed_transient, 2 sent"
    blocked = Plan("weekly", datetime(2026, 12, 7, 8), None, "", "2026-W50", (), (), ("the rank marts are empty",),
                   dry_run=True)
    assert run_name(blocked, Counter()) == "brief weekly 2026-W50: blocked: the rank marts are empty (dry run)"
