"""Mailbox sources: the attachments of the bureau's emails, over IMAP with TLS (imap-tools).

Which messages: the source's senders / subject words / since-date, not yet handled (a message is
recorded in pull.ledger once all its attachments are landed, so `after: keep` also fetches each once).
Afterwards a message is flagged \\Seen or moved as the operator configured.
"""

from __future__ import annotations

import ssl

from imap_tools import AND, OR, MailBox, MailMessageFlags

from flows.config.inbox import name_matches
from flows.config.pull import MailboxSource
from flows.pull import ledger
from flows.pull.store import Item, Landing, read_all

DONE = "done"  # the version of a message's own ledger row: every attachment of it is landed


def pull_mailbox(source: MailboxSource, landing: Landing, known: dict[str, str], dry_run: bool = False) -> None:
    """Land every matching attachment of every matching message not handled before."""
    password = source.password()
    context = ssl.create_default_context(cafile=source.ca_file)
    with MailBox(source.host, source.port, timeout=source.timeout_s, ssl_context=context).login(
            source.user, password or "", initial_folder=source.folder) as box:
        validity = box.folder.status(source.folder, ["UIDVALIDITY"])["UIDVALIDITY"]
        base = f"{source.user}@{source.host}:{source.port}/{source.folder}/{validity}"
        uids = [u for u in box.uids(_criteria(source), charset="UTF-8") if known.get(f"{base}/{u}") != DONE]
        handled: list[str] = []
        for start in range(0, len(uids), 50):  # a bounded batch per FETCH: big monthly mails add up
            batch = uids[start:start + 50]
            for msg in box.fetch(AND(uid=batch), mark_seen=False, bulk=True):
                _land_message(source, landing, known, base, msg, dry_run)
                handled.append(msg.uid)
        if dry_run or not handled:
            return
        if source.after == "flag":
            box.flag(handled, MailMessageFlags.SEEN, True)
        elif source.after == "move":
            if not box.folder.exists(source.move_to):
                box.folder.create(source.move_to)
            box.move(handled, source.move_to)


def _criteria(source: MailboxSource):
    parts = []
    if source.senders:
        parts.append(OR(from_=list(source.senders)))
    if source.subject_contains:
        parts.append(OR(subject=list(source.subject_contains)))
    extra = {"date_gte": source.since} if source.since else {}
    if source.after != "keep":
        extra["seen"] = False
    return AND(*parts, **extra) if parts or extra else AND(all=True)


def _land_message(source: MailboxSource, landing: Landing, known: dict[str, str], base: str, msg,
                  dry_run: bool) -> None:
    message_id = " ".join(msg.headers.get("message-id", ())).strip() or f"uid {msg.uid}"
    provenance = (f"mailbox {source.user}@{source.host}/{source.folder}, message {message_id}, "
                  f"from {msg.from_}, dated {msg.date_str}")
    for att in msg.attachments:
        if not att.filename or not name_matches(att.filename, source.attachments):
            continue
        remote_id = f"{base}/{msg.uid}/{att.filename}"
        if remote_id in known:
            continue  # landed before the run that should have marked the message broke off
        if dry_run:
            landing.landed.would_pull.append(att.filename)
            continue
        landing.receive(Item(remote_id=remote_id, name=att.filename, provenance=provenance), read_all(att.payload),
                        expected_size=len(att.payload))
    if not dry_run:
        ledger.record(landing.con, ledger.Entry(
            source_code=source.code, remote_id=f"{base}/{msg.uid}", version=DONE, sha256="", size_bytes=0,
            provenance=provenance, file_name=None), landing.clock())
