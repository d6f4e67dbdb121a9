"""Keep the SMTP password out of everything bipin logs, stores, prints or returns.

A logging.Filter on every handler replaces the secret (and its base64 and escaped forms, as AUTH
sends it and exceptions print it) with ***; `scrub` does the same for text bipin keeps (the send
ledger's last_error, results, the flow's state message and artifacts). Installed by send.py as soon
as the password is read.
"""

from __future__ import annotations

import base64
import logging

MASK = "***"


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: set[str] | None = None) -> None:
        super().__init__()
        self.secrets: set[str] = set()
        for s in secrets or ():
            self.add(s)

    def add(self, secret: str, user: str | None = None) -> None:
        if not secret:
            return
        raw = secret.encode("utf-8")
        self.secrets.add(secret)
        self.secrets.add(base64.b64encode(raw).decode())
        # as a bytes repr prints it (smtplib's exceptions: b'535 ... \xe5\xaf\x86') and as an escaped str
        self.secrets.add(repr(raw)[2:-1])
        self.secrets.add(secret.encode("unicode_escape").decode("ascii"))
        if user:  # AUTH PLAIN sends base64("\0user\0password")
            self.secrets.add(base64.b64encode(f"\0{user}\0{secret}".encode()).decode())
            self.secrets.add(base64.b64encode(f"\0{user}\0{secret}".encode()).decode().rstrip("="))

    def redact(self, text: str) -> str:
        for s in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(s, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            # formatted now, so the traceback's text (which may quote a server's reply) is redacted too;
            # handlers reuse exc_text instead of formatting exc_info again
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


_FILTER = RedactSecrets()


def scrub(text: str) -> str:
    """`text` without any secret registered so far (for what is stored, returned or printed, not logged)."""
    return _FILTER.redact(text) if _FILTER.secrets and text else text


def protect(secret: str | None, user: str | None = None) -> RedactSecrets:
    """Register a secret and attach the filter to every logger and handler that exists now."""
    if secret:
        _FILTER.add(secret, user)
    loggers = [logging.getLogger()] + [lg for lg in logging.root.manager.loggerDict.values()
                                       if isinstance(lg, logging.Logger)]
    for lg in loggers:
        if _FILTER not in lg.filters:
            lg.addFilter(_FILTER)
        for h in lg.handlers:
            if _FILTER not in h.filters:
                h.addFilter(_FILTER)
    return _FILTER
