"""The operators' digest in Chinese: ingest's message codes as reasons, and names where the logs say codes.

raw.file_messages carries a short code per rule (unknown_place, not_numeric ...) and an English text
for the CLI. The digest says what the code means in Chinese and what to do; a code it does not know
(a rule added later) falls back to the message itself, so nothing is ever dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from flows.core.message_words import REASONS, quoted, reason, where  # noqa: F401 (digest.py uses dw.*)

# a failing pull source's fault kind (pull.source_status.fault_kind) -> what to do, for the digest
PULL_FAULTS: dict[str, str] = {
    "login": "登录被拒，请核对 config/pull.yaml 的 user 和密码所在的环境变量",
    "certificate": "服务器证书不受信任，请在 config/pull.yaml 的 ca_file 配置其证书",
    "timeout": "服务器无响应（超时），下次运行会重试；持续出现请联系对方",
    "http": "网站返回错误，下次运行会重试；若网址已变请更新 config/pull.yaml 的 url",
    "garbage": "返回的内容不是预期的网页或文件，请核对 config/pull.yaml 的 url 和 link_pattern",
    "network": "无法连接服务器，请核对地址、端口和网络；下次运行会重试",
    "links": "部分表格链接多次下载失败，下次运行会重试",
    "incomplete": "传输中断，下次运行会重新下载",
}


STATUS_WORDS = {"sent": "已发送", "skipped": "此前已发送", "dry_run": "试运行未发送", "blocked": "未发送",
                "failed_transient": "发送失败（临时，下次运行会重试）", "failed_permanent": "发送失败（永久）",
                "failed_render": "生成失败", "uncertain": "状态不明（未确认是否送达，不会自动重发）",
                "sending": "发送中断（未确认是否送达，不会自动重发）"}
TROUBLE = ("failed_transient", "failed_permanent", "failed_render", "uncertain", "sending", "blocked")


class Names:
    """Replaces place and indicator codes in free text with their Chinese names (wucheng -> 婺城)."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = dict(names)
        codes = sorted((c for c in self.names if c), key=len, reverse=True)
        # ASCII boundaries only: a code is a whole token even when Chinese touches it (地区wucheng)
        self._pattern = (re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, codes)) + r")(?![A-Za-z0-9_])")
                         if codes else None)

    def __call__(self, text: str) -> str:
        if not self._pattern or not text:
            return text
        return self._pattern.sub(lambda m: self.names[m.group(1)], text)
