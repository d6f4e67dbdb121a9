"""Robot posts through the same send ledger as the emails: recorded before and after, never twice.

A post's ledger row (recipient `dingtalk:wuyi-leaders`) is marked `sending` before each attempt and
`sent`, `failed_*` or `uncertain` after it, whatever happens; `uncertain` (the reply was lost after the
whole request went out) and a row left at `sending` are not posted again without --resend. In outbox
mode the body is written as JSON beside the emails instead of posted.
"""

from __future__ import annotations

import json
import logging
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx

from flows.brief.delivery import ledger, webhook
from flows.brief.delivery.outcome import SendResult
from flows.brief.delivery.redact import protect, scrub
from flows.brief.delivery.send import SendFailure, safe_name
from flows.config.channels import Channel
from flows.config.delivery import DeliveryConfig
from flows.config.secrets import read_secret

log = logging.getLogger("bipin.brief.deliver")
SIGNED_AT_SEND = "<set when posting>"
UNCERTAIN_SKIP = ("the platform got the whole post but the connection dropped before it confirmed; check the "
                  "group chat, then use --resend if it is not there")


@dataclass(frozen=True)
class ChatPost:
    """One rendered robot post waiting to go, with what the ledger needs to file it."""

    kind: str
    period_key: str
    email: str            # the channel's ledger address, dingtalk:wuyi-leaders
    name: str
    subject: str
    channel: Channel
    body: dict
    content_hash: str
    message_id: str
    data_as_of: datetime | None = None
    left_out: int = 0     # detail lines dropped to fit the platform's limit

    def shown(self) -> str:
        """The exact JSON body, as posted; Feishu's signature fields are made at send time and shown as such."""
        body = self.body
        if self.channel.kind == "feishu" and self.channel.signed:
            body = {"timestamp": SIGNED_AT_SEND, "sign": SIGNED_AT_SEND, **body}
        return json.dumps(body, ensure_ascii=False)


def credentials(channel: Channel) -> tuple[str, str | None]:
    """The webhook token and signing secret, registered for redaction as soon as they are read."""
    token = read_secret(channel.token_env, channel.token_block)
    secret = read_secret(channel.secret_env, channel.secret_block) if channel.signed else None
    protect(token)
    protect(secret)
    if not token:
        raise SendFailure(True, f"no webhook token for {channel.email} (set {_where(channel.token_env, channel.token_block)})")
    if channel.signed and not secret:
        raise SendFailure(True, f"no signing secret for {channel.email} "
                                f"(set {_where(channel.secret_env, channel.secret_block)})")
    return token, secret


def _where(env: str | None, block: str | None) -> str:
    """environment variable X or Prefect Secret block Y: where a credential is to be set."""
    return " or ".join(x for x in (env and f"environment variable {env}", block and f"Prefect Secret block {block}")
                       if x)


def write_outbox(outbox: Path, post: ChatPost) -> Path:
    """var/outbox/<kind>/<period_key>/<dingtalk_wuyi-leaders>.json: what would have been posted."""
    folder = outbox / post.kind / safe_name(post.period_key)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{safe_name(post.email)}.json"
    path.write_text(post.shown() + "\n", encoding="utf-8")
    return path


def open_client(cfg: DeliveryConfig) -> httpx.Client:
    """The HTTP client for a batch: the configured CA bundle and proxy only (a scheduled job should not post
    through whatever proxy its environment happens to name)."""
    verify = ssl.create_default_context(cafile=cfg.chat.ca_file) if cfg.chat.ca_file else True
    return httpx.Client(timeout=cfg.chat.timeout_s, verify=verify, proxy=cfg.chat.proxy, trust_env=False)


def deliver_posts(posts: list[ChatPost], cfg: DeliveryConfig, con, outbox: Path, *, resend: bool = False,
                  clock: Callable[[], datetime] = datetime.now, sleep: Callable[[float], None] = time.sleep,
                  client: httpx.Client | None = None) -> list[SendResult]:
    """Post every item not yet posted (per the ledger); one SendResult per item, in order."""
    results = []
    own = client is None and cfg.mode == "smtp" and bool(posts)
    if own:
        client = open_client(cfg)
    try:
        for post in posts:
            row = ledger.lookup(con, post.kind, post.period_key, post.email)
            decision, why = ledger.decide(row, resend)
            if decision != "send":
                why = UNCERTAIN_SKIP if row is not None and row.status == "uncertain" else why
                results.append(SendResult(post.email, post.name, "skipped" if decision == "skip" else "uncertain",
                                          why, post.subject))
                continue
            status, detail = _post_one(post, cfg, con, outbox, client, clock, sleep)
            results.append(SendResult(post.email, post.name, status, scrub(detail), post.subject))
    finally:
        if own:
            client.close()
    return results


def _post_one(post: ChatPost, cfg: DeliveryConfig, con, outbox: Path, client: httpx.Client | None,
              clock: Callable[[], datetime], sleep: Callable[[float], None]) -> tuple[str, str]:
    """One post through the ledger: whatever happens, its row leaves `sending`."""
    if client is not None:
        try:
            token, secret = credentials(post.channel)
        except SendFailure as failure:
            ledger.record_failure(con, post.kind, post.period_key, post.email, status=failure.status,
                                  content_hash=post.content_hash, message_id=post.message_id, subject=post.subject,
                                  now=clock(), error=f"not attempted: {failure}")
            return failure.status, f"not attempted: {failure}"
    started, attempt = False, webhook.Attempt()

    def begin() -> None:
        nonlocal started, attempt
        ledger.start_attempt(con, post.kind, post.period_key, post.email, content_hash=post.content_hash,
                             message_id=post.message_id, subject=post.subject, data_as_of=post.data_as_of,
                             now=clock())
        started, attempt = True, webhook.Attempt()

    status, error = "failed_transient", "interrupted before the post was sent"
    try:
        if client is None:
            begin()
            detail = str(write_outbox(outbox, post))
        else:
            _with_retries(post, cfg, client, token, secret, begin, lambda: attempt, sleep)
            detail = f"posted to {post.channel.name}"
        status, error = "sent", None
        return status, detail
    except SendFailure as failure:
        status, error = failure.status, str(failure)
        return status, error
    except Exception as exc:  # a bug or a library's surprise: filed against this channel, the batch goes on
        status, error = "failed_permanent", scrub(f"{type(exc).__name__}: {exc}")
        log.exception("posting to %s failed", post.email)
        return status, error
    finally:
        if started:  # also on KeyboardInterrupt: the whole request may be with the platform already
            if status not in ("sent", "uncertain") and attempt.in_doubt:
                status, error = "uncertain", webhook.UNCERTAIN
            ledger.finish(con, post.kind, post.period_key, post.email, status=status, now=clock(), error=error)


def _with_retries(post: ChatPost, cfg: DeliveryConfig, client: httpx.Client, token: str, secret: str | None,
                  begin: Callable[[], None], current: Callable[[], webhook.Attempt],
                  sleep: Callable[[float], None]) -> None:
    """Up to 1 + retries attempts, each signed afresh; a rate limit waits the platform's longer pause."""
    for n in range(1, cfg.retries + 2):
        begin()
        try:
            webhook.post_once(client, post.channel, token, secret, post.body, current())
            return
        except webhook.PostFailure as failure:
            if failure.permanent or failure.uncertain or n > cfg.retries:
                raise
            wait = cfg.chat.rate_limit_wait_s * 2 ** (n - 1) if failure.rate_limited else cfg.backoff(n)
            log.warning("transient failure for %s (attempt %d), next in %.0f s: %s", post.email, n, wait, failure)
            sleep(wait)
