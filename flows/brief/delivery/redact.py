"""Keep the SMTP password out of every log line, whoever logs it (a library, Prefect, us).

A logging.Filter on every handler replaces the secret (and its base64 forms, as AUTH sends it) with
***. Installed by deliver.py as soon as the password is read.
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
        self.secrets.add(secret)
        self.secrets.add(base64.b64encode(secret.encode()).decode())
        if user:  # AUTH PLAIN sends base64("\0user\0password")
            self.secrets.add(base64.b64encode(f"\0{user}\0{secret}".encode()).decode())

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
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


_FILTER = RedactSecrets()


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
