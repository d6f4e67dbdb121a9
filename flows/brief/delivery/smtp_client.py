"""smtplib's client with two things it lacks: UTF-8 credentials, and knowing whether DATA went out.

- smtplib encodes AUTH responses (and the CRAM-MD5 key) as ASCII, so a password like 密码2026
  raised UnicodeEncodeError mid-batch. Here PLAIN and LOGIN carry the UTF-8 bytes (RFC 4616 says
  UTF-8; mail servers accept it), base64-encoded as the protocol wants.
- When the connection drops after the whole message (up to the final "." line) was written, the
  server may well have accepted it: `data_complete` says so, and the sender files that attempt
  as uncertain instead of sending it again.
"""

from __future__ import annotations

import base64
import smtplib

_MAX_CHALLENGES = 5


class _Utf8Auth:
    """Mixed into smtplib.SMTP / SMTP_SSL."""

    data_complete = False
    _in_data = False

    def data(self, msg):
        self.data_complete = False
        self._in_data = True
        try:
            return super().data(msg)
        finally:
            self._in_data = False

    def send(self, s):
        super().send(s)
        if self._in_data and isinstance(s, bytes | bytearray) and s.endswith(b"\r\n.\r\n"):
            self.data_complete = True  # the message and its terminator are with the server now

    def login(self, user: str, password: str, *, initial_response_ok: bool = True):
        """AUTH PLAIN (preferred) or LOGIN with UTF-8 credentials."""
        self.ehlo_or_helo_if_needed()
        if not self.has_extn("auth"):
            raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
        offered = self.esmtp_features["auth"].upper().split()
        secret = password.encode("utf-8")
        if "PLAIN" in offered:
            token = b"\0" + user.encode("utf-8") + b"\0" + secret
            return self._exchange("PLAIN", [token])
        if "LOGIN" in offered:
            return self._exchange("LOGIN", [user.encode("utf-8"), secret], initial=False)
        raise smtplib.SMTPException(f"no supported AUTH mechanism (server offers {' '.join(offered)}; "
                                    "bipin uses PLAIN or LOGIN)")

    def _exchange(self, mechanism: str, answers: list[bytes], initial: bool = True):
        def b64(raw: bytes) -> str:
            return base64.b64encode(raw).decode("ascii")

        pending = list(answers)
        if initial:
            code, resp = self.docmd("AUTH", f"{mechanism} {b64(pending.pop(0))}")
        else:
            code, resp = self.docmd("AUTH", mechanism)
        for _ in range(_MAX_CHALLENGES):
            if code != 334 or not pending:
                break
            code, resp = self.docmd(b64(pending.pop(0)))
        if code in (235, 503):  # 503: already authenticated
            return code, resp
        raise smtplib.SMTPAuthenticationError(code, resp)


class SMTP(_Utf8Auth, smtplib.SMTP):
    pass


class SMTP_SSL(_Utf8Auth, smtplib.SMTP_SSL):  # noqa: N801 (smtplib's name)
    pass
