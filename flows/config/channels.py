"""Work-group channels: custom robots of DingTalk (and 浙政钉), WeCom and Feishu groups, listed under
`channels:` in config/recipients.yaml beside the email recipients, with the transport settings under
`delivery.chat` in config/delivery.yaml.

A robot's webhook token (DingTalk access_token, WeCom key, Feishu hook id) and its signing secret are
credentials: the config names the environment variable or Prefect Secret block that holds each, never
the value, and a webhook address written with its token in it is refused.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import parse_qs, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from flows.config.catalog import Catalog
from flows.config.names import did_you_mean, error_text
from flows.config.recipients import resolve_focus

ChatKind = Literal["dingtalk", "wecom", "feishu"]
CHAT_KINDS = get_args(ChatKind)
# the public services' addresses; a government deployment (浙政钉) writes its own under `webhook:`
DEFAULT_WEBHOOKS = {
    "dingtalk": "https://oapi.dingtalk.com/robot/send",
    "wecom": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
    "feishu": "https://open.feishu.cn/open-apis/bot/v2/hook",
}
# what offices call them -> kind (浙政钉 is DingTalk on the province's own host)
KIND_WORDS = {"dingtalk": "dingtalk", "钉钉": "dingtalk", "浙政钉": "dingtalk", "wecom": "wecom",
              "企业微信": "wecom", "企微": "wecom", "feishu": "feishu", "飞书": "feishu", "lark": "feishu"}
PostedKind = Literal["weekly", "monthly"]   # the briefings that have a leader block
POSTED_KINDS = get_args(PostedKind)
TOKEN_PARAMS = ("access_token", "key", "token")
_MOBILE = re.compile(r"^\+?\d{5,15}$")


class ChannelError(Exception):
    """A channel entry that cannot be used; the message names the file, the entry and what to fix."""


class ChatConfig(BaseModel):
    """How robot posts travel (delivery.chat in delivery.yaml); every default stated here."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    timeout_s: float = Field(default=10.0, gt=0)
    # a robot over its limit (DingTalk: 20 a minute, then a 10 minutes' pause) is waited for, doubling:
    # with delivery.retries 3 that spans 14 minutes, past the pause
    rate_limit_wait_s: float = Field(default=120.0, ge=0)
    ca_file: str | None = None  # a government network's own CA bundle, if its webhook host uses one
    proxy: str | None = None    # e.g. http://proxy.example.gov.cn:8080; stated here, not taken from the environment


class Channel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")  # stable key in the send ledger
    name: str = Field(min_length=1)                       # the group's name, for messages
    kind: ChatKind
    place: str
    groups: tuple[str, ...] = ()
    unit: str | None = None  # a unit's own group (units.yaml): its posts open with that unit's indicators
    kinds: tuple[PostedKind, ...] = ("weekly",)
    webhook: str | None = None        # the address without its token; None: the platform's public one
    token_env: str | None = None      # environment variable holding the webhook token
    token_block: str | None = None    # or a Prefect Secret block holding it
    secret_env: str | None = None     # the signing secret (DingTalk 加签 SEC..., Feishu 签名校验)
    secret_block: str | None = None
    at_mobiles: tuple[str, ...] = ()  # DingTalk: members to @ by mobile number
    at_user_ids: tuple[str, ...] = ()  # WeCom userid / Feishu open_id of members to @
    origin: str = ""

    @field_validator("name")
    @classmethod
    def _one_line(cls, v: str) -> str:
        return " ".join(v.split())

    @property
    def email(self) -> str:
        """The channel's address in the send ledger and in results (dingtalk:wuyi-leaders), named like a
        Recipient's so that every report reads email and chat outcomes alike."""
        return f"{self.kind}:{self.code}"

    @property
    def base_url(self) -> str:
        return (self.webhook or DEFAULT_WEBHOOKS[self.kind]).rstrip("/")

    @property
    def signed(self) -> bool:
        return bool(self.secret_env or self.secret_block)


def select_channels(channels: list[Channel], kind: str, places: list[str] | None = None,
                    addresses: list[str] | None = None) -> list[Channel]:
    """The robots posting this kind, narrowed like recipients: by focus place, by address
    (dingtalk:wuyi-leaders) or code."""
    out = [c for c in channels if kind in c.kinds]
    if places:
        out = [c for c in out if c.place in places]
    if addresses:
        wanted = {a.lower() for a in addresses}
        out = [c for c in out if c.email in wanted or c.code in wanted]
    return out


