"""What changed since a briefing was sent: said when the ledger skips it, with how to send the new version.

The ledger keeps a briefing from going out twice; after a revised table arrives, the briefing of the
same week says something else, and the operator decides whether to send it again. The ledger row
remembers what the sent version said (content_hash) and the data it was built from (data_as_of), so
the skip line can name the revised numbers (sql/brief/revisions_since.sql) and the command to resend.
"""

from __future__ import annotations

from datetime import datetime

from flows.brief.delivery.ledger import LedgerRow
from flows.core.periods import Period
from flows.warehouse.db import load_sql

MAX_LISTED = 5


def revisions_since(con, sent_as_of: datetime, until: datetime | None) -> list[dict]:
    cur = con.execute(load_sql("brief/revisions_since"), {"sent_as_of": sent_as_of, "until": until})
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _number(old, new) -> str:
    return f"{'—' if old is None else f'{old:g}'} → {'—' if new is None else f'{new:g}'}"


def change_note(con, row: LedgerRow | None, kind: str, email: str, content_hash: str,
                data_as_of: datetime | None) -> str:
    """'' when the briefing says what was sent; else which numbers changed and how to resend (one line)."""
    if row is None or row.status != "sent" or row.content_hash == content_hash:
        return ""
    changes = revisions_since(con, row.data_as_of, data_as_of) if row.data_as_of is not None else []
    listed = []
    for c in changes[:MAX_LISTED]:
        parts = [f"增速 {_number(c['sent_growth_pct'], c['new_growth_pct'])}"
                 if c["sent_growth_pct"] != c["new_growth_pct"] else "",
                 f"数值 {_number(c['sent_value'], c['new_value'])}" if c["sent_value"] != c["new_value"] else ""]
        label = Period(c["period"].year, c["period"].month).label()
        listed.append(f"{c['place_name']} {c['indicator_name']} {label} " + "，".join(p for p in parts if p))
    more = f" 等{len(changes)}处" if len(changes) > MAX_LISTED else ""
    what = ("；".join(listed) + more) if listed else "内容有变（数据或配置）"
    command = f"bipin brief {kind} --resend --recipient {email}"
    return (f"changed since it was sent ({len(changes)} number(s) revised): {what}; to send the new version: "
            f"`{command}` / 发送后数据已修订：{what}；如需重发新版本：`{command}`")
