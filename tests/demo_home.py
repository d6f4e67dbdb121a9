"""A loaded and ranked demo home for the recovery tests, built once per module and copied per test.

The demo's bad file is loaded first, so every later file's number shifts (what a rebuild must see
past); one send is in the ledger; the demo's 2026 targets give marts.target_progress rows.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

UNTIL = date(2026, 2, 1)


def build_demo_home(home: Path) -> Path:
    from flows.config.catalog import load_catalog
    from flows.config.settings import DEFAULT_CONFIG_DIR, load_settings
    from flows.demo.inbox import write_demo_inbox
    from flows.ingest.pipeline import discover, ingest_paths
    from flows.rank import marts
    from flows.warehouse.db import open_warehouse

    catalog = load_catalog(DEFAULT_CONFIG_DIR)
    s = load_settings(home=home, config_dir=DEFAULT_CONFIG_DIR)
    summary, _ = write_demo_inbox(catalog, s.inbox, UNTIL)
    files = discover(None, s)
    ingest_paths(s, catalog, [summary.bad_file])
    ingest_paths(s, catalog, [f for f in files if f != summary.bad_file])
    with open_warehouse(s, catalog) as con:
        marts.build(con)
        con.execute("insert into delivery.send_ledger (kind, period_key, recipient, content_hash, status, sent_at) "
                    "values ('weekly', '2026-W10', 'a@x.org', 'h', 'sent', '2026-03-02 08:01')")
    return home
