"""After `make run` in a clean clone: the outbox holds the demo briefings, and their numbers are the marts'.

Usage: python .ci/check_quickstart.py CLONE_DIR
"""

from __future__ import annotations

import email
import sys
from email import policy
from pathlib import Path

import duckdb


def main(clone: Path) -> None:
    outbox = clone / "var" / "outbox"
    emls = sorted(outbox.rglob("*.eml"))
    kinds = {p.relative_to(outbox).parts[0] for p in emls}
    assert {"weekly", "monthly", "quarterly", "digest"} <= kinds, f"briefing kinds in {outbox}: {sorted(kinds)}"
    weekly = next(p for p in emls if p.parts[-3] == "weekly" and p.name.startswith("leader_at_wuyi"))
    msg = email.message_from_bytes(weekly.read_bytes(), policy=policy.default)
    assert msg["Subject"].startswith("【每周调度】武义县"), msg["Subject"]
    text = msg.get_body(("plain",)).get_content()
    assert msg.get_body(("html",)) is not None, "the weekly has no HTML part"
    assert any(part.get_filename("").endswith(".xlsx") for part in msg.iter_attachments()), "no XLSX attached"
    con = duckdb.connect(str(clone / "var" / "bipin.duckdb"), read_only=True)
    (n_ranked, n_top3), = con.execute("""
        select n_ranked_indicators, n_top3 from marts.top3_counts
        where place_code = 'wuyi' and group_code = 'city_jinhua'
        qualify period = max(period) over ()""").fetchall()
    headline = f"{n_ranked}项指标中{n_top3}项居全市前三"
    assert headline in text, f"{headline!r} not in the weekly briefing {weekly}"
    assert list((clone / "var" / "quarantine").glob("*_bad.csv")), "the demo's bad file is not in quarantine"
    print(f"quickstart OK: {len(emls)} emails in {outbox}; weekly headline {headline}")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
