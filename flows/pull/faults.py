"""A source that fails: retried with backoff (tenacity), then said in one line: which, why, what to do."""

from __future__ import annotations

import imaplib
import socket
import ssl
import time
from collections.abc import Callable
from typing import TypeVar

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from flows.pull.store import Garbage, IncompleteTransfer

T = TypeVar("T")


def is_transient(exc: BaseException) -> bool:
    """Worth another try: the network, the server, a refused login (a password being changed), garbage."""
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code >= 500 or exc.response.status_code == 429
    return isinstance(exc, OSError | EOFError | httpx.TransportError | imaplib.IMAP4.error | Garbage) or \
        type(exc).__name__ in ("MailboxLoginError", "SSHException", "AuthenticationException")


def with_retries(call: Callable[[], T], retries: int, backoff_s: float,
                 sleep: Callable[[float], None] = time.sleep) -> T:
    """call(), again after backoff_s, 2 x backoff_s, ... while it fails transiently; the last error is raised."""
    retrying = Retrying(stop=stop_after_attempt(retries + 1), wait=wait_exponential(multiplier=backoff_s, min=0),
                        retry=retry_if_exception(is_transient), sleep=sleep, reraise=True)
    return retrying(call)


def describe(exc: BaseException, where: str, password_env: str | None = None) -> tuple[str, str]:
    """(kind, line): what failed and what to do, in one line, never with a secret (messages name the variable,
    not its value); kind is login / certificate / timeout / http / garbage / incomplete / network / other,
    which the operators' digest words in Chinese."""
    detail = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")
    secret = f"the password in ${password_env}" if password_env else "the password (password_env / password_block)"
    if _is_login(exc):
        return "login", f"login refused by {where} ({detail}); check `user` in config/pull.yaml and {secret}"
    if isinstance(exc, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(exc):
        return "certificate", (f"{where} presented a certificate this machine does not trust ({detail}); "
                "set ca_file to the server's certificate or its CA")
    if isinstance(exc, TimeoutError | socket.timeout | httpx.TimeoutException):
        return "timeout", f"{where} did not answer in time ({detail}); bipin tries again next run; check the server if it persists"
    if isinstance(exc, httpx.HTTPStatusError):
        code = exc.response.status_code
        if code in (401, 403):
            return "http", f"{where} refused access (HTTP {code}); check the address and any login the site needs"
        if code == 404:
            return "http", f"{where} is gone (HTTP 404); the bureau moved the page: update url in config/pull.yaml"
        return "http", f"{where} failed (HTTP {code}); the site is having trouble: bipin tries again next run"
    if isinstance(exc, Garbage):
        return "garbage", f"{where} returned something unexpected ({exc}); check url / link_pattern in config/pull.yaml"
    if isinstance(exc, IncompleteTransfer):
        return "incomplete", f"{where}: a transfer broke off ({exc})"
    if isinstance(exc, ConnectionError | OSError | httpx.TransportError | EOFError):
        return "network", f"cannot reach {where} ({detail}); check the host, the port and the network; bipin tries again next run"
    return "other", f"{where} failed ({detail}); see the run log, fix, then `bipin pull --source CODE`"


def _is_login(exc: BaseException) -> bool:
    name = type(exc).__name__
    text = str(exc).upper()
    return name in ("MailboxLoginError", "AuthenticationException") or (
        isinstance(exc, imaplib.IMAP4.error) and ("AUTHENTICATIONFAILED" in text or "LOGIN" in text))
