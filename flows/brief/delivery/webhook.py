"""One robot post over HTTP (httpx): the platform's signature, its reply read and told apart.

- DingTalk 加签: sign = urlEncode(base64(HmacSHA256(key=secret, msg=timestamp + "\\n" + secret))),
  timestamp in milliseconds, both as query parameters beside access_token; the server refuses a
  timestamp more than an hour off.
- Feishu 签名校验: sign = base64(HmacSHA256(key=timestamp + "\\n" + secret, msg=empty)), timestamp in
  seconds, both in the JSON body.
- WeCom: no signature; the key in the address is the credential.

A reply is success (errcode/code 0), a rate limit (DingTalk 130101, WeCom 45009, Feishu 11232, or HTTP
429: retried after a wait), or a refusal with the platform's code and message (not retried). When the
connection drops after the whole request went out, the platform may have posted it: that is
`uncertain`, as with SMTP, and it is never posted again by itself (httpcore's trace says when the body
was sent in full).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import ssl
import time
from collections.abc import Callable
from urllib.parse import quote, quote_plus

import httpx

from flows.brief.delivery.send import SendFailure
from flows.config.channels import Channel

UNCERTAIN = ("connection lost after the whole post was sent, before the platform confirmed it; it may have been "
             "posted: check the group chat, then use --resend if it was not")
RATE_LIMITED = {"dingtalk": {130101}, "wecom": {45009}, "feishu": {11232}}
# what to do about the refusals an operator meets most (the platform's message is kept beside it)
HINTS = {
    ("dingtalk", 310000): "check the robot's 安全设置: the 加签 secret (secret_env), a keyword the post must "
                          "contain (比拼 is in every post) or the IP allow-list",
    ("dingtalk", 300001): "the access_token is not valid: copy the webhook's token into token_env again",
    ("dingtalk", 400013): "the group was dissolved: remove this robot from recipients.yaml",
    ("wecom", 93000): "the webhook key is not valid: copy it into token_env again",
    ("feishu", 19021): "the signature or timestamp was refused: check secret_env and the machine's clock",
    ("feishu", 19024): "the post lacks the robot's keyword: set the keyword to 比拼 (in every post)",
    ("feishu", 19001): "the hook id is not valid: copy it into token_env again",
}


class PostFailure(SendFailure):
    """A post that did not go through; `rate_limited` asks for the platform's longer wait before a retry."""

    def __init__(self, permanent: bool, detail: str, uncertain: bool = False, rate_limited: bool = False) -> None:
        super().__init__(permanent, detail, uncertain=uncertain)
        self.rate_limited = rate_limited


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """base64 of HmacSHA256 keyed by the secret over "timestamp\\nsecret" (URL-encoding is the query's)."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """base64 of HmacSHA256 keyed by "timestamp\\nsecret" over an empty message."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_request(channel: Channel, token: str, secret: str | None, body: dict,
                   now: float) -> tuple[str, dict]:
    """The address (with its token, and DingTalk's signature) and the body (with Feishu's) for one attempt."""
    base = channel.base_url
    if channel.kind == "feishu":
        url = f"{base}/{quote(token, safe='')}"
        if secret:
            ts = int(now)
            body = {"timestamp": str(ts), "sign": feishu_sign(secret, ts), **body}
        return url, body
    joiner = "&" if "?" in base else "?"
    if channel.kind == "wecom":
        return f"{base}{joiner}key={quote(token, safe='')}", body
    url = f"{base}{joiner}access_token={quote(token, safe='')}"
    if secret:
        ts = int(now * 1000)
        url += f"&timestamp={ts}&sign={quote_plus(dingtalk_sign(secret, ts))}"
    return url, body


def reply_failure(channel: Channel, response: httpx.Response) -> PostFailure | None:
    """None for success; else what the reply says, with the platform's code and message."""
    if response.status_code == 429:
        return PostFailure(False, f"{channel.kind} HTTP 429: too many posts", rate_limited=True)
    if response.status_code >= 500:
        return PostFailure(False, f"{channel.kind} HTTP {response.status_code}: {response.text[:200]}")
    try:
        reply = response.json()
    except ValueError:
        reply = None
    if not isinstance(reply, dict):
        if response.status_code >= 400:
            return PostFailure(True, f"{channel.kind} HTTP {response.status_code}: {response.text[:200]}")
        # a 200 the platform did not word as its JSON: it may have posted; never twice
        return PostFailure(False, f"{UNCERTAIN} (a reply that is not the platform's JSON: "
                                  f"HTTP {response.status_code} {response.text[:120]!r})", uncertain=True)
    code = next((reply[k] for k in ("errcode", "code", "StatusCode") if k in reply), None)
    text = next((str(reply[k]) for k in ("errmsg", "msg", "StatusMessage") if k in reply), "")
    if code == 0 and response.status_code < 400:
        return None
    if code in RATE_LIMITED[channel.kind]:
        return PostFailure(False, f"{channel.kind} errcode {code}: {text} (rate limit)", rate_limited=True)
    hint = HINTS.get((channel.kind, code))
    return PostFailure(True, f"{channel.kind} errcode {code}: {text}" + (f" ({hint})" if hint else ""))


class Attempt:
    """One HTTP exchange as httpcore traces it: the whole request with the server, its reply's head read."""

    def __init__(self) -> None:
        self.body_sent = False
        self.replied = False

    def trace(self, event: str, info: dict) -> None:
        if event.endswith("send_request_body.complete"):
            self.body_sent = True
        elif event.endswith("receive_response_headers.complete"):
            self.replied = True

    @property
    def in_doubt(self) -> bool:
        """The platform has the post but its answer never arrived whole."""
        return self.body_sent and not self.replied


def post_once(client: httpx.Client, channel: Channel, token: str, secret: str | None, body: dict,
              attempt: Attempt, clock: Callable[[], float] = time.time) -> None:
    """One attempt; raises PostFailure saying whether it is worth retrying."""
    url, payload = signed_request(channel, token, secret, body, clock())
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    try:
        response = client.post(url, content=data, headers={"Content-Type": "application/json; charset=utf-8"},
                               extensions={"trace": attempt.trace})
    except httpx.TransportError as exc:
        what = f"{type(exc).__name__}: {exc}"
        if attempt.body_sent:
            raise PostFailure(False, f"{UNCERTAIN} ({what})", uncertain=True) from None
        if _untrusted(exc):  # waiting will not make the certificate trusted
            raise PostFailure(True, f"{channel.kind}: {what} (a host with its own CA: set delivery.chat.ca_file)") from None
        raise PostFailure(False, f"{channel.kind}: {what}") from None
    failure = reply_failure(channel, response)
    if failure is not None:
        raise failure


def _untrusted(exc: BaseException) -> bool:
    while exc is not None:
        if isinstance(exc, ssl.SSLCertVerificationError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False