def channels_from(path: Path, content: Any, catalog: Catalog) -> tuple[list[Channel], list[str]]:
    """(valid robots, every problem) of `channels:` in recipients.yaml's content (None: no file, no robot)."""
    entries = content.get("channels") if isinstance(content, dict) else None  # not a mapping: recipients says so
    if entries is None:
        return [], []
    if not isinstance(entries, list):
        return [], [f"{path}: channels: expected a list of robots (name, kind, place, token_env ...)"]
    out: list[Channel] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for i, raw in enumerate(entries):
        try:
            channel = _validated(raw, catalog, f"{path}: channels[{i}]")
        except ChannelError as exc:
            problems.append(str(exc))
            continue
        if channel.email in seen:
            problems.append(f"{channel.origin}: code {channel.code!r} is already used at {seen[channel.email]}; "
                            f"give each robot its own")
            continue
        seen[channel.email] = channel.origin
        out.append(channel)
    return out, problems


def _validated(raw: object, catalog: Catalog, where: str) -> Channel:
    if not isinstance(raw, dict):
        raise ChannelError(f"{where}: expected a mapping with name, kind, place, token_env")
    raw = dict(raw)
    problems = []
    kind = raw["kind"] = KIND_WORDS.get(str(raw.get("kind", "")).strip().lower(), raw.get("kind"))
    if kind not in CHAT_KINDS:
        problems.append(f"kind {kind!r} is not one of {', '.join(CHAT_KINDS)} (钉钉/浙政钉, 企业微信, 飞书)"
                        + did_you_mean(str(kind), KIND_WORDS))
    if raw.get("place") is None:
        problems.append("place is required: the county whose leader block the robot posts")
    problems += resolve_focus(raw, catalog)
    for k in raw.get("kinds") or ():
        if k not in POSTED_KINDS:
            problems.append(f"kinds: {k!r}: a robot posts the leader block, which weekly and monthly briefings "
                            f"have; expected {' or '.join(POSTED_KINDS)}" + did_you_mean(str(k), POSTED_KINDS))
    problems += _credential_problems(raw, kind)
    raw["origin"] = where
    if problems:
        raise ChannelError(f"{where} (name={raw.get('name')}): " + "; ".join(problems))
    try:
        return Channel.model_validate(raw)
    except ValidationError as exc:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {error_text(e, Channel)}" for e in exc.errors())
        raise ChannelError(f"{where} (name={raw.get('name')}): {detail}") from None


def _credential_problems(raw: dict, kind: object) -> list[str]:
    problems = []
    if not (raw.get("token_env") or raw.get("token_block")):
        problems.append("token_env (or token_block) is required: the environment variable holding the webhook's "
                        "access_token / key / hook id")
    if kind == "wecom" and (raw.get("secret_env") or raw.get("secret_block")):
        problems.append("WeCom robots do not sign; remove secret_env / secret_block")
    url = raw.get("webhook")
    if url is not None:
        parts = urlsplit(str(url))
        if parts.scheme not in ("https", "http") or not parts.hostname:
            problems.append(f"webhook {url!r} is not an http(s) address like {DEFAULT_WEBHOOKS.get(kind, 'https://host/path')}")
        elif set(parse_qs(parts.query)) & set(TOKEN_PARAMS) or (kind == "feishu" and "/hook/" in parts.path):
            problems.append("webhook carries its token: write the address without it and put the token in the "
                            "environment variable named by token_env")
    if raw.get("at_mobiles") and kind != "dingtalk":
        problems.append("at_mobiles: only DingTalk robots @ by mobile in markdown; use at_user_ids (WeCom userid, "
                        "Feishu open_id)")
    if raw.get("at_user_ids") and kind == "dingtalk":
        problems.append("at_user_ids: DingTalk robots @ by mobile; use at_mobiles")
    bad = [m for m in raw.get("at_mobiles") or () if not _MOBILE.match(str(m))]
    if bad:
        problems.append(f"at_mobiles: {', '.join(map(str, bad))} is not a mobile number (digits only, e.g. 13800000000)")
    return problems
