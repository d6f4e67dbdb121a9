"""The send ledger (delivery.send_ledger): one row per kind x period_key x recipient.

It is what keeps a rerun, a second scheduler or an operator pressing run twice from mailing the
same briefing twice. A row is marked `sending` before the SMTP conversation and `sent` after it;
a row left at `sending` (the process died in between) or marked `uncertain` (the connection dropped
after the whole message was sent, before the server's reply) is not retried without --resend,
because the mail may have gone out: at most once beats twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

OWED = ("failed_transient", "failed_permanent")


@dataclass(frozen=True)
class LedgerRow:
    kind: str
    period_key: str
    recipient: str
    content_hash: str
    status: str
    attempts: int
    message_id: str | None
    sent_at: datetime | None
    last_error: str | None
    data_as_of: datetime | None = None  # newest loaded_at the sent version was built from


def lookup(con: duckdb.DuckDBPyConnection, kind: str, period_key: str, recipient: str) -> LedgerRow | None:
    row = con.execute(
        "select kind, period_key, recipient, content_hash, status, attempts, message_id, sent_at, last_error, "
        "data_as_of from delivery.send_ledger where kind = ? and period_key = ? and recipient = ?",
        [kind, period_key, recipient.lower()]).fetchone()
    return LedgerRow(*row) if row else None


def decide(row: LedgerRow | None, resend: bool) -> tuple[str, str]:
    """('send' | 'skip' | 'uncertain', why) for one briefing about to go out."""
    if resend or row is None or row.status in OWED:
        return "send", ""
    if row.status == "sent":
        return "skip", f"already sent {row.sent_at:%Y-%m-%d %H:%M} as {row.message_id}"
    if row.status == "uncertain":
        return "uncertain", ("the server got the whole message but the connection dropped before it confirmed; "
                             "check the mailbox, then use --resend if it did not arrive")
    return "uncertain", "a previous run stopped while sending; check the mailbox, then use --resend"


def start_attempt(con, kind: str, period_key: str, recipient: str, *, content_hash: str, message_id: str,
                  subject: str, data_as_of: datetime | None, now: datetime) -> None:
    """Record that an SMTP attempt begins (status sending, attempts + 1), committed before the attempt."""
    con.execute(
        """
        insert into delivery.send_ledger
            (kind, period_key, recipient, content_hash, status, attempts, message_id, subject, data_as_of,
             first_attempt_at, last_attempt_at)
        values (?, ?, ?, ?, 'sending', 1, ?, ?, ?, ?, ?)
        on conflict (kind, period_key, recipient) do update set
            content_hash = excluded.content_hash,
            status = 'sending',
            attempts = delivery.send_ledger.attempts + 1,
            message_id = excluded.message_id,
            subject = excluded.subject,
            data_as_of = excluded.data_as_of,
            last_attempt_at = excluded.last_attempt_at
        """,
        [kind, period_key, recipient.lower(), content_hash, message_id, subject, data_as_of, now, now])


def finish(con, kind: str, period_key: str, recipient: str, *, status: str, now: datetime,
           error: str | None = None) -> None:
    """sent (with sent_at) or failed_transient / failed_permanent (with the server's answer)."""
    con.execute(
        "update delivery.send_ledger set status = ?, last_error = ?, last_attempt_at = ?, "
        "sent_at = case when ? = 'sent' then ? else sent_at end "
        "where kind = ? and period_key = ? and recipient = ?",
        [status, error, now, status, now, kind, period_key, recipient.lower()])


def record_failure(con, kind: str, period_key: str, recipient: str, *, status: str, content_hash: str,
                   message_id: str, subject: str, now: datetime, error: str) -> None:
    """A briefing owed but not attempted (the server or the credentials failed first); a row that
    says it was sent or may have been is left as it is."""
    con.execute(
        """
        insert into delivery.send_ledger
            (kind, period_key, recipient, content_hash, status, attempts, message_id, subject, last_error,
             first_attempt_at, last_attempt_at)
        values (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)
        on conflict (kind, period_key, recipient) do update set
            status = excluded.status, last_error = excluded.last_error, last_attempt_at = excluded.last_attempt_at
            where delivery.send_ledger.status in ('failed_transient', 'failed_permanent')
        """,
        [kind, period_key, recipient.lower(), content_hash, status, message_id, subject, error, now, now])

