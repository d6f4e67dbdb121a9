"""From a Briefing to a robot post: the leader block (content/chat.py) in the platform's format and size.

DingTalk and WeCom take markdown (templates/chat/markdown.md.j2), Feishu a `post` of plain-text
paragraphs (templates/chat/feishu.txt.j2). A post over the platform's limit loses its last detail lines
one at a time, and says how many went (the headline counts are never cut).
"""

from __future__ import annotations

import hashlib
import json

from flows.brief.content.chat import ChatText, chat_text, without_last_line
from flows.brief.content.collect import Briefing
from flows.brief.delivery import message
from flows.brief.delivery.post import ChatPost
from flows.brief.render.html import environment
from flows.config.channels import Channel

# bytes, as each platform counts them: DingTalk's markdown text (~20,000), WeCom's markdown content
# (4,096, UTF-8), Feishu's whole request body (20 KB; the signature fields added at send time are kept
# room for)
LIMITS = {"dingtalk": 20_000, "wecom": 4_096, "feishu": 20_000 - 200}
# markdown's ASCII signs as their full-width forms: they read the same and can never become markup
_MD_SIGNS = str.maketrans({"*": "＊", "_": "＿", "~": "～", "[": "［", "]": "］", "<": "＜", ">": "＞",
                           "#": "＃", "`": "｀", "|": "｜"})


def md(text: object) -> str:
    return str(text).translate(_MD_SIGNS)


def _template(name: str):
    env = environment()
    env.filters.setdefault("md", md)
    return env.get_template(name)


def _lines(rendered: str) -> list[str]:
    return [line.rstrip() for line in rendered.splitlines() if line.strip()]


def body(text: ChatText, channel: Channel) -> dict:
    """The JSON body the platform's webhook takes (without Feishu's timestamp and sign, added at send time)."""
    if channel.kind == "feishu":
        paragraphs = [[{"tag": "text", "text": line}] for line in _lines(_template("chat/feishu.txt.j2").render(t=text))]
        if channel.at_user_ids:
            paragraphs.append([{"tag": "at", "user_id": uid} for uid in channel.at_user_ids])
        return {"msg_type": "post", "content": {"post": {"zh_cn": {"title": text.title, "content": paragraphs}}}}
    mentions = ([f"@{m}" for m in channel.at_mobiles] if channel.kind == "dingtalk"
                else [f"<@{uid}>" for uid in channel.at_user_ids])
    markdown = _template("chat/markdown.md.j2").render(t=text, mentions=mentions)
    markdown = "\n".join(line.rstrip() for line in markdown.strip().splitlines()) + "\n"
    if channel.kind == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": markdown}}
    return {"msgtype": "markdown", "markdown": {"title": text.title, "text": markdown},
            "at": {"atMobiles": list(channel.at_mobiles), "isAtAll": False}}


def size(payload: dict, kind: str) -> int:
    """What the platform's limit is measured on, in UTF-8 bytes."""
    if kind == "wecom":
        return len(payload["markdown"]["content"].encode("utf-8"))
    if kind == "dingtalk":
        return len(payload["markdown"]["text"].encode("utf-8"))
    return len(json.dumps(payload, ensure_ascii=False).encode("utf-8"))


def fitted(text: ChatText, channel: Channel) -> tuple[ChatText, dict]:
    """The post and its body within the platform's limit: detail lines go from the end until it fits."""
    payload = body(text, channel)
    while size(payload, channel.kind) > LIMITS[channel.kind]:
        shorter = without_last_line(text)
        if shorter is None:
            raise ValueError(f"the headline alone is {size(payload, channel.kind)} bytes, over {channel.kind}'s "
                             f"limit of {LIMITS[channel.kind]}")
        text, payload = shorter, body(shorter, channel)
    return text, payload


def compose_post(b: Briefing, channel: Channel) -> ChatPost:
    """One robot's post of a briefing, derived from its content only: the same data, the same body."""
    if not hasattr(b.context, "leader") or b.context.leader is None:
        raise ValueError(f"a {b.kind} briefing has no leader block to post (robots take weekly and monthly)")
    text, payload = fitted(chat_text(b.kind, b.subject, b.context, b.attachment_name), channel)
    digest = hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
    return ChatPost(kind=b.kind, period_key=b.period_key, email=channel.email, name=channel.name,
                    subject=message.header_safe(b.subject), channel=channel, body=payload, content_hash=digest,
                    message_id=message.message_id(b.kind, b.period_key, channel.email, digest, channel.kind),
                    data_as_of=b.data_as_of, left_out=text.left_out)
