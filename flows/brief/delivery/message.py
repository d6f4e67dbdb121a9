"""Assemble one briefing as an email with the standard library's EmailMessage.

Structure: multipart/mixed [ multipart/alternative [ text/plain, multipart/related [ text/html,
image/png (CID) ] ], XLSX attachment ]. The attachment's Chinese file name goes in Content-Disposition,
RFC 2231 encoded by the email package itself; an ASCII name beside it in Content-Type's `name=` serves
the mail clients that do not read RFC 2231 (else they show "ATT00001" or nothing). Header values are flattened to one line first, so a newline smuggled into a
place name or recipient name cannot add headers. The Message-ID is derived from what was said, so
the same briefing always carries the same ID.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import fields, is_dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]")


class _HeaderClasses(HeaderRegistry):
    """The standard registry builds a new header class with type() and parses the value on every header
    set (dozens a message: a large share of rendering a weekly). The class depends only on the name,
    and a parsed header is an immutable str whose value depends only on name and text, so both are
    kept: most headers of a MIME part (Content-Type, Content-Transfer-Encoding ...) repeat in every email."""

    @lru_cache(maxsize=256)  # noqa: B019 - one registry for the process; names are few
    def __getitem__(self, name: str):
        return super().__getitem__(name)

    def __call__(self, name: str, value):
        if type(value) is str:
            return self._parsed(name, value)
        return super().__call__(name, value)

    @lru_cache(maxsize=4096)  # noqa: B019 - bounded; unique values (Subject, Message-ID) just pass through
    def _parsed(self, name: str, value: str):
        return super().__call__(name, value)


# The standard default policy in every respect but the cached header classes.
POLICY = policy.default.clone(header_factory=_HeaderClasses())
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def header_safe(value: str) -> str:
    """One line of text: control characters (CR, LF, tab ...) become spaces, runs of space collapse."""
    return " ".join(_CONTROL.sub(" ", str(value)).split())


def ascii_filename(name: str) -> str:
    """bipin-weekly-2026-W48-wuyi.xlsx: anything but letters, digits, dot, dash and underscore becomes '_'."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name).strip("._") or "bipin.xlsx"


def content_hash(context: object, sheets: object = ()) -> str:
    """sha256 of what the briefing says (not when it was generated).

    The bytes hashed are json.dumps([data, list(sheets)]); each sheet's part is kept per sheet, since
    every recipient of a group carries the same tables (thousands of rows)."""
    data = _fields(context) if is_dataclass(context) else dict(context)
    data.pop("generated_at", None)
    payload = f"[{_json(data)}, [{', '.join(_sheet_json(s) for s in sheets)}]]"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _json(value: object) -> str:
    return json.dumps(value, default=_plain, sort_keys=True, ensure_ascii=False)


def _sheet_json(sheet: object) -> str:
    try:
        return _sheet_json_cached(sheet)
    except TypeError:  # not hashable
        return _json(sheet)


@lru_cache(maxsize=64)
def _sheet_json_cached(sheet: object) -> str:
    return _json(sheet)


def _fields(obj: object) -> dict:
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def _plain(value: object) -> object:
    """json's fallback: a dataclass becomes its fields (what asdict gives, without its deep copy), else str."""
    if is_dataclass(value) and not isinstance(value, type):
        return _fields(value)
    return str(value)


def message_id(kind: str, period_key: str, recipient: str, digest: str, domain: str) -> str:
    """<bipin.weekly.<32 hex>@domain>: the same kind, period, recipient and content give the same ID."""
    h = hashlib.sha256(f"{kind}|{period_key}|{recipient.lower()}|{digest}".encode()).hexdigest()[:32]
    return f"<bipin.{kind}.{h}@{header_safe(domain)}>"


def chart_cid(msg_id: str) -> str:
    """Content-ID for the chart (no angle brackets), unique per message."""
    return "trend." + msg_id.strip("<>")


def _address(name: str, email: str) -> Address:
    user, domain = email.rsplit("@", 1)
    return Address(display_name=header_safe(name), username=user, domain=domain)


def build_message(*, subject: str, from_name: str, from_address: str, to_name: str, to_address: str,
                  text: str, html: str, msg_id: str, date: datetime, kind: str, period_key: str,
                  png: bytes | None = None, cid: str | None = None,
                  xlsx: bytes | None = None, attachment_name: str = "",
                  attachment_fallback: str = "bipin.xlsx") -> EmailMessage:
    msg = EmailMessage(policy=POLICY)
    msg["Subject"] = header_safe(subject)
    msg["From"] = _address(from_name, from_address)
    msg["To"] = _address(to_name, to_address)
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = msg_id
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Bipin-Kind"] = header_safe(kind)
    msg["X-Bipin-Period"] = header_safe(period_key)
    msg.set_content(text, subtype="plain", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    if png is not None and cid:
        html_part = msg.get_payload()[1]
        html_part.add_related(png, maintype="image", subtype="png", cid=f"<{cid}>",
                              disposition="inline", filename="trend.png")
    if xlsx is not None:
        fallback = ascii_filename(attachment_fallback)
        msg.add_attachment(xlsx, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1],
                           filename=header_safe(attachment_name) or fallback)
        msg.get_payload()[-1].set_param("name", fallback)
    # boundaries derived from the Message-ID instead of random ones: the same briefing, the same bytes
    seed = hashlib.sha256(msg_id.encode()).hexdigest()[:24]
    for n, part in enumerate(p for p in msg.walk() if p.is_multipart()):
        part.set_boundary(f"=_bipin_{seed}_{n}")
    return msg
