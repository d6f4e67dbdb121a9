"""After a revised file, a briefing the ledger skips says which numbers changed since the sent version
and the command that sends the new one; an unchanged briefing is skipped without a word more."""

from __future__ import annotations

from datetime import datetime

from brief_world import AS_OF, world_settings
from test_brief_digest import sql

from flows.brief import plan as p
from flows.brief.delivery.ledger import LedgerRow
from flows.brief.delivery.revised import change_note
from flows.warehouse.db import connect

SENT_AT = datetime(2026, 11, 10, 9, 0)


def _row(content_hash: str, data_as_of: datetime) -> LedgerRow:
    return LedgerRow("weekly", "2026-W46", "a@x.org", content_hash, "sent", 1, "<m@x>", SENT_AT, None, data_as_of)


def test_change_note_names_the_revised_number_and_how_to_resend(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    try:
        con.execute("insert into ref.places values ('wuyi', '武义县', '武义', null, null, 'county')")
        con.execute("insert into ref.indicators values ('fai', '固定资产投资', '亿元', 'ytd', 'growth', 'higher', "
                    "'monthly', 'monthly_jf', true, 1)")
        for file_id, growth, loaded in ((1, 8.2, "2026-11-09 08:00"), (2, 9.5, "2026-11-12 08:00")):
            con.execute("insert into staging.observations (file_id, place_code, indicator_code, period, value, "
                        "growth_pct, loaded_at) values (?, 'wuyi', 'fai', '2026-10-01', 120.3, ?, ?)",
                        [file_id, growth, loaded])
        note = change_note(con, _row("old", datetime(2026, 11, 9, 8, 0)), "weekly", "a@x.org", "new", None)
        assert "changed since it was sent (1 number(s) revised)" in note
        assert "武义 固定资产投资 2026年1-10月 增速 8.2 → 9.5" in note
        assert "`bipin brief weekly --resend --recipient a@x.org`" in note and "如需重发新版本" in note
        # the same briefing as sent: nothing to say
        assert change_note(con, _row("same", datetime(2026, 11, 9, 8, 0)), "weekly", "a@x.org", "same", None) == ""
    finally:
        con.close()


def test_dry_run_of_a_changed_briefing_says_so_beside_already_sent(tmp_path):
    settings = world_settings(tmp_path)
    plan = p.make_plan(settings, "weekly", dry_run=True, as_of=AS_OF)
    items = [p.render_for(settings, plan, r).outgoing for r in plan.recipients]
    for o in items:  # sent earlier, when the briefing said something else
        sql(settings, "insert into delivery.send_ledger (kind, period_key, recipient, content_hash, status, sent_at, "
                      "message_id, data_as_of) values (?, ?, ?, 'earlier', 'sent', ?, '<m@x>', ?)",
            [o.kind, o.period_key, o.email, SENT_AT, datetime(2026, 11, 1)])
    results = p.deliver(settings, items, resend=False, dry_run=True)
    assert [r.status for r in results] == ["skipped", "skipped"]
    for r in results:
        assert r.detail.startswith("already sent 2026-11-10 09:00 as <m@x>; changed since it was sent")
        assert f"bipin brief weekly --resend --recipient {r.email}" in r.detail
