"""Deliver a batch of briefings: to the outbox (.eml + .html preview) or over SMTP, through the ledger.

SMTP: STARTTLS or implicit TLS, AUTH, one connection for the whole batch, opened (and the
credentials checked) before the first ledger row is touched. A transient failure (4xx, refused
connection, timeout, dropped connection) is retried with backoff on a fresh connection; a permanent
one (5xx) is recorded at once. A connection lost after the whole message went out, before the
server's reply, is `uncertain`: the server may have accepted it, so it is never sent again without
--resend. One recipient's failure never stops the rest, and no row is left at `sending` by an
exception. Every detail is scrubbed of the password before it is stored or returned.
"""

from __future__ import annotations

import base64
import logging
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from flows.brief.delivery import ledger, smtp_client
from flows.brief.delivery.outcome import SendResult
from flows.brief.delivery.redact import protect, scrub
from flows.brief.delivery.revised import change_note
from flows.config.delivery import DeliveryConfig, smtp_password

log = logging.getLogger("bipin.brief.deliver")


@dataclass(frozen=True)
class Outgoing:
    """One rendered email waiting to go, with what the ledger needs to file it."""

    kind: str
    period_key: str
    email: str
    name: str
    subject: str
    message: EmailMessage
    html: str
    content_hash: str
    message_id: str
    data_as_of: datetime | None = None


class SendFailure(Exception):
    def __init__(self, permanent: bool, detail: str, at_connect: bool = False, uncertain: bool = False) -> None:
        super().__init__(scrub(detail))
        self.permanent = permanent
        self.at_connect = at_connect  # the server could not be reached or refused us: the rest would fail too
        self.uncertain = uncertain    # the message went out whole; whether the server kept it is unknown

    @property
    def status(self) -> str:
        if self.uncertain:
            return "uncertain"
        return "failed_permanent" if self.permanent else "failed_transient"


UNCERTAIN = ("connection lost after the whole message was sent, before the server confirmed it; it may "
             "have arrived: check the mailbox, then use --resend if it did not")


def credential_problem(cfg: DeliveryConfig, password: str | None) -> str | None:
    """What is wrong with the SMTP credentials before anything is sent (None: nothing)."""
    s = cfg.smtp
    if cfg.mode != "smtp" or not s.user:
        return None
    if not password:
        where = (f"environment variable {s.password_env}" if s.password_env else "") + (
            f"{' or ' if s.password_env else ''}Prefect Secret block {s.password_block}" if s.password_block else "")
        return f"delivery.smtp.user is {s.user!r} but no password was found (set {where or 'password_env'})"
    if any(ch in password for ch in "\r\n\0"):
        return "the SMTP password contains a line break or NUL character, which SMTP AUTH cannot carry"
    return None


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._@-]", "_", text).replace("@", "_at_")


def browser_html(out: Outgoing) -> str:
    """The HTML part with its inline images as data: URIs, so a preview opened from disk shows the chart."""
    html = out.html
    for part in out.message.walk():
        cid = part.get("Content-ID")
        if cid and part.get_content_maintype() == "image":
            data = base64.b64encode(part.get_payload(decode=True)).decode("ascii")
            html = html.replace(f"cid:{cid.strip('<>')}", f"data:{part.get_content_type()};base64,{data}")
    return html


def write_outbox(outbox: Path, out: Outgoing) -> Path:
    """var/outbox/<kind>/<period_key>/<recipient>.eml plus .html preview; returns the .eml path."""
    folder = outbox / out.kind / safe_name(out.period_key)
    folder.mkdir(parents=True, exist_ok=True)
    eml = folder / f"{safe_name(out.email)}.eml"
    eml.write_bytes(out.message.as_bytes())
    eml.with_suffix(".html").write_text(browser_html(out), encoding="utf-8")
    return eml


def _code_failure(code: int, text: bytes | str) -> SendFailure:
    detail = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return SendFailure(permanent=500 <= code < 600, detail=f"{code} {detail}".strip())


class SmtpSession:
    """One SMTP connection reused across a batch, reopened after a transient failure."""

    def __init__(self, cfg: DeliveryConfig, sleep: Callable[[float], None] = time.sleep) -> None:
        self.cfg, self.sleep, self.conn = cfg, sleep, None
        self.password = smtp_password(cfg.smtp)
        protect(self.password, cfg.smtp.user)
        problem = credential_problem(cfg, self.password)
        if problem:
            raise SendFailure(True, f"credentials: {problem}", at_connect=True)

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.cfg.smtp.ca_file)

    def _connect(self) -> smtplib.SMTP:
        s = self.cfg.smtp
        if s.security == "ssl":
            conn = smtp_client.SMTP_SSL(s.host, s.port, timeout=s.timeout_s, context=self._tls())
        else:
            conn = smtp_client.SMTP(s.host, s.port, timeout=s.timeout_s)
            if s.security == "starttls":
                conn.starttls(context=self._tls())
        if s.user:
            conn.login(s.user, self.password or "")
        # SMTP is a chain of small request/reply turns; without this, Nagle's algorithm meets the
        # server's delayed ACK and every mail waits for the ACK timer
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn

    def _drop(self) -> None:
        if self.conn is not None:
            try:
                self.conn.quit()
            except (smtplib.SMTPException, OSError):
                pass
        self.conn = None

    def close(self) -> None:
        self._drop()

    def open(self) -> None:
        """Connect and log in (if not connected); raises SendFailure(at_connect=True)."""
        if self.conn is None:
            try:
                self.conn = self._connect()
            except smtplib.SMTPResponseException as exc:
                failure = _code_failure(exc.smtp_code, exc.smtp_error)
                raise SendFailure(failure.permanent, f"connecting: {failure}", at_connect=True) from None
            except smtplib.SMTPNotSupportedError as exc:  # e.g. no AUTH or STARTTLS offered: fix the config
                raise SendFailure(True, f"connecting: {exc} (check delivery.smtp.security)", at_connect=True) from None
            except (smtplib.SMTPException, OSError) as exc:
                raise SendFailure(False, f"connecting: {type(exc).__name__}: {exc}", at_connect=True) from None

    def send_once(self, out: Outgoing) -> None:
        """One attempt; raises SendFailure saying whether it is worth retrying."""
        self.open()
        self.conn.data_complete = False  # this message's, not the previous one's
        try:
            refused = self.conn.send_message(out.message, self.cfg.from_address, [out.email])
            if refused:
                code, text = refused[out.email]
                raise _code_failure(code, text)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise _code_failure(code, text) from None
        except smtplib.SMTPResponseException as exc:
            failure = _code_failure(exc.smtp_code, exc.smtp_error)
            if not failure.permanent:
                self._drop()
            raise failure from None
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPException, OSError) as exc:
            whole = self.conn is not None and self.conn.data_complete
            self._drop()
            if whole:
                raise SendFailure(False, f"{UNCERTAIN} ({type(exc).__name__}: {exc})", uncertain=True) from None
            raise SendFailure(permanent=False, detail=f"{type(exc).__name__}: {exc}") from None

    def send(self, out: Outgoing, on_attempt: Callable[[], None]) -> None:
        """Up to 1 + retries attempts; waits backoff(n) between them."""
        for attempt in range(1, self.cfg.retries + 2):
            on_attempt()
            try:
                self.send_once(out)
                return
            except SendFailure as failure:
                if failure.permanent or failure.uncertain or attempt > self.cfg.retries:
                    raise
                log.warning("transient failure for %s (attempt %d): %s", out.email, attempt, failure)
                self.sleep(self.cfg.backoff(attempt))


def deliver_batch(items: list[Outgoing], cfg: DeliveryConfig, con, outbox: Path, *, resend: bool = False,
                  clock: Callable[[], datetime] = datetime.now,
                  sleep: Callable[[float], None] = time.sleep) -> list[SendResult]:
    """Send every item not yet sent (per the ledger); return one SendResult per item, in order."""
    results: list[SendResult | None] = [None] * len(items)
    todo: list[int] = []
    for i, out in enumerate(items):
        row = ledger.lookup(con, out.kind, out.period_key, out.email)
        decision, why = ledger.decide(row, resend)
        if decision == "skip":  # a revision since: which numbers, and how to resend
            why = "; ".join(x for x in (why, change_note(con, row, out.kind, out.email, out.content_hash,
                                                          out.data_as_of)) if x)
        if decision == "send":
            todo.append(i)
        else:
            results[i] = SendResult(out.email, out.name, "skipped" if decision == "skip" else "uncertain",
                                    why, out.subject)
    session, unreachable = None, None
    if cfg.mode == "smtp" and todo:
        try:  # credentials and the server checked once, before any row is marked sending
            session = SmtpSession(cfg, sleep)
            session.open()
        except SendFailure as failure:
            unreachable = failure
    try:
        for i in todo:
            out = items[i]
            if unreachable:
                why = f"not attempted: {unreachable}"
                ledger.record_failure(con, out.kind, out.period_key, out.email, status=unreachable.status,
                                      content_hash=out.content_hash, message_id=out.message_id,
                                      subject=out.subject, now=clock(), error=why)
                results[i] = SendResult(out.email, out.name, unreachable.status, why, out.subject)
                continue
            result = _deliver_one(out, session, con, outbox, clock)
            results[i] = SendResult(out.email, out.name, result.status, scrub(result.detail), out.subject)
            if result.at_connect is not None:
                unreachable = result.at_connect
    finally:
        if session is not None:
            session.close()
    return [r for r in results if r is not None]


@dataclass(frozen=True)
class _Result(SendResult):
    at_connect: SendFailure | None = None


def _deliver_one(out: Outgoing, session: SmtpSession | None, con, outbox: Path,
                 clock: Callable[[], datetime]) -> _Result:
    """One item through the ledger: whatever happens, its row leaves `sending` (sent, failed or uncertain)."""
    started = False

    def attempt() -> None:
        nonlocal started
        ledger.start_attempt(con, out.kind, out.period_key, out.email, content_hash=out.content_hash,
                             message_id=out.message_id, subject=out.subject, data_as_of=out.data_as_of, now=clock())
        started = True

    status, error = "failed_transient", "interrupted before the message was sent"
    try:
        if session is None:
            attempt()
            detail = str(write_outbox(outbox, out))
        else:
            session.send(out, attempt)
            detail = out.message_id
        status, error = "sent", None
        return _Result(out.email, out.name, "sent", detail, out.subject)
    except SendFailure as failure:
        status, error = failure.status, str(failure)
        return _Result(out.email, out.name, status, error, out.subject, failure if failure.at_connect else None)
    except Exception as exc:  # a bug or a library's surprise: filed against this recipient, the batch goes on
        status, error = "failed_permanent", scrub(f"{type(exc).__name__}: {exc}")
        log.exception("sending to %s failed", out.email)
        return _Result(out.email, out.name, status, error, out.subject)
    finally:
        if started:  # also on KeyboardInterrupt: a row at `sending` would hold the briefing back as uncertain
            if status != "sent" and session is not None and session.conn is not None and session.conn.data_complete:
                status, error = "uncertain", UNCERTAIN
            ledger.finish(con, out.kind, out.period_key, out.email, status=status, now=clock(), error=error)
